package dev.nightshift.registry;

import dev.nightshift.contract.FeatureType;

/** A feature a registered model consumes, as recorded in {@code model_versions.features}. */
public record ModelFeature(String name, FeatureType type) {
}
