package dev.nightshift.drift;

import dev.nightshift.contract.DriftPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.registry.ModelFeature;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Method choice, thresholds, the dataset share and the degenerate cases, on hand-made profiles. */
class DriftCalculatorTest {

    private static final ModelFeature X = new ModelFeature("x", FeatureType.NUMERIC);
    private static final ModelFeature C = new ModelFeature("c", FeatureType.CATEGORICAL);
    private static final DriftPolicy DEFAULTS = new DriftPolicy(null, null, null, null, null);

    private static final double[] SKETCH = QuantileSketch.exactQuantiles(range(0, 100));
    private static final ReferenceProfile REFERENCE = new ReferenceProfile(1, 2000, 4, QuantileSketch.ACCURACY,
            List.of(new ReferenceProfile.NumericProfile("x", 1900, 100, 50.0, 29.0, 0.0, 99.0, new double[] {25, 50, 75},
                    new long[] {475, 475, 475, 475}, SKETCH)),
            List.of(new ReferenceProfile.CategoricalProfile("c", 2000, 0, Map.of("a", 1000L, "b", 1000L))),
            new ReferenceProfile.NumericProfile("score", 2000, 0, 0.5, 0.2, 0.0, 1.0, new double[] {0.5}, new long[] {1000, 1000},
                    QuantileSketch.exactQuantiles(range(0, 1))));

    @Test
    void autoChoosesByTypeAndNightSize() {
        assertThat(DriftCalculator.chosenMethod(X, DEFAULTS, 1000)).isEqualTo("ks");
        assertThat(DriftCalculator.chosenMethod(X, DEFAULTS, 1001)).isEqualTo("psi");
        assertThat(DriftCalculator.chosenMethod(C, DEFAULTS, 1000)).isEqualTo("chi_square");
        assertThat(DriftCalculator.chosenMethod(C, DEFAULTS, 1001)).isEqualTo("jensen_shannon");
        DriftPolicy override = new DriftPolicy("auto", 0.2, 0.3, 10, Map.of("x", new DriftPolicy.ColumnDrift("wasserstein", 0.5)));
        assertThat(DriftCalculator.chosenMethod(X, override, 5)).isEqualTo("wasserstein");
        assertThat(DriftCalculator.chosenThreshold("x", "wasserstein", override)).isEqualTo(0.5);
        // the policy threshold is a distance; tests use alpha unless a column says otherwise
        assertThat(DriftCalculator.chosenThreshold("c", "chi_square", DEFAULTS)).isEqualTo(0.05);
        assertThat(DriftCalculator.chosenThreshold("c", "jensen_shannon", DEFAULTS)).isEqualTo(0.2);
    }

    @Test
    void aMethodOfTheWrongTypeOnAColumnIsRefused() {
        DriftPolicy ksOnCategory = new DriftPolicy("auto", null, null, null, Map.of("c", new DriftPolicy.ColumnDrift("ks", null)));
        assertThatThrownBy(() -> DriftCalculator.validate(List.of(X, C), ksOnCategory))
                .hasMessageContaining("monitoring.drift.columns.c: method 'ks' does not apply to categorical features");
        DriftPolicy unknown = new DriftPolicy("auto", null, null, null, Map.of("nope", new DriftPolicy.ColumnDrift("psi", null)));
        assertThatThrownBy(() -> DriftCalculator.validate(List.of(X, C), unknown)).hasMessageContaining("'nope', which is not a model feature");
    }

    @Test
    void aPolicyWideMethodOfOneTypeJudgesTheOtherTypeByPsi() {
        // given a policy of ks, which has no meaning for a categorical feature
        DriftPolicy ks = new DriftPolicy("ks", null, null, null, null);
        CurrentProfile night = night(new long[] {475, 475, 475, 475}, SKETCH, new long[] {1000, 1000}, 0);

        // when
        List<DriftResult> rows = DriftCalculator.compute(List.of(X, C), REFERENCE, night, null, ks);

        // then x is judged by KS at alpha, c by PSI at PSI's default threshold
        assertThat(chosen(rows, "x").method()).isEqualTo("ks");
        assertThat(chosen(rows, "x").threshold()).isEqualTo(0.05);
        assertThat(chosen(rows, "c").method()).isEqualTo("psi");
        assertThat(chosen(rows, "c").threshold()).isEqualTo(0.2);
    }

    @Test
    void anUnchangedNightDriftsNowhereAndAShiftedOneEverywhere() {
        // given a night identical to the reference, and one shifted by half the range with a new category
        CurrentProfile same = night(new long[] {475, 475, 475, 475}, SKETCH, new long[] {1000, 1000}, 0);
        double[] shifted = QuantileSketch.exactQuantiles(range(50, 150));
        CurrentProfile moved = night(new long[] {0, 0, 950, 950}, shifted, new long[] {500, 1000}, 500);

        // when
        List<DriftResult> quiet = DriftCalculator.compute(List.of(X, C), REFERENCE, same, null, DEFAULTS);
        List<DriftResult> loud = DriftCalculator.compute(List.of(X, C), REFERENCE, moved, null, DEFAULTS);

        // then
        assertThat(quiet).filteredOn(r -> !r.feature().equals(DriftResult.DATASET)).noneMatch(DriftResult::drifted);
        assertThat(chosen(quiet, DriftResult.DATASET).statistic()).isEqualTo(0.0);
        assertThat(chosen(loud, "x").method()).isEqualTo("psi");
        assertThat(loud).filteredOn(r -> r.feature().equals("x")).allMatch(DriftResult::drifted);
        assertThat(loud).filteredOn(r -> r.feature().equals("x") && r.method().equals("ks")).first()
                .satisfies(r -> assertThat(r.statistic()).isCloseTo(0.5, within(0.02)));
        assertThat(loud).filteredOn(r -> r.feature().equals("x") && r.method().equals("wasserstein")).first()
                .satisfies(r -> assertThat(r.statistic()).isCloseTo(50.0 / 29.0, within(0.05)));
        assertThat(chosen(loud, "c").method()).isEqualTo("jensen_shannon");
        assertThat(chosen(loud, "c").unseenShare()).isEqualTo(0.25);
        assertThat(chosen(loud, "c").drifted()).isTrue();
        assertThat(chosen(loud, DriftResult.DATASET).statistic()).isEqualTo(1.0);
        assertThat(chosen(loud, DriftResult.DATASET).drifted()).isTrue();
        assertThat(chosen(loud, "x").nullRateReference()).isEqualTo(0.05);
    }

    @Test
    void aFeatureWithOnlyNullsTonightHasNoStatisticButDrifts() {
        CurrentProfile nulls = new CurrentProfile(2000,
                Map.of("x", new CurrentProfile.NumericSummary(0, 2000, new long[] {0, 0, 0, 0}, new double[0])),
                Map.of("c", new CurrentProfile.CategoricalSummary(2000, 0, new long[] {1000, 1000}, 0)));

        List<DriftResult> rows = DriftCalculator.compute(List.of(X, C), REFERENCE, nulls, null, DEFAULTS);

        assertThat(chosen(rows, "x").statistic()).isNull();
        assertThat(chosen(rows, "x").drifted()).isTrue();
        assertThat(chosen(rows, "x").nullRateCurrent()).isEqualTo(1.0);
        assertThat(chosen(rows, DriftResult.DATASET).statistic()).isEqualTo(0.5);
        assertThat(chosen(rows, DriftResult.DATASET).drifted()).isTrue();
    }

    @Test
    void predictionDriftIsAPsiRowOutsideTheShare() {
        CurrentProfile same = night(new long[] {475, 475, 475, 475}, SKETCH, new long[] {1000, 1000}, 0);
        CurrentProfile.NumericSummary scores = new CurrentProfile.NumericSummary(2000, 0, new long[] {1800, 200},
                QuantileSketch.exactQuantiles(range(0, 1)));

        List<DriftResult> rows = DriftCalculator.compute(List.of(X, C), REFERENCE, same, scores, DEFAULTS);

        assertThat(chosen(rows, DriftResult.PREDICTION).method()).isEqualTo("psi");
        assertThat(chosen(rows, DriftResult.PREDICTION).statistic())
                .isCloseTo(DriftStatistics.psi(new long[] {1000, 1000}, new long[] {1800, 200}), within(1e-12));
        assertThat(chosen(rows, DriftResult.PREDICTION).drifted()).isTrue();
        assertThat(chosen(rows, DriftResult.DATASET).statistic()).isEqualTo(0.0);
    }

    private static CurrentProfile night(long[] bins, double[] sketch, long[] categories, long unseen) {
        long n = java.util.Arrays.stream(bins).sum();
        long c = java.util.Arrays.stream(categories).sum() + unseen;
        return new CurrentProfile(Math.max(n, c), Map.of("x", new CurrentProfile.NumericSummary(n, 0, bins, sketch)),
                Map.of("c", new CurrentProfile.CategoricalSummary(c, 0, categories, unseen)));
    }

    private static DriftResult chosen(List<DriftResult> rows, String feature) {
        return rows.stream().filter(r -> r.feature().equals(feature) && r.chosen()).findFirst().orElseThrow();
    }

    private static double[] range(double from, double to) {
        double[] out = new double[1000];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + (to - from) * i / (out.length - 1);
        }
        return out;
    }
}
