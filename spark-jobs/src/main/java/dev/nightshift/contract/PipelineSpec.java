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
        Retraining retraining,
        Privacy privacy) {

    public PipelineSpec {
        features = features == null ? List.of() : List.copyOf(features);
    }

    /** A spec without a privacy section (entity ids are kept as they are). */
    public PipelineSpec(String name, Task task, Schedule schedule, Input input, GroundTruth groundTruth, List<Feature> features,
                        ModelConfig model, Monitoring monitoring, Retraining retraining) {
        this(name, task, schedule, input, groundTruth, features, model, monitoring, retraining, null);
    }

    /** The privacy section, or its defaults (no pseudonymization) when the spec has none. */
    public Privacy privacyOrDefaults() {
        return privacy == null ? new Privacy(null) : privacy;
    }

    /**
     * How entity ids reach the outputs. With {@code pseudonymizeIds}, every output (Delta predictions, shadow and
     * quarantine tables, PostgreSQL predictions and so the analyst views) holds {@link Pseudonyms#of} the id instead of
     * the id: a keyed HMAC-SHA256 whose key comes from a secret ({@link JobEnvironment#PSEUDONYM_KEY} or
     * {@link JobEnvironment#PSEUDONYM_KEY_FILE}), never from the spec. Labels are pseudonymized with the same key
     * before they are joined to predictions, so evaluation still matches them.
     */
    public record Privacy(Boolean pseudonymizeIds) {
        public Privacy {
            pseudonymizeIds = pseudonymizeIds != null && pseudonymizeIds;
        }
    }

    /** A spec without a retraining section (retraining then follows the {@link Retraining} defaults). */
    public PipelineSpec(String name, Task task, Schedule schedule, Input input, GroundTruth groundTruth, List<Feature> features,
                        ModelConfig model, Monitoring monitoring) {
        this(name, task, schedule, input, groundTruth, features, model, monitoring, null, null);
    }

    /** The retraining section, or its defaults when the spec has none. */
    public Retraining retrainingOrDefaults() {
        return retraining == null ? new Retraining(null, null, null) : retraining;
    }

    /**
     * What happens after a metric breach: a candidate is retrained and compared with the champion on the candidate's
     * holdout by the {@code gate}; {@code promotion} {@code auto} makes a candidate that passes the gate champion,
     * {@code manual} registers it as {@code challenger} for a person to promote, {@code shadow} registers it as
     * challenger, scores it beside the champion every night and promotes it once it was better on live labelled data
     * over {@code shadowDays} evaluated nights (or rejects it). A challenger is scored in shadow under every policy.
     * With {@code onDrift}, dataset drift (more than {@code monitoring.drift.maxDriftedShare} of the features drifted)
     * also triggers a retrain.
     */
    public record Retraining(String promotion, Gate gate, Boolean onDrift, Integer shadowDays) {
        public static final String SHADOW = "shadow";
        public static final List<String> PROMOTION_POLICIES = List.of("auto", "manual", SHADOW);

        public Retraining {
            promotion = promotion == null ? "auto" : promotion;
            gate = gate == null ? new Gate(null, null, null) : gate;
            onDrift = onDrift != null && onDrift;
            shadowDays = shadowDays == null ? 7 : shadowDays;
        }

        public Retraining(String promotion, Gate gate, Boolean onDrift) {
            this(promotion, gate, onDrift, null);
        }
    }

    /**
     * The promotion gate: the candidate must beat the champion on {@code metric} (default: auc for classification,
     * rmse for regression) by at least {@code minImprovement} (absolute) and {@code minRelativeImprovement} (a share of
     * the champion's value), both measured on the candidate's holdout. With {@code maxSegmentDrop}, no value of a
     * {@code monitoring.segments} column with at least {@code minSegmentRows} holdout rows (default 100) may be worse
     * on {@code metric} for the candidate than for the champion by more than that (absolute).
     */
    public record Gate(String metric, Double minImprovement, Double minRelativeImprovement, Double maxSegmentDrop,
                       Integer minSegmentRows) {
        public static final int DEFAULT_MIN_SEGMENT_ROWS = 100;

        public Gate {
            minImprovement = minImprovement == null ? 0.0 : minImprovement;
            minRelativeImprovement = minRelativeImprovement == null ? 0.0 : minRelativeImprovement;
            minSegmentRows = minSegmentRows == null ? DEFAULT_MIN_SEGMENT_ROWS : minSegmentRows;
        }

        public Gate(String metric, Double minImprovement, Double minRelativeImprovement) {
            this(metric, minImprovement, minRelativeImprovement, null, null);
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
     * {@code cache}: {@code auto} (Parquet and ORC files are read again for each pass of the night, other sources held in
     * Spark's cache) or {@code always} (every source is read once into the cache: for storage where each read is a
     * download).
     */
    public record Input(String format, String path, String dateColumn, String idColumn, Map<String, String> options, String cache) {
        public static final java.util.List<String> CACHE_MODES = java.util.List.of("auto", "always");

        public Input {
            format = format == null ? "parquet" : format;
            options = options == null ? Map.of() : Map.copyOf(options);
            cache = cache == null ? "auto" : cache;
        }

        public Input(String format, String path, String dateColumn, String idColumn, Map<String, String> options) {
            this(format, path, dateColumn, idColumn, options, null);
        }

        /** The night holds this input in Spark's cache whatever its format. */
        public boolean alwaysCached() {
            return "always".equals(cache);
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

    /**
     * What to train, on how much history, and how to hold out its test data. With {@code search}, the {@code params}
     * are the fixed part and the search picks the rest from its grid.
     */
    public record ModelConfig(Algorithm algorithm, Map<String, Object> params, Integer trainingWindowDays,
                              Integer holdoutDays, Long seed, Double threshold, Search search) {
        public ModelConfig {
            params = params == null ? Map.of() : Map.copyOf(params);
            trainingWindowDays = trainingWindowDays == null ? 90 : trainingWindowDays;
            holdoutDays = holdoutDays == null ? 7 : holdoutDays;
            seed = seed == null ? 42L : seed;
            threshold = threshold == null ? 0.5 : threshold;
        }

        /** Without a hyperparameter search. */
        public ModelConfig(Algorithm algorithm, Map<String, Object> params, Integer trainingWindowDays, Integer holdoutDays,
                           Long seed, Double threshold) {
            this(algorithm, params, trainingWindowDays, holdoutDays, seed, threshold, null);
        }
    }

    /**
     * A seeded hyperparameter search over the training rows only (the holdout stays unseen until the chosen model is
     * measured on it): every combination of the {@code grid} values is fitted and compared on {@code metric} (default:
     * auc for classification, rmse for regression), by MLlib's {@code TrainValidationSplit} ({@code method:
     * train-validation-split}, {@code trainRatio} of the rows to fit, the rest to compare) or {@code CrossValidator}
     * ({@code method: cross-validation}, {@code folds} folds). The winner is refitted on all training rows.
     */
    public record Search(String method, Map<String, List<Object>> grid, String metric, Integer folds, Double trainRatio) {
        public static final String TRAIN_VALIDATION_SPLIT = "train-validation-split";
        public static final String CROSS_VALIDATION = "cross-validation";
        public static final List<String> METHODS = List.of(TRAIN_VALIDATION_SPLIT, CROSS_VALIDATION);
        /** Metrics MLlib's evaluators compute during a search; the spec's threshold plays no part in any of them. */
        public static final List<String> CLASSIFICATION_METRICS = List.of("auc", "pr_auc", "log_loss");
        public static final List<String> REGRESSION_METRICS = List.of("rmse", "mae", "r2");
        /** Upper bound on grid combinations: each one is a full fit (times {@code folds} for cross-validation). */
        public static final int MAX_COMBINATIONS = 64;

        public Search {
            method = method == null ? TRAIN_VALIDATION_SPLIT : method;
            // sorted by name: the grid's combinations, and so the search, are the same on every run
            grid = grid == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(grid));
            folds = folds == null ? 3 : folds;
            trainRatio = trainRatio == null ? 0.75 : trainRatio;
        }

        /** The metric compared: the spec's, else auc (classification) or rmse (regression). */
        public String metricFor(Task task) {
            return metric != null ? metric : task == Task.REGRESSION ? "rmse" : "auc";
        }

        /** How many parameter combinations the grid has. */
        public long combinations() {
            long n = 1;
            for (List<Object> values : grid.values()) {
                n *= values == null ? 0 : values.size();
            }
            return n;
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
