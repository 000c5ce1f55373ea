package dev.nightshift.runs;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A request to run one pipeline for one business date; {@code rerun} allows replacing a completed date, {@code retrain}
 * trains a candidate whatever the metric policy decides.
 */
public record RunRequest(String pipeline, LocalDate businessDate, RunTrigger trigger, boolean rerun, String actor, boolean retrain) {

    public RunRequest(String pipeline, LocalDate businessDate, RunTrigger trigger, boolean rerun, String actor) {
        this(pipeline, businessDate, trigger, rerun, actor, false);
    }

    public RunRequest {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(businessDate, "businessDate");
        Objects.requireNonNull(trigger, "trigger");
        actor = actor == null ? System.getProperty("user.name", "unknown") : actor;
    }
}
