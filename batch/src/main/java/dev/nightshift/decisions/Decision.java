package dev.nightshift.decisions;

import java.util.List;
import java.util.Locale;

/** The decide step's verdict on the champion, with a reason per monitored metric. */
public record Decision(Outcome outcome, Trigger trigger, List<MetricVerdict> verdicts, DriftSignal drift, String summary) {

    /** The night's dataset drift, when the spec lets it trigger a retrain: share of drifted features against the limit. */
    public record DriftSignal(boolean drifted, double share, double maxShare, List<String> features) {
    }

    public enum Outcome {
        /** No metric breached (and at least one could be judged). */
        KEEP,
        /** A metric breached its policy, or a person asked for it: train a candidate. */
        RETRAIN,
        /** Nothing could be judged: too few labelled rows or evaluated dates for every metric, or no metric policy. */
        NO_DECISION,
        /** A metric breached, but a challenger from an earlier retrain still waits for a manual promotion. */
        AWAITING_PROMOTION;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Outcome of(String key) {
            return valueOf(key.toUpperCase(Locale.ROOT));
        }
    }

    public enum Trigger {
        POLICY, DRIFT, MANUAL, NONE;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
