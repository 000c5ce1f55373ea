package dev.nightshift.scoring;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Instant;
import java.time.LocalDate;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * Turns a fitted pipeline's output into the contract's prediction rows. Only the contract columns are selected,
 * so no input column (PII included) can reach an output table.
 */
public final class Predictions {

    /** The prediction columns in table order (Delta and PostgreSQL alike). */
    public static final String[] COLUMNS = {Columns.PIPELINE, Columns.BUSINESS_DATE, Columns.ENTITY_ID, Columns.MODEL_VERSION_ID,
            Columns.SCORE, Columns.PREDICTION, Columns.RUN_ID, Columns.SCORED_AT};

    /** What every row of one scoring run shares. */
    public record Stamp(String pipeline, LocalDate businessDate, long modelVersionId, long runId, Instant scoredAt) {
    }

    private Predictions() {
    }

    /**
     * {@code scored}: MLlib output with {@code entity_id} and {@code probability} (classification) or
     * {@code prediction} (regression). Classification predicts 1 when the positive-class probability reaches
     * {@code threshold}; regression leaves {@code score} null.
     */
    public static Dataset<Row> from(Dataset<Row> scored, Task task, double threshold, Stamp stamp) {
        Column score;
        Column prediction;
        if (task == Task.BINARY_CLASSIFICATION) {
            score = vector_to_array(col("probability"), "float64").getItem(1);
            prediction = when(score.geq(threshold), 1.0).otherwise(0.0);
        } else {
            score = lit(null).cast("double");
            prediction = col("prediction").cast("double");
        }
        return select(scored, score, prediction, stamp);
    }

    /**
     * {@code scored}: rows with {@code entity_id} and a double column {@code valueColumn} holding the positive-class
     * probability (classification) or the predicted value (regression), as compiled scoring produces them. Same rows
     * as {@link #from} would give for the MLlib output of the same model.
     */
    public static Dataset<Row> fromValue(Dataset<Row> scored, String valueColumn, Task task, double threshold, Stamp stamp) {
        Column value = col(valueColumn).cast("double");
        if (task == Task.BINARY_CLASSIFICATION) {
            return select(scored, value, when(value.geq(threshold), 1.0).otherwise(0.0), stamp);
        }
        return select(scored, lit(null).cast("double"), value, stamp);
    }

    private static Dataset<Row> select(Dataset<Row> scored, Column score, Column prediction, Stamp stamp) {
        return scored.select(
                lit(stamp.pipeline()).as(Columns.PIPELINE),
                lit(stamp.businessDate()).as(Columns.BUSINESS_DATE),
                col(Columns.ENTITY_ID).cast("string").as(Columns.ENTITY_ID),
                lit(stamp.modelVersionId()).as(Columns.MODEL_VERSION_ID),
                score.as(Columns.SCORE),
                prediction.as(Columns.PREDICTION),
                lit(stamp.runId()).as(Columns.RUN_ID),
                lit(stamp.scoredAt()).as(Columns.SCORED_AT));
    }
}
