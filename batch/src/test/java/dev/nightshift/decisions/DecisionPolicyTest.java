package dev.nightshift.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.contract.MetricPolicy;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decide rule on hand-computed cases: thresholds, windows, sample sizes, intervals, overrides. */
class DecisionPolicyTest {
    static final LocalDate D3 = LocalDate.of(2026, 11, 3);
    static final LocalDate D2 = D3.minusDays(1);
    static final LocalDate D1 = D3.minusDays(2);
    static final Map<String, Double> HOLDOUT = Map.of("areaUnderROC", 0.85, "logLoss", 0.40);

    static MetricObservation obs(LocalDate d, double v, long n) {
        return new MetricObservation(d, v, null, null, n);
    }

    static MetricObservation obs(LocalDate d, double v, double lo, double hi, long n) {
        return new MetricObservation(d, v, lo, hi, n);
    }

    static Decision decide(MetricPolicy p, List<MetricObservation> newestFirst) {
        return DecisionPolicy.decide(List.of(p), m -> newestFirst, HOLDOUT, false, false);
    }

    @Test
    void aMetricBelowItsFloorOnEveryDateOfTheWindowBreachesAndDecidesToRetrain() {
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, null, 100, 2, false);

        Decision both = decide(auc, List.of(obs(D3, 0.65, 200), obs(D2, 0.68, 200)));
        Decision one = decide(auc, List.of(obs(D3, 0.65, 200), obs(D2, 0.72, 200)));

        assertThat(both.outcome()).isEqualTo(Decision.Outcome.RETRAIN);
        assertThat(both.trigger()).isEqualTo(Decision.Trigger.POLICY);
        assertThat(both.verdicts().get(0).status()).isEqualTo(MetricVerdict.BREACHED);
        assertThat(both.verdicts().get(0).lowerLimit()).isEqualTo(0.7);
        assertThat(both.verdicts().get(0).explanation()).contains("0.6500", D2 + ".." + D3);
        // only one of the two consecutive dates breached: keep
        assertThat(one.outcome()).isEqualTo(Decision.Outcome.KEEP);
        assertThat(one.verdicts().get(0).window()).extracting(MetricVerdict.Judged::breached).containsExactly(true, false);
    }

    @Test
    void aBreachOnFewerLabelledRowsThanMinSamplesDecidesNothing() {
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, null, 100, 1, false);

        Decision d = decide(auc, List.of(obs(D3, 0.40, 99)));

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NO_DECISION);
        assertThat(d.verdicts().get(0).status()).isEqualTo(MetricVerdict.INSUFFICIENT_SAMPLES);
        assertThat(d.verdicts().get(0).explanation()).contains("n = 99", "minSamples 100");
    }

    @Test
    void fewerEvaluatedDatesThanConsecutiveDecidesNothing() {
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, null, 100, 3, false);

        Decision d = decide(auc, List.of(obs(D3, 0.5, 500), obs(D2, 0.5, 500)));

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NO_DECISION);
        assertThat(d.verdicts().get(0).status()).isEqualTo(MetricVerdict.NOT_ENOUGH_EVALUATIONS);
    }

    @Test
    void maxDropFromTheHoldoutIsCombinedWithTheFloorTakingTheStricter() {
        // holdout AUC 0.85, maxDrop 0.05: limit 0.80, stricter than min 0.70
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, 0.05, 100, 1, false);

        MetricVerdict breach = DecisionPolicy.judge(auc, List.of(obs(D3, 0.78, 300)), HOLDOUT);
        MetricVerdict ok = DecisionPolicy.judge(auc, List.of(obs(D3, 0.81, 300)), HOLDOUT);

        assertThat(breach.lowerLimit()).isCloseTo(0.80, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(breach.breached()).isTrue();
        assertThat(breach.thresholdSource()).contains("holdout 0.8500 - maxDrop 0.05 = 0.8000");
        assertThat(ok.breached()).isFalse();
        // an imported model without a holdout value: maxDrop cannot apply, the floor still does
        MetricVerdict noBaseline = DecisionPolicy.judge(auc, List.of(obs(D3, 0.78, 300)), Map.of());
        assertThat(noBaseline.lowerLimit()).isEqualTo(0.7);
        assertThat(noBaseline.breached()).isFalse();
        assertThat(noBaseline.thresholdSource()).contains("maxDrop not applied");
    }

    @Test
    void withUseIntervalOnlyAnIntervalWhollyBeyondTheLimitBreaches() {
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, null, 100, 1, true);

        // point 0.68 is below 0.70, but the interval [0.62, 0.74] reaches above it
        assertThat(DecisionPolicy.judge(auc, List.of(obs(D3, 0.68, 0.62, 0.74, 300)), HOLDOUT).breached()).isFalse();
        assertThat(DecisionPolicy.judge(auc, List.of(obs(D3, 0.65, 0.60, 0.69, 300)), HOLDOUT).breached()).isTrue();
        // without the option the point value decides
        MetricPolicy point = new MetricPolicy("auc", 0.7, null, null, 100, 1, false);
        assertThat(DecisionPolicy.judge(point, List.of(obs(D3, 0.68, 0.62, 0.74, 300)), HOLDOUT).breached()).isTrue();
    }

    @Test
    void errorMetricsBreachUpwardsAgainstMaxAndHoldoutPlusMaxDrop() {
        // holdout log loss 0.40 + maxDrop 0.05 = 0.45, stricter than max 0.50
        MetricPolicy logLoss = new MetricPolicy("log_loss", null, 0.5, 0.05, 100, 1, true);

        MetricVerdict high = DecisionPolicy.judge(logLoss, List.of(obs(D3, 0.48, 0.46, 0.50, 300)), HOLDOUT);
        MetricVerdict straddles = DecisionPolicy.judge(logLoss, List.of(obs(D3, 0.47, 0.44, 0.50, 300)), HOLDOUT);

        assertThat(high.upperLimit()).isCloseTo(0.45, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(high.lowerLimit()).isNull();
        assertThat(high.breached()).isTrue();
        assertThat(straddles.breached()).isFalse();
    }

    @Test
    void aBreachWithAChallengerWaitingAwaitsPromotionAndAManualRequestAlwaysRetrains() {
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, null, 100, 1, false);
        List<MetricObservation> low = List.of(obs(D3, 0.6, 300));
        List<MetricObservation> fine = List.of(obs(D3, 0.9, 300));

        Decision waiting = DecisionPolicy.decide(List.of(auc), m -> low, HOLDOUT, true, false);
        Decision manual = DecisionPolicy.decide(List.of(auc), m -> fine, HOLDOUT, false, true);
        Decision none = DecisionPolicy.decide(List.of(), m -> fine, HOLDOUT, false, false);

        assertThat(waiting.outcome()).isEqualTo(Decision.Outcome.AWAITING_PROMOTION);
        assertThat(manual.outcome()).isEqualTo(Decision.Outcome.RETRAIN);
        assertThat(manual.trigger()).isEqualTo(Decision.Trigger.MANUAL);
        assertThat(manual.verdicts()).extracting(MetricVerdict::status).containsExactly(MetricVerdict.OK);
        assertThat(none.outcome()).isEqualTo(Decision.Outcome.NO_DECISION);
        assertThat(none.summary()).contains("no monitoring.metrics");
    }

    @Test
    void oneBreachedMetricAmongSeveralIsEnoughAndOnlyItIsNamed() {
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, null, 100, 1, false);
        MetricPolicy brier = new MetricPolicy("brier", null, 0.2, null, 100, 1, false);
        Map<String, List<MetricObservation>> byMetric = Map.of("auc", List.of(obs(D3, 0.8, 300)), "brier", List.of(obs(D3, 0.25, 300)));

        Decision d = DecisionPolicy.decide(List.of(auc, brier), byMetric::get, HOLDOUT, false, false);

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.RETRAIN);
        assertThat(d.summary()).isEqualTo("breached: brier");
    }

    @Test
    void datasetDriftTriggersARetrainOnlyWhenNoMetricBreachedFirstAndOnlyAboveTheShare() {
        MetricPolicy auc = new MetricPolicy("auc", 0.7, null, null, 100, 1, false);
        List<MetricObservation> fine = List.of(obs(D3, 0.9, 300));
        List<MetricObservation> low = List.of(obs(D3, 0.6, 300));
        Decision.DriftSignal drifted = new Decision.DriftSignal(true, 0.5, 0.3, List.of("monthly_charges", "tenure_months"));
        Decision.DriftSignal calm = new Decision.DriftSignal(false, 0.1, 0.3, List.of());

        Decision byDrift = DecisionPolicy.decide(List.of(auc), m -> fine, HOLDOUT, drifted, false, false);
        Decision byMetric = DecisionPolicy.decide(List.of(auc), m -> low, HOLDOUT, drifted, false, false);
        Decision quiet = DecisionPolicy.decide(List.of(auc), m -> fine, HOLDOUT, calm, false, false);
        Decision waiting = DecisionPolicy.decide(List.of(), m -> fine, HOLDOUT, drifted, true, false);

        assertThat(byDrift.outcome()).isEqualTo(Decision.Outcome.RETRAIN);
        assertThat(byDrift.trigger()).isEqualTo(Decision.Trigger.DRIFT);
        assertThat(byDrift.summary()).isEqualTo("dataset drift 50% of features (limit 30%): monthly_charges, tenure_months");
        assertThat(byMetric.trigger()).isEqualTo(Decision.Trigger.POLICY);
        assertThat(byMetric.summary()).startsWith("breached: auc; dataset drift 50%");
        assertThat(quiet.outcome()).isEqualTo(Decision.Outcome.KEEP);
        assertThat(waiting.outcome()).isEqualTo(Decision.Outcome.AWAITING_PROMOTION);
    }
}
