-- Privacy: a record of every `nightshift forget` (how many entities and rows were erased where, never the ids),
-- and the alert kind raised when a model artifact no longer matches its registered manifest.

CREATE TABLE erasures (
    id                      bigserial   NOT NULL,
    pipeline                text        NOT NULL,
    actor                   text        NOT NULL,
    entities                integer     NOT NULL,
    status                  text        NOT NULL DEFAULT 'RUNNING',
    requested_at            timestamptz NOT NULL DEFAULT now(),
    finished_at             timestamptz,
    -- rows deleted per warehouse Delta table, e.g. {"predictions": 3, "shadow": 0, "quarantine": 1}; set by ForgetJob
    delta_rows              jsonb,
    postgres_rows           bigint,
    vacuum_retention_hours  integer     NOT NULL,
    error                   text,
    CONSTRAINT pk_erasures PRIMARY KEY (id),
    CONSTRAINT fk_erasures_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT ck_erasures_status CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
    CONSTRAINT ck_erasures_counts CHECK (entities >= 1 AND vacuum_retention_hours >= 0)
);
COMMENT ON TABLE erasures IS 'Right-to-erasure requests (nightshift forget): counts only, never the erased entity ids.';

ALTER TABLE alerts DROP CONSTRAINT ck_alerts_kind;
ALTER TABLE alerts ADD CONSTRAINT ck_alerts_kind CHECK (kind IN ('run_failed', 'data_quality_failed', 'drift', 'metric_breach',
    'retrain_decision', 'promotion', 'run_late', 'artifact_tampered'));
