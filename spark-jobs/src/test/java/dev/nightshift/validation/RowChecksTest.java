package dev.nightshift.validation;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

class RowChecksTest extends SparkTestBase {

    private static final LocalDate D = LocalDate.of(2026, 10, 20);
    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("tenure_months", DataTypes.DoubleType)
            .add("monthly_charges", DataTypes.IntegerType)
            .add("plan", DataTypes.StringType)
            .add("email", DataTypes.StringType);
    /** tenure in [0, 100], charges >= 0, plan one of the two training categories; email is PII. */
    private static final DataContract CONTRACT = new DataContract("customer_id", List.of(
            new DataContract.FeatureRule("tenure_months", FeatureType.NUMERIC, 0.0, 100.0, null),
            new DataContract.FeatureRule("monthly_charges", FeatureType.NUMERIC, 0.0, null, null),
            new DataContract.FeatureRule("plan", FeatureType.CATEGORICAL, null, null, Set.of("basic", "premium"))), List.of("email"));

    private Dataset<Row> night() {
        Object[][] rows = {
                {"C1", 10.0, 50, "basic", "a@x"},
                {"C2", null, 50, "basic", "a@x"},
                {"C3", Double.NaN, 50, "basic", "a@x"},
                {"C4", Double.POSITIVE_INFINITY, -5, "basic", "a@x"},
                {"C5", 101.0, 50, "gold", "a@x"},
                {"C6", 0.0, 0, null, "a@x"},
                {"C7", 5.0, 5, "basic", "a@x"},
                {"C7", 6.0, 5, "basic", "a@x"},
                {null, 5.0, 5, "basic", "a@x"},
                {null, 5.0, 5, "basic", "a@x"},
                {"C8", -0.5, 5, "premium", "a@x"},
                {"C9", 100.0, 0, "premium", "a@x"}};
        return spark.createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), SCHEMA);
    }

    @Test
    void everyRowGetsTheReasonsOfEveryCheckItFails() {
        // when
        List<String> reasons = RowChecks.flag(night(), CONTRACT)
                .select(concat_ws("=", col("customer_id"), concat_ws(",", col(Columns.REASONS))).as("r"))
                .orderBy("r").collectAsList().stream().map(r -> r.getString(0)).toList();

        // then (hand-computed): bounds are inclusive, NaN and infinities are non_finite only, every row of a repeated
        // id is a duplicate, null ids are not duplicates of each other
        assertThat(reasons).containsExactly(
                "C1=",
                "C2=null:tenure_months",
                "C3=non_finite:tenure_months",
                "C4=non_finite:tenure_months,out_of_range:monthly_charges",
                "C5=out_of_range:tenure_months,unseen_category:plan",
                "C6=null:plan",
                "C7=duplicate_id",
                "C7=duplicate_id",
                "C8=out_of_range:tenure_months",
                "C9=",
                "null_id",
                "null_id");
    }

    @Test
    void countsComeFromOneAggregationAndQuarantinedPlusValidIsTheInput() {
        // given
        Dataset<Row> flagged = RowChecks.flag(night(), CONTRACT);

        // when
        ValidationCounts counts = RowChecks.counts(flagged, CONTRACT);

        // then
        assertThat(counts.rows()).isEqualTo(12);
        assertThat(counts.quarantined()).isEqualTo(10);
        assertThat(counts.valid()).isEqualTo(2);
        assertThat(RowChecks.valid(flagged).count()).isEqualTo(counts.valid());
        assertThat(RowChecks.quarantined(flagged, CONTRACT, D, 7).count()).isEqualTo(counts.quarantined());
        assertThat(counts.quarantined() + RowChecks.valid(flagged).count()).isEqualTo(night().count());
        Map<String, Long> byReason = new java.util.LinkedHashMap<>();
        counts.failing().forEach((check, n) -> byReason.put(check.reason(), n));
        assertThat(byReason).containsExactly(
                Map.entry("null_id", 2L), Map.entry("duplicate_id", 2L),
                Map.entry("null:tenure_months", 1L), Map.entry("non_finite:tenure_months", 2L), Map.entry("out_of_range:tenure_months", 2L),
                Map.entry("null:monthly_charges", 0L), Map.entry("non_finite:monthly_charges", 0L),
                Map.entry("out_of_range:monthly_charges", 1L),
                Map.entry("null:plan", 1L), Map.entry("unseen_category:plan", 1L));
        assertThat(counts.badRowShare()).isEqualTo(10 / 12.0);
    }

    @Test
    void quarantinedRowsKeepTheInputColumnsButPiiAndGainDateRunAndReasons() {
        // when
        Dataset<Row> q = RowChecks.quarantined(RowChecks.flag(night(), CONTRACT), CONTRACT, D, 42);

        // then
        assertThat(q.columns()).containsExactly("customer_id", "tenure_months", "monthly_charges", "plan",
                Columns.BUSINESS_DATE, Columns.RUN_ID, Columns.REASONS);
        Row c5 = q.where(col("customer_id").equalTo("C5")).first();
        assertThat(c5.<String>getAs("plan")).isEqualTo("gold");
        assertThat(c5.<LocalDate>getAs(Columns.BUSINESS_DATE)).isEqualTo(D);
        assertThat(c5.<Long>getAs(Columns.RUN_ID)).isEqualTo(42L);
        assertThat(c5.getList(c5.fieldIndex(Columns.REASONS))).containsExactly("out_of_range:tenure_months", "unseen_category:plan");
        assertThat(RowChecks.valid(RowChecks.flag(night(), CONTRACT)).columns()).containsExactly(SCHEMA.fieldNames());
    }

    @Test
    void inputColumnsNamedLikeQuarantineColumnsAreKeptUnderAPrefix() {
        Dataset<Row> input = night().withColumn(Columns.RUN_ID, lit("upstream-17")).withColumn(Columns.REASONS, lit("x"));

        Dataset<Row> q = RowChecks.quarantined(RowChecks.flag(input, CONTRACT), CONTRACT, D, 42);

        assertThat(q.columns()).containsExactly("customer_id", "tenure_months", "monthly_charges", "plan", "input_run_id",
                "input_reasons", Columns.BUSINESS_DATE, Columns.RUN_ID, Columns.REASONS);
    }

    @Test
    void theContractTakesBoundsFromTheSpecAndCategoriesFromTheTrainingProfile() {
        // given a spec with bounds and a PII column, and a model trained on tenure and plan only
        PipelineSpec spec = new PipelineSpec("churn", Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input(null, "{warehouse}/in", "event_date", "customer_id", null), null,
                List.of(new PipelineSpec.Feature("tenure_months", FeatureType.NUMERIC, 0.0, null, false),
                        new PipelineSpec.Feature("plan", FeatureType.CATEGORICAL, null, null, false),
                        new PipelineSpec.Feature("email", FeatureType.STRING, null, null, true)), null, null);
        List<ModelFeature> model = List.of(new ModelFeature("tenure_months", FeatureType.NUMERIC),
                new ModelFeature("plan", FeatureType.CATEGORICAL));
        ReferenceProfile profile = new ReferenceProfile(ReferenceProfile.FORMAT_VERSION, 10, 10, 10_000, List.of(),
                List.of(new ReferenceProfile.CategoricalProfile("plan", 10, 0, Map.of("basic", 6L, "premium", 4L))), null);

        // when
        DataContract withProfile = DataContract.of(spec, model, profile);
        DataContract withoutProfile = DataContract.of(spec, model, null);

        // then
        assertThat(withProfile.feature("tenure_months").min()).isEqualTo(0.0);
        assertThat(withProfile.feature("tenure_months").max()).isNull();
        assertThat(withProfile.feature("plan").categories()).containsExactlyInAnyOrder("basic", "premium");
        assertThat(withProfile.piiColumns()).containsExactly("email");
        assertThat(withProfile.rowChecks()).extracting(RowCheck::reason).containsExactly("null_id", "duplicate_id",
                "null:tenure_months", "non_finite:tenure_months", "out_of_range:tenure_months", "null:plan", "unseen_category:plan");
        assertThat(withoutProfile.rowChecks()).extracting(RowCheck::reason).doesNotContain("unseen_category:plan");
    }
}
