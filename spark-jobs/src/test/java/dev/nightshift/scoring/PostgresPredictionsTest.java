package dev.nightshift.scoring;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresPredictionsTest extends SparkTestBase {

    private static final String PIPELINE = "landing";
    private static final LocalDate D = LocalDate.of(2026, 11, 3);
    private static DbConfig db;
    private static long model;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @BeforeAll
    static void pipeline() throws Exception {
        DbRows.applySpec(db, new PipelineSpec(PIPELINE, Task.REGRESSION, null,
                new PipelineSpec.Input(null, "{warehouse}/x/date={date}", null, "id", null), null, List.of(),
                new PipelineSpec.ModelConfig(Algorithm.LINEAR_REGRESSION, null, null, null, null, null), null));
        model = DbRows.insertModelVersion(db, PIPELINE);
    }

    private static Dataset<Row> predictions(long runId, String... ids) {
        StructType schema = new StructType()
                .add(Columns.PIPELINE, DataTypes.StringType).add(Columns.BUSINESS_DATE, DataTypes.DateType)
                .add(Columns.ENTITY_ID, DataTypes.StringType).add(Columns.MODEL_VERSION_ID, DataTypes.LongType)
                .add(Columns.SCORE, DataTypes.DoubleType).add(Columns.PREDICTION, DataTypes.DoubleType)
                .add(Columns.RUN_ID, DataTypes.LongType).add(Columns.SCORED_AT, DataTypes.TimestampType);
        Instant at = Instant.parse("2026-11-04T02:00:00Z");
        return spark.createDataFrame(java.util.Arrays.stream(ids)
                .map(id -> RowFactory.create(PIPELINE, D, id, model, null, 1.5, runId, at)).toList(), schema).coalesce(1);
    }

    private static Map<String, Object> published() throws Exception {
        return DbRows.row(db, "SELECT count(*) AS n, min(run_id) AS run FROM nightshift.predictions WHERE pipeline = ? AND business_date = ?",
                PIPELINE, D);
    }

    @Test
    void aRetriedTaskReplacesItsOwnRowsAndAMiscountPublishesNothing() throws Exception {
        // given a night already published by run 1
        long run1 = DbRows.insertRun(db, PIPELINE, D);
        PostgresPredictions.stage(predictions(run1, "a", "b"), db, run1);
        PostgresPredictions.publish(db, PIPELINE, D, model, run1, 2);
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));

        // when run 2 stages its rows and partition 0 is copied a second time, as a retried task would
        long run2 = DbRows.insertRun(db, PIPELINE, D);
        Dataset<Row> rows = predictions(run2, "a", "b", "c");
        PostgresPredictions.stage(rows, db, run2);
        new PostgresPredictions.CopyPartition(db, PostgresPredictions.stagingTable(run2)).call(rows.collectAsList().iterator());

        // then the staging table holds each row once
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM " + PostgresPredictions.stagingTable(run2)).get("n")).isEqualTo(3L);

        // when publishing with a wrong expected count, then nothing changes and the staging table is gone
        assertThatThrownBy(() -> PostgresPredictions.publish(db, PIPELINE, D, model, run2, 4))
                .hasMessageContaining("holds 3 rows, expected 4");
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));
        assertThat(DbRows.row(db, "SELECT to_regclass(?) IS NULL AS gone", PostgresPredictions.stagingTable(run2)).get("gone"))
                .isEqualTo(true);
    }
}
