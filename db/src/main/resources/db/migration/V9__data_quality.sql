-- Validation of a night's input before it is scored (ScoreJob's validation phase): one row per check per run.
-- A rerun of a date deletes the date's rows and inserts the new ones in one transaction, together with the run's
-- count of quarantined rows.

CREATE TABLE data_quality (
    pipeline         text             NOT NULL,
    business_date    date             NOT NULL,
    run_id           bigint           NOT NULL,
    model_version_id bigint           NOT NULL,
    check_name       text             NOT NULL,
    column_name      text,
    value            double precision,
    threshold        double precision,
    passed           boolean          NOT NULL,
    failing_rows     bigint,
    detail           text,
    checked_at       timestamptz      NOT NULL,
    CONSTRAINT fk_data_quality_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT fk_data_quality_run FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT fk_data_quality_model_version FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
    CONSTRAINT ck_data_quality_check CHECK (check_name IN ('schema', 'null', 'non_finite', 'out_of_range', 'unseen_category',
        'null_id', 'duplicate_id', 'bad_row_share', 'row_count_min', 'row_count_max')),
    CONSTRAINT ck_data_quality_failing_rows CHECK (failing_rows IS NULL OR failing_rows >= 0)
);
-- The natural key of a check includes column_name, which is null for dataset-level checks; a unique index over
-- coalesce(column_name, '') is the key (a primary key cannot hold a null column), and works on PostgreSQL < 15.
CREATE UNIQUE INDEX ux_data_quality_check ON data_quality (pipeline, business_date, check_name, coalesce(column_name, ''));
CREATE INDEX ix_data_quality_run ON data_quality (run_id);
CREATE INDEX ix_data_quality_failed ON data_quality (pipeline, business_date) WHERE NOT passed;

COMMENT ON TABLE data_quality IS 'Validation of each night''s input before scoring: one row per check (per column for row-level checks); rows failing a row-level check are quarantined in the warehouse (quarantine/<pipeline>), a failing dataset-level check (bad_row_share, row_count_min, row_count_max, schema) fails the run before scoring.';
COMMENT ON COLUMN data_quality.run_id IS 'The run that validated the night (the latest re-run of the date replaced earlier rows).';
COMMENT ON COLUMN data_quality.model_version_id IS 'The model version whose features and training profile (unseen categories) formed the data contract.';
COMMENT ON COLUMN data_quality.check_name IS 'Row-level: null, non_finite (NaN or infinity), out_of_range (spec min/max), unseen_category (not in the training profile), null_id, duplicate_id (every row of a repeated id). Dataset-level: schema, bad_row_share, row_count_min, row_count_max.';
COMMENT ON COLUMN data_quality.column_name IS 'The input column checked; null for dataset-level checks.';
COMMENT ON COLUMN data_quality.value IS 'Row-level checks: share of the night''s input rows failing it. bad_row_share: share of rows quarantined. row_count_*: input rows. Null for schema.';
COMMENT ON COLUMN data_quality.threshold IS 'bad_row_share: maxBadRowShare (fails when value > threshold). row_count_min/max: ratio x median input rows of earlier nights (fails when value < min or > max); null without history. Null for row-level checks (any failing row is quarantined).';
COMMENT ON COLUMN data_quality.passed IS 'Row-level checks: no row failed. Dataset-level checks: the gate held; a false one failed the run before scoring.';
COMMENT ON COLUMN data_quality.failing_rows IS 'Input rows failing the check (rows quarantined for bad_row_share); null for row_count_* and schema.';
COMMENT ON COLUMN data_quality.detail IS 'Human-readable explanation: bounds, the history a row-count bound came from, why a check was skipped.';
COMMENT ON COLUMN data_quality.checked_at IS 'When the validation ran.';

ALTER TABLE runs ADD COLUMN rows_quarantined bigint;
COMMENT ON COLUMN runs.rows_quarantined IS 'Input rows of the night held back by validation (see data_quality and the warehouse quarantine table); null before validation ran.';
