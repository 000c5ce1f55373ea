package dev.nightshift.evaluation;

import dev.nightshift.contract.PipelineSpec;

import java.time.LocalDate;

/**
 * The business dates a run of date D evaluates: [D - lagDays - evaluationWindowDays + 1, D - lagDays]. The label of
 * date d is only known from d + lagDays, so later dates are left for later runs; re-evaluating the earlier ones of the
 * window picks up labels that arrived later than the lag promised.
 */
public record EvaluationWindow(LocalDate from, LocalDate to) {

    public static EvaluationWindow of(LocalDate runDate, int lagDays, int evaluationWindowDays) {
        if (lagDays < 0 || evaluationWindowDays <= 0) {
            throw new IllegalArgumentException("lagDays must not be negative and evaluationWindowDays must be positive, got "
                    + lagDays + " and " + evaluationWindowDays);
        }
        LocalDate to = runDate.minusDays(lagDays);
        return new EvaluationWindow(to.minusDays(evaluationWindowDays - 1L), to);
    }

    public static EvaluationWindow of(LocalDate runDate, PipelineSpec spec) {
        if (spec.groundTruth() == null) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "' has no groundTruth section; nothing to evaluate against");
        }
        int window = spec.monitoring() == null ? new PipelineSpec.Monitoring(null, null, null, null, null).evaluationWindowDays()
                : spec.monitoring().evaluationWindowDays();
        return of(runDate, spec.groundTruth().lagDays(), window);
    }
}
