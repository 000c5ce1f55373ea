package dev.nightshift.training;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.registry.ModelFeature;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The spec's hyperparameter search ({@link PipelineSpec.Search}) with MLlib's {@code TrainValidationSplit} or
 * {@code CrossValidator} over the whole pipeline, seeded with the model's seed. It sees only the rows it is given (the
 * training part of the window), so the holdout on which the winner is then measured and gated stays unseen.
 */
public final class HyperparameterSearch {

    private HyperparameterSearch() {
    }

    /** One grid point: the parameter values tried and the metric they reached (mean over folds for cross-validation). */
    public record Candidate(Map<String, Object> params, double metric) {
    }

    /**
     * The search's outcome: the winner refitted on all given rows, the full parameters it was fitted with (the spec's
     * fixed {@code params} plus the winning grid values), and every candidate, in grid order.
     */
    public record Result(PipelineModel model, Map<String, Object> params, String method, String metric, boolean lowerIsBetter,
                         List<Candidate> candidates, int best) {

        /** What the registry records about the search (JSON-friendly: strings, numbers, lists, maps). */
        public Map<String, Object> summary(PipelineSpec.Search search) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("method", method);
            s.put("metric", metric);
            s.put("lowerIsBetter", lowerIsBetter);
            if (PipelineSpec.Search.CROSS_VALIDATION.equals(method)) {
                s.put("folds", search.folds());
            } else {
                s.put("trainRatio", search.trainRatio());
            }
            s.put("best", candidates.get(best).params());
            s.put("bestMetric", candidates.get(best).metric());
            List<Map<String, Object>> tried = new ArrayList<>();
            for (Candidate c : candidates) {
                tried.add(Map.of("params", c.params(), "metric", c.metric()));
            }
            s.put("candidates", tried);
            return s;
        }
    }

    public static Result run(Dataset<Row> train, List<ModelFeature> features, PipelineSpec spec) {
        PipelineSpec.ModelConfig m = spec.model();
        PipelineSpec.Search search = m.search();
        Algorithm algorithm = m.algorithm();
        Pipeline pipeline = ModelPipelines.build(features, algorithm, m.params(), m.seed());
        Estimator<?> estimator = (Estimator<?>) pipeline.getStages()[pipeline.getStages().length - 1];
        List<Map<String, Object>> points = grid(search.grid());
        ParamMap[] maps = new ParamMap[points.size()];
        for (int i = 0; i < points.size(); i++) {
            maps[i] = ModelPipelines.paramMap(estimator, algorithm, points.get(i), "model.search.grid.");
        }
        String metric = search.metricFor(spec.task());
        Evaluator evaluator = evaluator(spec.task(), metric);
        double[] metrics;
        PipelineModel best;
        if (PipelineSpec.Search.CROSS_VALIDATION.equals(search.method())) {
            CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(maps).setEvaluator(evaluator)
                    .setNumFolds(search.folds()).setSeed(m.seed()).setParallelism(1).fit(train);
            metrics = cv.avgMetrics();
            best = (PipelineModel) cv.bestModel();
        } else {
            TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(pipeline).setEstimatorParamMaps(maps)
                    .setEvaluator(evaluator).setTrainRatio(search.trainRatio()).setSeed(m.seed()).setParallelism(1).fit(train);
            metrics = tvs.validationMetrics();
            best = (PipelineModel) tvs.bestModel();
        }
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            candidates.add(new Candidate(points.get(i), metrics[i]));
        }
        int bestIndex = bestIndex(metrics, evaluator.isLargerBetter());
        Map<String, Object> params = new TreeMap<>(m.params());
        params.putAll(points.get(bestIndex));
        return new Result(best, params, search.method(), metric, !evaluator.isLargerBetter(), candidates, bestIndex);
    }

    /** Every combination of the grid's values, the first parameter (by name) varying slowest. */
    static List<Map<String, Object>> grid(Map<String, List<Object>> grid) {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new TreeMap<>());
        for (Map.Entry<String, List<Object>> axis : new TreeMap<>(grid).entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> p : points) {
                for (Object v : axis.getValue()) {
                    Map<String, Object> q = new TreeMap<>(p);
                    q.put(axis.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    /** The index MLlib's tuning also picks: the first best (strictly better replaces). */
    static int bestIndex(double[] metrics, boolean largerIsBetter) {
        int best = 0;
        for (int i = 1; i < metrics.length; i++) {
            if (largerIsBetter ? metrics[i] > metrics[best] : metrics[i] < metrics[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The MLlib evaluator of a search metric, on the columns the fitted pipeline produces. */
    static Evaluator evaluator(Task task, String metric) {
        String mllib = MetricPolicy.HOLDOUT_NAMES.get(metric);
        List<String> allowed = task == Task.REGRESSION ? PipelineSpec.Search.REGRESSION_METRICS : PipelineSpec.Search.CLASSIFICATION_METRICS;
        if (mllib == null || !allowed.contains(metric)) {
            throw new IllegalArgumentException("model.search.metric '" + metric + "' cannot be used to search a " + task.specName()
                    + " model; expected one of: " + String.join(", ", allowed));
        }
        if (task == Task.REGRESSION) {
            return new RegressionEvaluator().setLabelCol(Columns.LABEL).setPredictionCol("prediction").setMetricName(mllib);
        }
        if ("log_loss".equals(metric)) {
            return new MulticlassClassificationEvaluator().setLabelCol(Columns.LABEL).setProbabilityCol("probability")
                    .setMetricName(mllib);
        }
        return new BinaryClassificationEvaluator().setLabelCol(Columns.LABEL).setRawPredictionCol("probability").setMetricName(mllib);
    }
}
