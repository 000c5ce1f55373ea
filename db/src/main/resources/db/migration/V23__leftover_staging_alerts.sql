-- Staging tables of killed landings that are still there, and the alert kind raised when a run ends with some.
--
-- A landing killed between its COPY and its publication leaves nightshift_work.predictions_stage_<run> (see V22): a
-- night's rows, ids included. Nights drop those of runs that are not RUNNING, except one still locked by a process
-- COPYing into it; while one is locked, `nightshift forget` refuses to run. This view lists them with the server
-- processes holding a lock on each (pg_locks): the orchestrator's leftover_staging alert and its gauge read it, and so
-- can an operator (SELECT * FROM nightshift.leftover_predictions_stages).

CREATE VIEW leftover_predictions_stages AS
SELECT ru.pipeline,
       ru.id                          AS run_id,
       ru.status                      AS run_status,
       ru.business_date,
       'nightshift_work.' || c.relname AS staging_table,
       (SELECT string_agg(DISTINCT l.pid::text, ', ') FROM pg_locks l WHERE l.relation = c.oid AND l.granted) AS locked_by_pids
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN runs ru ON ru.id = substring(c.relname FROM '^predictions_stage_([0-9]+)$')::bigint
WHERE n.nspname = 'nightshift_work' AND c.relname ~ '^predictions_stage_[0-9]+$' AND ru.status <> 'RUNNING';
COMMENT ON VIEW leftover_predictions_stages IS 'Staging tables of killed landings (runs not RUNNING) still in nightshift_work, each a night''s rows with ids, and the server pids holding a lock on them. Nights drop the unlocked ones (drop_leftover_predictions_stages).';

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_owner') THEN
        ALTER VIEW nightshift.leftover_predictions_stages OWNER TO nightshift_owner;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_app') THEN
        GRANT SELECT ON nightshift.leftover_predictions_stages TO nightshift_app;
    END IF;
END
$$;

ALTER TABLE alerts DROP CONSTRAINT ck_alerts_kind;
ALTER TABLE alerts ADD CONSTRAINT ck_alerts_kind CHECK (kind IN ('run_failed', 'data_quality_failed', 'drift', 'metric_breach',
    'retrain_decision', 'promotion', 'run_late', 'artifact_tampered', 'leftover_staging'));
COMMENT ON COLUMN alerts.kind IS 'run_failed, data_quality_failed, drift, metric_breach, retrain_decision, promotion, run_late, artifact_tampered, leftover_staging.';
