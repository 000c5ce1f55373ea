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

import static org.apache.spark.sql.functions.array_contains;
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
    void theNightsOnePassCountsAreTheAggregationsOverTheFlaggedRows() {
        // given the night, and the night with C8 sent again: its first row fails out_of_range, the second fails nothing
        // but its repeated id, so it adds one quarantined row and two duplicate_id rows
        Dataset<Row> again = night().union(spark.createDataFrame(List.of(RowFactory.create("C8", 50.0, 5, "basic", "a@x")), SCHEMA));

        for (Dataset<Row> input : List.of(night(), again)) {
            // when counted in one pass
            NightValidation.Pass pass = NightValidation.countAndProfile(input, CONTRACT, null);

            // then the counts are those of the definition, check by check
            assertThat(pass.counts()).isEqualTo(RowChecks.counts(RowChecks.flag(input, CONTRACT), CONTRACT));
            // and the repeated ids flag the same rows as the definition's
            assertThat(RowChecks.flagged(input, pass.repeatedIds(), CONTRACT).rows().where(col(Columns.REASONS).isNotNull()).count())
                    .isEqualTo(pass.counts().quarantined());
            pass.repeatedIds().stats().unpersist();
        }
        assertThat(NightValidation.countAndProfile(again, CONTRACT, null).counts().quarantined()).isEqualTo(11);
    }

    @Test
    void moreChecksThanOneWordOfBitsAreCountedEachOnItsOwn() {
        // given 30 bounded numeric features (90 checks besides the id's), each value bad in its own way on some rows
        List<DataContract.FeatureRule> rules = new java.util.ArrayList<>();
        StructType schema = new StructType().add("id", DataTypes.LongType);
        List<org.apache.spark.sql.Column> cols = new java.util.ArrayList<>(List.of(col("id").cast("long").as("id")));
        for (int f = 0; f < 30; f++) {
            rules.add(new DataContract.FeatureRule("x" + f, FeatureType.NUMERIC, 0.0, 10.0, null));
            cols.add(org.apache.spark.sql.functions.expr("CASE pmod(id * " + (7 + f) + ", 41) WHEN 0 THEN NULL WHEN 1 THEN double('NaN')"
                    + " WHEN 2 THEN 11.0 ELSE double(pmod(id, 10)) END").as("x" + f));
        }
        DataContract wide = new DataContract("id", rules, List.of());
        Dataset<Row> input = spark.range(2_000).select(cols.toArray(org.apache.spark.sql.Column[]::new))
                .union(spark.range(5).select(cols.toArray(org.apache.spark.sql.Column[]::new)));

        // when
        NightValidation.Pass pass = NightValidation.countAndProfile(input, wide, null);

        // then every check's count is the definition's, and so is the quarantined total
        ValidationCounts expected = RowChecks.counts(RowChecks.flag(input, wide), wide);
        assertThat(pass.counts()).isEqualTo(expected);
        assertThat(expected.failing().values()).filteredOn(n -> n > 0).hasSizeGreaterThan(63);
        assertThat(expected.failing().get(wide.rowChecks().get(1))).isEqualTo(10);
    }

    @Test
    void aNightSentTwiceOverHasMoreRepeatedIdsThanAreListedAndIsCountedAlike() {
        // given 12,000 ids, every row sent twice (more repeated hashes than repeatedIds lists in a plan)
        DataContract contract = new DataContract("id", List.of(new DataContract.FeatureRule("x", FeatureType.NUMERIC, 0.0, 10.0, null)),
                List.of());
        Dataset<Row> once = spark.range(12_000).selectExpr("id", "CAST(pmod(id, 12) AS double) AS x");
        Dataset<Row> twice = once.union(once);

        // when
        NightValidation.Pass pass = NightValidation.countAndProfile(twice, contract, null);

        // then every row is a duplicate, and the counts are the definition's
        assertThat(pass.repeatedIds().rows()).isEqualTo(24_000).isGreaterThan(RowChecks.MAX_LISTED_HASHES);
        assertThat(pass.counts()).isEqualTo(RowChecks.counts(RowChecks.flag(twice, contract), contract));
        assertThat(pass.counts().quarantined()).isEqualTo(24_000);
    }

    @Test
    void aHashCandidateIsResolvedByTheIdsThemselves() {
        // given the hashes of C1 (once in the night) and of C7 (twice)
        long[] hashes = night().where(col("customer_id").isin("C1", "C7")).select(dev.nightshift.drift.OnePass.idHash(col("customer_id")))
                .distinct().collectAsList().stream().mapToLong(r -> r.getLong(0)).sorted().toArray();

        // when
        RowChecks.RepeatedIds c1AndC7 = RowChecks.repeatedIds(night(), CONTRACT, hashes);
        RowChecks.RepeatedIds none = RowChecks.repeatedIds(night(), CONTRACT, new long[0]);

        // then only C7 repeats: two rows, both failing nothing else
        assertThat(c1AndC7.stats().collectAsList()).singleElement().asString().isEqualTo("[C7,2,2]");
        assertThat(c1AndC7.rows()).isEqualTo(2);
        assertThat(c1AndC7.clean()).isEqualTo(2);
        assertThat(none.rows()).isZero();
        assertThat(none.stats().count()).isZero();
        // no hash repeats: an empty table (no query over the night) of the same columns, which flags as the query would
        assertThat(none.stats().schema()).isEqualTo(c1AndC7.stats().schema());
        RowChecks.Flagged flagged = RowChecks.flagged(night(), none, CONTRACT);
        assertThat(flagged.rows().count()).isEqualTo(night().count());
        assertThat(flagged.rows().where(array_contains(col(Columns.REASONS), RowCheck.DUPLICATE_ID)).count()).isZero();
        flagged.release();
        c1AndC7.stats().unpersist();
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
