package dev.nightshift.training;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.registry.ModelFeature;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MLlib pipeline a spec describes: numeric features imputed with their training median (so a null or NaN
 * at scoring time gets the same treatment as in training), categorical features indexed (unseen values and
 * nulls go to an extra "unknown" slot) and one-hot encoded, all assembled into one vector for the estimator.
 */
public final class ModelPipelines {

    public static final String FEATURES = "__ns_features";
    private static final String IMPUTED = "__ns_imp_";
    private static final String INDEXED = "__ns_idx_";
    private static final String ENCODED = "__ns_ohe_";

    private ModelPipelines() {
    }

    public static List<ModelFeature> modelFeatures(PipelineSpec spec) {
        List<ModelFeature> features = spec.modelFeatures().stream().map(f -> new ModelFeature(f.name(), f.type())).toList();
        if (features.isEmpty()) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "' has no numeric or categorical feature to train on");
        }
        return features;
    }

    public static Pipeline build(List<ModelFeature> features, Algorithm algorithm, Map<String, Object> params, long seed) {
        List<String> numeric = features.stream().filter(f -> f.type() == FeatureType.NUMERIC).map(ModelFeature::name).toList();
        List<String> categorical = features.stream().filter(f -> f.type() == FeatureType.CATEGORICAL).map(ModelFeature::name).toList();
        List<PipelineStage> stages = new ArrayList<>();
        List<String> assembled = new ArrayList<>();
        if (!numeric.isEmpty()) {
            String[] out = prefixed(IMPUTED, numeric);
            stages.add(new Imputer().setStrategy("median").setInputCols(numeric.toArray(String[]::new)).setOutputCols(out));
            assembled.addAll(List.of(out));
        }
        if (!categorical.isEmpty()) {
            String[] indexed = prefixed(INDEXED, categorical);
            String[] encoded = prefixed(ENCODED, categorical);
            stages.add(new StringIndexer().setHandleInvalid("keep").setStringOrderType("alphabetAsc")
                    .setInputCols(categorical.toArray(String[]::new)).setOutputCols(indexed));
            stages.add(new OneHotEncoder().setHandleInvalid("keep").setInputCols(indexed).setOutputCols(encoded));
            assembled.addAll(List.of(encoded));
        }
        stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol(FEATURES));
        stages.add(estimator(algorithm, params, seed));
        return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
    }

    /** The estimator with the spec's parameters applied, each checked against the algorithm's allowed names and its type. */
    static Estimator<?> estimator(Algorithm algorithm, Map<String, Object> params, long seed) {
        Estimator<?> estimator = switch (algorithm) {
            case LOGISTIC_REGRESSION -> new LogisticRegression().setFeaturesCol(FEATURES).setLabelCol(Columns.LABEL);
            case GBT_CLASSIFIER -> new GBTClassifier().setFeaturesCol(FEATURES).setLabelCol(Columns.LABEL).setSeed(seed);
            case RANDOM_FOREST_CLASSIFIER -> new RandomForestClassifier().setFeaturesCol(FEATURES).setLabelCol(Columns.LABEL).setSeed(seed);
            case LINEAR_REGRESSION -> new LinearRegression().setFeaturesCol(FEATURES).setLabelCol(Columns.LABEL);
            case GBT_REGRESSOR -> new GBTRegressor().setFeaturesCol(FEATURES).setLabelCol(Columns.LABEL).setSeed(seed);
        };
        return (Estimator<?>) estimator.copy(paramMap(estimator, algorithm, params, "model.params."));
    }

    /**
     * The estimator's parameters from spec values ({@code where} names the spec field, e.g. {@code model.params.}),
     * each checked against the algorithm's allowed names and converted to the type MLlib expects.
     */
    static ParamMap paramMap(Estimator<?> estimator, Algorithm algorithm, Map<String, Object> params, String where) {
        ParamMap map = new ParamMap();
        for (Map.Entry<String, Object> p : new TreeMap<>(params).entrySet()) {
            if (!algorithm.params().contains(p.getKey())) {
                throw new IllegalArgumentException(where + p.getKey() + " is not a parameter of " + algorithm.specName()
                        + "; allowed: " + String.join(", ", new java.util.TreeSet<>(algorithm.params())));
            }
            Param<Object> param = estimator.getParam(p.getKey());
            Object value = convert(algorithm, where, param, p.getValue());
            try {
                map.put(param, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + p.getKey() + " = " + p.getValue() + " is invalid for "
                        + algorithm.specName() + ": " + e.getMessage(), e);
            }
        }
        return map;
    }

    private static Object convert(Algorithm algorithm, String field, Param<?> param, Object value) {
        String where = field + param.name() + " of " + algorithm.specName();
        if (param instanceof IntParam || param instanceof LongParam) {
            long v;
            if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                v = n.longValue();
            } else if (value instanceof String s && s.matches("-?\\d+")) {
                v = Long.parseLong(s);
            } else {
                throw new IllegalArgumentException(where + " must be an integer, got '" + value + "'");
            }
            if (param instanceof LongParam) {
                return v;
            }
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + " is out of range: " + v);
            }
            return (int) v;
        }
        if (param instanceof DoubleParam) {
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(String.valueOf(value));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " must be a number, got '" + value + "'", e);
            }
        }
        if (param instanceof BooleanParam) {
            if (value instanceof Boolean b) {
                return b;
            }
            if ("true".equals(value) || "false".equals(value)) {
                return Boolean.parseBoolean((String) value);
            }
            throw new IllegalArgumentException(where + " must be true or false, got '" + value + "'");
        }
        if (value instanceof String || value instanceof Number) {
            return String.valueOf(value);
        }
        throw new IllegalArgumentException(where + " must be a string, got '" + value + "'");
    }

    private static String[] prefixed(String prefix, List<String> names) {
        return names.stream().map(n -> prefix + n).toArray(String[]::new);
    }
}
