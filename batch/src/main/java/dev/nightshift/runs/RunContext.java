package dev.nightshift.runs;

import java.time.LocalDate;
import org.springframework.batch.core.job.parameters.JobParameters;

/** What a step needs to know about the run it belongs to, read from the job parameters. */
public record RunContext(String pipeline, LocalDate businessDate, long runId, int specVersion) {
    static final String PIPELINE = "pipeline";
    static final String BUSINESS_DATE = "businessDate";
    static final String ATTEMPT = "attempt";
    static final String RUN_ID = "runId";
    static final String SPEC_VERSION = "specVersion";
    static final String RETRAIN = "retrain";

    public static RunContext of(JobParameters params) {
        return new RunContext(params.getString(PIPELINE), params.getLocalDate(BUSINESS_DATE),
                params.getLong(RUN_ID), params.getLong(SPEC_VERSION).intValue());
    }

    /** True when a person asked this run to retrain whatever the metrics say ({@code nightshift retrain}). */
    public static boolean retrainRequested(JobParameters params) {
        return "true".equals(params.getString(RETRAIN));
    }

    /** A name for Spark applications and logs, e.g. {@code score-churn-2026-11-02}. */
    public String appName(String step) {
        return step + "-" + pipeline + "-" + businessDate;
    }
}
