package dev.nightshift.training;

import dev.nightshift.contract.Algorithm;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelPipelinesTest {

    @Test
    void specParamsAndSeedAreApplied() {
        Estimator<?> e = ModelPipelines.estimator(Algorithm.GBT_CLASSIFIER, Map.of("maxDepth", 4, "maxIter", 20L, "stepSize", 0.1), 42);

        GBTClassifier gbt = (GBTClassifier) e;
        assertThat(gbt.getMaxDepth()).isEqualTo(4);
        assertThat(gbt.getMaxIter()).isEqualTo(20);
        assertThat(gbt.getStepSize()).isEqualTo(0.1);
        assertThat(gbt.getSeed()).isEqualTo(42L);
    }

    @Test
    void stringParamsPassThrough() {
        RandomForestClassifier rf = (RandomForestClassifier) ModelPipelines.estimator(Algorithm.RANDOM_FOREST_CLASSIFIER,
                Map.of("featureSubsetStrategy", "sqrt", "numTrees", 5.0), 1);
        assertThat(rf.getFeatureSubsetStrategy()).isEqualTo("sqrt");
        assertThat(rf.getNumTrees()).isEqualTo(5);
    }

    @Test
    void unknownParamsAreRejectedWithTheAllowedNames() {
        assertThatThrownBy(() -> ModelPipelines.estimator(Algorithm.LOGISTIC_REGRESSION, Map.of("maxDepth", 3), 1))
                .hasMessage("model.params.maxDepth is not a parameter of logistic-regression; allowed: elasticNetParam, maxIter, regParam, standardization");
    }

    @Test
    void wronglyTypedParamsAreRejected() {
        assertThatThrownBy(() -> ModelPipelines.estimator(Algorithm.GBT_REGRESSOR, Map.of("maxDepth", 4.5), 1))
                .hasMessage("model.params.maxDepth of gbt-regressor must be an integer, got '4.5'");
        assertThatThrownBy(() -> ModelPipelines.estimator(Algorithm.LINEAR_REGRESSION, Map.of("standardization", "yes"), 1))
                .hasMessage("model.params.standardization of linear-regression must be true or false, got 'yes'");
        assertThatThrownBy(() -> ModelPipelines.estimator(Algorithm.LINEAR_REGRESSION, Map.of("regParam", -1), 1))
                .hasMessageStartingWith("model.params.regParam = -1 is invalid for linear-regression");
    }
}
