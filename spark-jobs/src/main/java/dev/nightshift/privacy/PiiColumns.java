package dev.nightshift.privacy;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.registry.ModelFeature;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@code pii: true} feature may feed the model, but no summary of its values may be written: the drift reference
 * profile ({@code profile.json}, with quantile sketches and category counts) and {@code feature_drift} leave it out.
 */
public final class PiiColumns {

    private PiiColumns() {
    }

    /** {@code features} without the spec's pii ones, in order. */
    public static List<ModelFeature> withoutPii(PipelineSpec spec, List<ModelFeature> features) {
        Set<String> pii = spec.piiFeatures().stream().map(PipelineSpec.Feature::name).collect(Collectors.toSet());
        return features.stream().filter(f -> !pii.contains(f.name())).toList();
    }
}
