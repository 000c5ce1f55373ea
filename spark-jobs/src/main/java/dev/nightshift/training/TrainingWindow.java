package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The label dates a model trained as of {@code asOf} may learn from: [asOf - trainingWindowDays, asOf - lagDays].
 * The upper bound guards against label leakage: the label of date d is only known from d + lagDays.
 */
public record TrainingWindow(LocalDate from, LocalDate to) {

    public static TrainingWindow of(LocalDate asOf, int trainingWindowDays, int lagDays) {
        if (trainingWindowDays <= 0 || lagDays < 0) {
            throw new IllegalArgumentException("trainingWindowDays must be positive and lagDays not negative, got "
                    + trainingWindowDays + " and " + lagDays);
        }
        TrainingWindow w = new TrainingWindow(asOf.minusDays(trainingWindowDays), asOf.minusDays(lagDays));
        if (w.to.isBefore(w.from)) {
            throw new IllegalArgumentException("no label is known as of " + asOf + ": lagDays (" + lagDays
                    + ") is not less than trainingWindowDays (" + trainingWindowDays + ")");
        }
        return w;
    }

    public static TrainingWindow of(LocalDate asOf, PipelineSpec spec) {
        return of(asOf, spec.model().trainingWindowDays(), spec.groundTruth().lagDays());
    }

    /** Rows whose {@code business_date} lies in the window. */
    public Dataset<Row> select(Dataset<Row> rows) {
        return rows.where(col(Columns.BUSINESS_DATE).between(lit(from), lit(to)));
    }
}
