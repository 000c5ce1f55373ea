package dev.nightshift.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nightshift.contract.PipelineSpec;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShadowReviewTest {
    private static final LocalDate D = LocalDate.of(2026, 11, 10);
    private static final PipelineSpec.Gate GATE = new PipelineSpec.Gate("auc", 0.01, null);

    @Test
    void waitsUntilTheChallengerHasEnoughLabelledNightsBesideTheChampion() {
        ShadowReview.Result r = ShadowReview.review(List.of(new ShadowReview.Day(D, 0.70, 0.90)), 3, GATE, "auc", 1, 2);

        assertThat(r.verdict()).isEqualTo(ShadowReview.Verdict.WAIT);
        assertThat(r.days()).isEqualTo(1);
        assertThat(r.explanation()).contains("challenger v2 has live auc on 1 of the 3 labelled nights");
    }

    @Test
    void promotesWhenTheMeanOfTheNewestNightsIsBetterByTheGatesMargin() {
        // newest first; the fourth night is outside the 3-night window and would otherwise flip the verdict
        List<ShadowReview.Day> days = List.of(new ShadowReview.Day(D, 0.70, 0.74), new ShadowReview.Day(D.minusDays(1), 0.72, 0.71),
                new ShadowReview.Day(D.minusDays(2), 0.68, 0.72), new ShadowReview.Day(D.minusDays(3), 0.90, 0.10));

        ShadowReview.Result r = ShadowReview.review(days, 3, GATE, "auc", 1, 2);

        // champion mean (0.70 + 0.72 + 0.68) / 3 = 0.70, challenger (0.74 + 0.71 + 0.72) / 3 = 0.7233..., +0.0233 >= 0.01
        assertThat(r.verdict()).isEqualTo(ShadowReview.Verdict.PROMOTE);
        assertThat(r.championMean()).isCloseTo(0.70, within(1e-12));
        assertThat(r.challengerMean()).isCloseTo(2.17 / 3, within(1e-12));
        assertThat(r.explanation()).contains("over 3 labelled nights 2026-11-08..2026-11-10", "challenger v2 mean 0.7233",
                "champion v1 mean 0.7000", "+0.0233", "promoted");
    }

    @Test
    void rejectsWhenNotBetterByTheMarginAndReadsErrorMetricsTheOtherWayRound() {
        List<ShadowReview.Day> close = List.of(new ShadowReview.Day(D, 0.70, 0.705), new ShadowReview.Day(D.minusDays(1), 0.70, 0.705));
        assertThat(ShadowReview.review(close, 2, GATE, "auc", 1, 2).verdict()).isEqualTo(ShadowReview.Verdict.REJECT);

        // rmse: lower is better; 10 -> 9 is a 10% improvement
        List<ShadowReview.Day> rmse = List.of(new ShadowReview.Day(D, 10.0, 9.0), new ShadowReview.Day(D.minusDays(1), 10.0, 9.0));
        PipelineSpec.Gate relative = new PipelineSpec.Gate("rmse", null, 0.05);
        assertThat(ShadowReview.review(rmse, 2, relative, "rmse", 1, 2).verdict()).isEqualTo(ShadowReview.Verdict.PROMOTE);
        List<ShadowReview.Day> worse = List.of(new ShadowReview.Day(D, 9.0, 10.0), new ShadowReview.Day(D.minusDays(1), 9.0, 10.0));
        ShadowReview.Result r = ShadowReview.review(worse, 2, relative, "rmse", 1, 2);
        assertThat(r.verdict()).isEqualTo(ShadowReview.Verdict.REJECT);
        assertThat(r.explanation()).contains("improvement -1.0000 (-11.11%)", "rejected");
    }
}
