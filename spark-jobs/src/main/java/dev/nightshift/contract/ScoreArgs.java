package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/** Arguments of {@code ScoreJob}: score one business date of a pipeline with one registered model version. */
public record ScoreArgs(String pipeline, int specVersion, LocalDate businessDate, long modelVersionId,
                        String warehouse, long runId) {
    public static final String JOB_CLASS = "dev.nightshift.scoring.ScoreJob";

    public static ScoreArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("ScoreJob", args);
        return new ScoreArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("business-date"),
                a.longValue("model-version-id"), a.string("warehouse"), a.longValue("run-id"));
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "business-date", businessDate,
                "model-version-id", modelVersionId, "warehouse", warehouse, "run-id", runId);
    }
}
