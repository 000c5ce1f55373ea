package dev.nightshift.evaluation;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.EvaluateArgs;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.ScoreArgs;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.scoring.ScoreJob;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.TrainJob;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Train, score two dates, then evaluate them as their labels arrive, against a real PostgreSQL and a file:// warehouse. */
class EvaluateIntegrationTest extends SparkTestBase {

    private static final String PIPELINE = "churn-eval";
    private static final LocalDate D = LocalDate.of(2026, 10, 20);
    private static final int CUSTOMERS = 300;
    private static final int REPLICATES = 50;

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
        // Labels "arrive" in a separate folder: up to D - 1 now, D later in the test.
        arriveLabels(col("event_date").leq(lit(D.minusDays(1))), SaveMode.Overwrite);
    }

    private static void arriveLabels(org.apache.spark.sql.Column which, SaveMode mode) {
        spark.read().parquet(warehouse + "/labels/churn").where(which)
                .write().mode(mode).partitionBy("event_date").parquet(warehouse + "/labels/churn-arrived");
    }

    private static PipelineSpec spec() {
        return new PipelineSpec(PIPELINE, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/churn", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn-arrived", "customer_id", "event_date", "churned", 2),
                List.of(numeric("tenure_months"), numeric("monthly_charges"), numeric("support_calls"), numeric("data_usage_gb"),
                        categorical("plan"), categorical("region")),
                new PipelineSpec.ModelConfig(Algorithm.GBT_CLASSIFIER, Map.of("maxDepth", 3, "maxIter", 10), 10, 3, 42L, 0.5),
                new PipelineSpec.Monitoring(null, null, null, List.of("region"), 3));
    }

    @Test
    void evaluatesScoredDatesAsTheirLabelsArriveAndReplacesOnRerun() throws Exception {
        // given a model and the predictions of D - 1 and D
        DbRows.applySpec(db, spec());
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, D.minusDays(1), warehouse,
                DbRows.insertRun(db, PIPELINE, D.minusDays(1))), db);
        for (LocalDate d : List.of(D.minusDays(1), D)) {
            ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, d, model.id(), warehouse, DbRows.insertRun(db, PIPELINE, d)), db);
        }

        // when the run of D + 2 evaluates [D - 2, D] while only D - 1 has labels
        LocalDate runDate = D.plusDays(2);
        long run1 = DbRows.insertRun(db, PIPELINE, runDate);
        List<MetricRow> written = EvaluateJob.run(spark, new EvaluateArgs(PIPELINE, 1, runDate, warehouse, run1), db, REPLICATES);

        // then D - 1 has every classification metric, with intervals around the values, and D has no rows
        assertThat(written).extracting(MetricRow::businessDate).containsOnly(D.minusDays(1));
        Map<String, Map<String, Object>> first = metrics(D.minusDays(1));
        assertThat(first.keySet()).containsAll(MetricPolicy.CLASSIFICATION_METRICS)
                .contains("duplicate_labels", "conflicting_labels");
        assertThat(first).hasSize((int) written.stream().filter(r -> !r.segmented()).count());
        assertThat(count(D)).isZero();
        Map<String, Object> auc = first.get("auc");
        assertThat((Double) auc.get("value")).isGreaterThan(0.6);
        assertThat(auc.get("method")).isEqualTo("delong");
        assertThat(auc.get("n")).isEqualTo((long) CUSTOMERS);
        assertThat(first.get("label_coverage").get("value")).isEqualTo(1.0);
        assertThat(first.get("label_coverage").get("method")).isEqualTo("wilson");
        assertThat(first.get("precision").get("method")).isEqualTo("wilson");
        assertThat(first.get("log_loss").get("method")).isEqualTo("bootstrap-" + REPLICATES);
        assertThat(first.get("conflicting_labels").get("value")).isEqualTo(0.0);
        assertThat(first.get("conflicting_labels").get("ci_low")).isNull();
        for (Map.Entry<String, Map<String, Object>> m : first.entrySet()) {
            Map<String, Object> r = m.getValue();
            assertThat(r.get("model_version_id")).isEqualTo(model.id());
            assertThat(r.get("run_id")).isEqualTo(run1);
            if (r.get("ci_low") != null) {
                assertThat((Double) r.get("ci_low")).as(m.getKey()).isLessThanOrEqualTo((Double) r.get("value"));
                assertThat((Double) r.get("ci_high")).as(m.getKey()).isGreaterThanOrEqualTo((Double) r.get("value"));
            } else {
                assertThat(r.get("method")).as(m.getKey()).isEqualTo("exact");
            }
        }

        // and per region (monitoring.segments): the same metrics on each region's rows; AUC checked by Mann-Whitney
        Map<String, Double> regionAuc = segmentAuc(D.minusDays(1));
        Map<String, Double> expected = aucByRegion(D.minusDays(1));
        assertThat(regionAuc.keySet()).isEqualTo(expected.keySet()).hasSizeGreaterThan(1);
        expected.forEach((region, value) -> assertThat(regionAuc.get(region)).as(region).isCloseTo(value, within(1e-12)));
        assertThat(DbRows.row(db, "SELECT sum(n) AS n FROM nightshift.model_segment_metrics WHERE pipeline = ? AND business_date = ?"
                + " AND segment = 'region' AND metric = 'accuracy'", PIPELINE, D.minusDays(1)).get("n")).isEqualTo(java.math.BigDecimal.valueOf(CUSTOMERS));
        long segmentRows = written.stream().filter(MetricRow::segmented).count();
        assertThat(segmentCount()).isEqualTo(segmentRows).isPositive();
        // and the model's holdout was measured per region too, on all of its rows
        Map<String, Object> version = DbRows.row(db, "SELECT holdout_rows, holdout_segments::text AS segments, baseline_segments"
                + " FROM nightshift.model_versions WHERE id = ?", model.id());
        Map<String, Map<String, Map<String, Double>>> holdoutSegments = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                (String) version.get("segments"), new com.fasterxml.jackson.core.type.TypeReference<>() { });
        assertThat(holdoutSegments.get("region").keySet()).isEqualTo(expected.keySet());
        assertThat(holdoutSegments.get("region").values().stream().mapToDouble(m -> m.get("n")).sum())
                .isEqualTo(((Number) version.get("holdout_rows")).doubleValue());
        assertThat(holdoutSegments.get("region").values()).allSatisfy(m -> assertThat(m).containsKeys("areaUnderROC", "logLoss", "accuracy"));
        assertThat(version.get("baseline_segments")).isNull();

        // when D's labels arrive late and the same run date is evaluated again
        arriveLabels(col("event_date").equalTo(lit(D)), SaveMode.Append);
        long run2 = DbRows.insertRun(db, PIPELINE, runDate);
        EvaluateJob.run(spark, new EvaluateArgs(PIPELINE, 1, runDate, warehouse, run2), db, REPLICATES);

        // then D - 1 is replaced with the same values, not duplicated, and D is now evaluated
        Map<String, Map<String, Object>> again = metrics(D.minusDays(1));
        assertThat(again.keySet()).isEqualTo(first.keySet());
        for (String metric : first.keySet()) {
            assertThat(again.get(metric).get("value")).as(metric).isEqualTo(first.get(metric).get("value"));
            assertThat(again.get(metric).get("ci_low")).as(metric).isEqualTo(first.get(metric).get("ci_low"));
            assertThat(again.get(metric).get("run_id")).isEqualTo(run2);
        }
        assertThat(count(D)).isEqualTo(first.size());
        assertThat((Double) metrics(D).get("auc").get("value")).isGreaterThan(0.6);
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM nightshift.model_metrics WHERE pipeline = ?", PIPELINE).get("n"))
                .isEqualTo(2L * first.size());
        assertThat(segmentAuc(D.minusDays(1))).isEqualTo(regionAuc);
        assertThat(segmentCount()).isGreaterThan(segmentRows);

        // when a run date's window holds no predicted date, then nothing is written
        long run3 = DbRows.insertRun(db, PIPELINE, D.plusDays(30));
        assertThat(EvaluateJob.run(spark, new EvaluateArgs(PIPELINE, 1, D.plusDays(30), warehouse, run3), db, REPLICATES)).isEmpty();
    }

    @Test
    void aChallengerScoredInShadowGetsItsOwnLiveMetricsWithoutTouchingThePublishedPredictions() throws Exception {
        // given a champion, and a challenger of the same pipeline trained on an earlier window (so a different model)
        String pipeline = "churn-shadow";
        PipelineSpec base = spec();
        DbRows.applySpec(db, new PipelineSpec(pipeline, base.task(), null, base.input(), base.groundTruth(), base.features(), base.model(),
                base.monitoring()));
        LocalDate night = D.minusDays(1);
        ModelRegistry.Registered champion = TrainJob.run(spark, new TrainArgs(pipeline, 1, night, warehouse, DbRows.insertRun(db, pipeline, night)), db);
        ModelRegistry.Registered challenger = TrainJob.run(spark, new TrainArgs(pipeline, 1, night.minusDays(2), warehouse,
                DbRows.insertRun(db, pipeline, night.minusDays(2))), db);

        // when the night is scored with both, then evaluated once its labels are known
        long scoreRun = DbRows.insertRun(db, pipeline, night);
        ScoreJob.run(spark, new ScoreArgs(pipeline, 1, night, champion.id(), warehouse, scoreRun, challenger.id()), db);
        long evalRun = DbRows.insertRun(db, pipeline, D.plusDays(1));
        EvaluateJob.run(spark, new EvaluateArgs(pipeline, 1, D.plusDays(1), warehouse, evalRun), db, REPLICATES);

        // then the published predictions are the champion's only, in PostgreSQL and in Delta
        assertThat(DbRows.row(db, "SELECT count(*) AS n, min(model_version_id) AS lo, max(model_version_id) AS hi FROM nightshift.predictions"
                + " WHERE pipeline = ? AND business_date = ?", pipeline, night))
                .containsEntry("n", (long) CUSTOMERS).containsEntry("lo", champion.id()).containsEntry("hi", champion.id());
        assertThat(spark.read().format("delta").load(dev.nightshift.contract.Warehouse.predictions(warehouse, pipeline))
                .where(col("model_version_id").notEqual(champion.id())).count()).isZero();
        // and the shadow table holds the challenger's scores of the same entities
        String shadowTable = dev.nightshift.contract.Warehouse.shadowPredictions(warehouse, pipeline);
        List<org.apache.spark.sql.Row> shadow = spark.read().format("delta").load(shadowTable)
                .where(col("business_date").equalTo(lit(night))).select("entity_id", "score", "model_version_id").collectAsList();
        assertThat(shadow).hasSize(CUSTOMERS).allSatisfy(r -> assertThat(r.getLong(2)).isEqualTo(challenger.id()));

        // and model_metrics has the night for both versions; the challenger's AUC is that of its shadow scores
        Map<String, Object> champ = DbRows.row(db, "SELECT value, n FROM nightshift.model_metrics WHERE pipeline = ? AND business_date = ?"
                + " AND model_version_id = ? AND metric = 'auc'", pipeline, night, champion.id());
        Map<String, Object> chall = DbRows.row(db, "SELECT value, n FROM nightshift.model_metrics WHERE pipeline = ? AND business_date = ?"
                + " AND model_version_id = ? AND metric = 'auc'", pipeline, night, challenger.id());
        assertThat(chall.get("n")).isEqualTo((long) CUSTOMERS).isEqualTo(champ.get("n"));
        Map<String, Integer> labels = new HashMap<>();
        for (org.apache.spark.sql.Row r : spark.read().parquet(warehouse + "/labels/churn-arrived").where(col("event_date").equalTo(lit(night)))
                .select("customer_id", "churned").collectAsList()) {
            labels.put(String.valueOf(r.get(0)), ((Number) r.get(1)).intValue());
        }
        double[] scores = shadow.stream().mapToDouble(r -> r.getDouble(1)).toArray();
        int[] truth = shadow.stream().mapToInt(r -> labels.get(r.getString(0))).toArray();
        assertThat((Double) chall.get("value")).isCloseTo(mannWhitneyAuc(scores, truth), org.assertj.core.api.Assertions.within(1e-12));
        assertThat((Double) chall.get("value")).isNotEqualTo(champ.get("value"));

        // when the night is scored again without a challenger, its shadow rows go: a night's shadow rows are its last run's
        ScoreJob.run(spark, new ScoreArgs(pipeline, 1, night, champion.id(), warehouse, DbRows.insertRun(db, pipeline, night)), db);
        assertThat(spark.read().format("delta").load(shadowTable).where(col("business_date").equalTo(lit(night))).count()).isZero();
    }

    /**
     * A regression pipeline end to end: train a linear regression, score a date, evaluate it once its labels arrived.
     * rmse, mae, r2 and mape, overall and per category (monitoring.segments), equal the textbook formulas computed here
     * over the published predictions, the labels and the raw input (r2 from the labels' mean, in two passes), within
     * 1e-9; every bootstrap interval holds its value; the segments' n add up to the night's rows.
     */
    @Test
    void evaluatesARegressionOverallAndPerSegmentAsTheFormulasGiveIt() throws Exception {
        String pipeline = "demand-eval";
        LocalDate night = D.minusDays(1);
        GenerateDataJob.run(spark, new GenerateDataArgs("demand", warehouse, D.minusDays(12), D, CUSTOMERS, 7, null, 0, 0, 1));
        PipelineSpec spec = new PipelineSpec(pipeline, Task.REGRESSION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/demand/date={date}", null, "item_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/demand", "item_id", "sale_date", "units_sold", 1),
                List.of(numeric("price"), numeric("promo"), numeric("temperature"), categorical("day_of_week"), categorical("category")),
                new PipelineSpec.ModelConfig(Algorithm.LINEAR_REGRESSION, Map.of("maxIter", 20), 8, 2, 42L, 0.5),
                new PipelineSpec.Monitoring(null, null, null, List.of("category"), 3));
        DbRows.applySpec(db, spec);
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(pipeline, 1, night, warehouse,
                DbRows.insertRun(db, pipeline, night)), db);
        ScoreJob.run(spark, new ScoreArgs(pipeline, 1, night, model.id(), warehouse, DbRows.insertRun(db, pipeline, night)), db);

        List<MetricRow> written = EvaluateJob.run(spark, new EvaluateArgs(pipeline, 1, D.plusDays(1), warehouse,
                DbRows.insertRun(db, pipeline, D.plusDays(1))), db, REPLICATES);

        // the reference: the night's (prediction, label, category) per item, straight from the files
        Map<String, Double> labels = new HashMap<>();
        for (org.apache.spark.sql.Row r : spark.read().parquet(warehouse + "/labels/demand").where(col("sale_date").equalTo(lit(night)))
                .select("item_id", "units_sold").collectAsList()) {
            assertThat(labels.put(r.getString(0), ((Number) r.get(1)).doubleValue())).isNull();
        }
        Map<String, String> category = new HashMap<>();
        for (org.apache.spark.sql.Row r : spark.read().parquet(warehouse + "/input/demand/date=" + night).select("item_id", "category")
                .collectAsList()) {
            category.put(r.getString(0), r.getString(1));
        }
        Map<String, List<double[]>> groups = new java.util.TreeMap<>();
        for (org.apache.spark.sql.Row r : spark.read().format("delta").load(dev.nightshift.contract.Warehouse.predictions(warehouse, pipeline))
                .where(col("business_date").equalTo(lit(night))).select("entity_id", "prediction").collectAsList()) {
            double[] pair = {r.getDouble(1), labels.get(r.getString(0))};
            groups.computeIfAbsent("", k -> new java.util.ArrayList<>()).add(pair);
            groups.computeIfAbsent(category.get(r.getString(0)), k -> new java.util.ArrayList<>()).add(pair);
        }
        assertThat(groups.get("")).hasSize(CUSTOMERS);
        assertThat(groups).hasSizeGreaterThan(3);

        Map<String, Map<String, Object>> overall = new HashMap<>();
        for (Map<String, Object> r : DbRows.rows(db, "SELECT metric, value, ci_low, ci_high, n FROM nightshift.model_metrics"
                + " WHERE pipeline = ? AND business_date = ?", pipeline, night)) {
            overall.put((String) r.get("metric"), r);
        }
        assertThat(overall.keySet()).containsAll(MetricPolicy.REGRESSION_METRICS).contains("mape_zero_labels", "duplicate_labels");
        assertThat(written.stream().filter(r -> !r.segmented()).count()).isEqualTo(overall.size());
        int compared = assertRegressionMetrics("overall", overall, groups.get(""));
        for (String value : groups.keySet()) {
            if (value.isEmpty()) {
                continue;
            }
            Map<String, Map<String, Object>> segment = new HashMap<>();
            for (Map<String, Object> r : DbRows.rows(db, "SELECT metric, value, ci_low, ci_high, n FROM nightshift.model_segment_metrics"
                    + " WHERE pipeline = ? AND business_date = ? AND segment = 'category' AND segment_value = ?", pipeline, night, value)) {
                segment.put((String) r.get("metric"), r);
            }
            compared += assertRegressionMetrics("category " + value, segment, groups.get(value));
        }
        assertThat(compared).isEqualTo(4 * groups.size());
        assertThat(DbRows.row(db, "SELECT sum(n) AS n FROM nightshift.model_segment_metrics WHERE pipeline = ? AND business_date = ?"
                + " AND segment = 'category' AND metric = 'rmse'", pipeline, night).get("n")).isEqualTo(java.math.BigDecimal.valueOf(CUSTOMERS));
    }

    /**
     * rmse, mae, r2 and mape of the stored rows against the formulas over {@code rows} ((prediction, label) pairs),
     * within 1e-9, each with an interval that holds it and n as many rows (mape: the non-zero labels); returns 4.
     */
    private static int assertRegressionMetrics(String what, Map<String, Map<String, Object>> stored, List<double[]> rows) {
        double n = rows.size();
        double mean = rows.stream().mapToDouble(r -> r[1]).sum() / n;
        double sse = 0;
        double sae = 0;
        double sst = 0;
        double ape = 0;
        int nonZero = 0;
        for (double[] r : rows) {
            double e = r[0] - r[1];
            sse += e * e;
            sae += Math.abs(e);
            sst += (r[1] - mean) * (r[1] - mean);
            if (r[1] != 0) {
                ape += Math.abs(e) / Math.abs(r[1]);
                nonZero++;
            }
        }
        Map<String, double[]> expected = Map.of("rmse", new double[] {Math.sqrt(sse / n), n}, "mae", new double[] {sae / n, n},
                "r2", new double[] {1 - sse / sst, n}, "mape", new double[] {ape / nonZero, nonZero});
        expected.forEach((metric, want) -> {
            Map<String, Object> r = stored.get(metric);
            assertThat(r).as(what + " " + metric).isNotNull();
            double value = (Double) r.get("value");
            assertThat(value).as(what + " " + metric).isCloseTo(want[0], within(1e-9 * Math.max(1.0, Math.abs(want[0]))));
            assertThat(((Number) r.get("n")).doubleValue()).as(what + " " + metric + " n").isEqualTo(want[1]);
            assertThat((Double) r.get("ci_low")).as(what + " " + metric).isLessThanOrEqualTo(value).isLessThan((Double) r.get("ci_high"));
            assertThat((Double) r.get("ci_high")).as(what + " " + metric).isGreaterThanOrEqualTo(value);
        });
        return expected.size();
    }

    /** AUC as the Mann-Whitney U statistic over average ranks (ties count one half), computed directly. */
    static double mannWhitneyAuc(double[] scores, int[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double[] rank = new double[scores.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                rank[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        double positives = 0;
        double rankSum = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) {
                positives++;
                rankSum += rank[i];
            }
        }
        double negatives = labels.length - positives;
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    private static Map<String, Map<String, Object>> metrics(LocalDate date) throws SQLException {
        Map<String, Map<String, Object>> out = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT metric, value, ci_low, ci_high, n, method,"
                + " model_version_id, run_id FROM nightshift.model_metrics WHERE pipeline = ? AND business_date = ?")) {
            ps.setString(1, PIPELINE);
            ps.setObject(2, date);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 2; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    assertThat(out.put(rs.getString(1), row)).as("duplicate metric " + rs.getString(1)).isNull();
                }
            }
        }
        return out;
    }

    private static Map<String, Double> segmentAuc(LocalDate date) throws SQLException {
        Map<String, Double> out = new java.util.TreeMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT segment_value, value FROM"
                + " nightshift.model_segment_metrics WHERE pipeline = ? AND business_date = ? AND segment = 'region' AND metric = 'auc'")) {
            ps.setString(1, PIPELINE);
            ps.setObject(2, date);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return out;
    }

    private static long segmentCount() throws SQLException {
        return (Long) DbRows.row(db, "SELECT count(*) AS n FROM nightshift.model_segment_metrics WHERE pipeline = ?", PIPELINE).get("n");
    }

    /** AUC per region of the date's published scores, from the raw input, labels and predictions, by Mann-Whitney. */
    private static Map<String, Double> aucByRegion(LocalDate date) {
        Map<String, String> region = new HashMap<>();
        for (org.apache.spark.sql.Row r : spark.read().parquet(warehouse + "/input/churn").where(col("event_date").equalTo(lit(date)))
                .select("customer_id", "region").collectAsList()) {
            region.put(String.valueOf(r.get(0)), r.getString(1));
        }
        Map<String, Integer> labels = new HashMap<>();
        for (org.apache.spark.sql.Row r : spark.read().parquet(warehouse + "/labels/churn-arrived").where(col("event_date").equalTo(lit(date)))
                .select("customer_id", "churned").collectAsList()) {
            labels.put(String.valueOf(r.get(0)), ((Number) r.get(1)).intValue());
        }
        Map<String, List<double[]>> byRegion = new java.util.TreeMap<>();
        for (org.apache.spark.sql.Row r : spark.read().format("delta").load(dev.nightshift.contract.Warehouse.predictions(warehouse, PIPELINE))
                .where(col("business_date").equalTo(lit(date))).select("entity_id", "score").collectAsList()) {
            byRegion.computeIfAbsent(region.get(r.getString(0)), k -> new java.util.ArrayList<>())
                    .add(new double[] {r.getDouble(1), labels.get(r.getString(0))});
        }
        Map<String, Double> out = new java.util.TreeMap<>();
        byRegion.forEach((k, rows) -> out.put(k, mannWhitneyAuc(rows.stream().mapToDouble(x -> x[0]).toArray(),
                rows.stream().mapToInt(x -> (int) x[1]).toArray())));
        return out;
    }

    private static long count(LocalDate date) throws SQLException {
        return (Long) DbRows.row(db, "SELECT count(*) AS n FROM nightshift.model_metrics WHERE pipeline = ? AND business_date = ?",
                PIPELINE, date).get("n");
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, null, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, false);
    }
}
