package dev.nightshift;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.DriftArgs;
import dev.nightshift.contract.DriftPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.NightArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.ScoreArgs;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.drift.DriftJob;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.spark.CodeGeneration;
import dev.nightshift.scoring.NightJob;
import dev.nightshift.scoring.ScoreJob;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.ScanRecorder;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.TrainJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NightJob with drift profiles the night in the validation pass and the scored rows while counting them: the same
 * feature_drift and data_quality rows as ScoreJob followed by a standalone DriftJob on the same night (which re-reads
 * the input and the Delta predictions), with one scan of the night's input files fewer (the drift profile's), and the
 * validation counts and the drift profile computed by the same pass (embedded PostgreSQL, file:// warehouse).
 */
class OnePassProfilingIntegrationTest extends SparkTestBase {

    private static final String PIPELINE = "churnonepass";
    /** Covariate shift from this night on, and the generator's bad rows (null, out of range, unseen, NaN, duplicate id). */
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
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", warehouse, D.minusDays(10), D, CUSTOMERS, 13, D, 1.5, 0, 2, D));
    }

    private static PipelineSpec spec(String pipeline, double maxBadRowShare) {
        return new PipelineSpec(pipeline, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/churn", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn", "customer_id", "event_date", "churned", 2),
                List.of(new PipelineSpec.Feature("tenure_months", FeatureType.NUMERIC, 0.0, 120.0, false), numeric("monthly_charges"),
                        numeric("support_calls"), numeric("data_usage_gb"), categorical("plan"), categorical("region"),
                        new PipelineSpec.Feature("email", FeatureType.STRING, null, null, true)),
                new PipelineSpec.ModelConfig(Algorithm.LOGISTIC_REGRESSION, Map.of("maxIter", 10), 10, 2, 42L, 0.5),
                new PipelineSpec.Monitoring(null, new DriftPolicy("auto", 0.2, 0.3, 10, null),
                        new DataQualityPolicy(maxBadRowShare, null, null, null), null, null));
    }

    @Test
    void theValidationPassProfilesTheNightForDriftAsTheSeparateDriftJobDoes() throws Exception {
        // (the path of a night above CodeGeneration's limit: the pass reads column batches, which only generated code's
        // scans serve)
        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, "0");
        // given a model trained before the shifted night with bad rows
        DbRows.applySpec(db, spec(PIPELINE, 0.05));
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, D.minusDays(1), warehouse,
                DbRows.insertRun(db, PIPELINE, D.minusDays(1))), db);
        String input = warehouseDir.resolve("input/churn").toAbsolutePath().toString();

        // when the night is scored and then measured by a standalone DriftJob (the orchestrator's re-run of drift)
        long separateRun = DbRows.insertRun(db, PIPELINE, D);
        ScanRecorder separate = ScanRecorder.start(spark, input);
        ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, D, model.id(), warehouse, separateRun), db);
        DriftJob.run(spark, new DriftArgs(PIPELINE, 1, D, model.id(), warehouse, separateRun), db);
        separate.stop();
        String separateDrift = driftRows();
        String separateQuality = qualityRows();

        // and when NightJob scores and measures the same night in one go
        long nightRun = DbRows.insertRun(db, PIPELINE, D);
        ScanRecorder night = ScanRecorder.start(spark, input);
        NightJob.run(spark, new NightArgs(PIPELINE, 1, D, model.id(), warehouse, nightRun, false, true), db);
        night.stop();

        // then both wrote the same feature_drift and data_quality rows (the night's run replaced the separate run's)
        assertThat(DbRows.row(db, "SELECT count(*) FILTER (WHERE run_id = ?) AS night, count(*) AS n FROM nightshift.feature_drift"
                + " WHERE pipeline = ? AND business_date = ?", nightRun, PIPELINE, D)).containsEntry("night", 24L).containsEntry("n", 24L);
        assertThat(driftRows()).isEqualTo(separateDrift);
        assertThat(qualityRows()).isEqualTo(separateQuality);
        // the night's bad rows are quarantined and, for drift, profiled with the rest: all 301 input rows
        assertThat(separateQuality).contains("bad_row_share||").contains("non_finite|");
        assertThat(DbRows.row(db, "SELECT min(n_current) AS n FROM nightshift.feature_drift WHERE pipeline = ? AND business_date = ?"
                + " AND feature = 'monthly_charges'", PIPELINE, D).get("n")).isEqualTo(CUSTOMERS + 1L);

        // and NightJob read the night's Parquet files (not cached) in the validation pass, which also profiled them, then
        // again for the repeated id's resolution, the quarantine and scoring; the separate path read them once more,
        // for DriftJob's profile. Every scan read all 301 rows.
        assertThat(night.scans()).as("input scans, NightJob").isEqualTo(4);
        assertThat(separate.scans()).as("input scans, separate path").isEqualTo(night.scans() + 1);
        // (NightJob counts the Parquet input's rows from its footers first, on the driver: no Spark job counts them; the
        // pass checks that it reads as many)
        assertThat(night.rowCounts()).as("Spark row counts of the input, NightJob").isZero();
        assertThat(night.rowsScanned()).isEqualTo(4 * (CUSTOMERS + 1L));
        assertThat(separate.rowsScanned()).isEqualTo(5 * (CUSTOMERS + 1L));
        // with no Spark aggregation over all the rows for the counts or the sketches: the one pass (OnePass) counts the
        // checks, the bins, the categories and samples the sketches; the aggregations left are row counts and the
        // repeated id's resolution (the generator repeats one id) over the rows whose id hash repeats
        assertThat(night.aggregations()).noneMatch(a -> a.contains("percentile_approx") || a.contains("array_contains")
                || a.contains("count(tenure_months"));
    }

    @Test
    void aNightFailingValidationFailsBeforeScoringAndDriftAsBefore() throws Exception {
        // given a spec allowing no bad row, and a model
        String strict = PIPELINE + "strict";
        DbRows.applySpec(db, spec(strict, 0.0));
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(strict, 1, D.minusDays(1), warehouse,
                DbRows.insertRun(db, strict, D.minusDays(1))), db);
        long run = DbRows.insertRun(db, strict, D);

        // when NightJob runs the bad night, then validation fails it with the gate's message and nothing is scored
        assertThatThrownBy(() -> NightJob.run(spark, new NightArgs(strict, 1, D, model.id(), warehouse, run, false, true), db))
                .isInstanceOf(InputValidationException.class)
                .hasMessageStartingWith("pipeline '" + strict + "', business date " + D + ": input failed validation, nothing scored:"
                        + " check bad_row_share value");
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM nightshift.feature_drift WHERE run_id = ?", run)).containsEntry("n", 0L);
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM nightshift.predictions WHERE run_id = ?", run)).containsEntry("n", 0L);
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM nightshift.data_quality WHERE run_id = ? AND NOT passed", run).get("n"))
                .isNotEqualTo(0L);
    }

    private static List<String> aggregating(ScanRecorder recorder, String expression) {
        return recorder.aggregations().stream().filter(a -> a.contains(expression)).toList();
    }

    private static String driftRows() throws Exception {
        return (String) DbRows.row(db, "SELECT string_agg(concat_ws('|', model_version_id, feature, feature_type, method, chosen,"
                + " statistic, p_value, threshold, drifted, n_current, n_reference, null_rate_reference, null_rate_current, unseen_share),"
                + " E'\\n' ORDER BY feature, method) AS rows FROM nightshift.feature_drift WHERE pipeline = ? AND business_date = ?",
                PIPELINE, D).get("rows");
    }

    private static String qualityRows() throws Exception {
        return (String) DbRows.row(db, "SELECT string_agg(concat_ws('|', model_version_id, check_name, coalesce(column_name, ''), value,"
                + " threshold, passed, failing_rows, detail), E'\\n' ORDER BY check_name, column_name) AS rows FROM nightshift.data_quality"
                + " WHERE pipeline = ? AND business_date = ?", PIPELINE, D).get("rows");
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, null, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, false);
    }
}
