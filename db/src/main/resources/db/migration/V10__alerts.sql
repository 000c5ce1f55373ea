-- Alerts raised after each nightly run. One row per episode of a condition: the same condition (pipeline, kind,
-- group_key) on consecutive business dates extends the open row (occurrences + 1, last_seen moves) instead of
-- raising a new one, so a channel hears about an episode once. The orchestrator serializes raising per condition
-- with an advisory lock; the unique key makes a lost race fail instead of duplicating.

CREATE TABLE alerts (
    id              bigserial   NOT NULL,
    pipeline        text        NOT NULL,
    business_date   date        NOT NULL,
    run_id          bigint,
    kind            text        NOT NULL,
    severity        text        NOT NULL,
    group_key       text        NOT NULL,
    title           text        NOT NULL,
    detail          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    first_seen      date        NOT NULL,
    last_seen       date        NOT NULL,
    occurrences     integer     NOT NULL DEFAULT 1,
    delivery_status text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CONSTRAINT pk_alerts PRIMARY KEY (id),
    CONSTRAINT uq_alerts_episode UNIQUE (pipeline, kind, group_key, first_seen),
    CONSTRAINT fk_alerts_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT fk_alerts_run FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT ck_alerts_kind CHECK (kind IN ('run_failed', 'data_quality_failed', 'drift', 'metric_breach', 'retrain_decision',
                                              'promotion', 'run_late')),
    CONSTRAINT ck_alerts_severity CHECK (severity IN ('info', 'warning', 'critical')),
    CONSTRAINT ck_alerts_delivery_status CHECK (delivery_status IN ('pending', 'sent', 'failed', 'logged')),
    CONSTRAINT ck_alerts_seen CHECK (first_seen <= last_seen),
    CONSTRAINT ck_alerts_counts CHECK (occurrences >= 1 AND attempts >= 0)
);
CREATE INDEX ix_alerts_open ON alerts (pipeline, kind, group_key, last_seen);
CREATE INDEX ix_alerts_created ON alerts (created_at);
CREATE INDEX ix_alerts_run ON alerts (run_id);

COMMENT ON TABLE alerts IS 'Alerts raised by nightly runs (failures, data quality, drift, metric breaches, decisions, late runs); the same condition on consecutive nights is one row.';
COMMENT ON COLUMN alerts.business_date IS 'The business date whose run raised the alert: its first night, unless a backfill later extended the episode backwards (see first_seen).';
COMMENT ON COLUMN alerts.run_id IS 'The run that last raised or extended the alert; null for conditions seen without a run (run_late).';
COMMENT ON COLUMN alerts.kind IS 'run_failed, data_quality_failed, drift, metric_breach, retrain_decision, promotion, run_late.';
COMMENT ON COLUMN alerts.severity IS 'info, warning or critical.';
COMMENT ON COLUMN alerts.group_key IS 'The subject of the condition within its kind (e.g. the sorted drifted features, the failing step or check); same pipeline, kind and group_key on consecutive nights is the same alert.';
COMMENT ON COLUMN alerts.title IS 'One line for people: what happened, where.';
COMMENT ON COLUMN alerts.detail IS 'The evidence as JSON (statistics, thresholds, error text, decision reasons) of the latest night seen.';
COMMENT ON COLUMN alerts.first_seen IS 'First business date of the episode.';
COMMENT ON COLUMN alerts.last_seen IS 'Latest business date of the episode; a night after it without the condition closes the episode.';
COMMENT ON COLUMN alerts.occurrences IS 'Business dates in the episode; re-running a date already counted does not add one.';
COMMENT ON COLUMN alerts.delivery_status IS 'pending (not yet delivered), sent (webhook accepted it), failed (webhook gave up: see last_error), logged (no webhook configured; written to the log only).';
COMMENT ON COLUMN alerts.attempts IS 'Webhook requests made (first try plus retries).';
COMMENT ON COLUMN alerts.last_error IS 'Why the last webhook attempt failed (HTTP status and body, timeout, connection error).';
COMMENT ON COLUMN alerts.sent_at IS 'When the webhook accepted the alert.';
