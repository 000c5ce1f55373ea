package dev.nightshift.decisions;

import dev.nightshift.contract.MetricPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Judges a champion against the spec's metric policies. Plain logic over what EvaluateJob measured; no I/O.
 *
 * <p>For one policy the effective limits are the stricter of the absolute one and the one derived from the model's own
 * holdout value: for a metric where higher is better, {@code lower = max(min, holdout - maxDrop)}; for an error metric
 * {@code upper = min(max, holdout + maxDrop)}. The window is the latest {@code consecutive} evaluated dates. A date
 * breaches when its value is beyond a limit, or with {@code useInterval} when its whole 95% interval is (a date without
 * an interval is then judged on its value, and the reason says so). The metric breaches when every date of the window
 * does. A window with fewer dates than {@code consecutive}, or with a date on fewer than {@code minSamples} labelled
 * rows, decides nothing.
 */
public final class DecisionPolicy {

    private DecisionPolicy() {
    }

    /**
     * @param observations per metric name, the champion's evaluated dates, newest first
     * @param holdout      the champion's holdout metrics as TrainJob stored them (may be null for an imported model)
     */
    public static Decision decide(List<MetricPolicy> policies, Function<String, List<MetricObservation>> observations,
                                  Map<String, Double> holdout, boolean challengerWaiting, boolean manual) {
        return decide(policies, observations, holdout, null, challengerWaiting, manual);
    }

    /**
     * @param drift the night's dataset drift when {@code retraining.onDrift} lets it trigger a retrain, else null. A
     *              metric breach takes precedence over drift as the trigger; drift alone retrains when no metric breached.
     */
    public static Decision decide(List<MetricPolicy> policies, Function<String, List<MetricObservation>> observations,
                                  Map<String, Double> holdout, Decision.DriftSignal drift, boolean challengerWaiting, boolean manual) {
        List<MetricVerdict> verdicts = new ArrayList<>();
        for (MetricPolicy p : policies) {
            verdicts.add(judge(p, observations.apply(p.metric()), holdout));
        }
        List<String> breached = verdicts.stream().filter(MetricVerdict::breached).map(MetricVerdict::metric).toList();
        boolean anyJudged = verdicts.stream().anyMatch(v -> v.breached() || MetricVerdict.OK.equals(v.status()));
        if (manual) {
            return new Decision(Decision.Outcome.RETRAIN, Decision.Trigger.MANUAL, verdicts, drift,
                    "retrain requested by a person" + (breached.isEmpty() ? "" : "; breached: " + String.join(", ", breached)));
        }
        boolean drifted = drift != null && drift.drifted();
        String driftText = drift == null ? "" : String.format(java.util.Locale.ROOT, "dataset drift %.0f%% of features (limit %.0f%%)%s",
                100 * drift.share(), 100 * drift.maxShare(), drift.features().isEmpty() ? "" : ": " + String.join(", ", drift.features()));
        if (!breached.isEmpty() || drifted) {
            String what = !breached.isEmpty() ? "breached: " + String.join(", ", breached) + (drifted ? "; " + driftText : "") : driftText;
            return challengerWaiting
                    ? new Decision(Decision.Outcome.AWAITING_PROMOTION, Decision.Trigger.NONE, verdicts, drift,
                            what + "; a challenger already waits for promotion, so no new candidate is trained")
                    : new Decision(Decision.Outcome.RETRAIN, breached.isEmpty() ? Decision.Trigger.DRIFT : Decision.Trigger.POLICY,
                            verdicts, drift, what);
        }
        if (!anyJudged) {
            return new Decision(Decision.Outcome.NO_DECISION, Decision.Trigger.NONE, verdicts, drift, policies.isEmpty()
                    ? "the spec has no monitoring.metrics policy"
                    : "no metric could be judged yet (too few labelled rows or evaluated dates)");
        }
        return new Decision(Decision.Outcome.KEEP, Decision.Trigger.NONE, verdicts, drift, "no metric breached its policy"
                + (drift == null ? "" : "; " + driftText));
    }

    /** Judges one metric policy on its observations (newest first). */
    public static MetricVerdict judge(MetricPolicy p, List<MetricObservation> newestFirst, Map<String, Double> holdout) {
        boolean lowerIsBetter = MetricPolicy.lowerIsBetter(p.metric());
        Double lower = p.min();
        Double upper = p.max();
        List<String> sources = new ArrayList<>();
        if (p.min() != null) {
            sources.add("min " + p.min());
        }
        if (p.max() != null) {
            sources.add("max " + p.max());
        }
        String note = "";
        if (p.maxDrop() != null) {
            String holdoutName = MetricPolicy.HOLDOUT_NAMES.get(p.metric());
            Double baseline = holdout == null || holdoutName == null ? null : holdout.get(holdoutName);
            if (baseline == null) {
                note = "; maxDrop not applied: the model has no holdout " + p.metric();
            } else if (lowerIsBetter) {
                double limit = baseline + p.maxDrop();
                upper = upper == null ? limit : Math.min(upper, limit);
                sources.add("holdout " + round(baseline) + " + maxDrop " + p.maxDrop() + " = " + round(limit));
            } else {
                double limit = baseline - p.maxDrop();
                lower = lower == null ? limit : Math.max(lower, limit);
                sources.add("holdout " + round(baseline) + " - maxDrop " + p.maxDrop() + " = " + round(limit));
            }
        }
        String source = String.join("; ", sources) + note;
        List<MetricObservation> window = newestFirst.subList(0, Math.min(p.consecutive(), newestFirst.size()));
        List<MetricVerdict.Judged> judged = new ArrayList<>();
        boolean allBreached = true;
        boolean anyIntervalMissing = false;
        for (MetricObservation o : window) {
            boolean useInterval = p.useInterval() && o.ciLow() != null && o.ciHigh() != null;
            anyIntervalMissing |= p.useInterval() && !useInterval;
            double low = useInterval ? o.ciHigh() : o.value();   // the best case must be below the lower limit
            double high = useInterval ? o.ciLow() : o.value();   // the best case must be above the upper limit
            boolean breached = (lower != null && low < lower) || (upper != null && high > upper);
            judged.add(new MetricVerdict.Judged(o, breached));
            allBreached &= breached;
        }
        String limits = (lower == null ? "" : "lower limit " + round(lower)) + (lower != null && upper != null ? ", " : "")
                + (upper == null ? "" : "upper limit " + round(upper));
        String compared = p.useInterval() ? "95% interval" + (anyIntervalMissing ? " (value where a date has no interval)" : "") : "value";
        if (window.size() < p.consecutive()) {
            return new MetricVerdict(p.metric(), MetricVerdict.NOT_ENOUGH_EVALUATIONS, lower, upper, source, p.useInterval(),
                    p.consecutive(), p.minSamples(), judged, p.metric() + ": " + window.size() + " evaluated date(s), "
                    + p.consecutive() + " needed before deciding");
        }
        MetricObservation small = window.stream().filter(o -> o.n() < p.minSamples()).findFirst().orElse(null);
        if (small != null) {
            return new MetricVerdict(p.metric(), MetricVerdict.INSUFFICIENT_SAMPLES, lower, upper, source, p.useInterval(),
                    p.consecutive(), p.minSamples(), judged, p.metric() + " on " + small.businessDate() + ": n = " + small.n()
                    + " labelled rows, below minSamples " + p.minSamples() + "; no decision on this metric");
        }
        String dates = window.get(window.size() - 1).businessDate() + ".." + window.get(0).businessDate();
        MetricObservation latest = window.get(0);
        String value = round(latest.value()) + (latest.ciLow() == null ? "" : " [" + round(latest.ciLow()) + ", " + round(latest.ciHigh()) + "]");
        if (allBreached) {
            return new MetricVerdict(p.metric(), MetricVerdict.BREACHED, lower, upper, source, p.useInterval(), p.consecutive(),
                    p.minSamples(), judged, p.metric() + " " + value + " on " + latest.businessDate() + ": " + compared + " beyond "
                    + limits + " on all " + window.size() + " date(s) " + dates + " (" + source + ")");
        }
        return new MetricVerdict(p.metric(), MetricVerdict.OK, lower, upper, source, p.useInterval(), p.consecutive(),
                p.minSamples(), judged, p.metric() + " " + value + " on " + latest.businessDate() + ": within " + limits
                + " on at least one of " + window.size() + " date(s) " + dates + " (" + source + ")");
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
