package dev.nightshift.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The learning algorithms a pipeline spec may name, with the task each serves and the parameters it accepts. */
public enum Algorithm {
    LOGISTIC_REGRESSION("logistic-regression", Task.BINARY_CLASSIFICATION,
            Set.of("maxIter", "regParam", "elasticNetParam", "standardization")),
    GBT_CLASSIFIER("gbt-classifier", Task.BINARY_CLASSIFICATION,
            Set.of("maxIter", "maxDepth", "stepSize", "subsamplingRate", "maxBins", "minInstancesPerNode")),
    RANDOM_FOREST_CLASSIFIER("random-forest-classifier", Task.BINARY_CLASSIFICATION,
            Set.of("numTrees", "maxDepth", "subsamplingRate", "maxBins", "minInstancesPerNode", "featureSubsetStrategy")),
    LINEAR_REGRESSION("linear-regression", Task.REGRESSION,
            Set.of("maxIter", "regParam", "elasticNetParam", "standardization")),
    GBT_REGRESSOR("gbt-regressor", Task.REGRESSION,
            Set.of("maxIter", "maxDepth", "stepSize", "subsamplingRate", "maxBins", "minInstancesPerNode"));

    private final String specName;
    private final Task task;
    private final Set<String> params;

    Algorithm(String specName, Task task, Set<String> params) {
        this.specName = specName;
        this.task = task;
        this.params = params;
    }

    @JsonValue
    public String specName() {
        return specName;
    }

    public Task task() {
        return task;
    }

    /** Parameter names this algorithm accepts in {@code model.params}. */
    public Set<String> params() {
        return params;
    }

    public static List<String> specNames() {
        return Arrays.stream(values()).map(Algorithm::specName).toList();
    }

    @JsonCreator
    public static Algorithm fromSpecName(String name) {
        for (Algorithm a : values()) {
            if (a.specName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + name + "'; expected one of: " + String.join(", ", specNames()));
    }
}
