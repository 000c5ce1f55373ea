package dev.nightshift.contract;

/** Qualified names of the PostgreSQL tables the jobs and the orchestrator share (schema {@code nightshift}). */
public final class Tables {
    public static final String SCHEMA = "nightshift";
    /** Scratch tables of running jobs (the application role may create tables here, and only here). */
    public static final String WORK_SCHEMA = "nightshift_work";

    public static final String PIPELINES = SCHEMA + ".pipelines";
    public static final String PIPELINE_SPECS = SCHEMA + ".pipeline_specs";
    public static final String MODEL_VERSIONS = SCHEMA + ".model_versions";
    public static final String MODEL_ALIASES = SCHEMA + ".model_aliases";
    public static final String RUNS = SCHEMA + ".runs";
    public static final String PREDICTIONS = SCHEMA + ".predictions";
    public static final String AUDIT_LOG = SCHEMA + ".audit_log";
    /** Per night, model version and feature: drift statistics against the model's reference profile. */
    public static final String FEATURE_DRIFT = SCHEMA + ".feature_drift";
    /** One row per (pipeline, business date, model version, metric) evaluated against ground truth. */
    public static final String MODEL_METRICS = SCHEMA + ".model_metrics";
    public static final String MODEL_SEGMENT_METRICS = SCHEMA + ".model_segment_metrics";

    /** One row per (pipeline, business date, validation check, column): the night's data quality. */
    public static final String DATA_QUALITY = SCHEMA + ".data_quality";

    /** SQL function (pipeline, date): creates the empty leaf partition of {@link #PREDICTIONS} of one night if missing. */
    public static final String ENSURE_PREDICTIONS_PARTITION = SCHEMA + ".ensure_predictions_partition";
    /** SQL function (run, pipeline, date): creates a run's staging table for landing one night; returns its name. */
    public static final String CREATE_PREDICTIONS_STAGE = SCHEMA + ".create_predictions_stage";
    /** SQL function (run, pipeline, date, expected rows): swaps a run's staging table in as the night's leaf. */
    public static final String PUBLISH_PREDICTIONS_STAGE = SCHEMA + ".publish_predictions_stage";
    /** SQL function (pipeline, date): builds the unique entity_id index of a published night's leaf unless it exists. */
    public static final String INDEX_PREDICTIONS_LEAF = SCHEMA + ".index_predictions_leaf";
    /** SQL function (run): drops a run's staging table if it exists. */
    public static final String DROP_PREDICTIONS_STAGE = SCHEMA + ".drop_predictions_stage";
    /**
     * SQL function (pipeline): drops the staging tables of the pipeline's runs that are not RUNNING (killed landings'
     * leftovers), skipping those locked for longer than a second; returns (dropped, busy), counted in runs.
     */
    public static final String DROP_LEFTOVER_PREDICTIONS_STAGES = SCHEMA + ".drop_leftover_predictions_stages";

    private Tables() {
    }
}
