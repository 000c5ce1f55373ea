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
                Map.of("areaUnderROC", candidate), Map.of("areaUnderROC", champion), null, null);
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
        PromotionGate.Result pass = PromotionGate.judge(gate, "rmse", 2, 1, Map.of("rmse", 10.0), Map.of("rmse", 12.0), null, null);
        PromotionGate.Result fail = PromotionGate.judge(new PipelineSpec.Gate("rmse", 0.0, 0.2), "rmse", 2, 1,
                Map.of("rmse", 10.0), Map.of("rmse", 12.0), null, null);

        assertThat(pass.improvement()).isCloseTo(2.0, within(1e-12));
        assertThat(pass.passed()).isTrue();
        assertThat(fail.passed()).isFalse();
    }

    @Test
    void withoutTheChampionsValueOnTheSameHoldoutTheGateCannotCompare() {
        PromotionGate.Result r = PromotionGate.judge(new PipelineSpec.Gate(null, null, null), "auc", 3, 2,
                Map.of("areaUnderROC", 0.9), null, null, null);

        assertThat(r.comparable()).isFalse();
        assertThat(r.passed()).isFalse();
        assertThat(r.explanation()).contains("cannot compare");
    }

    private static Map<String, Map<String, Map<String, Double>>> regions(double north, double south, double tiny, double tinyN) {
        return Map.of("region", Map.of(
                "north", Map.of("n", 400.0, "areaUnderROC", north),
                "south", Map.of("n", 250.0, "areaUnderROC", south),
                "tiny", Map.of("n", tinyN, "areaUnderROC", tiny)));
    }

    @Test
    void aSegmentWorseByMoreThanTheLimitFailsACandidateThatIsBetterOverall() {
        PipelineSpec.Gate gate = new PipelineSpec.Gate("auc", 0.0, 0.0, 0.02, 100);
        // overall +0.03; south drops 0.80 -> 0.77 (0.03 > 0.02), north gains; tiny (40 rows < 100) drops 0.2 but is ignored
        PromotionGate.Result r = PromotionGate.judge(gate, "auc", 2, 1, Map.of("areaUnderROC", 0.83), Map.of("areaUnderROC", 0.80),
                regions(0.90, 0.77, 0.5, 40), regions(0.82, 0.80, 0.7, 40));

        assertThat(r.passed()).isFalse();
        assertThat(r.improvement()).isCloseTo(0.03, within(1e-12));
        assertThat(r.segments()).extracting(PromotionGate.SegmentCheck::value).containsExactly("south", "north");
        assertThat(r.segments().get(0).drop()).isCloseTo(0.03, within(1e-12));
        assertThat(r.segments().get(1).drop()).isCloseTo(-0.08, within(1e-12));
        assertThat(r.failedSegments()).extracting(PromotionGate.SegmentCheck::value).containsExactly("south");
        assertThat(r.explanation()).contains("region=south (auc 0.7700 vs 0.8000, n=250)", "limit 0.02", "failed");
    }

    @Test
    void segmentDropsWithinTheLimitPassAndErrorMetricsDropUpwards() {
        PipelineSpec.Gate auc = new PipelineSpec.Gate("auc", 0.0, 0.0, 0.05, 100);
        PromotionGate.Result pass = PromotionGate.judge(auc, "auc", 2, 1, Map.of("areaUnderROC", 0.83), Map.of("areaUnderROC", 0.80),
                regions(0.90, 0.77, 0.5, 40), regions(0.82, 0.80, 0.7, 40));
        assertThat(pass.passed()).isTrue();
        assertThat(pass.explanation()).contains("worst segment region=south", "passed");

        // rmse: the candidate is worse where its error is higher: 13 - 10 = 3 > 2
        PipelineSpec.Gate rmse = new PipelineSpec.Gate("rmse", 0.0, 0.0, 2.0, 10);
        PromotionGate.Result fail = PromotionGate.judge(rmse, "rmse", 2, 1, Map.of("rmse", 10.0), Map.of("rmse", 12.0),
                Map.of("store", Map.of("a", Map.of("n", 50.0, "rmse", 13.0))), Map.of("store", Map.of("a", Map.of("n", 50.0, "rmse", 10.0))));
        assertThat(fail.passed()).isFalse();
        assertThat(fail.segments().get(0).drop()).isCloseTo(3.0, within(1e-12));
    }

    @Test
    void withoutALimitSegmentsAreNotCompared() {
        PromotionGate.Result r = PromotionGate.judge(new PipelineSpec.Gate("auc", 0.0, 0.0), "auc", 2, 1,
                Map.of("areaUnderROC", 0.83), Map.of("areaUnderROC", 0.80), regions(0.9, 0.1, 0.1, 400), regions(0.9, 0.9, 0.9, 400));
        assertThat(r.passed()).isTrue();
        assertThat(r.segments()).isEmpty();
    }
}
