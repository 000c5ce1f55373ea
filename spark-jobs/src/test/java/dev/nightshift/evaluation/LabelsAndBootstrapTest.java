package dev.nightshift.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.variance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LabelsAndBootstrapTest extends SparkTestBase {

    private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
    private static final StructType PREDICTIONS = new StructType()
            .add(Columns.PIPELINE, DataTypes.StringType)
            .add(Columns.BUSINESS_DATE, DataTypes.DateType)
            .add(Columns.ENTITY_ID, DataTypes.StringType)
            .add(Columns.MODEL_VERSION_ID, DataTypes.LongType)
            .add(Columns.SCORE, DataTypes.DoubleType)
            .add(Columns.PREDICTION, DataTypes.DoubleType);
    private static final StructType LABELS = new StructType()
            .add(Columns.ENTITY_ID, DataTypes.StringType)
            .add(Columns.BUSINESS_DATE, DataTypes.DateType)
            .add(Columns.LABEL, DataTypes.DoubleType);

    @Test
    void duplicatesCountOnceAndConflictsAreExcludedAndReported() {
        // given five predictions; b's label is duplicated with the same value, c's twice with different values, e has none
        Dataset<Row> predictions = spark.createDataFrame(List.of(
                prediction("a", 0.9), prediction("b", 0.8), prediction("c", 0.4), prediction("d", 0.2), prediction("e", 0.7)), PREDICTIONS);
        Dataset<Row> labels = spark.createDataFrame(List.of(
                label("a", 1), label("b", 1), label("b", 1), label("c", 1), label("c", 0), label("d", 0),
                label("zz", 1)), LABELS);

        // when
        Dataset<Row> joined = LabelledPredictions.join(predictions, labels);
        List<MetricRow> rows = ModelEvaluation.evaluate(joined, Task.BINARY_CLASSIFICATION, 0.5, 7L, 20);

        // then c is not used: three labelled rows (a, b, d) out of five predictions
        Map<String, MetricRow> byMetric = rows.stream().collect(Collectors.toMap(MetricRow::metric, Function.identity()));
        assertThat(byMetric.get("duplicate_labels").value()).isEqualTo(2.0);
        assertThat(byMetric.get("conflicting_labels").value()).isEqualTo(1.0);
        assertThat(byMetric.get("duplicate_labels").method()).isEqualTo(MetricRow.EXACT);
        assertThat(byMetric.get("label_coverage").value()).isEqualTo(3.0 / 5);
        assertThat(byMetric.get("label_coverage").n()).isEqualTo(5);
        assertThat(byMetric.get("accuracy").n()).isEqualTo(3);
        assertThat(byMetric.get("accuracy").value()).isEqualTo(1.0);
        assertThat(byMetric.get("auc").value()).isEqualTo(1.0);
        assertThat(byMetric.get("auc").n()).isEqualTo(3);
        assertThat(byMetric.keySet()).containsAll(dev.nightshift.contract.MetricPolicy.CLASSIFICATION_METRICS);
    }

    @Test
    void anIdsLabelsConflictExactlyWhenTheyHoldMoreThanOneDistinctValue() {
        // given ids whose label rows hold the values Spark's ordering and its distinct count treat specially: nulls,
        // NaN, and -0.0 next to 0.0
        Double nan = Double.NaN;
        Map<String, List<Double>> cases = new java.util.LinkedHashMap<>();
        cases.put("same", java.util.Arrays.asList(1.0, 1.0));
        cases.put("differ", java.util.Arrays.asList(0.0, 1.0));
        cases.put("three", java.util.Arrays.asList(2.0, 1.0, 2.0));
        cases.put("signed-zeros", java.util.Arrays.asList(0.0, -0.0));
        cases.put("nans", java.util.Arrays.asList(nan, nan));
        cases.put("nan-and-one", java.util.Arrays.asList(nan, 1.0));
        cases.put("null-and-one", java.util.Arrays.asList(null, 1.0));
        cases.put("null-one-zero", java.util.Arrays.asList(null, 1.0, 0.0));
        cases.put("nulls", java.util.Arrays.asList(null, null));
        cases.put("single", java.util.Arrays.asList(0.0));
        List<Row> predictionRows = new ArrayList<>();
        List<Row> labelRows = new ArrayList<>();
        cases.forEach((id, values) -> {
            predictionRows.add(prediction(id, 0.5));
            values.forEach(v -> labelRows.add(RowFactory.create(id, DAY, v)));
        });
        predictionRows.add(prediction("unlabelled", 0.5));
        Dataset<Row> labels = spark.createDataFrame(labelRows, LABELS);

        // when
        Map<String, Row> joined = LabelledPredictions.join(spark.createDataFrame(predictionRows, PREDICTIONS), labels)
                .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(r.fieldIndex(Columns.ENTITY_ID)), r -> r));

        // then an id conflicts where Spark's own distinct count of its labels is above one, and only there
        Map<String, Long> distinct = labels.groupBy(Columns.ENTITY_ID)
                .agg(org.apache.spark.sql.functions.count_distinct(col(Columns.LABEL)).as("values")).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
        assertThat(distinct).containsEntry("signed-zeros", 1L).containsEntry("nans", 1L).containsEntry("nan-and-one", 2L);
        cases.keySet().forEach(id -> {
            Row r = joined.get(id);
            boolean conflicting = r.getBoolean(r.fieldIndex(LabelledPredictions.CONFLICTING));
            assertThat(conflicting).as(id).isEqualTo(distinct.get(id) > 1);
            assertThat(r.isNullAt(r.fieldIndex(Columns.LABEL))).as(id).isEqualTo(conflicting || cases.get(id).stream().allMatch(v -> v == null));
            assertThat(r.getBoolean(r.fieldIndex(LabelledPredictions.DUPLICATE))).as(id).isEqualTo(cases.get(id).size() > 1);
        });
        Row unlabelled = joined.get("unlabelled");
        assertThat(unlabelled.getBoolean(unlabelled.fieldIndex(LabelledPredictions.CONFLICTING))).isFalse();
        assertThat(unlabelled.isNullAt(unlabelled.fieldIndex(Columns.LABEL))).isTrue();
    }

    @Test
    void labelsOtherThanZeroAndOneFailAClassificationEvaluation() {
        Dataset<Row> predictions = spark.createDataFrame(List.of(prediction("a", 0.9), prediction("b", 0.1)), PREDICTIONS);
        Dataset<Row> labels = spark.createDataFrame(List.of(label("a", 1), label("b", 2)), LABELS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelEvaluation.evaluate(LabelledPredictions.join(predictions, labels),
                        Task.BINARY_CLASSIFICATION, 0.5, 7L, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ground truth of 2026-03-01 has 1 labels other than 0 and 1; a binary-classification pipeline cannot be evaluated on them");
    }

    @Test
    void aDateWithoutLabelsGivesNoRows() {
        Dataset<Row> predictions = spark.createDataFrame(List.of(prediction("a", 0.9), prediction("b", 0.1)), PREDICTIONS);
        Dataset<Row> labels = spark.createDataFrame(List.of(), LABELS);
        assertThat(ModelEvaluation.evaluate(LabelledPredictions.join(predictions, labels), Task.BINARY_CLASSIFICATION, 0.5, 7L, 10))
                .isEmpty();
    }

    @Test
    void poissonWeightsHaveMeanAndVarianceOne() {
        Dataset<Row> ids = spark.range(2000).select(col("id").cast("string").as(Columns.ENTITY_ID));
        Row moments = Bootstrap.replicate(ids.withColumn(ClassificationMetrics.WEIGHT, lit(1.0)), 11L, 5)
                .agg(org.apache.spark.sql.functions.sum(ClassificationMetrics.WEIGHT), variance(ClassificationMetrics.WEIGHT),
                        avg(ClassificationMetrics.WEIGHT))
                .first();
        // Zero weights are dropped, so the mean over kept rows is 1 / (1 - e^-1); the total over all 10,000 draws is ~10,000.
        assertThat(moments.getDouble(0) / 10_000).isCloseTo(1.0, within(0.05));
        assertThat(moments.getDouble(2)).isCloseTo(1.0 / (1 - Math.exp(-1)), within(0.05));
    }

    @Test
    void bootstrapIsDeterministicPerSeedAndItsIntervalContainsTheEstimate() throws Exception {
        JsonNode random = null;
        JsonNode regression = null;
        for (JsonNode f : MetricFixturesTest.fixtures()) {
            if (f.get("name").asText().equals("random-rounded")) {
                random = f;
            }
            if (f.get("name").asText().equals("demand-with-zero")) {
                regression = f;
            }
        }
        Dataset<Row> rows = MetricFixturesTest.rows(random);
        List<String> keys = LabelledPredictions.KEYS;
        Row estimate = ClassificationMetrics.compute(rows, keys, 0.4).first();
        Row first = Bootstrap.intervals(rows, keys, ClassificationMetrics.BOOTSTRAPPED, 3L, 200,
                (r, k) -> ClassificationMetrics.compute(r, k, 0.4)).first();
        Row again = Bootstrap.intervals(rows, keys, ClassificationMetrics.BOOTSTRAPPED, 3L, 200,
                (r, k) -> ClassificationMetrics.compute(r, k, 0.4)).first();
        Row otherSeed = Bootstrap.intervals(rows, keys, ClassificationMetrics.BOOTSTRAPPED, 4L, 200,
                (r, k) -> ClassificationMetrics.compute(r, k, 0.4)).first();
        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        for (String m : ClassificationMetrics.BOOTSTRAPPED) {
            double value = estimate.getAs(m);
            assertThat(first.<Double>getAs(Bootstrap.low(m))).as(m).isLessThanOrEqualTo(value);
            assertThat(first.<Double>getAs(Bootstrap.high(m))).as(m).isGreaterThanOrEqualTo(value);
            assertThat(first.<Double>getAs(Bootstrap.high(m))).as(m).isGreaterThan(first.<Double>getAs(Bootstrap.low(m)));
        }

        Dataset<Row> reg = MetricFixturesTest.rows(regression);
        Row regEstimate = RegressionMetrics.compute(reg, keys).first();
        Row regInterval = Bootstrap.intervals(reg, keys, RegressionMetrics.BOOTSTRAPPED, 3L, 200, RegressionMetrics::compute).first();
        for (String m : RegressionMetrics.BOOTSTRAPPED) {
            double value = regEstimate.getAs(m);
            assertThat(regInterval.<Double>getAs(Bootstrap.low(m))).as(m).isLessThanOrEqualTo(value);
            assertThat(regInterval.<Double>getAs(Bootstrap.high(m))).as(m).isGreaterThanOrEqualTo(value);
        }
    }

    /**
     * The one-pass classification bootstrap that evaluations use gives the definition's intervals (Bootstrap.intervals over
     * ClassificationMetrics.compute: every row copied per replicate), per group: a large group with tied scores, one
     * without positives (pr_auc and f1 have no value in any replicate), and one of three rows (replicates that draw none).
     */
    @Test
    void theOnePassClassificationBootstrapGivesTheDefinitionsIntervals() {
        Dataset<Row> labelled = classificationGroups();
        List<String> keys = LabelledPredictions.KEYS;

        Map<LocalDate, Row> definition = byDate(Bootstrap.intervals(labelled, keys, ClassificationMetrics.BOOTSTRAPPED, 9L, 200,
                (r, k) -> ClassificationMetrics.compute(r, k, 0.4)));
        Map<LocalDate, Row> onePass = byDate(ClassificationBootstrap.metricsAndIntervals(labelled, keys, 0.4, 9L, 200));

        int compared = assertSameIntervals(definition, onePass, ClassificationMetrics.BOOTSTRAPPED);
        assertThat(definition.get(DAY.plusDays(1)).<Double>getAs(Bootstrap.low(ClassificationMetrics.PR_AUC))).isNull();
        assertThat(compared).isGreaterThanOrEqualTo(20);
    }

    /**
     * The pass evaluations run computes the estimates beside the intervals: every metric column equals the definition's
     * (ClassificationMetrics.compute: auc and DeLong variance from ranks with ties, pr_auc, counts, losses, ece), null
     * where it has none (no positives: auc, its variance, pr_auc); its intervals are checked against the definition's above.
     */
    @Test
    void theOnePassEstimatesEqualTheDefinitions() {
        Dataset<Row> labelled = classificationGroups();
        List<String> keys = LabelledPredictions.KEYS;

        Map<LocalDate, Row> definition = byDate(ClassificationMetrics.compute(labelled, keys, 0.4));
        Map<LocalDate, Row> onePass = byDate(ClassificationBootstrap.metricsAndIntervals(labelled, keys, 0.4, 9L, 200));

        assertThat(onePass.keySet()).isEqualTo(definition.keySet()).hasSize(3);
        int compared = 0;
        for (LocalDate date : definition.keySet()) {
            for (String m : ClassificationBootstrap.ESTIMATES) {
                Double want = definition.get(date).getAs(m);
                Double got = onePass.get(date).getAs(m);
                if (want == null) {
                    assertThat(got).as(date + " " + m).isNull();
                } else {
                    assertThat(got).as(date + " " + m).isCloseTo(want, within(1e-12 * Math.max(1.0, Math.abs(want))));
                    compared++;
                }
            }
        }
        assertThat(definition.get(DAY.plusDays(1)).<Double>getAs(ClassificationMetrics.AUC)).isNull();
        assertThat(definition.get(DAY).<Double>getAs(ClassificationMetrics.AUC_VARIANCE)).isPositive();
        assertThat(compared).isGreaterThanOrEqualTo(30);
    }

    /**
     * The replicates split into shares (tasks that each read every row and compute some of the replicates) give the same
     * rows, bit for bit, whatever the number of shares, including shares that do not divide the 200 replicates and more
     * shares than partitions: each replicate's sums are the same, the percentiles are taken over all of them.
     */
    @Test
    void theSharesOfTheReplicatesGiveTheSameRows() {
        Dataset<Row> labelled = classificationGroups();
        List<String> keys = LabelledPredictions.KEYS;
        Map<LocalDate, Row> one = byDate(ClassificationBootstrap.metricsAndIntervals(labelled, keys, 0.4, 9L, 200, 1));
        assertThat(one).hasSize(3);
        for (int shares : new int[] {2, 3, 8}) {
            assertThat(byDate(ClassificationBootstrap.metricsAndIntervals(labelled, keys, 0.4, 9L, 200, shares)))
                    .as(shares + " shares").isEqualTo(one);
        }
    }

    /**
     * The segments' metrics computed in the groups' pass (a row's weights drawn once for its group and its segment
     * values) equal a pass over the rows copied once per segment column with the segment and its value as group keys,
     * what evaluations ran before: every estimate and bound within 1e-12, for two segment columns, one with nulls and
     * rows without an input row (both the value "(null)"), over groups with tied scores and without positives; the
     * groups' own rows equal the pass without segments.
     */
    @Test
    void theSegmentsInTheGroupsPassEqualAPassOverRowsCopiedPerSegment() {
        Dataset<Row> labelled = classificationGroups();
        List<String> segments = List.of("region", "plan");
        Dataset<Row> values = segmentValues(labelled, col(Columns.SCORE).gt(0.5));
        List<String> segmentKeys = segmentKeys();

        WithSegments together = ClassificationBootstrap.metricsAndIntervals(
                Segments.attach(labelled, values, segments), LabelledPredictions.KEYS, segments, 0.4, 9L, 200);
        Map<String, Row> copied = bySegment(ClassificationBootstrap.metricsAndIntervals(Segments.explode(labelled, values, segments),
                segmentKeys, 0.4, 9L, 200));
        Map<String, Row> inPass = bySegment(together.segments());

        assertThat(inPass.keySet()).isEqualTo(copied.keySet()).contains(DAY + " region (null)", DAY + " plan gold");
        assertThat(inPass).hasSizeGreaterThan(15);
        List<String> columns = new ArrayList<>(ClassificationBootstrap.ESTIMATES);
        ClassificationMetrics.BOOTSTRAPPED.forEach(m -> columns.addAll(List.of(Bootstrap.low(m), Bootstrap.high(m))));
        int compared = 0;
        for (String group : copied.keySet()) {
            for (String column : columns) {
                compared += assertClose(group + " " + column, copied.get(group).getAs(column), inPass.get(group).getAs(column));
            }
        }
        assertThat(compared).isGreaterThan(15 * 12);
        assertThat(byDate(together.groups())).isEqualTo(byDate(ClassificationBootstrap.metricsAndIntervals(labelled,
                LabelledPredictions.KEYS, 0.4, 9L, 200)));
    }

    /**
     * A segment value's metric rows, from the evaluation with segment columns, are the rows the evaluation without them
     * gives for that value's ids alone (a row's replicate weights depend on the seed, its id and the replicate only):
     * the same metrics, values, intervals and n within 1e-12, for classification and regression (both compute the
     * segments in the group's pass). Two segment columns; nulls and ids without an input row
     * are the value "(null)". The coverage counts are the group's alone and not repeated per segment.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Task.class, names = {"BINARY_CLASSIFICATION", "REGRESSION"})
    void aSegmentValuesRowsAreTheRowsOfItsIdsAlone(Task task) {
        // given 400 predictions, their labels, and the input's region and plan of all but every tenth id
        java.util.Random random = new java.util.Random(11);
        String[] regions = {"north", "south", "east", null};
        List<Row> predictionRows = new ArrayList<>();
        List<Row> labelRows = new ArrayList<>();
        List<Row> valueRows = new ArrayList<>();
        Map<String, List<String>> idsBySegment = new java.util.TreeMap<>();
        for (int i = 0; i < 400; i++) {
            String id = "s" + i;
            double score = Math.round(random.nextDouble() * 40) / 40.0;   // ties
            boolean regression = task == Task.REGRESSION;
            predictionRows.add(RowFactory.create("p", DAY, id, 5L, score, regression ? score * 10 : score >= 0.5 ? 1.0 : 0.0));
            labelRows.add(RowFactory.create(id, DAY, regression ? score * 10 + random.nextGaussian() : random.nextDouble() < score ? 1.0 : 0.0));
            String region = regions[random.nextInt(regions.length)];
            String plan = i % 3 == 0 ? "gold" : "basic";
            boolean inInput = i % 10 != 0;
            if (inInput) {
                valueRows.add(RowFactory.create(id, DAY, region, plan));
            }
            idsBySegment.computeIfAbsent("region " + (inInput && region != null ? region : Segments.NULL_VALUE), k -> new ArrayList<>()).add(id);
            idsBySegment.computeIfAbsent("plan " + (inInput ? plan : Segments.NULL_VALUE), k -> new ArrayList<>()).add(id);
        }
        Dataset<Row> predictions = spark.createDataFrame(predictionRows, PREDICTIONS);
        Dataset<Row> labels = spark.createDataFrame(labelRows, LABELS);
        Dataset<Row> values = spark.createDataFrame(valueRows, new StructType().add(Columns.ENTITY_ID, DataTypes.StringType)
                .add(Columns.BUSINESS_DATE, DataTypes.DateType).add("region", DataTypes.StringType).add("plan", DataTypes.StringType));

        // when
        List<MetricRow> rows = ModelEvaluation.evaluate(LabelledPredictions.join(predictions, labels), values, List.of("region", "plan"),
                task, 0.5, 7L, 50);

        // then
        Map<String, List<MetricRow>> bySegment = rows.stream().filter(MetricRow::segmented)
                .collect(Collectors.groupingBy(r -> r.segment() + " " + r.segmentValue()));
        assertThat(bySegment.keySet()).isEqualTo(idsBySegment.keySet()).hasSize(7);
        List<String> coverage = List.of("label_coverage", "duplicate_labels", "conflicting_labels");
        int compared = 0;
        // each segment column's null value and one other, each evaluated alone as a model version of its own
        List<String> checked = List.of("region (null)", "region north", "plan (null)", "plan gold");
        Dataset<Row> apart = null;
        for (int k = 0; k < checked.size(); k++) {
            Dataset<Row> part = predictions.where(col(Columns.ENTITY_ID).isin(idsBySegment.get(checked.get(k)).toArray()))
                    .withColumn(Columns.MODEL_VERSION_ID, lit(100L + k));
            apart = apart == null ? part : apart.union(part);
        }
        Map<Long, List<MetricRow>> byVersion = ModelEvaluation.evaluate(LabelledPredictions.join(apart, labels), task, 0.5, 7L, 50).stream()
                .filter(r -> !coverage.contains(r.metric())).collect(Collectors.groupingBy(MetricRow::modelVersionId));
        for (int k = 0; k < checked.size(); k++) {
            String value = checked.get(k);
            List<MetricRow> alone = byVersion.get(100L + k);
            List<MetricRow> segment = bySegment.get(value);
            assertThat(segment.stream().mapToLong(MetricRow::n).max().orElseThrow()).as(value).isEqualTo(idsBySegment.get(value).size());
            assertThat(segment.stream().map(MetricRow::metric).toList()).as(value)
                    .isEqualTo(alone.stream().map(MetricRow::metric).toList());
            for (int i = 0; i < alone.size(); i++) {
                MetricRow want = alone.get(i);
                MetricRow got = segment.get(i);
                String what = value + " " + want.metric();
                assertThat(got.n()).as(what).isEqualTo(want.n());
                assertThat(got.method()).as(what).isEqualTo(want.method());
                assertThat(got.value()).as(what).isCloseTo(want.value(), within(1e-12 * Math.max(1.0, Math.abs(want.value()))));
                for (Double[] bound : List.of(new Double[] {want.ciLow(), got.ciLow()}, new Double[] {want.ciHigh(), got.ciHigh()})) {
                    if (bound[0] == null) {
                        assertThat(bound[1]).as(what).isNull();
                    } else {
                        assertThat(bound[1]).as(what).isCloseTo(bound[0], within(1e-12 * Math.max(1.0, Math.abs(bound[0]))));
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(4 * 4 * 2);
    }

    /**
     * Segment values of two columns for the ids of {@code labelled}: every fifth id has no input row, a null region on a
     * fifth of the rest; the plan is "gold" where {@code gold} holds.
     */
    private static Dataset<Row> segmentValues(Dataset<Row> labelled, org.apache.spark.sql.Column gold) {
        return labelled.where(org.apache.spark.sql.functions.pmod(org.apache.spark.sql.functions.hash(col(Columns.ENTITY_ID)),
                        lit(5)).notEqual(0))
                .select(col(Columns.ENTITY_ID), col(Columns.BUSINESS_DATE),
                        org.apache.spark.sql.functions.element_at(org.apache.spark.sql.functions.array(lit("north"), lit("south"), lit("east"),
                                lit("west"), lit(null).cast("string")), org.apache.spark.sql.functions.pmod(
                                org.apache.spark.sql.functions.xxhash64(col(Columns.ENTITY_ID)), lit(5)).plus(1).cast("int")).as("region"),
                        org.apache.spark.sql.functions.when(gold, lit("gold")).otherwise(lit("basic")).as("plan"));
    }

    private static List<String> segmentKeys() {
        List<String> segmentKeys = new ArrayList<>(LabelledPredictions.KEYS);
        segmentKeys.add(Segments.SEGMENT);
        segmentKeys.add(Segments.SEGMENT_VALUE);
        return segmentKeys;
    }

    private static Map<String, Row> bySegment(Dataset<Row> rows) {
        return rows.collectAsList().stream().collect(Collectors.toMap(r -> r.<LocalDate>getAs(Columns.BUSINESS_DATE) + " "
                + r.getAs(Segments.SEGMENT) + " " + r.getAs(Segments.SEGMENT_VALUE), r -> r));
    }

    /**
     * Three groups: a large one with tied scores, one without positives (pr_auc and f1 have no value in any replicate),
     * and one of three rows (replicates that draw none).
     */
    private static Dataset<Row> classificationGroups() {
        java.util.Random random = new java.util.Random(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            double score = Math.round(random.nextDouble() * 50) / 50.0;   // 51 distinct scores: ties
            double label = random.nextDouble() < 0.2 + 0.6 * score ? 1.0 : 0.0;
            rows.add(RowFactory.create("fx", DAY, 1L, "e" + i, score, score >= 0.4 ? 1.0 : 0.0, label, 1.0));
        }
        for (int i = 0; i < 50; i++) {
            double score = random.nextDouble();
            rows.add(RowFactory.create("fx", DAY.plusDays(1), 1L, "n" + i, score, score >= 0.4 ? 1.0 : 0.0, 0.0, 1.0));
        }
        for (int i = 0; i < 3; i++) {
            rows.add(RowFactory.create("fx", DAY.plusDays(2), 2L, "t" + i, 0.3 * i, 0.0, (double) (i % 2), 1.0));
        }
        return spark.createDataFrame(rows, MetricFixturesTest.SCHEMA);
    }

    /**
     * The regression pass's estimates equal RegressionMetrics.compute's and its intervals Bootstrap.intervals' over it
     * (the definition), within 1e-12, null where the definition has none.
     */
    @Test
    void theOnePassRegressionBootstrapGivesTheDefinitionsEstimatesAndIntervals() {
        Dataset<Row> labelled = regressionGroups();
        List<String> keys = LabelledPredictions.KEYS;

        Map<LocalDate, Row> definition = byDate(Bootstrap.intervals(labelled, keys, RegressionMetrics.BOOTSTRAPPED, 9L, 200,
                RegressionMetrics::compute));
        Map<LocalDate, Row> estimates = byDate(RegressionMetrics.compute(labelled, keys));
        Map<LocalDate, Row> onePass = byDate(RegressionBootstrap.metricsAndIntervals(labelled, keys, List.of(), 9L, 200).groups());

        int compared = assertSameIntervals(definition, onePass, RegressionMetrics.BOOTSTRAPPED);
        assertThat(definition.get(DAY.plusDays(1)).<Double>getAs(Bootstrap.low(RegressionMetrics.R2))).isNull();
        assertThat(compared).isGreaterThanOrEqualTo(20);
        int estimated = 0;
        for (LocalDate date : estimates.keySet()) {
            for (String m : RegressionBootstrap.ESTIMATES) {
                estimated += assertClose(date + " " + m, estimates.get(date).getAs(m), onePass.get(date).getAs(m));
            }
        }
        assertThat(estimates.get(DAY.plusDays(1)).<Double>getAs(RegressionMetrics.R2)).isNull();
        assertThat(estimates.get(DAY).<Double>getAs(RegressionMetrics.ZERO_LABELS)).isEqualTo(60.0);
        assertThat(estimated).isEqualTo(3 * RegressionBootstrap.ESTIMATES.size() - 1);
    }

    /**
     * Regression's segments, computed in the groups' pass, equal the definition (RegressionMetrics.compute and
     * Bootstrap.intervals) over the rows copied once per segment column with the segment and its value as group keys,
     * what evaluations computed before: every estimate and bound within 1e-12, for two segment columns, one with
     * nulls and rows without an input row (both the value "(null)"); the groups' own rows equal the pass without
     * segments.
     */
    @Test
    void theRegressionSegmentsInTheGroupsPassEqualTheDefinitionOverRowsCopiedPerSegment() {
        Dataset<Row> labelled = regressionGroups();
        List<String> segments = List.of("region", "plan");
        Dataset<Row> values = segmentValues(labelled, col(Columns.LABEL).gt(50.0));
        List<String> segmentKeys = segmentKeys();

        WithSegments together = RegressionBootstrap.metricsAndIntervals(Segments.attach(labelled, values, segments),
                LabelledPredictions.KEYS, segments, 9L, 200);
        Dataset<Row> copies = Segments.explode(labelled, values, segments);
        Map<String, Row> estimates = bySegment(RegressionMetrics.compute(copies, segmentKeys));
        Map<String, Row> intervals = bySegment(Bootstrap.intervals(copies, segmentKeys, RegressionMetrics.BOOTSTRAPPED, 9L, 200,
                RegressionMetrics::compute));
        Map<String, Row> inPass = bySegment(together.segments());

        assertThat(inPass.keySet()).isEqualTo(estimates.keySet()).isEqualTo(intervals.keySet())
                .contains(DAY + " region (null)", DAY + " plan gold");
        assertThat(inPass).hasSizeGreaterThan(12);
        int compared = 0;
        for (String group : estimates.keySet()) {
            for (String m : RegressionBootstrap.ESTIMATES) {
                compared += assertClose(group + " " + m, estimates.get(group).getAs(m), inPass.get(group).getAs(m));
            }
            for (String m : RegressionMetrics.BOOTSTRAPPED) {
                for (String bound : List.of(Bootstrap.low(m), Bootstrap.high(m))) {
                    compared += assertClose(group + " " + bound, intervals.get(group).getAs(bound), inPass.get(group).getAs(bound));
                }
            }
        }
        assertThat(compared).isGreaterThan(12 * 12);
        assertThat(byDate(together.groups())).isEqualTo(byDate(RegressionBootstrap.metricsAndIntervals(labelled,
                LabelledPredictions.KEYS, List.of(), 9L, 200).groups()));
    }

    /** Null when {@code want} is, else within 1e-12 of it (relative above 1); 1 when a value was compared. */
    private static int assertClose(String what, Double want, Double got) {
        if (want == null) {
            assertThat(got).as(what).isNull();
            return 0;
        }
        assertThat(got).as(what).isCloseTo(want, within(1e-12 * Math.max(1.0, Math.abs(want))));
        return 1;
    }

    /**
     * A day of 600 rows with some zero labels (mape skips them), a day whose labels are all equal (r2 has no variance
     * to explain: null), and a day of three rows (many replicates draw no row, or one).
     */
    private static Dataset<Row> regressionGroups() {
        java.util.Random random = new java.util.Random(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            double label = i % 10 == 0 ? 0.0 : Math.round(random.nextDouble() * 1000) / 10.0;
            rows.add(RowFactory.create("fx", DAY, 1L, "e" + i, null, label + random.nextGaussian() * 5, label, 1.0));
        }
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create("fx", DAY.plusDays(1), 1L, "c" + i, null, 7.0 + random.nextGaussian(), 7.0, 1.0));
        }
        for (int i = 0; i < 3; i++) {
            rows.add(RowFactory.create("fx", DAY.plusDays(2), 2L, "t" + i, null, 2.0 * i + 1, (double) i, 1.0));
        }
        return spark.createDataFrame(rows, MetricFixturesTest.SCHEMA).repartition(3);
    }

    /** Both have the same groups (three dates) and the same interval bounds within 1e-12; returns how many non-null bounds. */
    private static int assertSameIntervals(Map<LocalDate, Row> definition, Map<LocalDate, Row> onePass, List<String> metrics) {
        assertThat(onePass.keySet()).isEqualTo(definition.keySet()).hasSize(3);
        int compared = 0;
        for (LocalDate date : definition.keySet()) {
            for (String m : metrics) {
                for (String column : List.of(Bootstrap.low(m), Bootstrap.high(m))) {
                    Double want = definition.get(date).getAs(column);
                    Double got = onePass.get(date).getAs(column);
                    if (want == null) {
                        assertThat(got).as(date + " " + column).isNull();
                    } else {
                        assertThat(got).as(date + " " + column).isCloseTo(want, within(1e-12));
                        compared++;
                    }
                }
            }
        }
        return compared;
    }

    private static Map<LocalDate, Row> byDate(Dataset<Row> intervals) {
        return intervals.collectAsList().stream().collect(Collectors.toMap(r -> r.<LocalDate>getAs(Columns.BUSINESS_DATE), r -> r));
    }

    private static Row prediction(String id, double score) {
        return RowFactory.create("p", DAY, id, 5L, score, score >= 0.5 ? 1.0 : 0.0);
    }

    private static Row label(String id, double value) {
        return RowFactory.create(id, DAY, value);
    }
}
