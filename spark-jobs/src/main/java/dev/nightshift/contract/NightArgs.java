package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code NightJob}: score one business date with one model version, then, as the spec asks, evaluate
 * the labelled earlier nights and measure the night's drift, all in one Spark application.
 */
public record NightArgs(String pipeline, int specVersion, LocalDate businessDate, long modelVersionId, String warehouse,
                        long runId, boolean evaluate, boolean drift, Long challengerVersionId) {
    public static final String JOB_CLASS = "dev.nightshift.scoring.NightJob";

    /** Without a challenger to score in shadow. */
    public NightArgs(String pipeline, int specVersion, LocalDate businessDate, long modelVersionId, String warehouse, long runId,
                     boolean evaluate, boolean drift) {
        this(pipeline, specVersion, businessDate, modelVersionId, warehouse, runId, evaluate, drift, null);
    }

    public static NightArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("NightJob", args);
        long challenger = a.longValue("challenger-version-id", -1);
        return new NightArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("business-date"),
                a.longValue("model-version-id"), a.string("warehouse"), a.longValue("run-id"),
                flag(a.string("evaluate", "false"), "evaluate"), flag(a.string("drift", "false"), "drift"),
                challenger < 0 ? null : challenger);
    }

    private static boolean flag(String value, String name) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("NightJob: --" + name + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "business-date", businessDate,
                "model-version-id", modelVersionId, "warehouse", warehouse, "run-id", runId, "evaluate", evaluate, "drift", drift,
                "challenger-version-id", challengerVersionId);
    }

    public ScoreArgs score() {
        return new ScoreArgs(pipeline, specVersion, businessDate, modelVersionId, warehouse, runId, challengerVersionId);
    }

    public EvaluateArgs evaluation() {
        return new EvaluateArgs(pipeline, specVersion, businessDate, warehouse, runId);
    }

    public DriftArgs driftArgs() {
        return new DriftArgs(pipeline, specVersion, businessDate, modelVersionId, warehouse, runId);
    }
}
