package dev.nightshift.decisions;

import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * The {@code shadow} promotion policy's verdict on a waiting challenger: once it has been evaluated on live labelled
 * data on {@code shadowDays} dates on which the champion was evaluated too, it is promoted if it was better on the gate
 * metric over those dates (mean of the daily values, by at least the gate's {@code minImprovement} and
 * {@code minRelativeImprovement}), and otherwise rejected. Before that it waits. Plain logic; no I/O.
 */
public final class ShadowReview {

    /** One date both versions were evaluated on. */
    public record Day(LocalDate date, double champion, double challenger) {
    }

    public enum Verdict { WAIT, PROMOTE, REJECT }

    public record Result(Verdict verdict, String metric, int days, int required, Double championMean, Double challengerMean,
                         String explanation) {
    }

    private ShadowReview() {
    }

    /** @param days the latest dates both were evaluated on, newest first; only the newest {@code shadowDays} count */
    public static Result review(List<Day> days, int shadowDays, PipelineSpec.Gate gate, String metric, int championVersion,
                                int challengerVersion) {
        if (days.size() < shadowDays) {
            return new Result(Verdict.WAIT, metric, days.size(), shadowDays, null, null, String.format(Locale.ROOT,
                    "challenger v%d has live %s on %d of the %d labelled nights the shadow policy needs; it keeps scoring in shadow",
                    challengerVersion, metric, days.size(), shadowDays));
        }
        List<Day> window = days.subList(0, shadowDays);
        double champion = window.stream().mapToDouble(Day::champion).average().orElseThrow();
        double challenger = window.stream().mapToDouble(Day::challenger).average().orElseThrow();
        double improvement = MetricPolicy.lowerIsBetter(metric) ? champion - challenger : challenger - champion;
        double relative = champion == 0.0 ? (improvement > 0 ? Double.POSITIVE_INFINITY : 0.0) : improvement / Math.abs(champion);
        boolean better = improvement > 0 && improvement >= gate.minImprovement() && relative >= gate.minRelativeImprovement();
        LocalDate from = window.get(window.size() - 1).date();
        LocalDate to = window.get(0).date();
        String explanation = String.format(Locale.ROOT,
                "live %s over %d labelled nights %s..%s: challenger v%d mean %.4f vs champion v%d mean %.4f, improvement %+.4f (%+.2f%%);"
                        + " required > 0, >= %s and >= %s%%: %s",
                metric, shadowDays, from, to, challengerVersion, challenger, championVersion, champion, improvement, 100 * relative,
                gate.minImprovement(), 100 * gate.minRelativeImprovement(), better ? "promoted" : "rejected");
        return new Result(better ? Verdict.PROMOTE : Verdict.REJECT, metric, shadowDays, shadowDays, champion, challenger, explanation);
    }
}
