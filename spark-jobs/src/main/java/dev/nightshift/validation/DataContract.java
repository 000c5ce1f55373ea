package dev.nightshift.validation;

import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.registry.ModelFeature;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a night's input must satisfy to be scored by one model version: the entity id, each model feature with its
 * type, the spec's numeric bounds and the categories seen in the model's training rows, and the PII columns that
 * must never reach an output. {@code categories} is null when the model has no reference profile (then unseen
 * categories are not checked).
 */
public record DataContract(String idColumn, List<FeatureRule> features, List<String> piiColumns) {

    public DataContract {
        features = List.copyOf(features);
        piiColumns = List.copyOf(piiColumns);
    }

    /** One model feature's rule. {@code min}/{@code max} (numeric, inclusive) may be null; {@code categories} too. */
    public record FeatureRule(String name, FeatureType type, Double min, Double max, Set<String> categories) {
        public FeatureRule {
            categories = categories == null ? null : Set.copyOf(categories);
        }

        public boolean numeric() {
            return type == FeatureType.NUMERIC;
        }

        public boolean bounded() {
            return min != null || max != null;
        }
    }

    /**
     * The contract of {@code spec} for a model consuming {@code modelFeatures} (the registered version's list, which
     * is what the model was trained on), with bounds from the spec and categories from {@code profile} (nullable).
     */
    public static DataContract of(PipelineSpec spec, List<ModelFeature> modelFeatures, ReferenceProfile profile) {
        List<FeatureRule> rules = new ArrayList<>();
        for (ModelFeature f : modelFeatures) {
            PipelineSpec.Feature declared = spec.feature(f.name());
            Double min = declared == null ? null : declared.min();
            Double max = declared == null ? null : declared.max();
            Set<String> categories = null;
            if (f.type() == FeatureType.CATEGORICAL && profile != null) {
                ReferenceProfile.CategoricalProfile c = profile.categorical(f.name());
                categories = c == null ? null : new TreeSet<>(c.categories().keySet());
            }
            rules.add(new FeatureRule(f.name(), f.type(), f.type() == FeatureType.NUMERIC ? min : null,
                    f.type() == FeatureType.NUMERIC ? max : null, categories));
        }
        return new DataContract(spec.input().idColumn(), rules, spec.piiFeatures().stream().map(PipelineSpec.Feature::name).toList());
    }

    /** Every row-level check of this contract, in a stable order: id checks first, then per feature. */
    public List<RowCheck> rowChecks() {
        List<RowCheck> checks = new ArrayList<>();
        checks.add(RowCheck.of(RowCheck.NULL_ID, idColumn));
        checks.add(RowCheck.of(RowCheck.DUPLICATE_ID, idColumn));
        for (FeatureRule f : features) {
            checks.add(RowCheck.of(RowCheck.NULL, f.name()));
            if (f.numeric()) {
                checks.add(RowCheck.of(RowCheck.NON_FINITE, f.name()));
                if (f.bounded()) {
                    checks.add(RowCheck.of(RowCheck.OUT_OF_RANGE, f.name()));
                }
            } else if (f.categories() != null) {
                checks.add(RowCheck.of(RowCheck.UNSEEN_CATEGORY, f.name()));
            }
        }
        return checks;
    }

    public FeatureRule feature(String name) {
        return features.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }
}
