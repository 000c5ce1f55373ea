package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code DriftJob}: compare one business date's input and predictions of a pipeline with the reference
 * profile of the model version that scored them.
 */
public record DriftArgs(String pipeline, int specVersion, LocalDate businessDate, long modelVersionId,
                        String warehouse, long runId) {
    public static final String JOB_CLASS = "dev.nightshift.drift.DriftJob";

    public static DriftArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("DriftJob", args);
        return new DriftArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("business-date"),
                a.longValue("model-version-id"), a.string("warehouse"), a.longValue("run-id"));
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "business-date", businessDate,
                "model-version-id", modelVersionId, "warehouse", warehouse, "run-id", runId);
    }
}
