package dev.nightshift;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.DriftArgs;
import dev.nightshift.contract.DriftPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.ScoreArgs;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.drift.DriftJob;
import dev.nightshift.drift.DriftResult;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.registry.ArtifactIntegrityException;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.scoring.ScoreJob;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.TrainJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Train on pre-drift history, score the night before and the night the generator's covariate shift starts, and
 * measure drift for both against the model's reference profile (embedded PostgreSQL, file:// warehouse).
 */
class DriftIntegrationTest extends SparkTestBase {

    private static final String PIPELINE = "churndrift";
    /** The generator shifts every numeric churn feature by 1.5 standard deviations from this date on. */
    private static final LocalDate DRIFT_FROM = LocalDate.of(2026, 10, 20);
    private static final LocalDate BEFORE = DRIFT_FROM.minusDays(1);
    private static final int CUSTOMERS = 300;
    private static final List<String> NUMERIC = List.of("tenure_months", "monthly_charges", "support_calls", "data_usage_gb");

    private static DbConfig db;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @TempDir
    static Path warehouseDir;
    private static String warehouse;

    @BeforeAll
    static void generateData() {
        warehouse = warehouseDir.toUri().toString();
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", warehouse, DRIFT_FROM.minusDays(10), DRIFT_FROM, CUSTOMERS, 11,
                DRIFT_FROM, 1.5, 0, 2));
        GenerateDataJob.run(spark, new GenerateDataArgs("demand", warehouse, DRIFT_FROM.minusDays(8), DRIFT_FROM, 100, 11,
                DRIFT_FROM, 1.5, 0, 1));
    }

    private static PipelineSpec demandSpec() {
        return new PipelineSpec("demanddrift", Task.REGRESSION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/demand/date={date}", null, "item_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/demand", "item_id", "sale_date", "units_sold", 1),
                List.of(numeric("price"), numeric("promo"), numeric("temperature"), categorical("day_of_week"), categorical("category")),
                new PipelineSpec.ModelConfig(Algorithm.LINEAR_REGRESSION, Map.of("maxIter", 20), 8, 2, 42L, null), null);
    }

    @Test
    void regressionFromADatedPathAndANightNotScoredYet() throws Exception {
        // given a demand model (no monitoring section: default policy) and only the drifted night scored
        DbRows.applySpec(db, demandSpec());
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs("demanddrift", 1, BEFORE, warehouse,
                DbRows.insertRun(db, "demanddrift", BEFORE)), db);
        ScoreJob.run(spark, new ScoreArgs("demanddrift", 1, DRIFT_FROM, model.id(), warehouse, DbRows.insertRun(db, "demanddrift", DRIFT_FROM)), db);

        // when
        List<DriftResult> after = DriftJob.run(spark, new DriftArgs("demanddrift", 1, DRIFT_FROM, model.id(), warehouse,
                DbRows.insertRun(db, "demanddrift", DRIFT_FROM)), db);

        // then the shifted price drifted, and the prediction row profiles the regression output
        assertThat(chosen(after, "price").drifted()).isTrue();
        assertThat(chosen(after, "category").drifted()).isFalse();
        assertThat(chosen(after, DriftResult.PREDICTION).nReference()).isPositive();
        ReferenceProfile profile = ReferenceProfile.parse(Files.readAllBytes(
                warehouseDir.resolve("models/demanddrift/v1/" + ReferenceProfile.FILE_NAME)));
        assertThat(profile.prediction().name()).isEqualTo("prediction");
        assertThat(profile.numeric("price").binCounts()).hasSize(10);

        // when a night with input but no predictions is measured, then the job says to score it first and writes nothing
        long run = DbRows.insertRun(db, "demanddrift", BEFORE);
        assertThatThrownBy(() -> DriftJob.run(spark, new DriftArgs("demanddrift", 1, BEFORE, model.id(), warehouse, run), db))
                .hasMessageContaining("no predictions of model version id " + model.id() + " for " + BEFORE)
                .hasMessageContaining("score the date with that version first");
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM nightshift.feature_drift WHERE pipeline = 'demanddrift' AND business_date = ?",
                BEFORE)).containsEntry("n", 0L);
    }

    private static PipelineSpec spec() {
        return new PipelineSpec(PIPELINE, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/churn", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn", "customer_id", "event_date", "churned", 2),
                List.of(numeric("tenure_months"), numeric("monthly_charges"), numeric("support_calls"), numeric("data_usage_gb"),
                        categorical("plan"), categorical("region"),
                        new PipelineSpec.Feature("email", FeatureType.STRING, null, null, true)),
                new PipelineSpec.ModelConfig(Algorithm.LOGISTIC_REGRESSION, Map.of("maxIter", 20), 10, 2, 42L, 0.5),
                new PipelineSpec.Monitoring(null, new DriftPolicy("auto", 0.2, 0.3, 10, null), null, null, null));
    }

    @Test
    void noNumericDriftBeforeTheShiftAndTheShiftedFeaturesAfterIt() throws Exception {
        // given a model trained on the nights before the shift, and both nights scored with it
        DbRows.applySpec(db, spec());
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, BEFORE, warehouse, DbRows.insertRun(db, PIPELINE, BEFORE)), db);
        Path modelDir = warehouseDir.resolve("models/" + PIPELINE + "/v1");
        String manifest = Files.readString(modelDir.resolve("manifest.json"));
        assertThat(manifest).contains("\"path\":\"" + ReferenceProfile.FILE_NAME + "\"");
        ReferenceProfile profile = ReferenceProfile.parse(Files.readAllBytes(modelDir.resolve(ReferenceProfile.FILE_NAME)));
        assertThat(profile.numeric()).extracting(ReferenceProfile.NumericProfile::name).containsExactlyElementsOf(NUMERIC);
        assertThat(profile.categorical()).extracting(ReferenceProfile.CategoricalProfile::name).containsExactly("plan", "region");
        assertThat(profile.numeric("tenure_months").quantiles()).hasSize(101);
        assertThat(profile.numeric("monthly_charges").binCounts()).hasSize(10);
        assertThat(profile.prediction().name()).isEqualTo("score");
        assertThat(profile.rows()).isEqualTo(profile.numeric("tenure_months").count());
        assertThat(profile.categorical("plan").categories()).containsOnlyKeys("basic", "standard", "premium");
        for (LocalDate night : List.of(BEFORE, DRIFT_FROM)) {
            ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, night, model.id(), warehouse, DbRows.insertRun(db, PIPELINE, night)), db);
        }

        // when
        List<DriftResult> before = DriftJob.run(spark, args(BEFORE, model.id()), db);
        List<DriftResult> after = DriftJob.run(spark, args(DRIFT_FROM, model.id()), db);

        // then with 300 rows a night, auto judges numeric features by KS and categorical ones by chi-square
        for (String f : NUMERIC) {
            assertThat(chosen(before, f).method()).isEqualTo("ks");
            assertThat(chosen(before, f).drifted()).as(f + " before: " + chosen(before, f)).isFalse();
            assertThat(chosen(after, f).drifted()).as(f + " after: " + chosen(after, f)).isTrue();
        }
        assertThat(chosen(after, "plan").method()).isEqualTo("chi_square");
        assertThat(chosen(after, "plan").drifted()).isFalse();
        assertThat(chosen(after, "region").drifted()).isFalse();
        assertThat(chosen(after, DriftResult.DATASET).statistic()).isEqualTo(4.0 / 6);
        assertThat(chosen(after, DriftResult.DATASET).drifted()).isTrue();
        assertThat(chosen(before, DriftResult.DATASET).drifted()).isFalse();
        assertThat(chosen(after, DriftResult.PREDICTION).method()).isEqualTo("psi");

        Map<String, Object> stored = DbRows.row(db, "SELECT count(*) AS n, count(*) FILTER (WHERE chosen) AS chosen,"
                + " count(*) FILTER (WHERE chosen AND drifted AND feature_type = 'numeric') AS drifted_numeric,"
                + " min(n_current) FILTER (WHERE feature_type = 'numeric') AS n_cur, min(p_value) FILTER (WHERE method = 'psi') AS psi_p,"
                + " max(unseen_share) AS unseen FROM nightshift.feature_drift WHERE pipeline = ? AND business_date = ?", PIPELINE, DRIFT_FROM);
        // 4 numeric x 3 methods + 2 categorical x 4 + prediction x 3 + dataset
        assertThat(stored.get("n")).isEqualTo(24L);
        assertThat(stored.get("chosen")).isEqualTo(8L);
        assertThat(stored.get("drifted_numeric")).isEqualTo(4L);
        assertThat(stored.get("n_cur")).isEqualTo((long) CUSTOMERS);
        assertThat(stored.get("psi_p")).isNull();
        assertThat((Double) stored.get("unseen")).isEqualTo(0.0);

        // when the night is measured again, then its rows are replaced, not duplicated
        long rerun = DbRows.insertRun(db, PIPELINE, DRIFT_FROM);
        DriftJob.run(spark, new DriftArgs(PIPELINE, 1, DRIFT_FROM, model.id(), warehouse, rerun), db);
        Map<String, Object> again = DbRows.row(db, "SELECT count(*) AS n, min(run_id) AS lo, max(run_id) AS hi FROM nightshift.feature_drift"
                + " WHERE pipeline = ? AND business_date = ?", PIPELINE, DRIFT_FROM);
        assertThat(again).containsEntry("n", 24L).containsEntry("lo", rerun).containsEntry("hi", rerun);

        // when profile.json is tampered with, then DriftJob refuses and the night keeps its rows
        Path profileFile = modelDir.resolve(ReferenceProfile.FILE_NAME);
        Files.writeString(profileFile, Files.readString(profileFile).replaceFirst("\"rows\" : \\d+", "\"rows\" : 1"), StandardCharsets.UTF_8);
        long refused = DbRows.insertRun(db, PIPELINE, DRIFT_FROM);
        assertThatThrownBy(() -> DriftJob.run(spark, new DriftArgs(PIPELINE, 1, DRIFT_FROM, model.id(), warehouse, refused), db))
                .isInstanceOf(ArtifactIntegrityException.class)
                .hasMessageStartingWith("model v1 artifact file profile.json: s")
                .hasMessageEndingWith("refusing to load");
        assertThat(DbRows.row(db, "SELECT count(*) AS n, max(run_id) AS hi FROM nightshift.feature_drift WHERE pipeline = ? AND business_date = ?",
                PIPELINE, DRIFT_FROM)).containsEntry("n", 24L).containsEntry("hi", rerun);
    }

    private DriftArgs args(LocalDate night, long modelVersionId) throws Exception {
        return new DriftArgs(PIPELINE, 1, night, modelVersionId, warehouse, DbRows.insertRun(db, PIPELINE, night));
    }

    private static DriftResult chosen(List<DriftResult> rows, String feature) {
        return rows.stream().filter(r -> r.feature().equals(feature) && r.chosen()).findFirst().orElseThrow();
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, null, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, false);
    }
}
