package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code GenerateDataJob}: which synthetic dataset, the dates it covers, and its drift schedule.
 * From {@code driftFrom} on, numeric features shift by {@code featureShift} standard deviations and the
 * label relationship changes by {@code conceptShift} (0 = none, 1 = the strongest coefficient reverses). On
 * {@code badRowsOn} (optional) the input gets a few rows that validation must quarantine: a null feature, a value
 * out of the example spec's range, an unseen category, a NaN and a duplicated entity id (labels stay clean).
 */
public record GenerateDataArgs(String dataset, String output, LocalDate from, LocalDate to, long entities,
                               long seed, LocalDate driftFrom, double featureShift, double conceptShift,
                               int labelLagDays, LocalDate badRowsOn) {
    public static final String JOB_CLASS = "dev.nightshift.data.GenerateDataJob";

    /** Without injected bad rows. */
    public GenerateDataArgs(String dataset, String output, LocalDate from, LocalDate to, long entities, long seed,
                            LocalDate driftFrom, double featureShift, double conceptShift, int labelLagDays) {
        this(dataset, output, from, to, entities, seed, driftFrom, featureShift, conceptShift, labelLagDays, null);
    }

    public static GenerateDataArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("GenerateDataJob", args);
        return new GenerateDataArgs(a.string("dataset"), a.string("output"), a.date("from"), a.date("to"),
                a.longValue("entities", 5000), a.longValue("seed", 7), a.date("drift-from", null),
                a.doubleValue("feature-shift", 0.0), a.doubleValue("concept-shift", 0.0),
                (int) a.longValue("label-lag-days", 7), a.date("bad-rows-on", null));
    }

    public List<String> toArgs() {
        return JobArgs.render("dataset", dataset, "output", output, "from", from, "to", to, "entities", entities,
                "seed", seed, "drift-from", driftFrom, "feature-shift", featureShift, "concept-shift", conceptShift,
                "label-lag-days", labelLagDays, "bad-rows-on", badRowsOn);
    }
}
