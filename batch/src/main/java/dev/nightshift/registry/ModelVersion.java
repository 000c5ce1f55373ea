package dev.nightshift.registry;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * A registered model version with its lineage. {@code holdoutMetrics} are its own metrics on its holdout;
 * {@code baselineMetrics} those of the champion it was trained to replace, on the same holdout rows (null for a
 * pipeline's first model, or when the champion could not score the holdout). {@code params} are the parameters it was
 * fitted with; {@code tuning} what a hyperparameter search tried to choose some of them (null without a search).
 * {@code holdoutSegments} and {@code baselineSegments}: the same two per segment column and value (null without
 * {@code monitoring.segments}).
 */
public record ModelVersion(long id, String pipeline, int version, String algorithm, String artifactUri, String artifactSha256,
                           LocalDate trainingFrom, LocalDate trainingTo, long trainingRows, Map<String, Double> holdoutMetrics,
                           Map<String, Double> baselineMetrics, Long parentVersionId, Integer parentVersion,
                           String trainingFingerprint, String source, int specVersion, Long createdByRun,
                           OffsetDateTime createdAt, List<String> aliases, Map<String, Object> params, Map<String, Object> tuning,
                           String sourceUri, Map<String, Map<String, Map<String, Double>>> holdoutSegments,
                           Map<String, Map<String, Map<String, Double>>> baselineSegments) {

    public boolean hasAlias(String alias) {
        return aliases.contains(alias);
    }
}
