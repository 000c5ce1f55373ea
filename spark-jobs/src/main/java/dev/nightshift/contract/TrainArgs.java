package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code TrainJob}: train the pipeline's model (spec version {@code specVersion}) on labelled
 * history known by {@code asOf}, save it under the warehouse and register it, recording {@code runId}.
 */
public record TrainArgs(String pipeline, int specVersion, LocalDate asOf, String warehouse, long runId, Long championVersionId) {
    public static final String JOB_CLASS = "dev.nightshift.training.TrainJob";

    /** Training a pipeline's first model: there is no champion to compare it with. */
    public TrainArgs(String pipeline, int specVersion, LocalDate asOf, String warehouse, long runId) {
        this(pipeline, specVersion, asOf, warehouse, runId, null);
    }

    public static TrainArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("TrainJob", args);
        long champion = a.longValue("champion-version-id", -1);
        return new TrainArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("as-of"),
                a.string("warehouse"), a.longValue("run-id"), champion < 0 ? null : champion);
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "as-of", asOf,
                "warehouse", warehouse, "run-id", runId, "champion-version-id", championVersionId);
    }
}
