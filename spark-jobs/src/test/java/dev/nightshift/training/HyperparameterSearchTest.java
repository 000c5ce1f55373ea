package dev.nightshift.training;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HyperparameterSearchTest {

    @Test
    void theGridIsEveryCombinationInNameOrderWhateverOrderTheSpecListedThem() {
        List<Map<String, Object>> points = HyperparameterSearch.grid(Map.of("stepSize", List.of(0.1, 0.05), "maxDepth", List.of(3, 5, 7)));

        assertThat(points).containsExactly(
                Map.of("maxDepth", 3, "stepSize", 0.1), Map.of("maxDepth", 3, "stepSize", 0.05),
                Map.of("maxDepth", 5, "stepSize", 0.1), Map.of("maxDepth", 5, "stepSize", 0.05),
                Map.of("maxDepth", 7, "stepSize", 0.1), Map.of("maxDepth", 7, "stepSize", 0.05));
        assertThat(new PipelineSpec.Search(null, Map.of("stepSize", List.of(0.1, 0.05), "maxDepth", List.of(3, 5, 7)), null, null, null)
                .combinations()).isEqualTo(6);
    }

    @Test
    void theBestIsTheFirstExtremeInTheMetricsDirection() {
        assertThat(HyperparameterSearch.bestIndex(new double[] {0.7, 0.9, 0.9, 0.8}, true)).isEqualTo(1);
        assertThat(HyperparameterSearch.bestIndex(new double[] {0.7, 0.9, 0.6, 0.6}, false)).isEqualTo(2);
        assertThat(HyperparameterSearch.bestIndex(new double[] {0.5}, false)).isZero();
    }

    @Test
    void eachSearchMetricMapsToTheEvaluatorThatMeasuresItAndItsDirection() {
        var auc = HyperparameterSearch.evaluator(Task.BINARY_CLASSIFICATION, "auc");
        assertThat(auc).isInstanceOf(BinaryClassificationEvaluator.class);
        assertThat(((BinaryClassificationEvaluator) auc).getMetricName()).isEqualTo("areaUnderROC");
        assertThat(auc.isLargerBetter()).isTrue();
        var logLoss = HyperparameterSearch.evaluator(Task.BINARY_CLASSIFICATION, "log_loss");
        assertThat(logLoss).isInstanceOf(MulticlassClassificationEvaluator.class);
        assertThat(logLoss.isLargerBetter()).isFalse();
        var rmse = HyperparameterSearch.evaluator(Task.REGRESSION, "rmse");
        assertThat(rmse).isInstanceOf(RegressionEvaluator.class);
        assertThat(rmse.isLargerBetter()).isFalse();
        assertThat(HyperparameterSearch.evaluator(Task.REGRESSION, "r2").isLargerBetter()).isTrue();
        // accuracy depends on the spec's threshold, which MLlib's tuning cannot apply
        assertThatThrownBy(() -> HyperparameterSearch.evaluator(Task.BINARY_CLASSIFICATION, "accuracy"))
                .hasMessageContaining("model.search.metric 'accuracy'").hasMessageContaining("auc, pr_auc, log_loss");
        assertThatThrownBy(() -> HyperparameterSearch.evaluator(Task.REGRESSION, "auc")).hasMessageContaining("rmse, mae, r2");
    }
}
