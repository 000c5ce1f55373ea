package dev.nightshift.registry;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Task;

import java.util.List;

/** The parts of a {@code model_versions} row that scoring needs. */
public record ModelVersion(long id, String pipeline, int version, int specVersion, Task task, Algorithm algorithm,
                           String artifactUri, String artifactSha256, List<ModelFeature> features) {
}
