package dev.nightshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.DriftPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.NightArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.scoring.NightJob;
import dev.nightshift.spark.CodeGeneration;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.TrainJob;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small input runs its night interpreted ({@link CodeGeneration}): the same night, with its bad rows, drift,
 * evaluation of an earlier labelled night and per-region segments, written with code generation and without it gives
 * the same rows in every table it writes, and each way really ran as it says (whole-stage code generation in the plans
 * or not).
 */
class CodeGenerationTest extends SparkTestBase {

    private static final String PIPELINE = "churncodegen";
    private static final LocalDate D = LocalDate.of(2026, 10, 20);
    private static final LocalDate EARLIER = D.minusDays(3);
    private static final int CUSTOMERS = 300;

    private static DbConfig db;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @TempDir
    static Path warehouseDir;
    private static String warehouse;
    private static long modelId;

    @BeforeAll
    static void generateDataAndTrain() throws Exception {
        warehouse = warehouseDir.toUri().toString();
        // covariate shift from D on, and the generator's bad rows (null, out of range, unseen, NaN, a repeated id)
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", warehouse, D.minusDays(12), D, CUSTOMERS, 17, D, 1.5, 0, 2, D));
        DbRows.applySpec(db, spec());
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, EARLIER.minusDays(1), warehouse,
                DbRows.insertRun(db, PIPELINE, EARLIER.minusDays(1))), db);
        modelId = model.id();
        // (trained interpreted: the window is a few kilobytes, within the default limit)
        assertThat(spark.conf().get("spark.sql.codegen.wholeStage")).isEqualTo("false");
        CodeGeneration.restoreDefaults(spark);
    }

    private static PipelineSpec spec() {
        return new PipelineSpec(PIPELINE, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/churn", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn", "customer_id", "event_date", "churned", 2),
                List.of(new PipelineSpec.Feature("tenure_months", FeatureType.NUMERIC, 0.0, 120.0, false), numeric("monthly_charges"),
                        numeric("support_calls"), numeric("data_usage_gb"), categorical("plan"), categorical("region")),
                new PipelineSpec.ModelConfig(Algorithm.GBT_CLASSIFIER, Map.of("maxDepth", 3, "maxIter", 8), 8, 2, 42L, 0.5),
                new PipelineSpec.Monitoring(List.of(new MetricPolicy("auc", 0.6, null, null, 10, null, null)),
                        new DriftPolicy("auto", 0.2, 0.3, 10, null), new DataQualityPolicy(0.05, null, null, null), List.of("region"), null));
    }

    @Test
    void aSmallNightInterpretedWritesWhatTheSameNightWithCodeGenerationWrites() throws Exception {
        // given the limit at 0: code generation for every input
        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, "0");
        Plans compiledPlans = Plans.record();
        String compiled = nights();
        compiledPlans.stop();
        CodeGeneration.restoreDefaults(spark);

        // when the same two nights run again under the default limit (their input is a few kilobytes)
        spark.conf().unset(CodeGeneration.MAX_INPUT_BYTES);
        Plans interpretedPlans = Plans.record();
        String interpreted = nights();
        interpretedPlans.stop();

        // then every table holds the same rows, and each way ran as it says
        assertThat(interpreted).isEqualTo(compiled);
        assertThat(compiled).contains("predictions|" + D, "quarantine|{", "drift|", "metric|" + EARLIER + "|auc", "segment|" + EARLIER);
        assertThat(compiledPlans.withWholeStageCodegen.get()).isPositive();
        assertThat(interpretedPlans.withWholeStageCodegen.get()).isZero();
        assertThat(interpretedPlans.total.get()).isGreaterThan(10);
        assertThat(spark.conf().get("spark.sql.codegen.factoryMode")).isEqualTo("NO_CODEGEN");
    }

    @Test
    void aSmallTrainingWindowInterpretedFitsTheSameModel() throws Exception {
        // given the window the champion was trained on (the class's set-up, under the default limit: interpreted)
        LocalDate asOf = EARLIER.minusDays(1);
        Map<String, Object> interpreted = DbRows.row(db, "SELECT artifact_uri, training_rows,"
                + " training_fingerprint FROM nightshift.model_versions WHERE id = ?", modelId);

        // when the same window is trained on again with code generation
        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, "0");
        ModelRegistry.Registered compiled = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, asOf, warehouse,
                DbRows.insertRun(db, PIPELINE, asOf)), db);
        Map<String, Object> again = DbRows.row(db, "SELECT training_rows, training_fingerprint"
                + " FROM nightshift.model_versions WHERE id = ?", compiled.id());

        // then the same rows went in, the same first tree came out, and the holdout metrics agree: the first tree is fit
        // on labels mapped to -1 and +1, whose sums are exact in any order; the later trees and MLlib's AUC sum doubles,
        // and in one clean-clone run the two AUCs were 1 ulp apart (the order of those sums would explain it; not shown)
        assertThat(spark.conf().get("spark.sql.codegen.wholeStage")).isEqualTo("true");
        assertThat(again.get("training_fingerprint")).isEqualTo(interpreted.get("training_fingerprint"));
        assertThat(again.get("training_rows")).isEqualTo(interpreted.get("training_rows"));
        for (String metric : List.of("areaUnderROC", "areaUnderPR", "logLoss", "accuracy", "n")) {
            assertThat(holdout(compiled.id(), metric)).as(metric)
                    .isCloseTo(holdout(modelId, metric), org.assertj.core.api.Assertions.within(1e-9));
        }
        assertThat(firstTree(compiled.artifactUri())).isEqualTo(firstTree((String) interpreted.get("artifact_uri")))
                .contains("If (feature");
    }

    private static double holdout(long modelVersionId, String metric) throws Exception {
        return (Double) DbRows.row(db, "SELECT (holdout_metrics ->> ?)::float8 AS v FROM nightshift.model_versions WHERE id = ?",
                metric, modelVersionId).get("v");
    }

    /** The fitted GBT's first tree, every split and leaf value, as MLlib prints it. */
    private static String firstTree(String artifactUri) {
        org.apache.spark.ml.PipelineModel model = org.apache.spark.ml.PipelineModel.load(artifactUri);
        String trees = ((org.apache.spark.ml.classification.GBTClassificationModel) model.stages()[model.stages().length - 1])
                .toDebugString();
        return trees.substring(trees.indexOf("Tree 0 "), trees.indexOf("Tree 1 "));
    }

    @Test
    void theLimitIsInclusiveZeroTurnsItOffAndABadValueIsNamed() {
        assertThat(CodeGeneration.interpretIfSmall(spark, spark.range(10), "ten rows")).isTrue();
        assertThat(spark.conf().get("spark.sql.codegen.wholeStage")).isEqualTo("false");
        CodeGeneration.restoreDefaults(spark);

        long size = spark.range(10).queryExecution().optimizedPlan().stats().sizeInBytes().longValue();
        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, String.valueOf(size));
        assertThat(CodeGeneration.interpretIfSmall(spark, spark.range(10), "at the limit")).isTrue();
        CodeGeneration.restoreDefaults(spark);
        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, String.valueOf(size - 1));
        assertThat(CodeGeneration.interpretIfSmall(spark, spark.range(10), "one byte over")).isFalse();
        assertThat(spark.conf().get("spark.sql.codegen.wholeStage")).isEqualTo("true");
        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, "0");
        assertThat(CodeGeneration.interpretIfSmall(spark, spark.range(0), "nothing")).isFalse();

        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, "4 MB");
        assertThatThrownBy(() -> CodeGeneration.interpretIfSmall(spark, spark.range(10), "ten rows"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(CodeGeneration.MAX_INPUT_BYTES + " must be a number of bytes (0 or more), got '4 MB'");
    }

    /** Scores EARLIER, then D (which evaluates EARLIER, now labelled), and returns what they wrote, one line per row. */
    private static String nights() throws Exception {
        for (LocalDate date : List.of(EARLIER, D)) {
            NightJob.run(spark, new NightArgs(PIPELINE, 1, date, modelId, warehouse, DbRows.insertRun(db, PIPELINE, date), true, true), db);
        }
        List<String> quarantined = spark.read().format("delta").load(Warehouse.quarantine(warehouse, PIPELINE))
                .drop(Columns.RUN_ID).selectExpr("to_json(struct(*))").collectAsList().stream()
                .map(r -> "quarantine|" + r.getString(0)).sorted().toList();
        return rows("SELECT 'predictions|' || business_date || '|' || entity_id || '|' || score || '|' || prediction"
                + " FROM nightshift.predictions WHERE pipeline = ?")
                + rows("SELECT concat_ws('|', 'quality', business_date, check_name, column_name, value, threshold, passed, failing_rows,"
                + " detail) FROM nightshift.data_quality WHERE pipeline = ?")
                + rows("SELECT concat_ws('|', 'drift', business_date, feature, method, statistic, p_value, drifted, n_current,"
                + " n_reference, null_rate_current, unseen_share) FROM nightshift.feature_drift WHERE pipeline = ?")
                + rows("SELECT concat_ws('|', 'metric', business_date, metric, value, ci_low, ci_high, n) FROM nightshift.model_metrics"
                + " WHERE pipeline = ?")
                + rows("SELECT concat_ws('|', 'segment', business_date, segment, segment_value, metric, value, ci_low, ci_high, n)"
                + " FROM nightshift.model_segment_metrics WHERE pipeline = ?")
                + String.join("\n", quarantined);
    }

    /** The lines {@code sql} selects for the pipeline, sorted, one per line. */
    private static String rows(String sql) throws Exception {
        return (String) DbRows.row(db, "SELECT string_agg(line, E'\\n' ORDER BY line) || E'\\n' AS rows FROM (" + sql + ") AS t(line)",
                PIPELINE).get("rows");
    }

    /** Counts the plans the shared session executes, and those with whole-stage generated code ("*(n)" in the plan). */
    private static final class Plans implements QueryExecutionListener {
        private static final java.util.regex.Pattern WHOLE_STAGE = java.util.regex.Pattern.compile("\\*\\(\\d+\\) ");
        final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger withWholeStageCodegen = new java.util.concurrent.atomic.AtomicInteger();

        static Plans record() {
            Plans p = new Plans();
            spark.listenerManager().register(p);
            return p;
        }

        void stop() throws java.util.concurrent.TimeoutException {
            spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
            spark.listenerManager().unregister(this);
        }

        @Override
        public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
            total.incrementAndGet();
            if (WHOLE_STAGE.matcher(qe.executedPlan().toString()).find()) {
                withWholeStageCodegen.incrementAndGet();
            }
        }

        @Override
        public void onFailure(String funcName, QueryExecution qe, Exception exception) {
        }
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, null, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, false);
    }
}
