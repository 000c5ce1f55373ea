package dev.nightshift.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.contract.Columns;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Spark aggregations against scikit-learn's values (fixtures/metric_fixtures.json, written by
 * fixtures/make_metric_fixtures.py with Debian's /usr/bin/python3), on small datasets with tied scores.
 */
class MetricFixturesTest extends SparkTestBase {

    static final double TOLERANCE = 1e-9;
    static final List<String> KEYS = LabelledPredictions.KEYS;
    static final StructType SCHEMA = new StructType()
            .add(Columns.PIPELINE, DataTypes.StringType)
            .add(Columns.BUSINESS_DATE, DataTypes.DateType)
            .add(Columns.MODEL_VERSION_ID, DataTypes.LongType)
            .add(Columns.ENTITY_ID, DataTypes.StringType)
            .add(Columns.SCORE, DataTypes.DoubleType)
            .add(Columns.PREDICTION, DataTypes.DoubleType)
            .add(Columns.LABEL, DataTypes.DoubleType)
            .add(ClassificationMetrics.WEIGHT, DataTypes.DoubleType);

    static JsonNode fixtures() throws IOException {
        try (InputStream in = MetricFixturesTest.class.getResourceAsStream("/fixtures/metric_fixtures.json")) {
            return new ObjectMapper().readTree(in).get("fixtures");
        }
    }

    static Dataset<Row> rows(JsonNode fixture) {
        boolean classification = fixture.get("task").asText().equals("binary-classification");
        JsonNode labels = fixture.get("label");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            Double score = classification ? fixture.get("score").get(i).asDouble() : null;
            double prediction = classification ? (score >= fixture.get("threshold").asDouble() ? 1.0 : 0.0)
                    : fixture.get("prediction").get(i).asDouble();
            rows.add(RowFactory.create("fx", LocalDate.of(2026, 1, 1), 1L, "e" + i, score, prediction, labels.get(i).asDouble(), 1.0));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** The definition (Spark aggregations), which the tests of the one pass compare with. */
    @Test
    void classificationMetricsEqualScikitLearn() throws IOException {
        assertThat(checkClassification((rows, threshold) -> ClassificationMetrics.compute(rows, KEYS, threshold).first()))
                .isEqualTo(3 * 11);
    }

    /** The one pass that evaluations run (estimates and intervals together), against the same scikit-learn values. */
    @Test
    void theOnePassClassificationMetricsEqualScikitLearn() throws IOException {
        assertThat(checkClassification((rows, threshold) ->
                ClassificationBootstrap.metricsAndIntervals(rows, KEYS, threshold, 1L, 5).first())).isEqualTo(3 * 11);
    }

    private static int checkClassification(java.util.function.BiFunction<Dataset<Row>, Double, Row> metrics) throws IOException {
        int checked = 0;
        for (JsonNode f : fixtures()) {
            if (!f.get("task").asText().equals("binary-classification")) {
                continue;
            }
            Row s = metrics.apply(rows(f), f.get("threshold").asDouble());
            JsonNode e = f.get("expected");
            String name = f.get("name").asText();
            double n = s.getAs(ClassificationMetrics.N);
            double tp = s.getAs(ClassificationMetrics.TRUE_POSITIVES);
            double predictedPositives = s.getAs(ClassificationMetrics.PREDICTED_POSITIVES);
            Map<String, Double> actual = Map.ofEntries(
                    Map.entry("auc", s.getAs(ClassificationMetrics.AUC)),
                    Map.entry("auc_delong_variance", s.getAs(ClassificationMetrics.AUC_VARIANCE)),
                    Map.entry("pr_auc", s.getAs(ClassificationMetrics.PR_AUC)),
                    Map.entry("log_loss", s.getAs(ClassificationMetrics.LOG_LOSS)),
                    Map.entry("brier", s.getAs(ClassificationMetrics.BRIER)),
                    Map.entry("accuracy", s.<Double>getAs(ClassificationMetrics.CORRECT) / n),
                    Map.entry("precision", tp / predictedPositives),
                    Map.entry("recall", tp / s.<Double>getAs(ClassificationMetrics.POSITIVES)),
                    Map.entry("f1", s.getAs(ClassificationMetrics.F1)),
                    Map.entry("positive_rate", predictedPositives / n),
                    Map.entry("ece", s.getAs(ClassificationMetrics.ECE)));
            for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                String metric = it.next();
                assertThat(actual.get(metric)).as(name + " " + metric).isCloseTo(e.get(metric).asDouble(), within(TOLERANCE));
                checked++;
            }
        }
        return checked;
    }

    @Test
    void regressionMetricsEqualScikitLearn() throws IOException {
        int checked = 0;
        for (JsonNode f : fixtures()) {
            if (!f.get("task").asText().equals("regression")) {
                continue;
            }
            Row s = RegressionMetrics.compute(rows(f), KEYS).first();
            JsonNode e = f.get("expected");
            for (String metric : List.of("rmse", "mae", "r2", "mape")) {
                assertThat(s.<Double>getAs(metric)).as(f.get("name").asText() + " " + metric)
                        .isCloseTo(e.get(metric).asDouble(), within(TOLERANCE));
                checked++;
            }
            assertThat(s.<Double>getAs(RegressionMetrics.ZERO_LABELS)).isEqualTo(e.get("mape_zero_labels").asDouble());
            assertThat(s.<Double>getAs(RegressionMetrics.MAPE_N) + s.<Double>getAs(RegressionMetrics.ZERO_LABELS))
                    .isEqualTo(s.<Double>getAs(RegressionMetrics.N));
        }
        assertThat(checked).isEqualTo(2 * 4);
    }
}
