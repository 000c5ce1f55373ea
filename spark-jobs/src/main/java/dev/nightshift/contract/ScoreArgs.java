package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code ScoreJob}: score one business date of a pipeline with one registered model version and publish
 * the result; with {@code challengerVersionId}, also score the same valid rows with the challenger, in shadow.
 */
public record ScoreArgs(String pipeline, int specVersion, LocalDate businessDate, long modelVersionId,
                        String warehouse, long runId, Long challengerVersionId) {
    public static final String JOB_CLASS = "dev.nightshift.scoring.ScoreJob";

    /** Without a challenger. */
    public ScoreArgs(String pipeline, int specVersion, LocalDate businessDate, long modelVersionId, String warehouse, long runId) {
        this(pipeline, specVersion, businessDate, modelVersionId, warehouse, runId, null);
    }

    public static ScoreArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("ScoreJob", args);
        long challenger = a.longValue("challenger-version-id", -1);
        return new ScoreArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("business-date"),
                a.longValue("model-version-id"), a.string("warehouse"), a.longValue("run-id"), challenger < 0 ? null : challenger);
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "business-date", businessDate,
                "model-version-id", modelVersionId, "warehouse", warehouse, "run-id", runId,
                "challenger-version-id", challengerVersionId);
    }
}
