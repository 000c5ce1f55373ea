package dev.nightshift.decisions;

import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The promotion gate: compares a candidate with the champion on the candidate's holdout (both measured there by
 * TrainJob). The candidate passes when it is strictly better on the gate metric, by at least {@code minImprovement}
 * and by at least {@code minRelativeImprovement} of the champion's value, and, with {@code maxSegmentDrop}, when no
 * segment value with at least {@code minSegmentRows} holdout rows got worse than that. Plain logic; no I/O.
 */
public final class PromotionGate {

    /** The gate's verdict; {@code comparable} is false when the champion has no value on the candidate's holdout. */
    public record Result(String metric, boolean comparable, boolean passed, Double candidate, Double champion,
                         Double improvement, Double relativeImprovement, double minImprovement, double minRelativeImprovement,
                         Double maxSegmentDrop, List<SegmentCheck> segments, String explanation) {

        /** The segment values that got worse than {@code maxSegmentDrop} allows. */
        public List<SegmentCheck> failedSegments() {
            return segments.stream().filter(SegmentCheck::failed).toList();
        }
    }

    /**
     * One segment value compared: {@code drop} is how much worse the candidate is than the champion there (positive
     * = worse, in the metric's own direction); {@code failed} when it exceeds {@code maxSegmentDrop}.
     */
    public record SegmentCheck(String segment, String value, long n, double candidate, double champion, double drop, boolean failed) {
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
     * @param candidateHoldout  the candidate's holdout metrics
     * @param championHoldout   the champion's metrics on the same holdout rows (null when it could not be measured)
     * @param candidateSegments the candidate's holdout metrics per segment column and value (null without segments)
     * @param championSegments  the champion's, on the same rows
     */
    public static Result judge(PipelineSpec.Gate gate, String metric, int candidateVersion, int championVersion,
                               Map<String, Double> candidateHoldout, Map<String, Double> championHoldout,
                               Map<String, Map<String, Map<String, Double>>> candidateSegments,
                               Map<String, Map<String, Map<String, Double>>> championSegments) {
        String key = MetricPolicy.HOLDOUT_NAMES.get(metric);
        Double candidate = key == null || candidateHoldout == null ? null : candidateHoldout.get(key);
        Double champion = key == null || championHoldout == null ? null : championHoldout.get(key);
        if (candidate == null || champion == null) {
            return new Result(metric, false, false, candidate, champion, null, null, gate.minImprovement(),
                    gate.minRelativeImprovement(), gate.maxSegmentDrop(), List.of(), "champion v" + championVersion + " has no "
                    + metric + " on the holdout of v" + candidateVersion + " (trained on other features, or imported), so the gate"
                    + " cannot compare them");
        }
        double improvement = MetricPolicy.lowerIsBetter(metric) ? champion - candidate : candidate - champion;
        double relative = champion == 0.0 ? (improvement > 0 ? Double.POSITIVE_INFINITY : 0.0) : improvement / Math.abs(champion);
        boolean better = improvement > 0 && improvement >= gate.minImprovement() && relative >= gate.minRelativeImprovement();
        List<SegmentCheck> segments = gate.maxSegmentDrop() == null ? List.of()
                : segments(gate, metric, key, candidateSegments, championSegments);
        List<SegmentCheck> failed = segments.stream().filter(SegmentCheck::failed).toList();
        boolean passed = better && failed.isEmpty();
        String explanation = String.format(Locale.ROOT,
                "%s on the holdout of v%d: candidate v%d %.4f vs champion v%d %.4f, improvement %+.4f (%+.2f%%); required > 0, >= %s and >= %s%%",
                metric, candidateVersion, candidateVersion, candidate, championVersion, champion, improvement, 100 * relative,
                gate.minImprovement(), 100 * gate.minRelativeImprovement())
                + segmentExplanation(gate, metric, segments, failed) + ": " + (passed ? "passed" : "failed");
        return new Result(metric, true, passed, candidate, champion, improvement, relative, gate.minImprovement(),
                gate.minRelativeImprovement(), gate.maxSegmentDrop(), segments, explanation);
    }

    /** Every segment value both were measured on with at least {@code minSegmentRows} rows, worst drop first. */
    private static List<SegmentCheck> segments(PipelineSpec.Gate gate, String metric, String key,
                                               Map<String, Map<String, Map<String, Double>>> candidateSegments,
                                               Map<String, Map<String, Map<String, Double>>> championSegments) {
        List<SegmentCheck> checks = new ArrayList<>();
        if (candidateSegments == null || championSegments == null) {
            return checks;
        }
        candidateSegments.forEach((segment, values) -> values.forEach((value, metrics) -> {
            Map<String, Double> theirs = championSegments.getOrDefault(segment, Map.of()).get(value);
            Double n = metrics.get("n");
            Double c = metrics.get(key);
            Double h = theirs == null ? null : theirs.get(key);
            if (n == null || n < gate.minSegmentRows() || c == null || h == null) {
                return;
            }
            double drop = MetricPolicy.lowerIsBetter(metric) ? c - h : h - c;
            checks.add(new SegmentCheck(segment, value, Math.round(n), c, h, drop, drop > gate.maxSegmentDrop()));
        }));
        checks.sort(Comparator.comparingDouble(SegmentCheck::drop).reversed()
                .thenComparing(SegmentCheck::segment).thenComparing(SegmentCheck::value));
        return checks;
    }

    private static String segmentExplanation(PipelineSpec.Gate gate, String metric, List<SegmentCheck> segments,
                                             List<SegmentCheck> failed) {
        if (gate.maxSegmentDrop() == null) {
            return "";
        }
        if (segments.isEmpty()) {
            return "; no segment value has " + gate.minSegmentRows() + " holdout rows with " + metric + " for both, so none was compared";
        }
        SegmentCheck worst = segments.get(0);
        String limit = String.format(Locale.ROOT, " (limit %s, %d segment values with >= %d rows compared)", gate.maxSegmentDrop(),
                segments.size(), gate.minSegmentRows());
        if (failed.isEmpty()) {
            return String.format(Locale.ROOT, "; worst segment %s=%s %s %.4f vs %.4f, worse by %+.4f", worst.segment(), worst.value(),
                    metric, worst.candidate(), worst.champion(), worst.drop()) + limit;
        }
        StringBuilder sb = new StringBuilder("; worse by more than the limit in ");
        for (int i = 0; i < failed.size(); i++) {
            SegmentCheck f = failed.get(i);
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s=%s (%s %.4f vs %.4f, n=%d)", f.segment(), f.value(),
                    metric, f.candidate(), f.champion(), f.n()));
        }
        return sb + limit;
    }
}
