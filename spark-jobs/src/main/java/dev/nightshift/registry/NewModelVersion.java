package dev.nightshift.registry;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Task;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything the registry records about a freshly trained model besides its number and artifact. {@code params} are
 * the parameters it was fitted with; {@code tuning}, when a hyperparameter search chose some of them, what was tried.
 * {@code source} is {@code trained} (by a run, {@code createdByRun}) or {@code imported} (from {@code sourceUri}; for an
 * import the training window is the reference window it was measured and profiled on, its own training data being
 * unknown). {@code holdoutSegments} and {@code baselineSegments} are the holdout metrics of the model and of the
 * champion per segment column and value ({@code monitoring.segments}; null without segments).
 */
public record NewModelVersion(String pipeline, int specVersion, Task task, Algorithm algorithm,
                              Map<String, Object> params, long seed, List<ModelFeature> features,
                              LocalDate trainingFrom, LocalDate trainingTo, long trainingRows,
                              LocalDate holdoutFrom, LocalDate holdoutTo, long holdoutRows,
                              Map<String, Double> holdoutMetrics, String sparkVersion, String javaVersion,
                              String nightshiftVersion, Long createdByRun, Long parentVersionId,
                              Map<String, Double> baselineMetrics, String trainingFingerprint, Map<String, Object> tuning,
                              String source, String sourceUri,
                              Map<String, Map<String, Map<String, Double>>> holdoutSegments,
                              Map<String, Map<String, Map<String, Double>>> baselineSegments) {
    public static final String TRAINED = "trained";
    public static final String IMPORTED = "imported";
}
