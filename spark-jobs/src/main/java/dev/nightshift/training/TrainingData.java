package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import dev.nightshift.input.InputValidationException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.col;

/** Joins a pipeline's input rows to the labels known in the training window. */
public final class TrainingData {

    private TrainingData() {
    }

    /**
     * Input model frame (entity_id, business_date, features) joined to labels (entity_id, business_date, label),
     * both restricted to the window; only (entity, date) pairs present on both sides survive.
     */
    public static Dataset<Row> labelled(Dataset<Row> inputs, Dataset<Row> labels, TrainingWindow window) {
        return window.select(inputs).join(window.select(labels), new String[] {Columns.ENTITY_ID, Columns.BUSINESS_DATE});
    }

    /** Classification labels must be 0 or 1; fails with the count and an example otherwise. */
    public static void checkLabels(Dataset<Row> labelled, Task task) {
        if (task != Task.BINARY_CLASSIFICATION) {
            return;
        }
        Dataset<Row> bad = labelled.where(col(Columns.LABEL).notEqual(0.0).and(col(Columns.LABEL).notEqual(1.0)));
        List<Row> example = bad.select(Columns.ENTITY_ID, Columns.BUSINESS_DATE, Columns.LABEL).limit(1).collectAsList();
        if (!example.isEmpty()) {
            Row r = example.get(0);
            throw new InputValidationException(bad.count() + " label(s) are neither 0 nor 1, e.g. " + r.get(2)
                    + " for entity '" + r.get(0) + "' on " + r.get(1) + "; binary classification needs 0/1 labels");
        }
    }
}
