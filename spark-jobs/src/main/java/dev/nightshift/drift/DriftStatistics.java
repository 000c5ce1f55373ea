package dev.nightshift.drift;

import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

import java.util.Arrays;

/**
 * The drift statistics on plain arrays (no Spark): PSI, Kolmogorov–Smirnov, Wasserstein, Jensen–Shannon,
 * chi-square and L-infinity. Reference values from scipy 1.10.1 pin every formula (see
 * {@code src/test/resources/fixtures/make_drift_fixtures.py}).
 *
 * <p>Empty bins: PSI and Jensen–Shannon smooth both distributions the same way, {@code p' = (p + EPSILON) / (1 + k *
 * EPSILON)} for k bins, so a bin empty on one side gives a large but finite contribution and p' still sums to 1.
 */
public final class DriftStatistics {

    /** Added to every proportion before PSI, Jensen–Shannon and the chi-square expectation (then renormalized). */
    public static final double EPSILON = 1e-4;

    private DriftStatistics() {
    }

    /** Counts as proportions of their sum (all zeros if the sum is zero). */
    public static double[] proportions(long[] counts) {
        long total = Arrays.stream(counts).sum();
        double[] p = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            p[i] = total == 0 ? 0.0 : (double) counts[i] / total;
        }
        return p;
    }

    /** {@code (p + EPSILON) / (1 + k * EPSILON)} of the counts' proportions. */
    public static double[] smoothed(long[] counts) {
        double[] p = proportions(counts);
        double norm = 1 + p.length * EPSILON;
        for (int i = 0; i < p.length; i++) {
            p[i] = (p[i] + EPSILON) / norm;
        }
        return p;
    }

    /** Population stability index {@code sum (q' - p') ln(q' / p')} of smoothed proportions; p = reference, q = current. */
    public static double psi(long[] reference, long[] current) {
        requireSameLength(reference, current);
        double[] p = smoothed(reference);
        double[] q = smoothed(current);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += (q[i] - p[i]) * Math.log(q[i] / p[i]);
        }
        return sum;
    }

    /** Jensen–Shannon distance (square root of the divergence, base 2, in [0, 1]) of smoothed proportions, as scipy's {@code jensenshannon(p, q, base=2)}. */
    public static double jensenShannon(long[] reference, long[] current) {
        requireSameLength(reference, current);
        double[] p = smoothed(reference);
        double[] q = smoothed(current);
        double divergence = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            divergence += (p[i] * Math.log(p[i] / m) + q[i] * Math.log(q[i] / m)) / 2;
        }
        return Math.sqrt(Math.max(0.0, divergence) / Math.log(2));
    }

    /** Chi-square goodness of fit of the current counts against {@code n_current * smoothed reference proportions}. */
    public static TestResult chiSquare(long[] reference, long[] current) {
        requireSameLength(reference, current);
        double[] p = smoothed(reference);
        long n = Arrays.stream(current).sum();
        double statistic = 0;
        for (int i = 0; i < p.length; i++) {
            double expected = n * p[i];
            double d = current[i] - expected;
            statistic += d * d / expected;
        }
        int df = p.length - 1;
        double pValue = df < 1 ? Double.NaN : Gamma.regularizedGammaQ(df / 2.0, statistic / 2.0);
        return new TestResult(statistic, pValue);
    }

    /** Largest absolute difference of raw (unsmoothed) proportions. */
    public static double linf(long[] reference, long[] current) {
        requireSameLength(reference, current);
        double[] p = proportions(reference);
        double[] q = proportions(current);
        double max = 0;
        for (int i = 0; i < p.length; i++) {
            max = Math.max(max, Math.abs(p[i] - q[i]));
        }
        return max;
    }

    /** Two-sample Kolmogorov–Smirnov statistic: the largest distance between the two empirical CDFs (ties handled as scipy). */
    public static double ksStatistic(double[] reference, double[] current) {
        double[] a = sorted(reference);
        double[] b = sorted(current);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < a.length && j < b.length) {
            double x = Math.min(a[i], b[j]);
            while (i < a.length && a[i] <= x) {
                i++;
            }
            while (j < b.length && b[j] <= x) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
        }
        return d;
    }

    /**
     * Two-sided asymptotic p-value of a two-sample KS statistic, as scipy 1.10's {@code ks_2samp(method='asymp')}:
     * the one-sample Kolmogorov distribution's survival function at D with {@code n = round(m n / (m + n))}.
     * For n &le; 140 it is {@code 1 - cdf} of commons-math3's Marsaglia–Tsang–Wang computation (equal to scipy within
     * 1e-9). Above 140, commons-math3 uses the Pelz–Good series, accurate to about 1e-7 absolute but meaningless in the
     * far tail (it returns ~1e-11 where scipy says 1e-100); there, from {@code n D² >= 5} (p below ~1e-4), we use
     * Simard and L'Ecuyer's tail approximation {@code 2 exp(-(2.000071 + 0.331/sqrt(n) + 1.409/n) n D²)}
     * (J. Stat. Softw. 39(11), 2011): within 4e-7 absolute and ~10% relative down to p ~ 1e-9; deeper in the tail only
     * the order of magnitude is right (a factor 2 at 1e-16 for n near 140), which no 0.05 decision notices.
     */
    public static double ksPValue(double d, long referenceSize, long currentSize) {
        double m = Math.max(referenceSize, currentSize);
        double n = Math.min(referenceSize, currentSize);
        long en = Math.round(m * n / (m + n));
        if (en < 1) {
            return Double.NaN;
        }
        if (en > Integer.MAX_VALUE) {
            en = Integer.MAX_VALUE;
        }
        if (en > 140 && en * d * d >= 5) {
            return Math.min(1.0, 2 * Math.exp(-(2.000071 + 0.331 / Math.sqrt(en) + 1.409 / en) * en * d * d));
        }
        double p = 1.0 - new KolmogorovSmirnovTest().cdf(d, (int) en, false);
        return Math.min(1.0, Math.max(0.0, p));
    }

    /** First Wasserstein distance between two samples (the area between their empirical CDFs), as scipy's {@code wasserstein_distance}. */
    public static double wasserstein(double[] reference, double[] current) {
        double[] a = sorted(reference);
        double[] b = sorted(current);
        double[] all = new double[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        double area = 0;
        int i = 0;
        int j = 0;
        for (int k = 0; k < all.length - 1; k++) {
            while (i < a.length && a[i] <= all[k]) {
                i++;
            }
            while (j < b.length && b[j] <= all[k]) {
                j++;
            }
            area += Math.abs((double) i / a.length - (double) j / b.length) * (all[k + 1] - all[k]);
        }
        return area;
    }

    /** Wasserstein distance in units of the reference's standard deviation; the raw distance when that is 0 or unknown. */
    public static double normalizedWasserstein(double distance, double referenceStd) {
        return referenceStd > 0 && Double.isFinite(referenceStd) ? distance / referenceStd : distance;
    }

    /** A test statistic and its p-value (NaN where undefined). */
    public record TestResult(double statistic, double pValue) {
    }

    private static double[] sorted(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a sample must not be empty");
        }
        double[] copy = values.clone();
        Arrays.sort(copy);
        // NaN sorts last; it would stop the KS walk from advancing (x = min(a, NaN) is NaN and nothing is <= NaN)
        if (Double.isNaN(copy[copy.length - 1])) {
            throw new IllegalArgumentException("a sample must not contain NaN; non-finite values are nulls for drift");
        }
        return copy;
    }

    private static void requireSameLength(long[] reference, long[] current) {
        if (reference.length != current.length) {
            throw new IllegalArgumentException("reference has " + reference.length + " bins, current " + current.length);
        }
    }
}
