package dev.nightshift.evaluation;

/** Closed-form 95% confidence intervals. */
public final class Intervals {

    /** The 0.975 quantile of the standard normal distribution. */
    public static final double Z95 = 1.959963984540054;

    /** A two-sided interval. */
    public record Interval(double low, double high) {
        public boolean contains(double value) {
            return low <= value && value <= high;
        }
    }

    private Intervals() {
    }

    /**
     * Wilson score interval of a proportion {@code successes / n}; unlike the normal approximation it stays inside
     * [0, 1] and is sensible at 0 and n successes. Null for n = 0.
     */
    public static Interval wilson(double successes, double n) {
        if (n <= 0) {
            return null;
        }
        double p = successes / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = Z95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // The interval always contains p; at p = 0 or 1 rounding would otherwise leave the bound a hair short of it.
        return new Interval(Math.max(0.0, Math.min(p, centre - half)), Math.min(1.0, Math.max(p, centre + half)));
    }

    /**
     * Normal interval of an AUC with DeLong's variance, clipped to [0, 1]. Null when the variance is undefined (fewer
     * than two positives or two negatives).
     */
    public static Interval delong(double auc, Double variance) {
        if (variance == null || variance.isNaN() || variance < 0) {
            return null;
        }
        double half = Z95 * Math.sqrt(variance);
        return new Interval(Math.max(0.0, auc - half), Math.min(1.0, auc + half));
    }
}
