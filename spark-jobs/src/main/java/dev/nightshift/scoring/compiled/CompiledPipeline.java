package dev.nightshift.scoring.compiled;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Map;

/**
 * A fitted pipeline as plain Spark SQL: {@code projections} add intermediate columns one stage at a time (imputed
 * values, category indexes, one column per tree of an ensemble), then {@code value} computes the positive-class
 * probability (classification) or the prediction (regression). Spark's optimizer may merge the projections.
 */
public record CompiledPipeline(List<Map<String, Column>> projections, Column value) {

    /** The column {@link #apply} adds. */
    public static final String VALUE = "__nsc_value";

    public CompiledPipeline {
        projections = List.copyOf(projections);
    }

    /** {@code input} with the intermediate columns and {@link #VALUE} added. */
    public Dataset<Row> apply(Dataset<Row> input) {
        Dataset<Row> rows = input;
        for (Map<String, Column> projection : projections) {
            rows = rows.withColumns(projection);
        }
        return rows.withColumn(VALUE, value);
    }
}
