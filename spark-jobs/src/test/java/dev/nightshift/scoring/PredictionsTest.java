package dev.nightshift.scoring;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PredictionsTest extends SparkTestBase {

    private static final Predictions.Stamp STAMP = new Predictions.Stamp("churn", LocalDate.of(2026, 10, 1), 11L, 99L,
            Instant.parse("2026-10-02T02:30:00Z"));

    private Dataset<Row> modelOutput() {
        StructType schema = new StructType()
                .add(Columns.ENTITY_ID, DataTypes.StringType)
                .add("email", DataTypes.StringType)
                .add("probability", SQLDataTypes.VectorType())
                .add("prediction", DataTypes.DoubleType);
        return spark.createDataFrame(List.of(
                RowFactory.create("C1", "c1@example.invalid", Vectors.dense(0.8, 0.2), 0.0),
                RowFactory.create("C2", "c2@example.invalid", Vectors.dense(0.3, 0.7), 1.0)), schema);
    }

    @Test
    void classificationRowsCarryThePositiveClassProbabilityAndNoInputColumn() {
        Dataset<Row> out = Predictions.from(modelOutput(), Task.BINARY_CLASSIFICATION, 0.2, STAMP).orderBy(Columns.ENTITY_ID);

        assertThat(out.columns()).containsExactly(Predictions.COLUMNS).doesNotContain("email");
        List<Row> rows = out.collectAsList();
        assertThat(rows.get(0).<Double>getAs(Columns.SCORE)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        // The spec's threshold (0.2 here), not MLlib's 0.5, decides the class.
        assertThat(rows.get(0).<Double>getAs(Columns.PREDICTION)).isEqualTo(1.0);
        assertThat(rows.get(1).<Double>getAs(Columns.SCORE)).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(rows.get(1).<String>getAs(Columns.PIPELINE)).isEqualTo("churn");
        assertThat(rows.get(1).<LocalDate>getAs(Columns.BUSINESS_DATE)).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(rows.get(1).<Long>getAs(Columns.MODEL_VERSION_ID)).isEqualTo(11L);
        assertThat(rows.get(1).<Long>getAs(Columns.RUN_ID)).isEqualTo(99L);
        assertThat(rows.get(1).<Instant>getAs(Columns.SCORED_AT)).isEqualTo(Instant.parse("2026-10-02T02:30:00Z"));
    }

    @Test
    void regressionRowsHaveANullScore() {
        Dataset<Row> out = Predictions.from(modelOutput().drop("probability"), Task.REGRESSION, 0.5, STAMP).orderBy(Columns.ENTITY_ID);

        Row first = out.first();
        assertThat(first.isNullAt(first.fieldIndex(Columns.SCORE))).isTrue();
        assertThat(first.<Double>getAs(Columns.PREDICTION)).isEqualTo(0.0);
    }
}
