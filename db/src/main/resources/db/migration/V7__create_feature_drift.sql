-- Drift of a night's input and predictions against the reference profile of the model version that scored them.
-- DriftJob replaces the rows of one (pipeline, business_date, model_version_id) in one transaction.

CREATE TABLE feature_drift (
    run_id              bigint           NOT NULL,
    pipeline            text             NOT NULL,
    business_date       date             NOT NULL,
    model_version_id    bigint           NOT NULL,
    feature             text             NOT NULL,
    feature_type        text             NOT NULL,
    method              text             NOT NULL,
    chosen              boolean          NOT NULL,
    statistic           double precision,
    p_value             double precision,
    threshold           double precision NOT NULL,
    drifted             boolean          NOT NULL,
    n_current           bigint           NOT NULL,
    n_reference         bigint           NOT NULL,
    null_rate_reference double precision,
    null_rate_current   double precision,
    unseen_share        double precision,
    computed_at         timestamptz      NOT NULL,
    CONSTRAINT pk_feature_drift PRIMARY KEY (pipeline, business_date, model_version_id, feature, method),
    CONSTRAINT fk_feature_drift_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT fk_feature_drift_model_version FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
    CONSTRAINT fk_feature_drift_run FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT ck_feature_drift_feature_type CHECK (feature_type IN ('numeric', 'categorical', 'prediction', 'dataset')),
    CONSTRAINT ck_feature_drift_method CHECK (method IN ('psi', 'ks', 'wasserstein', 'jensen_shannon', 'chi_square', 'linf', 'drift_share')),
    CONSTRAINT ck_feature_drift_p_value CHECK (p_value IS NULL OR (p_value >= 0 AND p_value <= 1)),
    CONSTRAINT ck_feature_drift_counts CHECK (n_current >= 0 AND n_reference >= 0)
);
CREATE INDEX ix_feature_drift_run ON feature_drift (run_id);
CREATE INDEX ix_feature_drift_drifted ON feature_drift (pipeline, business_date) WHERE drifted AND chosen;

COMMENT ON TABLE feature_drift IS 'Drift statistics per night, model version and feature against the model''s training reference profile; feature __prediction__ is the model output, __dataset__ the share of drifted features.';
COMMENT ON COLUMN feature_drift.run_id IS 'The run that computed these rows (the latest re-run of the date replaced earlier ones).';
COMMENT ON COLUMN feature_drift.model_version_id IS 'The model version whose profile.json was the reference.';
COMMENT ON COLUMN feature_drift.feature IS 'Model feature name, or __prediction__ (score for classification, prediction for regression), or __dataset__.';
COMMENT ON COLUMN feature_drift.feature_type IS 'numeric, categorical, prediction or dataset.';
COMMENT ON COLUMN feature_drift.method IS 'psi, ks, wasserstein (in reference standard deviations), jensen_shannon (distance, base 2), chi_square, linf; drift_share for __dataset__.';
COMMENT ON COLUMN feature_drift.chosen IS 'True for the method the pipeline''s drift policy judges the feature by (one per feature); other rows are for transparency, judged against their own default thresholds.';
COMMENT ON COLUMN feature_drift.statistic IS 'The statistic''s value; for __dataset__ the share of features whose chosen method drifted. Null when one side has no non-null values.';
COMMENT ON COLUMN feature_drift.p_value IS 'Asymptotic p-value of ks and chi_square; null for distances.';
COMMENT ON COLUMN feature_drift.threshold IS 'Distances: drifted when statistic > threshold. Tests (ks, chi_square): drifted when p_value < threshold. __dataset__: maxDriftedShare.';
COMMENT ON COLUMN feature_drift.n_current IS 'Non-null values of the feature in the night (rows for __dataset__).';
COMMENT ON COLUMN feature_drift.n_reference IS 'Non-null values of the feature in the training rows (rows for __dataset__).';
COMMENT ON COLUMN feature_drift.null_rate_reference IS 'Share of null values in the training rows.';
COMMENT ON COLUMN feature_drift.null_rate_current IS 'Share of null values in the night''s rows.';
COMMENT ON COLUMN feature_drift.unseen_share IS 'Categorical only: share of the night''s non-null values in categories the training rows never had.';
COMMENT ON COLUMN feature_drift.computed_at IS 'When DriftJob computed the rows.';
