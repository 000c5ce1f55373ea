-- Orchestrator instances and run ownership: a run belongs to the instance that started it, and an instance
-- proves it is alive by heartbeating. A RUNNING run whose owner stopped heartbeating is stale, not running.

CREATE TABLE instances (
    id           text        NOT NULL,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    stopped_at   timestamptz,
    CONSTRAINT pk_instances PRIMARY KEY (id)
);
COMMENT ON TABLE instances IS 'Running and past orchestrator processes; heartbeat_at is refreshed every few seconds while alive.';

ALTER TABLE runs
    ADD COLUMN owner text,
    ADD CONSTRAINT fk_runs_owner FOREIGN KEY (owner) REFERENCES instances (id);
COMMENT ON COLUMN runs.owner IS 'The orchestrator instance executing (or that executed) the run.';
CREATE INDEX ix_runs_running ON runs (owner) WHERE status = 'RUNNING';

-- The orchestrator finds the version a training run registered by its run.
CREATE INDEX ix_model_versions_created_by_run ON model_versions (created_by_run);
