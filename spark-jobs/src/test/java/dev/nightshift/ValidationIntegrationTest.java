package dev.nightshift;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.ScoreArgs;
import dev.nightshift.contract.SpecCodec;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.scoring.DeltaPredictions;
import dev.nightshift.scoring.ScoreJob;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.TrainJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Train, then score a night into which the generator injected bad rows (null, out of range, unseen category, NaN,
 * duplicate id): the bad rows land in the quarantine table with their reasons, every check in data_quality, and only
 * the valid rows are predicted. Then a stricter spec version fails the same night before scoring while keeping the
 * earlier predictions (embedded PostgreSQL, file:// warehouse).
 */
class ValidationIntegrationTest extends SparkTestBase {

    private static final String PIPELINE = "churnvalid";
    private static final LocalDate D = LocalDate.of(2026, 10, 20);
    private static final int CUSTOMERS = 300;

    private static DbConfig db;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @TempDir
    static Path warehouseDir;
    private static String warehouse;

    @BeforeAll
    static void generateData() {
        warehouse = warehouseDir.toUri().toString();
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", warehouse, D.minusDays(12), D, CUSTOMERS, 7, null, 0, 0, 2, D));
    }

    private static PipelineSpec spec(double maxBadRowShare) {
        return new PipelineSpec(PIPELINE, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/churn", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn", "customer_id", "event_date", "churned", 2),
                List.of(numeric("tenure_months"), numeric("monthly_charges"), numeric("support_calls"), numeric("data_usage_gb"),
                        categorical("plan"), categorical("region"),
                        new PipelineSpec.Feature("email", FeatureType.STRING, null, null, true)),
                new PipelineSpec.ModelConfig(Algorithm.LOGISTIC_REGRESSION, Map.of("maxIter", 10), 12, 3, 42L, 0.5),
                new PipelineSpec.Monitoring(null, null, new DataQualityPolicy(maxBadRowShare, null, null, null), null, null));
    }

    @Test
    void badRowsAreQuarantinedWithTheirReasonsAndATooBadNightFailsBeforeScoring() throws Exception {
        // given a model trained before the bad night, and the clean night before it scored (row-count history)
        DbRows.applySpec(db, spec(0.05));
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, D.minusDays(1), warehouse,
                DbRows.insertRun(db, PIPELINE, D.minusDays(1))), db);
        long cleanRun = DbRows.insertRun(db, PIPELINE, D.minusDays(1));
        assertThat(ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, D.minusDays(1), model.id(), warehouse, cleanRun), db)).isEqualTo(CUSTOMERS);
        assertThat(DbRows.row(db, "SELECT rows_quarantined FROM nightshift.runs WHERE id = ?", cleanRun)).containsEntry("rows_quarantined", 0L);
        // a clean night writes no quarantine files, and does not create the table
        assertThat(io.delta.tables.DeltaTable.isDeltaTable(spark, Warehouse.quarantine(warehouse, PIPELINE))).isFalse();

        // when the night with 301 input rows, 6 of them bad, is scored (max bad share 5%)
        long run = DbRows.insertRun(db, PIPELINE, D);
        long scored = ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, D, model.id(), warehouse, run), db);

        // then the 295 valid rows are predicted, none of the bad ids
        assertThat(scored).isEqualTo(CUSTOMERS - 5);
        Map<String, Object> pg = DbRows.row(db, "SELECT count(*) AS n, count(*) FILTER (WHERE entity_id IN"
                + " ('C0000001', 'C0000002', 'C0000003', 'C0000004', 'C0000005')) AS bad FROM nightshift.predictions"
                + " WHERE pipeline = ? AND business_date = ?", PIPELINE, D);
        assertThat(pg).containsEntry("n", (long) CUSTOMERS - 5).containsEntry("bad", 0L);
        assertThat(DeltaPredictions.readDate(spark, Warehouse.predictions(warehouse, PIPELINE), D).count()).isEqualTo(CUSTOMERS - 5);

        // and the quarantine table holds the 6 bad rows with their reasons, without the PII column
        String quarantine = Warehouse.quarantine(warehouse, PIPELINE);
        assertThat(quarantineReasons(quarantine)).containsExactly(
                "C0000001=null:tenure_months", "C0000002=out_of_range:monthly_charges", "C0000003=unseen_category:plan",
                "C0000004=non_finite:data_usage_gb", "C0000005=duplicate_id", "C0000005=duplicate_id");
        Dataset<Row> q = DeltaPredictions.readDate(spark, quarantine, D);
        assertThat(q.columns()).contains("customer_id", "event_date", "tenure_months", "plan", Columns.BUSINESS_DATE, Columns.RUN_ID,
                Columns.REASONS).doesNotContain("email");
        assertThat(q.where(col(Columns.RUN_ID).equalTo(run)).count()).isEqualTo(6);
        assertThat(DeltaPredictions.readDate(spark, quarantine, D.minusDays(1)).count()).isZero();

        // and data_quality has a row per check, the run its quarantined count
        Map<String, String> dq = dataQuality(D);
        assertThat(dq).containsEntry("null:tenure_months", "passed=false failing=1 threshold=null")
                .containsEntry("out_of_range:monthly_charges", "passed=false failing=1 threshold=null")
                .containsEntry("unseen_category:plan", "passed=false failing=1 threshold=null")
                .containsEntry("non_finite:data_usage_gb", "passed=false failing=1 threshold=null")
                .containsEntry("duplicate_id:customer_id", "passed=false failing=2 threshold=null")
                .containsEntry("null_id:customer_id", "passed=true failing=0 threshold=null")
                .containsEntry("unseen_category:region", "passed=true failing=0 threshold=null")
                .containsEntry("bad_row_share:", "passed=true failing=6 threshold=0.05")
                .containsEntry("row_count_min:", "passed=true failing=null threshold=150.0")
                .containsEntry("row_count_max:", "passed=true failing=null threshold=600.0")
                .doesNotContainKey("null:email");
        assertThat(dq).hasSize(2 + 4 * 3 + 2 * 2 + 3);
        assertThat(DbRows.row(db, "SELECT rows_quarantined, rows_scored FROM nightshift.runs WHERE id = ?", run))
                .containsEntry("rows_quarantined", 6L).containsEntry("rows_scored", (long) CUSTOMERS - 5);
        assertThat(DbRows.rowAsAnalyst(db, "SELECT count(*) AS n, min(value) AS share FROM analytics.data_quality"
                + " WHERE pipeline = ? AND business_date = ? AND check_name = 'bad_row_share'", PIPELINE, D))
                .containsEntry("n", 1L).containsEntry("share", 6.0 / 301);

        // when a stricter spec version (max bad share 1%) validates the same night again
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO nightshift.pipeline_specs"
                + " (pipeline, version, spec, source_yaml, sha256, applied_by) VALUES (?, 2, ?::jsonb, 'n/a', 'n/a', 'test')")) {
            ps.setString(1, PIPELINE);
            ps.setString(2, SpecCodec.toJson(spec(0.01)));
            ps.executeUpdate();
        }
        long strictRun = DbRows.insertRun(db, PIPELINE, D);

        // then it fails before scoring, naming pipeline, date, check, value and threshold
        assertThatThrownBy(() -> ScoreJob.run(spark, new ScoreArgs(PIPELINE, 2, D, model.id(), warehouse, strictRun), db))
                .isInstanceOf(InputValidationException.class)
                .hasMessageStartingWith("pipeline '" + PIPELINE + "', business date " + D + ": input failed validation, nothing scored:"
                        + " check bad_row_share value 0.0199 > threshold 0.01 (6 of 301 rows quarantined (1.99%, max 1.00%))")
                .hasMessageContaining(quarantine);

        // and the evidence is written by the failed run while the earlier predictions stay
        assertThat(dataQuality(D)).containsEntry("bad_row_share:", "passed=false failing=6 threshold=0.01");
        assertThat(DbRows.row(db, "SELECT count(*) AS n, min(run_id) AS lo, max(run_id) AS hi FROM nightshift.data_quality"
                + " WHERE pipeline = ? AND business_date = ?", PIPELINE, D)).containsEntry("n", 21L).containsEntry("lo", strictRun)
                .containsEntry("hi", strictRun);
        assertThat(DeltaPredictions.readDate(spark, quarantine, D).where(col(Columns.RUN_ID).equalTo(strictRun)).count()).isEqualTo(6);
        assertThat(DeltaPredictions.readDate(spark, quarantine, D).count()).isEqualTo(6);
        assertThat(DbRows.row(db, "SELECT rows_quarantined FROM nightshift.runs WHERE id = ?", strictRun)).containsEntry("rows_quarantined", 6L);
        assertThat(DbRows.row(db, "SELECT count(*) AS n, min(run_id) AS lo, max(run_id) AS hi FROM nightshift.predictions"
                + " WHERE pipeline = ? AND business_date = ?", PIPELINE, D))
                .containsEntry("n", (long) CUSTOMERS - 5).containsEntry("lo", run).containsEntry("hi", run);
        assertThat(DeltaPredictions.readDate(spark, Warehouse.predictions(warehouse, PIPELINE), D)
                .where(col(Columns.RUN_ID).equalTo(run)).count()).isEqualTo(CUSTOMERS - 5);

        // when the clean night before had quarantined rows from an earlier run (say its input was fixed since), and is run again
        Dataset<Row> earlier = DeltaPredictions.readDate(spark, quarantine, D).withColumn(Columns.BUSINESS_DATE,
                org.apache.spark.sql.functions.lit(D.minusDays(1))).cache();
        dev.nightshift.validation.QuarantineTable.replaceDate(earlier, earlier.count(), quarantine, D.minusDays(1));
        earlier.unpersist();
        assertThat(DeltaPredictions.readDate(spark, quarantine, D.minusDays(1)).count()).isEqualTo(6);
        long versionBefore = quarantineVersion(quarantine);
        long rerun = DbRows.insertRun(db, PIPELINE, D.minusDays(1));
        assertThat(ScoreJob.run(spark, new ScoreArgs(PIPELINE, 2, D.minusDays(1), model.id(), warehouse, rerun), db)).isEqualTo(CUSTOMERS);

        // then that night's quarantined rows are gone (a delete commit), and the bad night's stay
        assertThat(DeltaPredictions.readDate(spark, quarantine, D.minusDays(1)).count()).isZero();
        assertThat(DeltaPredictions.readDate(spark, quarantine, D).count()).isEqualTo(6);
        assertThat(quarantineVersion(quarantine)).isEqualTo(versionBefore + 1);

        // and a clean night of a date the table never held leaves the table as it is: no commit
        long versionAfter = quarantineVersion(quarantine);
        dev.nightshift.validation.QuarantineTable.replaceDate(earlier.limit(0), 0, quarantine, D.plusDays(30));
        assertThat(quarantineVersion(quarantine)).isEqualTo(versionAfter);
        assertThat(DeltaPredictions.readDate(spark, quarantine, D).count()).isEqualTo(6);
    }

    private static long quarantineVersion(String table) {
        return io.delta.tables.DeltaTable.forPath(spark, table).history(1).first().<Long>getAs("version");
    }

    private static List<String> quarantineReasons(String table) {
        return DeltaPredictions.readDate(spark, table, D)
                .select(concat_ws("=", col("customer_id"), concat_ws(",", col(Columns.REASONS))).as("r"))
                .orderBy("r").collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    /** check:column -> passed, failing rows and threshold of the night's data_quality rows. */
    private static Map<String, String> dataQuality(LocalDate date) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT check_name, column_name, passed,"
                + " failing_rows, threshold FROM nightshift.data_quality WHERE pipeline = ? AND business_date = ?")) {
            ps.setString(1, PIPELINE);
            ps.setObject(2, date);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1) + ":" + (rs.getString(2) == null ? "" : rs.getString(2));
                    assertThat(out.put(key, "passed=" + rs.getBoolean(3) + " failing=" + rs.getObject(4) + " threshold="
                            + rs.getObject(5))).as("duplicate check " + key).isNull();
                }
            }
        }
        return out;
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, 0.0, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, false);
    }
}
