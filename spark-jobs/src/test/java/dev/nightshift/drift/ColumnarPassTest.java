package dev.nightshift.drift;

import dev.nightshift.contract.FeatureType;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.validation.DataContract;
import dev.nightshift.validation.NightValidation;
import dev.nightshift.validation.RowChecks;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ColumnarPass} against {@link OnePass#run} over the same rows: the same counts, repeated id hashes, bins,
 * category counts and sample, on seeded random nights full of what breaks loops (nulls, NaN, ±∞, -0.0, values on the
 * bin edges and the bounds, unseen, empty and non-ASCII categories, null and repeated ids), read from Parquet with and
 * without dictionary encoding, from Delta, from the cache, with integral ids and numeric columns of every width.
 */
class ColumnarPassTest extends SparkTestBase {

    private static final List<String> CATEGORIES = List.of("a", "b", "c", "é", "");
    private static final double[] EDGES = {-1.0, -0.0, 0.5, 1.0, 40.0};

    @TempDir
    Path dir;

    @Test
    void parquetWithDictionariesGivesTheRowPassesCountsAndSample() {
        for (long seed = 1; seed <= 3; seed++) {
            Dataset<Row> input = parquet(night(seed, DataTypes.StringType), true, "dict-" + seed);
            assertSameAsRowPass(input, DataTypes.StringType, 400);
        }
    }

    @Test
    void stringIdsAreHashedFromTheBytesTheVectorsHold() {
        // when a Spark upgrade renames the private fields, the pass still counts right (the tests above) but makes an
        // object a row again: this says so instead of the benchmark
        assertThat(ColumnarPass.StringBytes.direct()).as("OnHeapColumnVector.byteData and WritableColumnVector.dictionary found").isTrue();
    }

    @Test
    void parquetWithoutDictionariesAndIntegralIdsGiveTheRowPassesCounts() {
        assertSameAsRowPass(parquet(night(4, DataTypes.StringType), false, "plain"), DataTypes.StringType, 400);
        assertSameAsRowPass(parquet(night(5, DataTypes.LongType), true, "long-id"), DataTypes.LongType, 400);
        assertSameAsRowPass(parquet(night(6, DataTypes.IntegerType), true, "int-id"), DataTypes.IntegerType, 400);
        // no sampling: every value is in the sample
        assertSameAsRowPass(parquet(night(7, DataTypes.StringType), true, "small"), DataTypes.StringType, 1_000_000);
    }

    @Test
    void aDeltaNightReadWithItsPartitionFilterGivesTheRowPassesCounts() {
        String path = dir.resolve("delta").toString();
        night(11, DataTypes.StringType).withColumn("business_date", org.apache.spark.sql.functions.lit(java.sql.Date.valueOf("2026-11-02")))
                .union(night(12, DataTypes.StringType).withColumn("business_date", org.apache.spark.sql.functions.lit(java.sql.Date.valueOf("2026-11-03"))))
                .write().format("delta").partitionBy("business_date").save(path);
        Dataset<Row> night = spark.read().format("delta").load(path).where(col("business_date").equalTo(org.apache.spark.sql.functions.lit(
                java.sql.Date.valueOf("2026-11-02"))));
        assertThat(night.count()).isEqualTo(3_000);
        assertSameAsRowPass(night, DataTypes.StringType, 400);
    }

    @Test
    void aCachedNightOfNumbersIsReadAsColumnBatchesToo() {
        // Spark's cache serves column batches of primitive columns only (a cached night with strings is read row by row)
        Dataset<Row> numbers = parquet(night(8, DataTypes.LongType), true, "cached").drop("c0", "c1");
        Dataset<Row> cached = numbers.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            assertSameAsRowPass(cached, NUMBERS_ONLY, FEATURES.subList(0, 5), NUMERIC, List.of(), 400);
            // and again once the cache is filled
            assertSameAsRowPass(cached, NUMBERS_ONLY, FEATURES.subList(0, 5), NUMERIC, List.of(), 400);
            Dataset<Row> withStrings = parquet(night(8, DataTypes.StringType), true, "cached-strings").persist(StorageLevel.MEMORY_AND_DISK());
            assertThat(columnar(withStrings, CONTRACT, FEATURES, NUMERIC, CATEGORICAL, 400)).isEmpty();
            withStrings.unpersist(true);
        } finally {
            cached.unpersist(true);
        }
    }

    @Test
    void theDriftProfileAloneIsTheProfileOfTheNightFrame() {
        Dataset<Row> input = parquet(night(10, DataTypes.StringType), true, "profile");
        Dataset<Row> frame = Profiling.nightFrame(input, "id", FEATURES).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            for (long sampleRows : new long[] {400, 1_000_000}) {
                CurrentProfile expected = OnePass.run(frame, frame.count(), null, List.of(), List.of(), NUMERIC, CATEGORICAL, sampleRows).profile();
                assertThat(ColumnarPass.profile(input, "id", FEATURES, NUMERIC, CATEGORICAL, sampleRows)).get()
                        .usingRecursiveComparison().isEqualTo(expected);
            }
        } finally {
            frame.unpersist(true);
        }
        assertThat(ColumnarPass.profile(night(10, DataTypes.StringType), "id", FEATURES, NUMERIC, CATEGORICAL)).isEmpty();
    }

    @Test
    void inputNotReadAsColumnBatchesOrOfOtherTypesIsLeftToTheRowPass() {
        Dataset<Row> rows = night(9, DataTypes.StringType);
        assertThat(columnar(rows, CONTRACT, FEATURES, NUMERIC, CATEGORICAL, 400)).isEmpty();
        Dataset<Row> filtered = parquet(rows, true, "filtered").where(col("d0").isNotNull());
        assertThat(columnar(filtered, CONTRACT, FEATURES, NUMERIC, CATEGORICAL, 400)).isEmpty();
        Dataset<Row> decimal = parquet(rows.withColumn("i0", col("i0").cast("decimal(10,2)")), true, "decimal");
        assertThat(columnar(decimal, CONTRACT, FEATURES, NUMERIC, CATEGORICAL, 400)).isEmpty();
    }

    private void assertSameAsRowPass(Dataset<Row> input, DataType idType, long sampleRows) {
        assertThat(input.schema().apply("id").dataType()).isEqualTo(idType);
        assertSameAsRowPass(input, CONTRACT, FEATURES, NUMERIC, CATEGORICAL, sampleRows);
    }

    private void assertSameAsRowPass(Dataset<Row> input, DataContract contract, List<ModelFeature> features,
                                     List<ReferenceProfile.NumericProfile> numeric, List<ReferenceProfile.CategoricalProfile> categorical,
                                     long sampleRows) {
        OnePass.Result expected = rowPass(input, contract, features, numeric, categorical, sampleRows);
        Optional<OnePass.Result> actual = columnar(input, contract, features, numeric, categorical, sampleRows);

        assertThat(actual).as("read as column batches").isPresent();
        assertThat(actual.get().rows()).isEqualTo(expected.rows());
        assertThat(actual.get().failing()).as("rows failing each check").containsExactly(expected.failing());
        assertThat(actual.get().failingAny()).isEqualTo(expected.failingAny());
        assertThat(actual.get().repeatedIdHashes()).containsExactly(expected.repeatedIdHashes());
        assertThat(actual.get().profile()).usingRecursiveComparison().isEqualTo(expected.profile());
        // the nights are hostile enough for the comparison to mean something: every check fails somewhere but the
        // non-finite checks of integer columns, which cannot
        List<dev.nightshift.validation.RowCheck> checks = RowChecks.otherChecks(contract);
        for (int k = 0; k < checks.size(); k++) {
            boolean integral = checks.get(k).name().equals(dev.nightshift.validation.RowCheck.NON_FINITE)
                    && Set.of("i0", "l0", "s0").contains(checks.get(k).column());
            assertThat(expected.failing()[k]).as(checks.get(k).toString()).isEqualTo(integral ? 0 : expected.failing()[k]);
            if (!integral) {
                assertThat(expected.failing()[k]).as(checks.get(k).toString()).isPositive();
            }
        }
        assertThat(expected.repeatedIdHashes()).isNotEmpty();
        // and both sample the rows QuantileSketch.sampled defines (by the id's hash, or the row's without an id)
        double[] sampled = QuantileSketch.sampled(Profiling.nightFrame(input, "id", features), input.count(), sampleRows)
                .where(col("d0").isNotNull()).select("d0").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
        assertThat(sampled.length).isLessThan(sampleRows >= input.count() ? Integer.MAX_VALUE : 3_000 * 95 / 100);
        assertThat(expected.profile().numeric().get("d0").quantiles()).containsExactly(QuantileSketch.exactQuantiles(sampled));
    }

    private static Optional<OnePass.Result> columnar(Dataset<Row> input, DataContract contract, List<ModelFeature> features,
                                                     List<ReferenceProfile.NumericProfile> numeric,
                                                     List<ReferenceProfile.CategoricalProfile> categorical, long sampleRows) {
        return ColumnarPass.run(input, input.count(), "id", RowChecks.columnarChecks(contract), features, numeric, categorical, sampleRows);
    }

    private static OnePass.Result rowPass(Dataset<Row> input, DataContract contract, List<ModelFeature> features,
                                          List<ReferenceProfile.NumericProfile> numeric,
                                          List<ReferenceProfile.CategoricalProfile> categorical, long sampleRows) {
        return NightValidation.rowPass(input, input.count(), contract, new Profiling.Request(features, numeric, categorical), sampleRows);
    }

    private static final List<ModelFeature> FEATURES = List.of(
            new ModelFeature("d0", FeatureType.NUMERIC), new ModelFeature("f0", FeatureType.NUMERIC),
            new ModelFeature("i0", FeatureType.NUMERIC), new ModelFeature("l0", FeatureType.NUMERIC),
            new ModelFeature("s0", FeatureType.NUMERIC), new ModelFeature("c0", FeatureType.CATEGORICAL),
            new ModelFeature("c1", FeatureType.CATEGORICAL));

    private static final List<ReferenceProfile.NumericProfile> NUMERIC = Arrays.asList(
            numeric("d0"), numeric("f0"), numeric("i0"), numeric("l0"), numeric("s0"));

    private static final List<ReferenceProfile.CategoricalProfile> CATEGORICAL = List.of(
            categorical("c0", CATEGORIES), categorical("c1", List.of("k1", "k2", "k3")));

    private static final DataContract CONTRACT = new DataContract("id", List.of(
            new DataContract.FeatureRule("d0", FeatureType.NUMERIC, -1.0, 1.0, null),
            new DataContract.FeatureRule("f0", FeatureType.NUMERIC, null, 40.0, null),
            new DataContract.FeatureRule("i0", FeatureType.NUMERIC, 0.0, null, null),
            new DataContract.FeatureRule("l0", FeatureType.NUMERIC, null, null, null),
            new DataContract.FeatureRule("s0", FeatureType.NUMERIC, -5.0, 5.0, null),
            new DataContract.FeatureRule("c0", FeatureType.CATEGORICAL, null, null, Set.of("a", "b", "c")),
            new DataContract.FeatureRule("c1", FeatureType.CATEGORICAL, null, null, Set.of("k1", "k2", "k3", "k4"))),
            List.of());

    private static final DataContract NUMBERS_ONLY = new DataContract("id", CONTRACT.features().subList(0, 5), List.of());

    private static ReferenceProfile.NumericProfile numeric(String name) {
        return new ReferenceProfile.NumericProfile(name, 1, 0, 0.0, 1.0, -1.0, 1.0, EDGES, new long[EDGES.length + 1], new double[0]);
    }

    private static ReferenceProfile.CategoricalProfile categorical(String name, List<String> categories) {
        Map<String, Long> counts = new TreeMap<>();
        categories.forEach(c -> counts.put(c, 1L));
        return new ReferenceProfile.CategoricalProfile(name, categories.size(), 0, counts);
    }

    /** A night of 3,000 rows drawn from {@code seed}, with ids of {@code idType}. */
    private static Dataset<Row> night(long seed, DataType idType) {
        Random r = new Random(seed);
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, -1.0, 1.0, 0.5, 40.0,
                Math.nextUp(1.0), Math.nextDown(-1.0), 1e300, -1e-300};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            int id = r.nextInt(100) < 3 && i > 0 ? r.nextInt(i) : i; // some ids again
            Object idValue = r.nextInt(100) < 2 ? null
                    : idType.equals(DataTypes.StringType) ? "C" + id : idType.equals(DataTypes.LongType) ? (Object) (id * 1_000_003L - 7) : (Object) id;
            Double d0 = r.nextInt(100) < 5 ? null : r.nextInt(100) < 20 ? specials[r.nextInt(specials.length)] : r.nextGaussian();
            Float f0 = r.nextInt(100) < 5 ? null : r.nextInt(100) < 10 ? (float) specials[r.nextInt(specials.length)] : (float) (r.nextGaussian() * 30);
            Integer i0 = r.nextInt(100) < 5 ? null : r.nextInt(120) - 20;
            Long l0 = r.nextInt(100) < 5 ? null : r.nextInt(10) == 0 ? Long.MIN_VALUE + r.nextInt(3) : (long) r.nextInt(50) - 3;
            Short s0 = r.nextInt(100) < 5 ? null : (short) (r.nextInt(20) - 10);
            String c0 = r.nextInt(100) < 5 ? null : pick(r, "a", "b", "c", "é", "", "zz", "a ");
            String c1 = r.nextInt(100) < 5 ? null : pick(r, "k1", "k2", "k3", "k4", "k5", "k" + r.nextInt(2_000));
            rows.add(RowFactory.create(idValue, d0, f0, i0, l0, s0, c0, c1));
        }
        StructType schema = new StructType().add("id", idType).add("d0", DataTypes.DoubleType).add("f0", DataTypes.FloatType)
                .add("i0", DataTypes.IntegerType).add("l0", DataTypes.LongType).add("s0", DataTypes.ShortType)
                .add("c0", DataTypes.StringType).add("c1", DataTypes.StringType);
        return spark.createDataFrame(rows, schema);
    }

    private static String pick(Random r, String... values) {
        return values[r.nextInt(values.length)];
    }

    private Dataset<Row> parquet(Dataset<Row> rows, boolean dictionary, String name) {
        String path = dir.resolve(name).toString();
        rows.repartition(3).write().option("parquet.enable.dictionary", String.valueOf(dictionary)).parquet(path);
        return spark.read().parquet(path);
    }
}
