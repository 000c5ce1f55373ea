package dev.nightshift.contract;

/** Column names of the outputs Nightshift writes (PostgreSQL tables and warehouse Delta tables alike). */
public final class Columns {
    public static final String PIPELINE = "pipeline";
    public static final String BUSINESS_DATE = "business_date";
    public static final String ENTITY_ID = "entity_id";
    public static final String MODEL_VERSION_ID = "model_version_id";
    /** Probability of the positive class; null for regression. */
    public static final String SCORE = "score";
    /** Predicted class (0/1) or predicted value. */
    public static final String PREDICTION = "prediction";
    public static final String RUN_ID = "run_id";
    public static final String SCORED_AT = "scored_at";

    /** The label column in training data after the ground-truth join, whatever the spec calls it. */
    public static final String LABEL = "label";

    /** Columns of {@link Tables#MODEL_METRICS} besides pipeline, business_date, model_version_id and run_id. */
    public static final String METRIC = "metric";
    public static final String VALUE = "value";
    public static final String CI_LOW = "ci_low";
    public static final String CI_HIGH = "ci_high";
    /** Rows the metric was computed on. */
    public static final String N = "n";
    /** How the interval was computed: delong, wilson, bootstrap-B or exact (no interval). */
    public static final String METHOD = "method";
    public static final String EVALUATED_AT = "evaluated_at";

    /** Quarantine table: why a row was held back, e.g. {@code null:tenure_months}, {@code duplicate_id}. */
    public static final String REASONS = "reasons";

    private Columns() {
    }
}
