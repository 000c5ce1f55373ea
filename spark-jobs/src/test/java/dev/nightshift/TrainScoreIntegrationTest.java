package dev.nightshift;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.ScoreArgs;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.registry.ArtifactIntegrityException;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.scoring.DeltaPredictions;
import dev.nightshift.scoring.Predictions;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** TrainJob then ScoreJob in-process against a real PostgreSQL and a file:// warehouse. */
class TrainScoreIntegrationTest extends SparkTestBase {

    private static final LocalDate D = LocalDate.of(2026, 10, 20);
    private static final int CUSTOMERS = 300;
    private static final int ITEMS = 100;

    private static DbConfig db;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @TempDir
    static Path warehouseDir;
    private static String warehouse;

    @BeforeAll
    static void generateData() {
        warehouse = warehouseDir.toUri().toString();
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", warehouse, D.minusDays(12), D, CUSTOMERS, 7, null, 0, 0, 2));
        GenerateDataJob.run(spark, new GenerateDataArgs("demand", warehouse, D.minusDays(10), D, ITEMS, 7, null, 0, 0, 1));
    }

    private static PipelineSpec churnSpec() {
        return new PipelineSpec("churn", Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/churn", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn", "customer_id", "event_date", "churned", 2),
                List.of(numeric("tenure_months"), numeric("monthly_charges"), numeric("support_calls"), numeric("data_usage_gb"),
                        categorical("plan"), categorical("region"),
                        new PipelineSpec.Feature("email", FeatureType.STRING, null, null, true)),
                new PipelineSpec.ModelConfig(Algorithm.GBT_CLASSIFIER, Map.of("maxDepth", 3, "maxIter", 10), 12, 3, 42L, 0.5), null);
    }

    private static PipelineSpec demandSpec() {
        return new PipelineSpec("demand", Task.REGRESSION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/demand/date={date}", null, "item_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/demand", "item_id", "sale_date", "units_sold", 1),
                List.of(numeric("price"), numeric("promo"), numeric("temperature"), categorical("day_of_week"), categorical("category")),
                new PipelineSpec.ModelConfig(Algorithm.LINEAR_REGRESSION, Map.of("maxIter", 50, "regParam", 0.01), 10, 3, 42L, null), null);
    }

    @Test
    void churnTrainScoreRescoreAndATamperedArtifact() throws Exception {
        // given
        applySpec(churnSpec());
        long trainRun = insertRun("churn", D);

        // when
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs("churn", 1, D, warehouse, trainRun), db);

        // then the version is registered with provenance and holdout metrics
        Map<String, Object> mv = row("SELECT id, version, artifact_sha256, artifact_uri, training_from, training_to, training_rows,"
                + " holdout_from, holdout_to, holdout_rows, (holdout_metrics->>'areaUnderROC')::float8 AS auc, holdout_metrics::text AS metrics,"
                + " features::text AS features, params::text AS params, seed, task, algorithm, spark_version, java_version, nightshift_version"
                + " FROM nightshift.model_versions WHERE created_by_run = ?", trainRun);
        assertThat(mv.get("id")).isEqualTo(model.id());
        assertThat(mv.get("version")).isEqualTo(1);
        assertThat((String) mv.get("artifact_sha256")).matches("[0-9a-f]{64}");
        assertThat(mv.get("artifact_uri")).isEqualTo(Warehouse.modelDir(warehouse, "churn", 1));
        assertThat(mv.get("training_from").toString()).isEqualTo("2026-10-08");
        assertThat(mv.get("training_to").toString()).isEqualTo("2026-10-15");
        assertThat(mv.get("holdout_from").toString()).isEqualTo("2026-10-16");
        assertThat(mv.get("holdout_to").toString()).isEqualTo("2026-10-18");
        assertThat(mv.get("training_rows")).isEqualTo(8L * CUSTOMERS);
        assertThat(mv.get("holdout_rows")).isEqualTo(3L * CUSTOMERS);
        assertThat((Double) mv.get("auc")).isGreaterThan(0.6);
        assertThat((String) mv.get("metrics")).contains("\"areaUnderPR\"", "\"accuracy\"", "\"logLoss\"", "\"n\": 900");
        assertThat((String) mv.get("features")).contains("tenure_months", "categorical").doesNotContain("email");
        assertThat((String) mv.get("params")).contains("\"maxDepth\": 3");
        assertThat(mv.get("seed")).isEqualTo(42L);
        assertThat(mv.get("task")).isEqualTo("binary-classification");
        assertThat(mv.get("algorithm")).isEqualTo("gbt-classifier");
        assertThat(mv.get("spark_version")).isEqualTo(spark.version());
        assertThat(mv.get("java_version")).isEqualTo(System.getProperty("java.version"));
        assertThat((String) mv.get("nightshift_version")).isNotBlank();
        assertThat(warehouseDir.resolve("models/churn/v1/manifest.json")).isRegularFile();

        // when scoring D
        long run1 = insertRun("churn", D);
        long rows = ScoreJob.run(spark, new ScoreArgs("churn", 1, D, model.id(), warehouse, run1), db);

        // then PostgreSQL and the Delta table hold one row per customer, the same rows
        assertThat(rows).isEqualTo(CUSTOMERS);
        assertPublished(run1, model.id());
        Map<String, Object> run = row("SELECT rows_scored, model_version_id FROM nightshift.runs WHERE id = ?", run1);
        assertThat(run.get("rows_scored")).isEqualTo((long) CUSTOMERS);
        assertThat(run.get("model_version_id")).isEqualTo(model.id());
        String table = Warehouse.predictions(warehouse, "churn");
        Dataset<Row> delta = DeltaPredictions.readDate(spark, table, D);
        assertThat(delta.columns()).containsExactly(Predictions.COLUMNS);
        Row deltaSums = delta.agg(countDistinct(col(Columns.ENTITY_ID)), sum(Columns.SCORE), sum(Columns.PREDICTION)).first();
        Map<String, Object> pgSums = row("SELECT count(DISTINCT entity_id) AS n, sum(score) AS s, sum(prediction) AS p"
                + " FROM nightshift.predictions WHERE pipeline = 'churn' AND business_date = ?", D);
        assertThat(deltaSums.getLong(0)).isEqualTo(CUSTOMERS);
        assertThat(pgSums.get("n")).isEqualTo((long) CUSTOMERS);
        assertThat((Double) pgSums.get("s")).isCloseTo(deltaSums.getDouble(1), within(1e-9));
        assertThat((Double) pgSums.get("p")).isEqualTo(deltaSums.getDouble(2));

        // when D is scored again, then it is replaced, not duplicated, and time travel shows the first version
        long run2 = insertRun("churn", D);
        ScoreJob.run(spark, new ScoreArgs("churn", 1, D, model.id(), warehouse, run2), db);
        assertPublished(run2, model.id());
        assertThat(DeltaPredictions.readDate(spark, table, D).where(col(Columns.RUN_ID).equalTo(run2)).count()).isEqualTo(CUSTOMERS);
        Dataset<Row> first = spark.read().format("delta").option("versionAsOf", 0).load(table);
        assertThat(first.count()).isEqualTo(CUSTOMERS);
        assertThat(first.where(col(Columns.RUN_ID).equalTo(run1)).count()).isEqualTo(CUSTOMERS);
        assertThat(row("SELECT to_regclass('nightshift_work.predictions_stage_' || ?::text) IS NULL AS gone", run2).get("gone")).isEqualTo(true);

        // when a date has no input, then the job names the date and where it looked
        long emptyRun = insertRun("churn", D.plusDays(5));
        assertThatThrownBy(() -> ScoreJob.run(spark, new ScoreArgs("churn", 1, D.plusDays(5), model.id(), warehouse, emptyRun), db))
                .isInstanceOf(InputValidationException.class)
                .hasMessageContaining("no input rows for business date 2026-10-25")
                .hasMessageContaining("/input/churn where event_date = 2026-10-25");

        // when a model file is tampered with, then scoring refuses, naming the file, and D keeps its rows
        Path modelDir = warehouseDir.resolve("models/churn/v1");
        Path victim;
        try (Stream<Path> files = Files.walk(modelDir)) {
            victim = files.filter(p -> p.toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(victim, bytes);
        String relative = modelDir.relativize(victim).toString();
        long run3 = insertRun("churn", D);
        assertThatThrownBy(() -> ScoreJob.run(spark, new ScoreArgs("churn", 1, D, model.id(), warehouse, run3), db))
                .isInstanceOf(ArtifactIntegrityException.class)
                .hasMessageStartingWith("model v1 artifact file " + relative + ": sha256 mismatch (expected ")
                .hasMessageEndingWith("refusing to load");
        assertPublished(run2, model.id());
        assertThat(DeltaPredictions.readDate(spark, table, D).where(col(Columns.RUN_ID).equalTo(run2)).count()).isEqualTo(CUSTOMERS);
    }

    @Test
    void demandRegressionFromADatedPath() throws Exception {
        // given
        applySpec(demandSpec());
        long trainRun = insertRun("demand", D);

        // when
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs("demand", 1, D, warehouse, trainRun), db);
        long scoreRun = insertRun("demand", D);
        long rows = ScoreJob.run(spark, new ScoreArgs("demand", 1, D, model.id(), warehouse, scoreRun), db);

        // then
        Map<String, Object> mv = row("SELECT (holdout_metrics->>'r2')::float8 AS r2, (holdout_metrics->>'rmse')::float8 AS rmse,"
                + " (holdout_metrics->>'mae')::float8 AS mae, training_from, holdout_to, task FROM nightshift.model_versions WHERE id = ?", model.id());
        assertThat((Double) mv.get("r2")).isGreaterThan(0.5);
        assertThat((Double) mv.get("rmse")).isPositive();
        assertThat((Double) mv.get("mae")).isPositive();
        assertThat(mv.get("training_from").toString()).isEqualTo("2026-10-10");
        assertThat(mv.get("holdout_to").toString()).isEqualTo("2026-10-19");
        assertThat(mv.get("task")).isEqualTo("regression");
        assertThat(rows).isEqualTo(ITEMS);
        Map<String, Object> pg = row("SELECT count(*) AS n, count(score) AS scored, min(prediction) AS lo FROM nightshift.predictions"
                + " WHERE pipeline = 'demand' AND business_date = ?", D);
        assertThat(pg.get("n")).isEqualTo((long) ITEMS);
        assertThat(pg.get("scored")).isEqualTo(0L);
    }

    @Test
    void aHyperparameterSearchPicksTheBetterGridPointRefitsItAndRecordsWhatWasTried() throws Exception {
        // given two specs whose grids hold one absurd regularisation (listed first, so picking index 0 would be wrong)
        PipelineSpec churn = churnSpec();
        PipelineSpec churnSearch = new PipelineSpec("churn-search", churn.task(), null, churn.input(), churn.groundTruth(), churn.features(),
                new PipelineSpec.ModelConfig(Algorithm.LOGISTIC_REGRESSION, Map.of("maxIter", 20), 12, 3, 42L, 0.5,
                        new PipelineSpec.Search("train-validation-split", Map.of("regParam", List.of(50.0, 0.0)), "log_loss", null, 0.7)),
                null);
        PipelineSpec demand = demandSpec();
        PipelineSpec demandSearch = new PipelineSpec("demand-search", demand.task(), null, demand.input(), demand.groundTruth(),
                demand.features(), new PipelineSpec.ModelConfig(Algorithm.LINEAR_REGRESSION, Map.of("maxIter", 50), 10, 3, 42L, null,
                        new PipelineSpec.Search("cross-validation", Map.of("regParam", List.of(1000.0, 0.01)), null, 2, null)),
                null);
        applySpec(churnSearch);
        applySpec(demandSearch);

        // when
        ModelRegistry.Registered c = TrainJob.run(spark, new TrainArgs("churn-search", 1, D, warehouse, insertRun("churn-search", D)), db);
        ModelRegistry.Registered d = TrainJob.run(spark, new TrainArgs("demand-search", 1, D, warehouse, insertRun("demand-search", D)), db);

        // then classification, train-validation split on log loss (lower is better): the unregularised point wins
        Map<String, Object> cv = row("SELECT params::text AS params, tuning->>'method' AS method, tuning->>'metric' AS metric,"
                + " (tuning->>'lowerIsBetter')::boolean AS lower, (tuning->>'trainRatio')::float8 AS ratio,"
                + " (tuning->'best'->>'regParam')::float8 AS best, (tuning->>'bestMetric')::float8 AS best_metric,"
                + " (tuning->'candidates'->0->>'metric')::float8 AS m0, (tuning->'candidates'->1->>'metric')::float8 AS m1,"
                + " tuning->'candidates'->0->'params'->>'regParam' AS p0, jsonb_array_length(tuning->'candidates') AS n"
                + " FROM nightshift.model_versions WHERE id = ?", c.id());
        assertThat(cv).containsEntry("method", "train-validation-split").containsEntry("metric", "log_loss").containsEntry("lower", true)
                .containsEntry("ratio", 0.7).containsEntry("n", 2).containsEntry("p0", "50.0").containsEntry("best", 0.0);
        assertThat((Double) cv.get("m1")).isLessThan((Double) cv.get("m0")).isEqualTo((Double) cv.get("best_metric"));
        // a log loss: positive, and the absurd point's is near that of predicting the base rate (about 0.5-0.7 here)
        assertThat((Double) cv.get("m1")).isPositive();
        assertThat((String) cv.get("params")).contains("\"maxIter\": 20", "\"regParam\": 0.0");
        // the artifact is the winner, refitted with those parameters
        org.apache.spark.ml.PipelineModel churnModel = org.apache.spark.ml.PipelineModel.load(c.artifactUri());
        var lr = (org.apache.spark.ml.classification.LogisticRegressionModel) churnModel.stages()[churnModel.stages().length - 1];
        assertThat(lr.getRegParam()).isEqualTo(0.0);
        assertThat(lr.getMaxIter()).isEqualTo(20);

        // and regression, 2-fold cross-validation on rmse (the default metric)
        Map<String, Object> dv = row("SELECT params::text AS params, tuning->>'method' AS method, tuning->>'metric' AS metric,"
                + " (tuning->>'folds')::int AS folds, (tuning->'best'->>'regParam')::float8 AS best,"
                + " (tuning->'candidates'->0->>'metric')::float8 AS m0, (tuning->'candidates'->1->>'metric')::float8 AS m1,"
                + " (holdout_metrics->>'rmse')::float8 AS holdout_rmse FROM nightshift.model_versions WHERE id = ?", d.id());
        assertThat(dv).containsEntry("method", "cross-validation").containsEntry("metric", "rmse").containsEntry("folds", 2)
                .containsEntry("best", 0.01);
        assertThat((Double) dv.get("m1")).isLessThan((Double) dv.get("m0"));
        org.apache.spark.ml.PipelineModel demandModel = org.apache.spark.ml.PipelineModel.load(d.artifactUri());
        var linear = (org.apache.spark.ml.regression.LinearRegressionModel) demandModel.stages()[demandModel.stages().length - 1];
        assertThat(linear.getRegParam()).isEqualTo(0.01);
        assertThat((Double) dv.get("holdout_rmse")).isPositive();
    }

    @Test
    void aNotebookModelIsImportedMeasuredBesideTheChampionAndScoresLikeAnyVersion() throws Exception {
        // given the pipeline with a champion, and a model trained in a notebook on the raw tables: its own column names
        // for vectors and the label, three numeric features and one categorical one (region and data_usage_gb unused)
        PipelineSpec base = churnSpec();
        PipelineSpec spec = new PipelineSpec("churn-import", base.task(), null, base.input(), base.groundTruth(), base.features(),
                base.model(), null);
        applySpec(spec);
        ModelRegistry.Registered champion = TrainJob.run(spark, new TrainArgs("churn-import", 1, D, warehouse, insertRun("churn-import", D)), db);
        Dataset<Row> history = spark.read().parquet(warehouse + "/input/churn").join(spark.read().parquet(warehouse + "/labels/churn"),
                        scala.jdk.javaapi.CollectionConverters.asScala(List.of("customer_id", "event_date")).toSeq())
                .where(col("event_date").leq(org.apache.spark.sql.functions.lit(D.minusDays(6))));
        org.apache.spark.ml.PipelineModel notebook = new org.apache.spark.ml.Pipeline().setStages(new org.apache.spark.ml.PipelineStage[] {
                new org.apache.spark.ml.feature.StringIndexer().setInputCol("plan").setOutputCol("plan_idx").setHandleInvalid("keep"),
                new org.apache.spark.ml.feature.OneHotEncoder().setInputCol("plan_idx").setOutputCol("plan_vec"),
                new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"tenure_months", "monthly_charges",
                        "support_calls", "plan_vec"}).setOutputCol("x"),
                new org.apache.spark.ml.classification.LogisticRegression().setFeaturesCol("x").setLabelCol("churned").setMaxIter(20)})
                .fit(history);
        Path mllibDir = warehouseDir.getParent().resolve("notebook-" + System.nanoTime());
        notebook.write().save(mllibDir.toString());
        // and the same model as MLflow logs it: an MLmodel file and the spark flavor's model_data folder
        Path mlflowDir = warehouseDir.getParent().resolve("mlflow-" + System.nanoTime());
        Files.createDirectories(mlflowDir);
        Files.writeString(mlflowDir.resolve("MLmodel"), """
                artifact_path: model
                flavors:
                  python_function:
                    data: sparkml
                    loader_module: mlflow.spark
                  spark:
                    model_data: sparkml
                    pyspark_version: 4.0.1
                mlflow_version: 2.9.2
                """);
        notebook.write().save(mlflowDir.resolve("sparkml").toString());

        // when both are imported
        ModelRegistry.Registered fromMllib = dev.nightshift.training.ImportJob.run(spark, new dev.nightshift.contract.ImportArgs(
                "churn-import", 1, D, mllibDir.toUri().toString(), warehouse, champion.id()), db);
        ModelRegistry.Registered fromMlflow = dev.nightshift.training.ImportJob.run(spark, new dev.nightshift.contract.ImportArgs(
                "churn-import", 1, D, mlflowDir.toUri().toString(), warehouse, champion.id()), db);

        // then each is a new version with its origin, the columns it reads, and both models measured on the same holdout
        Map<String, Object> mv = row("SELECT source, source_uri, created_by_run, algorithm, features::text AS features, params::text AS params,"
                + " (holdout_metrics->>'areaUnderROC')::float8 AS auc, (holdout_metrics->>'n')::float8 AS n,"
                + " (baseline_metrics->>'areaUnderROC')::float8 AS champion_auc, parent_version_id, holdout_from, holdout_to"
                + " FROM nightshift.model_versions WHERE id = ?", fromMllib.id());
        Map<String, Object> championRow = row("SELECT (holdout_metrics->>'areaUnderROC')::float8 AS auc, holdout_from, holdout_to"
                + " FROM nightshift.model_versions WHERE id = ?", champion.id());
        assertThat(mv).containsEntry("source", "imported").containsEntry("source_uri", mllibDir.toUri().toString())
                .containsEntry("created_by_run", null).containsEntry("algorithm", "logistic-regression")
                .containsEntry("parent_version_id", champion.id()).containsEntry("n", 3.0 * CUSTOMERS);
        assertThat((String) mv.get("features")).contains("tenure_months", "support_calls", "plan").doesNotContain("region", "data_usage_gb");
        assertThat((String) mv.get("params")).contains("\"maxIter\": 20");
        assertThat((Double) mv.get("auc")).isGreaterThan(0.55);
        // the champion on the import's holdout is the champion on its own holdout: the same window as of the same date
        assertThat(mv.get("holdout_from")).isEqualTo(championRow.get("holdout_from"));
        assertThat((Double) mv.get("champion_auc")).isCloseTo((Double) championRow.get("auc"), within(1e-12));
        Map<String, Object> mlflow = row("SELECT source_uri, (holdout_metrics->>'areaUnderROC')::float8 AS auc FROM nightshift.model_versions"
                + " WHERE id = ?", fromMlflow.id());
        assertThat(mlflow).containsEntry("source_uri", mlflowDir.toUri().toString());
        assertThat((Double) mlflow.get("auc")).isCloseTo((Double) mv.get("auc"), within(1e-12));
        assertThat(warehouseDir.resolve("models/churn-import/v" + fromMllib.version() + "/manifest.json")).isRegularFile();

        // and nightly scoring takes the imported version like any other
        assertThat(ScoreJob.run(spark, new ScoreArgs("churn-import", 1, D, fromMllib.id(), warehouse, insertRun("churn-import", D)), db))
                .isEqualTo(CUSTOMERS);

        // when a model reads a column the spec never feeds a model, or the folder is no model at all, then nothing is registered
        org.apache.spark.ml.PipelineModel readsEmail = new org.apache.spark.ml.Pipeline().setStages(new org.apache.spark.ml.PipelineStage[] {
                new org.apache.spark.ml.feature.StringIndexer().setInputCol("email").setOutputCol("e").setHandleInvalid("keep"),
                new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"e", "tenure_months"}).setOutputCol("x"),
                new org.apache.spark.ml.classification.LogisticRegression().setFeaturesCol("x").setLabelCol("churned").setMaxIter(5)})
                .fit(history.limit(200));
        Path emailDir = warehouseDir.getParent().resolve("email-" + System.nanoTime());
        readsEmail.write().save(emailDir.toString());
        long versions = (Long) row("SELECT count(*) AS n FROM nightshift.model_versions WHERE pipeline = 'churn-import'").get("n");
        assertThatThrownBy(() -> dev.nightshift.training.ImportJob.run(spark, new dev.nightshift.contract.ImportArgs(
                "churn-import", 1, D, emailDir.toUri().toString(), warehouse, null), db))
                .hasMessageContaining("does not fit pipeline 'churn-import'")
                .hasMessageContaining("column 'email' is a string feature, which models never read; expected a categorical feature");
        assertThatThrownBy(() -> dev.nightshift.training.ImportJob.run(spark, new dev.nightshift.contract.ImportArgs(
                "churn-import", 1, D, warehouseDir.resolve("input").toUri().toString(), warehouse, null), db))
                .hasMessageContaining("is neither a Spark MLlib PipelineModel directory (metadata/, stages/) nor an MLflow model directory");
        assertThat(row("SELECT count(*) AS n FROM nightshift.model_versions WHERE pipeline = 'churn-import'").get("n")).isEqualTo(versions);
    }

    private void assertPublished(long runId, long modelVersionId) throws SQLException {
        Map<String, Object> pg = row("SELECT count(*) AS n, count(DISTINCT entity_id) AS ids, min(run_id) AS lo, max(run_id) AS hi,"
                + " min(model_version_id) AS mv, min(score) AS smin, max(score) AS smax FROM nightshift.predictions"
                + " WHERE pipeline = 'churn' AND business_date = ?", D);
        assertThat(pg.get("n")).isEqualTo((long) CUSTOMERS);
        assertThat(pg.get("ids")).isEqualTo((long) CUSTOMERS);
        assertThat(pg.get("lo")).isEqualTo(runId);
        assertThat(pg.get("hi")).isEqualTo(runId);
        assertThat(pg.get("mv")).isEqualTo(modelVersionId);
        assertThat((Double) pg.get("smin")).isGreaterThanOrEqualTo(0.0);
        assertThat((Double) pg.get("smax")).isLessThanOrEqualTo(1.0);
    }

    private static void applySpec(PipelineSpec spec) throws SQLException {
        DbRows.applySpec(db, spec);
    }

    private static long insertRun(String pipeline, LocalDate date) throws SQLException {
        return DbRows.insertRun(db, pipeline, date);
    }

    private static Map<String, Object> row(String sql, Object... params) throws SQLException {
        return DbRows.row(db, sql, params);
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, null, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, false);
    }
}
