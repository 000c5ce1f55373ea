package dev.nightshift.contract;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A monitored model metric and when it counts as breached: below {@code min} (or above {@code max}, for error metrics),
 * or more than {@code maxDrop} worse than the model's own holdout value; never on fewer than {@code minSamples}
 * labelled rows; only after {@code consecutive} breaching evaluations; and, with {@code useInterval}, only when the
 * whole confidence interval lies beyond the threshold.
 */
public record MetricPolicy(String metric, Double min, Double max, Double maxDrop, Integer minSamples, Integer consecutive,
                           Boolean useInterval) {
    public static final List<String> CLASSIFICATION_METRICS = List.of("auc", "pr_auc", "log_loss", "brier", "accuracy",
            "precision", "recall", "f1", "positive_rate", "ece", "label_coverage");
    public static final List<String> REGRESSION_METRICS = List.of("rmse", "mae", "r2", "mape", "label_coverage");
    /**
     * Counts the evaluation reports next to the metrics (not thresholds): entity ids of a date with more than one label
     * row, ids whose label rows disagree (excluded from every metric), and rows left out of MAPE because their label is 0.
     */
    public static final List<String> LABEL_COUNTS = List.of("duplicate_labels", "conflicting_labels", "mape_zero_labels");

    /**
     * The metrics a training run measures on its holdout, under the name TrainJob stores them with in
     * {@code model_versions.holdout_metrics}: the ones a {@code maxDrop} or a promotion gate can be judged on.
     */
    public static final Map<String, String> HOLDOUT_NAMES = Map.of("auc", "areaUnderROC", "pr_auc", "areaUnderPR",
            "log_loss", "logLoss", "accuracy", "accuracy", "rmse", "rmse", "mae", "mae", "r2", "r2");
    private static final Set<String> LOWER_IS_BETTER = Set.of("log_loss", "brier", "ece", "rmse", "mae", "mape");

    /** True for error metrics (log loss, Brier, ECE, RMSE, MAE, MAPE), where a smaller value is a better model. */
    public static boolean lowerIsBetter(String metric) {
        return LOWER_IS_BETTER.contains(metric);
    }

    public MetricPolicy {
        minSamples = minSamples == null ? 100 : minSamples;
        consecutive = consecutive == null ? 1 : consecutive;
        useInterval = useInterval != null && useInterval;
    }
}
