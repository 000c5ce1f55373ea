package dev.nightshift.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nightshift.contract.PipelineSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The promotion gate on hand-computed comparisons. */
class PromotionGateTest {

    static PromotionGate.Result auc(double candidate, double champion, double minImprovement, double minRelative) {
        return PromotionGate.judge(new PipelineSpec.Gate("auc", minImprovement, minRelative), "auc", 2, 1,
                Map.of("areaUnderROC", candidate), Map.of("areaUnderROC", champion));
    }

    @Test
    void aCandidateBetterByTheRequiredMarginsPasses() {
        // 0.80 - 0.75 = 0.05 >= 0.01; 0.05 / 0.75 = 6.67% >= 2%
        PromotionGate.Result r = auc(0.80, 0.75, 0.01, 0.02);

        assertThat(r.passed()).isTrue();
        assertThat(r.improvement()).isCloseTo(0.05, within(1e-12));
        assertThat(r.relativeImprovement()).isCloseTo(0.05 / 0.75, within(1e-12));
        assertThat(r.explanation()).contains("candidate v2 0.8000 vs champion v1 0.7500", "passed");
    }

    @Test
    void aWorseOrEqualCandidateIsNotPromotedEvenWithZeroMargins() {
        assertThat(auc(0.74, 0.75, 0, 0).passed()).isFalse();
        assertThat(auc(0.75, 0.75, 0, 0).passed()).isFalse();
        // better, but by less than the absolute margin
        assertThat(auc(0.755, 0.75, 0.01, 0).passed()).isFalse();
    }

    @Test
    void forErrorMetricsLowerIsBetter() {
        PipelineSpec.Gate gate = new PipelineSpec.Gate("rmse", 0.0, 0.1);
        // champion 12, candidate 10: improvement 2, relative 2/12 = 16.7%
        PromotionGate.Result pass = PromotionGate.judge(gate, "rmse", 2, 1, Map.of("rmse", 10.0), Map.of("rmse", 12.0));
        PromotionGate.Result fail = PromotionGate.judge(new PipelineSpec.Gate("rmse", 0.0, 0.2), "rmse", 2, 1,
                Map.of("rmse", 10.0), Map.of("rmse", 12.0));

        assertThat(pass.improvement()).isCloseTo(2.0, within(1e-12));
        assertThat(pass.passed()).isTrue();
        assertThat(fail.passed()).isFalse();
    }

    @Test
    void withoutTheChampionsValueOnTheSameHoldoutTheGateCannotCompare() {
        PromotionGate.Result r = PromotionGate.judge(new PipelineSpec.Gate(null, null, null), "auc", 3, 2,
                Map.of("areaUnderROC", 0.9), null);

        assertThat(r.comparable()).isFalse();
        assertThat(r.passed()).isFalse();
        assertThat(r.explanation()).contains("cannot compare");
    }
}
