package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code EvaluateJob}: on run date {@code businessDate}, compare the published predictions of the dates
 * whose labels have arrived (the pipeline's evaluation window) with their ground truth, recording {@code runId}.
 */
public record EvaluateArgs(String pipeline, int specVersion, LocalDate businessDate, String warehouse, long runId) {
    public static final String JOB_CLASS = "dev.nightshift.evaluation.EvaluateJob";

    public static EvaluateArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("EvaluateJob", args);
        return new EvaluateArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("business-date"),
                a.string("warehouse"), a.longValue("run-id"));
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "business-date", businessDate,
                "warehouse", warehouse, "run-id", runId);
    }
}
