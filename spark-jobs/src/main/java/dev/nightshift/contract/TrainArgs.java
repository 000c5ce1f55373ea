package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code TrainJob}: train the pipeline's model (spec version {@code specVersion}) on labelled
 * history known by {@code asOf}, save it under the warehouse and register it, recording {@code runId}.
 */
public record TrainArgs(String pipeline, int specVersion, LocalDate asOf, String warehouse, long runId) {
    public static final String JOB_CLASS = "dev.nightshift.training.TrainJob";

    public static TrainArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("TrainJob", args);
        return new TrainArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("as-of"),
                a.string("warehouse"), a.longValue("run-id"));
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "as-of", asOf,
                "warehouse", warehouse, "run-id", runId);
    }
}
