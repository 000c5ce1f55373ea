package dev.nightshift.registry;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Task;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything the registry records about a freshly trained model besides its number and artifact. {@code params} are
 * the parameters it was fitted with; {@code tuning}, when a hyperparameter search chose some of them, what was tried.
 */
public record NewModelVersion(String pipeline, int specVersion, Task task, Algorithm algorithm,
                              Map<String, Object> params, long seed, List<ModelFeature> features,
                              LocalDate trainingFrom, LocalDate trainingTo, long trainingRows,
                              LocalDate holdoutFrom, LocalDate holdoutTo, long holdoutRows,
                              Map<String, Double> holdoutMetrics, String sparkVersion, String javaVersion,
                              String nightshiftVersion, long createdByRun, Long parentVersionId,
                              Map<String, Double> baselineMetrics, String trainingFingerprint, Map<String, Object> tuning) {
}
