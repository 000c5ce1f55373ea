package dev.nightshift.drift;

import dev.nightshift.contract.DriftPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.registry.ModelFeature;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a night's summary against a model's reference profile under a {@link DriftPolicy}: every statistic of
 * every feature, which one decides (the chosen method), the prediction drift and the dataset-level share.
 *
 * <p>Thresholds: a statistic is drifted when a distance exceeds its threshold, or a test's p-value is below its
 * significance level. The chosen method uses the column override's threshold if set, else the policy's
 * {@code threshold} for distances (psi, wasserstein, jensen_shannon, linf) and {@link #ALPHA} for tests (ks,
 * chi_square) — the policy's one threshold (default 0.2, a PSI value) is no significance level. The other rows use
 * {@link #DEFAULT_THRESHOLDS}. {@code auto} picks PSI (numeric) or Jensen–Shannon (categorical) when the night has
 * more than {@link #AUTO_LARGE_SAMPLE} non-null values, because on large samples test p-values flag negligible
 * shifts; KS or chi-square otherwise.
 */
public final class DriftCalculator {

    public static final double ALPHA = 0.05;
    public static final long AUTO_LARGE_SAMPLE = 1000;
    /**
     * Defaults of the transparency rows: PSI 0.2 (the usual "significant shift" rule of thumb); Wasserstein 0.1 of
     * the reference standard deviation; Jensen–Shannon distance 0.1 and L-infinity 0.1 (Evidently's defaults for
     * categorical data); KS and chi-square at p &lt; 0.05.
     */
    public static final Map<String, Double> DEFAULT_THRESHOLDS = Map.of("psi", 0.2, "ks", ALPHA, "wasserstein", 0.1,
            "jensen_shannon", 0.1, "chi_square", ALPHA, "linf", 0.1);
    public static final List<String> NUMERIC_METHODS = List.of("psi", "ks", "wasserstein");
    public static final List<String> CATEGORICAL_METHODS = List.of("psi", "jensen_shannon", "chi_square", "linf");
    private static final Set<String> TESTS = Set.of("ks", "chi_square");

    private DriftCalculator() {
    }

    /** All rows of one night: per feature its statistics, then {@code __prediction__} (if given), then {@code __dataset__}. */
    public static List<DriftResult> compute(List<ModelFeature> features, ReferenceProfile reference, CurrentProfile current,
                                            CurrentProfile.NumericSummary currentPrediction, DriftPolicy policy) {
        validate(features, policy);
        List<DriftResult> rows = new ArrayList<>();
        int drifted = 0;
        int judged = 0;
        for (ModelFeature f : features) {
            List<DriftResult> featureRows;
            if (f.type() == FeatureType.NUMERIC) {
                ReferenceProfile.NumericProfile ref = require(reference.numeric(f.name()), f);
                CurrentProfile.NumericSummary cur = current.numeric().get(f.name());
                String method = chosenMethod(f, policy, cur.count());
                featureRows = numeric(f.name(), "numeric", ref, cur, method, chosenThreshold(f.name(), method, policy));
            } else if (f.type() == FeatureType.CATEGORICAL) {
                ReferenceProfile.CategoricalProfile ref = require(reference.categorical(f.name()), f);
                CurrentProfile.CategoricalSummary cur = current.categorical().get(f.name());
                String method = chosenMethod(f, policy, cur.count());
                featureRows = categorical(f.name(), ref, cur, method, chosenThreshold(f.name(), method, policy));
            } else {
                continue;
            }
            rows.addAll(featureRows);
            judged++;
            if (featureRows.stream().anyMatch(r -> r.chosen() && r.drifted())) {
                drifted++;
            }
        }
        if (currentPrediction != null && reference.prediction() != null) {
            rows.addAll(numeric(DriftResult.PREDICTION, "prediction", reference.prediction(), currentPrediction, "psi",
                    DEFAULT_THRESHOLDS.get("psi")));
        }
        double share = judged == 0 ? 0.0 : (double) drifted / judged;
        rows.add(new DriftResult(DriftResult.DATASET, "dataset", "drift_share", share, null, policy.maxDriftedShare(),
                share > policy.maxDriftedShare(), true, current.rows(), reference.rows(), null, null, null));
        return rows;
    }

    /** The method that judges a feature: the column override, else the policy's, with {@code auto} resolved by type and size. */
    static String chosenMethod(ModelFeature f, DriftPolicy policy, long currentCount) {
        DriftPolicy.ColumnDrift override = policy.columns().get(f.name());
        String method = override != null && override.method() != null ? override.method() : policy.method();
        if (!"auto".equals(method)) {
            return method;
        }
        boolean large = currentCount > AUTO_LARGE_SAMPLE;
        return f.type() == FeatureType.NUMERIC ? (large ? "psi" : "ks") : (large ? "jensen_shannon" : "chi_square");
    }

    static double chosenThreshold(String feature, String method, DriftPolicy policy) {
        DriftPolicy.ColumnDrift override = policy.columns().get(feature);
        if (override != null && override.threshold() != null) {
            return override.threshold();
        }
        return TESTS.contains(method) ? ALPHA : policy.threshold();
    }

    /** Fails if a method (policy-wide or per column) does not apply to a feature's type, or an override names no model feature. */
    static void validate(List<ModelFeature> features, DriftPolicy policy) {
        if (!DriftPolicy.METHODS.contains(policy.method())) {
            throw new IllegalArgumentException("monitoring.drift.method '" + policy.method() + "' is not one of " + DriftPolicy.METHODS);
        }
        for (ModelFeature f : features) {
            String method = chosenMethod(f, policy, 0);
            boolean policyWide = policy.columns().get(f.name()) == null || policy.columns().get(f.name()).method() == null;
            if (policyWide && !"auto".equals(policy.method())) {
                // A policy-wide method that only fits one type applies to the features of that type; the rest use auto.
                continue;
            }
            List<String> allowed = f.type() == FeatureType.NUMERIC ? NUMERIC_METHODS : CATEGORICAL_METHODS;
            if (f.type().isModelInput() && !allowed.contains(method)) {
                throw new IllegalArgumentException("monitoring.drift.columns." + f.name() + ": method '" + method + "' does not apply to "
                        + f.type().specName() + " features; use one of auto, " + String.join(", ", allowed));
            }
        }
        for (String column : policy.columns().keySet()) {
            if (features.stream().noneMatch(f -> f.name().equals(column))) {
                throw new IllegalArgumentException("monitoring.drift.columns names '" + column + "', which is not a model feature");
            }
        }
    }

    static List<DriftResult> numeric(String name, String type, ReferenceProfile.NumericProfile ref, CurrentProfile.NumericSummary cur,
                                     String chosen, double chosenThreshold) {
        String method = NUMERIC_METHODS.contains(chosen) ? chosen : fallback(chosen, NUMERIC_METHODS);
        Double nullRef = rate(ref.nullCount(), ref.count() + ref.nullCount());
        Double nullCur = rate(cur.nullCount(), cur.count() + cur.nullCount());
        List<DriftResult> rows = new ArrayList<>();
        for (String m : NUMERIC_METHODS) {
            boolean isChosen = m.equals(method);
            double threshold = isChosen && m.equals(chosen) ? chosenThreshold : DEFAULT_THRESHOLDS.get(m);
            Double statistic = null;
            Double p = null;
            if (ref.count() > 0 && cur.count() > 0) {
                switch (m) {
                    case "psi" -> statistic = DriftStatistics.psi(ref.binCounts(), cur.binCounts());
                    case "ks" -> {
                        statistic = DriftStatistics.ksStatistic(ref.quantiles(), cur.quantiles());
                        p = DriftStatistics.ksPValue(statistic, ref.count(), cur.count());
                    }
                    default -> statistic = DriftStatistics.normalizedWasserstein(
                            DriftStatistics.wasserstein(ref.quantiles(), cur.quantiles()), ref.std() == null ? 0 : ref.std());
                }
            }
            rows.add(new DriftResult(name, type, m, statistic, p, threshold, drifted(m, statistic, p, threshold, ref.count(), cur.count()),
                    isChosen, cur.count(), ref.count(), nullRef, nullCur, null));
        }
        return rows;
    }

    static List<DriftResult> categorical(String name, ReferenceProfile.CategoricalProfile ref, CurrentProfile.CategoricalSummary cur,
                                         String chosen, double chosenThreshold) {
        String method = CATEGORICAL_METHODS.contains(chosen) ? chosen : fallback(chosen, CATEGORICAL_METHODS);
        // Bins: the reference categories in order, then one bin for every category the reference never saw.
        long[] refCounts = new long[ref.categories().size() + 1];
        int k = 0;
        for (long n : ref.categories().values()) {
            refCounts[k++] = n;
        }
        long[] curCounts = new long[refCounts.length];
        System.arraycopy(cur.counts(), 0, curCounts, 0, cur.counts().length);
        curCounts[curCounts.length - 1] = cur.unseen();
        Double nullRef = rate(ref.nullCount(), ref.count() + ref.nullCount());
        Double nullCur = rate(cur.nullCount(), cur.count() + cur.nullCount());
        Double unseen = rate(cur.unseen(), cur.count());
        List<DriftResult> rows = new ArrayList<>();
        for (String m : CATEGORICAL_METHODS) {
            boolean isChosen = m.equals(method);
            double threshold = isChosen && m.equals(chosen) ? chosenThreshold : DEFAULT_THRESHOLDS.get(m);
            Double statistic = null;
            Double p = null;
            if (ref.count() > 0 && cur.count() > 0) {
                switch (m) {
                    case "psi" -> statistic = DriftStatistics.psi(refCounts, curCounts);
                    case "jensen_shannon" -> statistic = DriftStatistics.jensenShannon(refCounts, curCounts);
                    case "chi_square" -> {
                        DriftStatistics.TestResult t = DriftStatistics.chiSquare(refCounts, curCounts);
                        statistic = t.statistic();
                        p = Double.isNaN(t.pValue()) ? null : t.pValue();
                    }
                    default -> statistic = DriftStatistics.linf(refCounts, curCounts);
                }
            }
            rows.add(new DriftResult(name, "categorical", m, statistic, p, threshold,
                    drifted(m, statistic, p, threshold, ref.count(), cur.count()), isChosen, cur.count(), ref.count(), nullRef, nullCur, unseen));
        }
        return rows;
    }

    /**
     * A policy-wide method of the other type (e.g. {@code ks} for a categorical feature) judges that feature by the
     * first method of its own type (PSI), with the chosen threshold replaced by that method's default.
     */
    private static String fallback(String chosen, List<String> methods) {
        return methods.get(0);
    }

    private static boolean drifted(String method, Double statistic, Double p, double threshold, long nRef, long nCur) {
        if (nRef == 0 || nCur == 0) {
            // One side has only nulls: a distribution appeared or vanished.
            return (nRef == 0) != (nCur == 0);
        }
        if (TESTS.contains(method)) {
            return p != null && p < threshold;
        }
        return statistic != null && statistic > threshold;
    }

    private static Double rate(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    private static <T> T require(T profile, ModelFeature f) {
        if (profile == null) {
            throw new IllegalStateException("the reference profile has no " + f.type().specName() + " feature '" + f.name()
                    + "'; the profile and the model version's features disagree");
        }
        return profile;
    }
}
