package dev.nightshift.contract;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One pipeline's specification, as applied from its YAML file and stored (versioned) in the database.
 * Optional fields get their defaults here, so every reader of a stored spec sees the same values.
 */
public record PipelineSpec(
        String name,
        Task task,
        Schedule schedule,
        Input input,
        GroundTruth groundTruth,
        List<Feature> features,
        ModelConfig model,
        Monitoring monitoring,
        Retraining retraining) {

    public PipelineSpec {
        features = features == null ? List.of() : List.copyOf(features);
    }

    /** A spec without a retraining section (retraining then follows the {@link Retraining} defaults). */
    public PipelineSpec(String name, Task task, Schedule schedule, Input input, GroundTruth groundTruth, List<Feature> features,
                        ModelConfig model, Monitoring monitoring) {
        this(name, task, schedule, input, groundTruth, features, model, monitoring, null);
    }

    /** The retraining section, or its defaults when the spec has none. */
    public Retraining retrainingOrDefaults() {
        return retraining == null ? new Retraining(null, null, null) : retraining;
    }

    /**
     * What happens after a metric breach: a candidate is retrained and compared with the champion on the candidate's
     * holdout by the {@code gate}; {@code promotion} {@code auto} makes a candidate that passes the gate champion,
     * {@code manual} registers it as {@code challenger} for a person to promote. With {@code onDrift}, dataset drift
     * (more than {@code monitoring.drift.maxDriftedShare} of the features drifted) also triggers a retrain.
     */
    public record Retraining(String promotion, Gate gate, Boolean onDrift) {
        public static final List<String> PROMOTION_POLICIES = List.of("auto", "manual");

        public Retraining {
            promotion = promotion == null ? "auto" : promotion;
            gate = gate == null ? new Gate(null, null, null) : gate;
            onDrift = onDrift != null && onDrift;
        }
    }

    /**
     * The promotion gate: the candidate must beat the champion on {@code metric} (default: auc for classification,
     * rmse for regression) by at least {@code minImprovement} (absolute) and {@code minRelativeImprovement} (a share of
     * the champion's value), both measured on the candidate's holdout.
     */
    public record Gate(String metric, Double minImprovement, Double minRelativeImprovement) {
        public Gate {
            minImprovement = minImprovement == null ? 0.0 : minImprovement;
            minRelativeImprovement = minRelativeImprovement == null ? 0.0 : minRelativeImprovement;
        }
    }

    /**
     * What is watched after scoring: model metrics once labels arrive (evaluated over the last
     * {@code evaluationWindowDays} labelled dates, optionally per value of the {@code segments} columns), feature
     * drift, and data quality. Absent parts are not monitored.
     */
    public record Monitoring(List<MetricPolicy> metrics, DriftPolicy drift, DataQualityPolicy dataQuality, List<String> segments,
                             Integer evaluationWindowDays) {
        public Monitoring {
            metrics = metrics == null ? List.of() : List.copyOf(metrics);
            segments = segments == null ? List.of() : List.copyOf(segments);
            evaluationWindowDays = evaluationWindowDays == null ? 7 : evaluationWindowDays;
        }
    }

    /**
     * When the pipeline runs by itself; absent means manual runs only. {@code misfire} says what happens to nights
     * missed while no orchestrator was up: {@code skip} (default), {@code latest} (run only the most recent missed
     * night) or {@code catch-up} (run them all in order, at most {@code maxCatchUp}). {@code deadline} ({@code HH:mm}
     * in {@code timezone}, optional) is when a night's run must have completed on the day it fires; later it is late.
     */
    public record Schedule(String cron, String timezone, Integer businessDateOffsetDays, String misfire, Integer maxCatchUp,
                           String deadline) {
        public static final java.util.List<String> MISFIRE_POLICIES = java.util.List.of("skip", "latest", "catch-up");

        public Schedule {
            timezone = timezone == null ? "UTC" : timezone;
            // A run fired in the night processes the previous calendar day's data by default.
            businessDateOffsetDays = businessDateOffsetDays == null ? -1 : businessDateOffsetDays;
            misfire = misfire == null ? "skip" : misfire;
            maxCatchUp = maxCatchUp == null ? 7 : maxCatchUp;
        }
    }

    /**
     * Where a night's rows come from: a path template containing {@code {date}}, or a dataset whose
     * {@code dateColumn} selects the business date. {@code {warehouse}} expands to the warehouse root.
     */
    public record Input(String format, String path, String dateColumn, String idColumn, Map<String, String> options) {
        public Input {
            format = format == null ? "parquet" : format;
            options = options == null ? Map.of() : Map.copyOf(options);
        }

        public boolean pathIsDated() {
            return path != null && path.contains("{date}");
        }
    }

    /** Labels that arrive after the predictions they judge: label of date d is known from d + lagDays. */
    public record GroundTruth(String format, String path, String idColumn, String dateColumn, String labelColumn, Integer lagDays) {
        public GroundTruth {
            format = format == null ? "parquet" : format;
            lagDays = lagDays == null ? 0 : lagDays;
        }
    }

    /** A column of the input. {@code pii} columns may be read for scoring but are never copied to any output. */
    public record Feature(String name, FeatureType type, Double min, Double max, Boolean pii) {
        public Feature {
            pii = pii != null && pii;
        }
    }

    /** What to train, on how much history, and how to hold out its test data. */
    public record ModelConfig(Algorithm algorithm, Map<String, Object> params, Integer trainingWindowDays,
                              Integer holdoutDays, Long seed, Double threshold) {
        public ModelConfig {
            params = params == null ? Map.of() : Map.copyOf(params);
            trainingWindowDays = trainingWindowDays == null ? 90 : trainingWindowDays;
            holdoutDays = holdoutDays == null ? 7 : holdoutDays;
            seed = seed == null ? 42L : seed;
            threshold = threshold == null ? 0.5 : threshold;
        }
    }

    public List<Feature> modelFeatures() {
        return features.stream().filter(f -> f.type().isModelInput()).toList();
    }

    public List<Feature> piiFeatures() {
        return features.stream().filter(Feature::pii).toList();
    }

    public Feature feature(String featureName) {
        return features.stream().filter(f -> Objects.equals(f.name(), featureName)).findFirst().orElse(null);
    }
}
