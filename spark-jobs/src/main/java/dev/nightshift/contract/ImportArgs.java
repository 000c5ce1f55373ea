package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * Arguments of {@code ImportJob}: register a Spark MLlib model trained elsewhere ({@code source}: a PipelineModel
 * directory, or an MLflow model directory with the {@code spark} flavor) for a pipeline, measured on the holdout of the
 * spec's labelled window as of {@code asOf}, beside the champion ({@code championVersionId}, if any) on the same rows.
 */
public record ImportArgs(String pipeline, int specVersion, LocalDate asOf, String source, String warehouse, Long championVersionId) {
    public static final String JOB_CLASS = "dev.nightshift.training.ImportJob";

    public static ImportArgs parse(String[] args) {
        JobArgs a = JobArgs.parse("ImportJob", args);
        long champion = a.longValue("champion-version-id", -1);
        return new ImportArgs(a.string("pipeline"), (int) a.longValue("spec-version"), a.date("as-of"), a.string("source"),
                a.string("warehouse"), champion < 0 ? null : champion);
    }

    public List<String> toArgs() {
        return JobArgs.render("pipeline", pipeline, "spec-version", specVersion, "as-of", asOf, "source", source,
                "warehouse", warehouse, "champion-version-id", championVersionId);
    }
}
