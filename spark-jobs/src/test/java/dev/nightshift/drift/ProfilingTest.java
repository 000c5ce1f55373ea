package dev.nightshift.drift;

import dev.nightshift.contract.FeatureType;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reference profile and night summary of a handful of rows, the number of Spark jobs the night summary takes, and a large night's sample. */
class ProfilingTest extends SparkTestBase {

    private static final StructType SCHEMA = new StructType()
            .add("x", DataTypes.DoubleType)
            .add("c", DataTypes.StringType);
    private static final List<ModelFeature> FEATURES = List.of(new ModelFeature("x", FeatureType.NUMERIC),
            new ModelFeature("c", FeatureType.CATEGORICAL));

    @Test
    void referenceProfileOfTwentyRows() {
        // given x = 1..19 and one null; c = a (10), b (9), null (1)
        List<Row> rows = new ArrayList<>();
        double[] xs = new double[19];
        for (int i = 1; i <= 19; i++) {
            rows.add(RowFactory.create((double) i, i <= 10 ? "a" : "b"));
            xs[i - 1] = i;
        }
        rows.add(RowFactory.create(null, null));
        Dataset<Row> frame = spark.createDataFrame(rows, SCHEMA);
        Dataset<Row> outputs = frame.selectExpr("x / 20 AS score");

        // when
        ReferenceProfile p = Profiling.reference(frame, FEATURES, 4, outputs, "score");

        // then
        ReferenceProfile.NumericProfile x = p.numeric("x");
        assertThat(p.rows()).isEqualTo(20);
        assertThat(x.count()).isEqualTo(19);
        assertThat(x.nullCount()).isEqualTo(1);
        assertThat(x.mean()).isEqualTo(10.0);
        assertThat(x.min()).isEqualTo(1.0);
        assertThat(x.max()).isEqualTo(19.0);
        assertThat(x.quantiles()).containsExactly(QuantileSketch.exactQuantiles(xs));
        // quartiles of 1..19 by percentile_approx: 5, 10, 15; bins x<=5, 5<x<=10, 10<x<=15, x>15
        assertThat(x.binEdges()).containsExactly(5.0, 10.0, 15.0);
        assertThat(x.binCounts()).containsExactly(5, 5, 5, 4);
        ReferenceProfile.CategoricalProfile c = p.categorical("c");
        assertThat(c.categories()).containsExactly(java.util.Map.entry("a", 10L), java.util.Map.entry("b", 9L));
        assertThat(c.nullCount()).isEqualTo(1);
        assertThat(p.prediction().name()).isEqualTo("score");
        assertThat(p.prediction().count()).isEqualTo(19);
        assertThat(ReferenceProfile.parse(p.toBytes())).usingRecursiveComparison().isEqualTo(p);
    }

    @Test
    void aNightIsSummarizedInOnePass() {
        // given a reference with edges 5, 10, 15 and categories a, b; a night with an unseen category and a null
        ReferenceProfile.NumericProfile x = new ReferenceProfile.NumericProfile("x", 19, 1, 10.0, 5.6, 1.0, 19.0,
                new double[] {5, 10, 15}, new long[] {5, 5, 5, 4}, new double[0]);
        ReferenceProfile.CategoricalProfile c = new ReferenceProfile.CategoricalProfile("c", 19, 1, java.util.Map.of("a", 10L, "b", 9L));
        List<Row> rows = List.of(RowFactory.create(5.0, "a"), RowFactory.create(5.5, "z"), RowFactory.create(10.0, "b"),
                RowFactory.create(20.0, "z"), RowFactory.create(null, null), RowFactory.create(16.0, "a"));
        Dataset<Row> night = spark.createDataFrame(rows, SCHEMA);

        // when
        CurrentProfile[] summaries = new CurrentProfile[1];
        int jobs = jobsOf(() -> summaries[0] = Profiling.current(night, List.of(x), List.of(c)));
        CurrentProfile summary = summaries[0];

        // then it takes a row count and one pass (which collects through a shuffle)
        assertThat(jobs).isEqualTo(jobsOf(night::count) + 1);
        assertThat(summary.rows()).isEqualTo(6);
        CurrentProfile.NumericSummary xs = summary.numeric().get("x");
        assertThat(xs.count()).isEqualTo(5);
        assertThat(xs.nullCount()).isEqualTo(1);
        assertThat(xs.binCounts()).containsExactly(1, 2, 0, 2);
        assertThat(xs.quantiles()).containsExactly(QuantileSketch.exactQuantiles(new double[] {5.0, 5.5, 10.0, 20.0, 16.0}));
        CurrentProfile.CategoricalSummary cs = summary.categorical().get("c");
        assertThat(cs.counts()).containsExactly(2, 1);
        assertThat(cs.unseen()).isEqualTo(2);
        assertThat(cs.nullCount()).isEqualTo(1);
    }

    @Test
    void aLargeNightIsSketchedFromAStableSampleWithinTheDkwBound() {
        // given 100,000 rows whose x is 1..100,000 in a shuffled order, every value twice over with the same c
        Dataset<Row> night = spark.range(100_000).selectExpr("concat('id-', id) AS entity_id",
                "CAST(pmod(id * 7919, 100000) + 1 AS double) AS x", "CASE WHEN id % 2 = 0 THEN 'a' ELSE 'b' END AS c");

        // when sampled down to about 10,000 rows, twice, once from another partitioning
        Dataset<Row> sample = QuantileSketch.sampled(night, 100_000, 10_000);
        Dataset<Row> again = QuantileSketch.sampled(night.repartition(7), 100_000, 10_000);

        // then it holds about 10,000 rows (binomial: sd about 95), the same ones both times
        long n = sample.count();
        assertThat(n).isBetween(9_500L, 10_500L);
        assertThat(again.count()).isEqualTo(n);
        assertThat(sample.join(again, "entity_id").count()).isEqualTo(n);
        // and the sample's 101 quantiles are those of x's distribution (uniform on 1..100,000) to within the DKW bound
        // for n = 10,000 at P = 0.9999: ε = sqrt(ln(2 / 1e-4) / (2 n)) ≈ 0.0223, in rank, so 2,230 in value
        double[] p = QuantileSketch.probabilities();
        double[] q = sample.selectExpr("percentile_approx(x, array(" + java.util.Arrays.stream(p).mapToObj(Double::toString)
                .collect(java.util.stream.Collectors.joining(", ")) + "), 10000)").first().getList(0).stream()
                .mapToDouble(v -> (Double) v).toArray();
        for (int k = 0; k < p.length; k++) {
            assertThat(q[k]).as("quantile %s", p[k]).isCloseTo(Math.max(1, p[k] * 100_000), org.assertj.core.data.Offset.offset(2_230.0));
        }
        // and a night no bigger than the sample size is not sampled at all
        assertThat(QuantileSketch.sampled(night, 100_000, 100_000)).isSameAs(night);
    }

    @Test
    void aLargeNightsSketchIsTheExactQuantilesOfTheSampledRowsAndItsBinsAreExact() {
        // given 100,000 rows (x uniform-ish with nulls, c over four values), once more from another partitioning
        Dataset<Row> night = spark.range(100_000).selectExpr("concat('id-', id) AS entity_id",
                "CASE WHEN id % 97 = 0 THEN NULL ELSE CAST(pmod(id * 7919, 100000) + 1 AS double) END AS x",
                "CASE pmod(id, 4) WHEN 0 THEN 'a' WHEN 1 THEN 'b' WHEN 2 THEN 'z' ELSE NULL END AS c");
        ReferenceProfile.NumericProfile x = new ReferenceProfile.NumericProfile("x", 1, 0, 0.0, 1.0, 0.0, 1.0,
                new double[] {10_000, 25_000, 25_000.5, 90_000}, new long[5], new double[0]);
        ReferenceProfile.CategoricalProfile c = new ReferenceProfile.CategoricalProfile("c", 1, 0, java.util.Map.of("a", 1L, "b", 1L));

        // when profiled with a sample of about 10,000 rows
        CurrentProfile p = OnePass.run(night, 100_000, null, List.of(), List.of(), List.of(x), List.of(c), 10_000).profile();
        CurrentProfile again = OnePass.run(night.repartition(7), 100_000, null, List.of(), List.of(), List.of(x), List.of(c), 10_000).profile();

        // then the sketch is the exact quantiles of the rows QuantileSketch.sampled keeps (the definition), from either
        // partitioning
        double[] sampled = QuantileSketch.sampled(night, 100_000, 10_000).where("x IS NOT NULL").select("x").collectAsList().stream()
                .mapToDouble(r -> r.getDouble(0)).toArray();
        assertThat(sampled.length).isBetween(9_000, 11_000);
        assertThat(p.numeric().get("x").quantiles()).containsExactly(QuantileSketch.exactQuantiles(sampled));
        assertThat(again.numeric().get("x").quantiles()).containsExactly(p.numeric().get("x").quantiles());
        // and the bins and categories count every row, as Spark's expressions do
        long[] bins = new long[5];
        night.select(Profiling.binIndex(org.apache.spark.sql.functions.col("x"), x.binEdges()).as("b")).where("b IS NOT NULL")
                .groupBy("b").count().collectAsList().forEach(r -> bins[r.getInt(0)] = r.getLong(1));
        assertThat(p.numeric().get("x").binCounts()).containsExactly(bins);
        assertThat(p.numeric().get("x").nullCount()).isEqualTo(night.where("x IS NULL").count());
        assertThat(p.categorical().get("c").counts()).containsExactly(25_000, 25_000);
        assertThat(p.categorical().get("c").unseen()).isEqualTo(25_000);
        assertThat(p.categorical().get("c").nullCount()).isEqualTo(25_000);
        assertThat(again).usingRecursiveComparison().isEqualTo(p);
    }

    private static int jobsOf(Runnable action) {
        String group = "drift-jobs-" + System.nanoTime();
        spark.sparkContext().setJobGroup(group, "counting jobs", false);
        try {
            action.run();
        } finally {
            spark.sparkContext().clearJobGroup();
        }
        return spark.sparkContext().statusTracker().getJobIdsForGroup(group).length;
    }

    @Test
    void nonFiniteValuesAreNullsForDriftSoTheNightSummaryStaysFinite() {
        List<Row> rows = List.of(RowFactory.create(1.0, "a"), RowFactory.create(Double.NaN, "a"),
                RowFactory.create(Double.POSITIVE_INFINITY, "b"), RowFactory.create(4.0, "b"));

        List<Row> cleaned = DriftJob.nonFiniteAsNull(spark.createDataFrame(rows, SCHEMA), FEATURES).collectAsList();

        assertThat(cleaned).extracting(r -> r.isNullAt(0) ? null : r.getDouble(0)).containsExactly(1.0, null, null, 4.0);
        assertThat(cleaned).extracting(r -> r.getString(1)).containsExactly("a", "a", "b", "b");
    }

    @Test
    void aReferenceProfileCountsNonFiniteTrainingValuesAsNullsLikeANight() {
        // given training rows (never validated) where one x is NaN and one +Infinity
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            rows.add(RowFactory.create((double) i, "a"));
        }
        rows.add(RowFactory.create(Double.NaN, "a"));
        rows.add(RowFactory.create(Double.POSITIVE_INFINITY, "b"));
        Dataset<Row> frame = spark.createDataFrame(rows, SCHEMA);

        // when
        ReferenceProfile.NumericProfile x = Profiling.reference(frame, FEATURES, 4, frame.selectExpr("0.5 AS score"), "score").numeric("x");

        // then: the profile is that of 1..8 with two nulls, and every stored number is finite
        assertThat(x.count()).isEqualTo(8);
        assertThat(x.nullCount()).isEqualTo(2);
        assertThat(x.mean()).isEqualTo(4.5);
        assertThat(x.max()).isEqualTo(8.0);
        assertThat(x.quantiles()).containsExactly(QuantileSketch.exactQuantiles(new double[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertThat(java.util.Arrays.stream(x.binEdges()).allMatch(Double::isFinite)).as(java.util.Arrays.toString(x.binEdges())).isTrue();
    }
}
