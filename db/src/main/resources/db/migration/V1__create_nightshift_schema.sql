-- Nightshift's own tables. Flyway runs this with search_path = nightshift.

CREATE TABLE pipelines (
    name                 text        NOT NULL,
    current_spec_version integer     NOT NULL,
    paused               boolean     NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_pipelines PRIMARY KEY (name),
    CONSTRAINT ck_pipelines_name CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$')
);
COMMENT ON TABLE pipelines IS 'One row per pipeline; current_spec_version names the spec new runs use.';

CREATE TABLE pipeline_specs (
    pipeline    text        NOT NULL,
    version     integer     NOT NULL,
    spec        jsonb       NOT NULL,
    source_yaml text        NOT NULL,
    source_file text,
    sha256      text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    applied_by  text        NOT NULL,
    CONSTRAINT pk_pipeline_specs PRIMARY KEY (pipeline, version),
    CONSTRAINT fk_pipeline_specs_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT ck_pipeline_specs_version CHECK (version > 0)
);
COMMENT ON TABLE pipeline_specs IS 'Every applied version of every pipeline spec; runs record the version they used.';

CREATE TABLE runs (
    id               bigserial   NOT NULL,
    pipeline         text        NOT NULL,
    business_date    date        NOT NULL,
    spec_version     integer     NOT NULL,
    attempt          integer     NOT NULL DEFAULT 0,
    job_execution_id bigint,
    trigger          text        NOT NULL,
    status           text        NOT NULL,
    model_version_id bigint,
    rows_scored      bigint,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    error            text,
    CONSTRAINT pk_runs PRIMARY KEY (id),
    CONSTRAINT fk_runs_pipeline_spec FOREIGN KEY (pipeline, spec_version) REFERENCES pipeline_specs (pipeline, version),
    CONSTRAINT ck_runs_trigger CHECK (trigger IN ('cli', 'schedule', 'api', 'demo', 'backfill')),
    CONSTRAINT ck_runs_status CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED'))
);
-- At most one active run per pipeline and business date, enforced by the database, not by a check-then-act.
CREATE UNIQUE INDEX ux_runs_active ON runs (pipeline, business_date) WHERE status = 'RUNNING';
CREATE INDEX ix_runs_pipeline_date ON runs (pipeline, business_date);
COMMENT ON TABLE runs IS 'One row per execution of a nightly run (pipeline, business date).';
COMMENT ON COLUMN runs.attempt IS '0 for the first instance of a date; each explicit re-run of a completed date adds one. Restarts of a failed run keep it.';

CREATE TABLE model_versions (
    id                 bigserial   NOT NULL,
    pipeline           text        NOT NULL,
    version            integer     NOT NULL,
    spec_version       integer     NOT NULL,
    task               text        NOT NULL,
    algorithm          text        NOT NULL,
    artifact_uri       text        NOT NULL,
    artifact_sha256    text        NOT NULL,
    params             jsonb       NOT NULL,
    seed               bigint      NOT NULL,
    features           jsonb       NOT NULL,
    training_from      date        NOT NULL,
    training_to        date        NOT NULL,
    training_rows      bigint      NOT NULL,
    holdout_from       date        NOT NULL,
    holdout_to         date        NOT NULL,
    holdout_rows       bigint      NOT NULL,
    holdout_metrics    jsonb       NOT NULL,
    spark_version      text        NOT NULL,
    java_version       text        NOT NULL,
    nightshift_version text        NOT NULL,
    created_by_run     bigint,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_model_versions PRIMARY KEY (id),
    CONSTRAINT uq_model_versions_pipeline_version UNIQUE (pipeline, version),
    CONSTRAINT fk_model_versions_pipeline_spec FOREIGN KEY (pipeline, spec_version) REFERENCES pipeline_specs (pipeline, version),
    CONSTRAINT fk_model_versions_run FOREIGN KEY (created_by_run) REFERENCES runs (id),
    CONSTRAINT ck_model_versions_sha256 CHECK (artifact_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT ck_model_versions_window CHECK (training_from <= training_to AND holdout_from <= holdout_to)
);
COMMENT ON TABLE model_versions IS 'Registered models: artifact and its SHA-256 manifest digest, training window, parameters and provenance.';
COMMENT ON COLUMN model_versions.artifact_sha256 IS 'SHA-256 of the artifact''s manifest.json, which lists the SHA-256 of every file.';

ALTER TABLE runs
    ADD CONSTRAINT fk_runs_model_version FOREIGN KEY (model_version_id) REFERENCES model_versions (id);

CREATE TABLE model_aliases (
    pipeline         text        NOT NULL,
    alias            text        NOT NULL,
    model_version_id bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text        NOT NULL,
    CONSTRAINT pk_model_aliases PRIMARY KEY (pipeline, alias),
    CONSTRAINT fk_model_aliases_model_version FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
    CONSTRAINT ck_model_aliases_alias CHECK (alias ~ '^[a-z][a-z0-9_-]{0,62}$')
);
COMMENT ON TABLE model_aliases IS 'Named pointers to model versions; the champion alias is what nightly runs score with.';

CREATE TABLE predictions (
    pipeline         text             NOT NULL,
    business_date    date             NOT NULL,
    entity_id        text             NOT NULL,
    model_version_id bigint           NOT NULL,
    score            double precision,
    prediction       double precision NOT NULL,
    run_id           bigint           NOT NULL,
    scored_at        timestamptz      NOT NULL,
    CONSTRAINT pk_predictions PRIMARY KEY (pipeline, business_date, entity_id)
) PARTITION BY RANGE (business_date);
CREATE TABLE predictions_default PARTITION OF predictions DEFAULT;
COMMENT ON TABLE predictions IS 'Scores per entity and business date, partitioned by month of business_date; a night is replaced whole.';
COMMENT ON COLUMN predictions.score IS 'Probability of the positive class (classification); null for regression.';

-- Creates the month partition holding day d if it is missing. Serialized by an advisory lock so that two
-- runs of the same month cannot race on CREATE TABLE.
CREATE FUNCTION ensure_predictions_partition(d date) RETURNS text
    LANGUAGE plpgsql AS
$$
DECLARE
    month_start date := date_trunc('month', d)::date;
    part_name   text := format('predictions_y%sm%s', to_char(d, 'YYYY'), to_char(d, 'MM'));
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('nightshift.predictions.partitions'));
    IF to_regclass('nightshift.' || part_name) IS NULL THEN
        EXECUTE format('CREATE TABLE nightshift.%I PARTITION OF nightshift.predictions FOR VALUES FROM (%L) TO (%L)',
                       part_name, month_start, (month_start + interval '1 month')::date);
    END IF;
    RETURN part_name;
END
$$;

CREATE TABLE audit_log (
    id     bigserial   NOT NULL,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text        NOT NULL,
    action text        NOT NULL,
    target text        NOT NULL,
    before jsonb,
    after  jsonb,
    CONSTRAINT pk_audit_log PRIMARY KEY (id)
);
CREATE INDEX ix_audit_log_target ON audit_log (target, at);
COMMENT ON TABLE audit_log IS 'Who changed what and when: spec applies, alias moves, manual runs.';
