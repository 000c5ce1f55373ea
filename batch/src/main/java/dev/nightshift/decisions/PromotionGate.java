package dev.nightshift.decisions;

import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import java.util.Locale;
import java.util.Map;

/**
 * The promotion gate: compares a candidate with the champion on the candidate's holdout (both measured there by
 * TrainJob). The candidate passes when it is strictly better on the gate metric, by at least {@code minImprovement}
 * and by at least {@code minRelativeImprovement} of the champion's value. Plain logic; no I/O.
 */
public final class PromotionGate {

    /** The gate's verdict; {@code comparable} is false when the champion has no value on the candidate's holdout. */
    public record Result(String metric, boolean comparable, boolean passed, Double candidate, Double champion,
                         Double improvement, Double relativeImprovement, double minImprovement, double minRelativeImprovement,
                         String explanation) {
    }

    private PromotionGate() {
    }

    public static String metric(PipelineSpec spec) {
        String configured = spec.retrainingOrDefaults().gate().metric();
        if (configured != null) {
            return configured;
        }
        return spec.task() == Task.REGRESSION ? "rmse" : "auc";
    }

    /**
     * @param candidateHoldout the candidate's holdout metrics
     * @param championHoldout  the champion's metrics on the same holdout rows (null when it could not be measured)
     */
    public static Result judge(PipelineSpec.Gate gate, String metric, int candidateVersion, int championVersion,
                               Map<String, Double> candidateHoldout, Map<String, Double> championHoldout) {
        String key = MetricPolicy.HOLDOUT_NAMES.get(metric);
        Double candidate = key == null || candidateHoldout == null ? null : candidateHoldout.get(key);
        Double champion = key == null || championHoldout == null ? null : championHoldout.get(key);
        if (candidate == null || champion == null) {
            return new Result(metric, false, false, candidate, champion, null, null, gate.minImprovement(),
                    gate.minRelativeImprovement(), "champion v" + championVersion + " has no " + metric + " on the holdout of v"
                    + candidateVersion + " (trained on other features, or imported), so the gate cannot compare them");
        }
        double improvement = MetricPolicy.lowerIsBetter(metric) ? champion - candidate : candidate - champion;
        double relative = champion == 0.0 ? (improvement > 0 ? Double.POSITIVE_INFINITY : 0.0) : improvement / Math.abs(champion);
        boolean passed = improvement > 0 && improvement >= gate.minImprovement() && relative >= gate.minRelativeImprovement();
        String explanation = String.format(Locale.ROOT,
                "%s on the holdout of v%d: candidate v%d %.4f vs champion v%d %.4f, improvement %+.4f (%+.2f%%); required > 0, >= %s and >= %s%%: %s",
                metric, candidateVersion, candidateVersion, candidate, championVersion, champion, improvement, 100 * relative,
                gate.minImprovement(), 100 * gate.minRelativeImprovement(), passed ? "passed" : "failed");
        return new Result(metric, true, passed, candidate, champion, improvement, relative, gate.minImprovement(),
                gate.minRelativeImprovement(), explanation);
    }
}
