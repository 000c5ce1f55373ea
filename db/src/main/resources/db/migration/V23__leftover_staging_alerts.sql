-- The alert kind raised when a run ends and staging tables of the pipeline's killed landings are still there
-- (nightshift_work.predictions_stage_<run>, see V22): each holds a night's rows, ids included, and while one is locked
-- by a process still COPYing into it, nights leave it and `nightshift forget` refuses to run.

ALTER TABLE alerts DROP CONSTRAINT ck_alerts_kind;
ALTER TABLE alerts ADD CONSTRAINT ck_alerts_kind CHECK (kind IN ('run_failed', 'data_quality_failed', 'drift', 'metric_breach',
    'retrain_decision', 'promotion', 'run_late', 'artifact_tampered', 'leftover_staging'));
COMMENT ON COLUMN alerts.kind IS 'run_failed, data_quality_failed, drift, metric_breach, retrain_decision, promotion, run_late, artifact_tampered, leftover_staging.';
