-- Analyst views (repeatable: Flyway re-applies this file whenever it changes). Column names are part of the
-- contract with analysts: add columns, never rename or drop them without a new view name.

CREATE OR REPLACE VIEW analytics.predictions AS
SELECT p.pipeline, p.business_date, p.entity_id, p.score, p.prediction, mv.version AS model_version, p.run_id, p.scored_at
FROM nightshift.predictions p
JOIN nightshift.model_versions mv ON mv.id = p.model_version_id;
COMMENT ON VIEW analytics.predictions IS 'Published predictions: one row per pipeline, business date and entity.';
COMMENT ON COLUMN analytics.predictions.score IS 'Probability of the positive class (classification); null for regression.';
COMMENT ON COLUMN analytics.predictions.prediction IS 'Predicted class (0/1) at the pipeline''s threshold, or the predicted value (regression).';
COMMENT ON COLUMN analytics.predictions.model_version IS 'Version number of the model that produced the row (see analytics.model_versions).';

CREATE OR REPLACE VIEW analytics.daily_predictions AS
SELECT p.pipeline, p.business_date, mv.version AS model_version, count(*) AS rows,
       avg(p.score) AS mean_score, avg(p.prediction) AS mean_prediction,
       min(p.prediction) AS min_prediction, max(p.prediction) AS max_prediction
FROM nightshift.predictions p
JOIN nightshift.model_versions mv ON mv.id = p.model_version_id
GROUP BY p.pipeline, p.business_date, mv.version;
COMMENT ON VIEW analytics.daily_predictions IS 'Per pipeline and business date: rows scored and the distribution of outputs.';
COMMENT ON COLUMN analytics.daily_predictions.mean_prediction IS 'For classification the share predicted positive; for regression the mean predicted value.';

CREATE OR REPLACE VIEW analytics.run_history AS
SELECT r.id AS run_id, r.pipeline, r.business_date, r.status, r.trigger, r.attempt, r.spec_version,
       mv.version AS model_version, r.rows_scored, r.started_at, r.finished_at,
       extract(epoch FROM r.finished_at - r.started_at) AS duration_seconds, r.error, r.rows_quarantined
FROM nightshift.runs r
LEFT JOIN nightshift.model_versions mv ON mv.id = r.model_version_id;
COMMENT ON VIEW analytics.run_history IS 'Every execution of a nightly run, newest last; a failed run restarted later appears twice.';
COMMENT ON COLUMN analytics.run_history.attempt IS '0 for a date''s first run; +1 for each explicit re-run of a completed date.';
COMMENT ON COLUMN analytics.run_history.error IS 'Why the run failed, in the failing job''s own words; null when it completed.';
COMMENT ON COLUMN analytics.run_history.rows_quarantined IS 'Input rows held back by validation (see analytics.data_quality); null when validation did not run.';

CREATE OR REPLACE VIEW analytics.model_versions AS
SELECT mv.pipeline, mv.version, mv.task, mv.algorithm, mv.params, mv.seed,
       mv.training_from, mv.training_to, mv.training_rows, mv.holdout_from, mv.holdout_to, mv.holdout_rows,
       mv.holdout_metrics, mv.spec_version, mv.created_by_run, mv.created_at,
       mv.spark_version, mv.java_version, mv.nightshift_version, mv.artifact_uri, mv.artifact_sha256,
       coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM nightshift.model_aliases a WHERE a.model_version_id = mv.id),
                '{}') AS aliases,
       p.version AS parent_version, mv.baseline_metrics AS parent_holdout_metrics, mv.training_fingerprint, mv.source,
       mv.tuning
FROM nightshift.model_versions mv
LEFT JOIN nightshift.model_versions p ON p.id = mv.parent_version_id;
COMMENT ON VIEW analytics.model_versions IS 'Registered models with lineage (run, spec version, training window, libraries) and their current aliases.';
COMMENT ON COLUMN analytics.model_versions.holdout_metrics IS 'Metrics on the time-based holdout at training time, as JSON (e.g. {"areaUnderROC": 0.81}).';
COMMENT ON COLUMN analytics.model_versions.aliases IS 'Aliases pointing at the version now, e.g. {champion}.';
COMMENT ON COLUMN analytics.model_versions.parent_version IS 'The champion this version was trained to replace.';
COMMENT ON COLUMN analytics.model_versions.tuning IS 'When a hyperparameter search chose params: every candidate tried with its validation metric (training rows only; the holdout stays unseen), and the best.';
COMMENT ON COLUMN analytics.model_versions.parent_holdout_metrics IS 'The parent''s metrics on this version''s holdout rows: the promotion gate compares holdout_metrics with these.';

CREATE OR REPLACE VIEW analytics.decisions AS
SELECT d.pipeline, d.business_date, j.version AS champion_version, d.outcome, d.trigger, d.reasons ->> 'summary' AS summary,
       c.version AS candidate_version, d.action, d.gate ->> 'explanation' AS gate, d.reasons, d.run_id, d.decided_at
FROM nightshift.decisions d
LEFT JOIN nightshift.model_versions j ON j.id = d.model_version_id
LEFT JOIN nightshift.model_versions c ON c.id = d.candidate_model_version_id;
COMMENT ON VIEW analytics.decisions IS 'What each night decided about the champion that scored it, why, and what happened to a retrained candidate.';
COMMENT ON COLUMN analytics.decisions.outcome IS 'keep, retrain, no_decision (too little evidence), awaiting_promotion (a challenger waits for a person).';
COMMENT ON COLUMN analytics.decisions.action IS 'promoted, challenger (waits for nightshift models promote) or rejected by the gate; null without a retrain.';
COMMENT ON COLUMN analytics.decisions.reasons IS 'Per metric: the evaluated dates with values, intervals and n, the limits and where they came from.';

CREATE OR REPLACE VIEW analytics.alias_history AS
SELECT a.at, split_part(split_part(a.target, ':', 2), '@', 1) AS pipeline, split_part(a.target, '@', 2) AS alias,
       (a.before ->> 'version')::int AS from_version, (a.after ->> 'version')::int AS to_version,
       a.after ->> 'reason' AS reason, a.actor
FROM nightshift.audit_log a
WHERE a.action = 'alias.set';
COMMENT ON VIEW analytics.alias_history IS 'Every move of a model alias (e.g. a new champion): when, from which version to which, why, by whom.';

CREATE OR REPLACE VIEW analytics.model_performance AS
SELECT m.pipeline, m.business_date, mv.version AS model_version, m.metric, m.value, m.ci_low, m.ci_high, m.n, m.method,
       m.evaluated_at
FROM nightshift.model_metrics m
JOIN nightshift.model_versions mv ON mv.id = m.model_version_id;
COMMENT ON VIEW analytics.model_performance IS 'Daily model quality against ground truth, once labels arrived: one row per pipeline, business date, model version and metric.';
COMMENT ON COLUMN analytics.model_performance.ci_low IS 'Lower bound of the 95% interval (DeLong for auc, Wilson for proportions, Poisson bootstrap otherwise); null for counts.';
COMMENT ON COLUMN analytics.model_performance.n IS 'Rows the metric is computed on (labelled rows; predicted positives for precision; actual positives for recall).';

CREATE OR REPLACE VIEW analytics.segment_performance AS
SELECT m.pipeline, m.business_date, mv.version AS model_version, m.segment, m.segment_value, m.metric, m.value, m.ci_low,
       m.ci_high, m.n, m.method, m.evaluated_at
FROM nightshift.model_segment_metrics m
JOIN nightshift.model_versions mv ON mv.id = m.model_version_id;
COMMENT ON VIEW analytics.segment_performance IS 'model_performance per value of each segment column the spec names (monitoring.segments): where a model is weak.';
COMMENT ON COLUMN analytics.segment_performance.segment_value IS 'The value of the segment column; (null) where it was null or the input row was not found.';

CREATE OR REPLACE VIEW analytics.latest_drift AS
SELECT DISTINCT ON (d.pipeline, d.feature)
       d.pipeline, d.business_date, mv.version AS model_version, d.feature, d.feature_type, d.method, d.statistic, d.p_value,
       d.threshold, d.drifted, d.n_current, d.n_reference
FROM nightshift.feature_drift d
JOIN nightshift.model_versions mv ON mv.id = d.model_version_id
WHERE d.chosen
ORDER BY d.pipeline, d.feature, d.business_date DESC, d.computed_at DESC;
COMMENT ON VIEW analytics.latest_drift IS 'Per pipeline and feature, the drift judged on the latest measured night (the policy''s chosen statistic); feature __dataset__ is the share of drifted features.';
COMMENT ON COLUMN analytics.latest_drift.drifted IS 'True when the statistic is beyond its threshold (distances above, p-values below).';

CREATE OR REPLACE VIEW analytics.feature_drift AS
SELECT d.pipeline, d.business_date, mv.version AS model_version, d.feature, d.feature_type, d.method, d.chosen, d.statistic,
       d.p_value, d.threshold, d.drifted, d.n_current, d.n_reference, d.null_rate_reference, d.null_rate_current, d.unseen_share
FROM nightshift.feature_drift d
JOIN nightshift.model_versions mv ON mv.id = d.model_version_id;
COMMENT ON VIEW analytics.feature_drift IS 'Every drift statistic of every night and feature (for a heatmap: feature x business_date where chosen).';
COMMENT ON COLUMN analytics.feature_drift.chosen IS 'True for the statistic the drift policy judges the feature by; the others are shown for transparency.';

CREATE OR REPLACE VIEW analytics.alerts AS
SELECT a.id AS alert_id, a.pipeline, a.kind, a.severity, a.title, a.group_key, a.first_seen, a.last_seen, a.occurrences,
       a.detail, a.run_id, a.delivery_status, a.attempts, a.last_error, a.created_at, a.sent_at
FROM nightshift.alerts a;
COMMENT ON VIEW analytics.alerts IS 'Alerts raised by nightly runs: one row per episode of a condition (the same condition on consecutive nights is one row).';
COMMENT ON COLUMN analytics.alerts.group_key IS 'The subject of the condition within its kind, e.g. the drifted features or the failing step.';
COMMENT ON COLUMN analytics.alerts.occurrences IS 'Consecutive business dates from first_seen to last_seen on which the condition held.';
COMMENT ON COLUMN analytics.alerts.delivery_status IS 'pending, sent (webhook accepted), failed (see last_error), logged (no webhook configured).';

CREATE OR REPLACE VIEW analytics.data_quality AS
SELECT q.pipeline, q.business_date, mv.version AS model_version, q.check_name, q.column_name, q.value, q.threshold, q.passed,
       q.failing_rows, q.detail, q.run_id, q.checked_at
FROM nightshift.data_quality q
JOIN nightshift.model_versions mv ON mv.id = q.model_version_id;
COMMENT ON VIEW analytics.data_quality IS 'Validation of each night''s input before scoring: one row per check and column. Rows failing a row-level check were quarantined (not scored); a failed dataset-level check (bad_row_share, row_count_min, row_count_max, schema) failed the run.';
COMMENT ON COLUMN analytics.data_quality.check_name IS 'null, non_finite, out_of_range, unseen_category, null_id, duplicate_id (row-level); schema, bad_row_share, row_count_min, row_count_max (dataset-level).';
COMMENT ON COLUMN analytics.data_quality.value IS 'Row-level: share of input rows failing the check. bad_row_share: share quarantined. row_count_*: input rows.';
COMMENT ON COLUMN analytics.data_quality.threshold IS 'bad_row_share: the maximum share; row_count_min/max: the allowed bound from the median of earlier nights (null without history).';
COMMENT ON COLUMN analytics.data_quality.passed IS 'Row-level: no row failed. Dataset-level: the gate held (false means the night was not scored).';

CREATE OR REPLACE VIEW analytics.champion_vs_challenger AS
WITH scored AS (
    -- the champion that scored each night: the model of the night's latest completed run
    SELECT DISTINCT ON (r.pipeline, r.business_date) r.pipeline, r.business_date, r.model_version_id
    FROM nightshift.runs r
    WHERE r.status = 'COMPLETED' AND r.model_version_id IS NOT NULL
    ORDER BY r.pipeline, r.business_date, r.id DESC)
SELECT s.pipeline, s.business_date, c.metric,
       jv.version AS champion_version, c.value AS champion_value, c.ci_low AS champion_ci_low, c.ci_high AS champion_ci_high,
       c.n AS champion_n,
       kv.version AS challenger_version, k.value AS challenger_value, k.ci_low AS challenger_ci_low, k.ci_high AS challenger_ci_high,
       k.n AS challenger_n,
       k.value - c.value AS difference,
       EXISTS (SELECT 1 FROM nightshift.model_aliases a
               WHERE a.pipeline = s.pipeline AND a.alias = 'challenger' AND a.model_version_id = k.model_version_id) AS challenger_is_current
FROM scored s
JOIN nightshift.model_metrics c ON c.pipeline = s.pipeline AND c.business_date = s.business_date AND c.model_version_id = s.model_version_id
JOIN nightshift.model_metrics k ON k.pipeline = c.pipeline AND k.business_date = c.business_date AND k.metric = c.metric
                               AND k.model_version_id <> c.model_version_id
JOIN nightshift.model_versions jv ON jv.id = c.model_version_id
JOIN nightshift.model_versions kv ON kv.id = k.model_version_id;
COMMENT ON VIEW analytics.champion_vs_challenger IS 'Live comparison on the same labelled nights: the champion that scored each night next to every other version scored beside it in shadow (the challenger), per metric.';
COMMENT ON COLUMN analytics.champion_vs_challenger.metric IS 'The metric both models were measured by on the night''s labelled rows (see analytics.model_performance).';
COMMENT ON COLUMN analytics.champion_vs_challenger.champion_version IS 'The version that scored the night (the champion then; it may have been replaced since).';
COMMENT ON COLUMN analytics.champion_vs_challenger.champion_value IS 'The champion''s metric on the night.';
COMMENT ON COLUMN analytics.champion_vs_challenger.champion_ci_low IS 'Lower bound of the champion''s 95% interval; null for exact counts.';
COMMENT ON COLUMN analytics.champion_vs_challenger.champion_ci_high IS 'Upper bound of the champion''s 95% interval; null for exact counts.';
COMMENT ON COLUMN analytics.champion_vs_challenger.champion_n IS 'Rows the champion''s metric is computed on.';
COMMENT ON COLUMN analytics.champion_vs_challenger.challenger_version IS 'The version scored in shadow on the same night.';
COMMENT ON COLUMN analytics.champion_vs_challenger.challenger_value IS 'The challenger''s metric on the same night''s labelled rows.';
COMMENT ON COLUMN analytics.champion_vs_challenger.challenger_ci_low IS 'Lower bound of the challenger''s 95% interval; null for exact counts.';
COMMENT ON COLUMN analytics.champion_vs_challenger.challenger_ci_high IS 'Upper bound of the challenger''s 95% interval; null for exact counts.';
COMMENT ON COLUMN analytics.champion_vs_challenger.challenger_n IS 'Rows the challenger''s metric is computed on.';
COMMENT ON COLUMN analytics.champion_vs_challenger.difference IS 'challenger_value - champion_value: positive means the challenger scored higher (better for auc, worse for rmse or log_loss).';
COMMENT ON COLUMN analytics.champion_vs_challenger.challenger_is_current IS 'True while the version still holds the challenger alias (waiting to be promoted or rejected).';

-- Columns that mean the same in every view get the same comment; the view-specific ones are commented above.
DO $$
DECLARE
    col record;
    common constant jsonb := '{
        "pipeline": "Pipeline name, as in its spec (nightshift pipelines list).",
        "business_date": "The business date (night) the row is about.",
        "model_version": "Version number of the model (see analytics.model_versions).",
        "run_id": "The nightly run that wrote the row (see analytics.run_history).",
        "entity_id": "The entity scored: the value of the spec''s input.idColumn.",
        "scored_at": "When the row was published.",
        "rows": "Predictions published.",
        "mean_score": "Mean positive-class probability (classification); null for regression.",
        "min_prediction": "Smallest prediction of the night.",
        "max_prediction": "Largest prediction of the night.",
        "status": "RUNNING, COMPLETED or FAILED.",
        "trigger": "What started it or why it decided: cli, schedule, api, demo, backfill for runs; the metric or drift that triggered a decision.",
        "spec_version": "The version of the pipeline spec in force (see nightshift pipelines list).",
        "rows_scored": "Predictions the run published.",
        "started_at": "When the run started.",
        "finished_at": "When the run ended; null while it runs.",
        "duration_seconds": "finished_at - started_at in seconds.",
        "version": "Version number of the model within its pipeline, from 1.",
        "task": "binary-classification or regression.",
        "algorithm": "The spec''s model.algorithm, e.g. gbt-classifier.",
        "params": "Estimator parameters the model was fitted with, as JSON.",
        "seed": "Training seed.",
        "training_from": "First business date of the training window.",
        "training_to": "Last business date of the training window (the holdout is at its end).",
        "training_rows": "Labelled rows the model was trained on.",
        "holdout_from": "First business date of the time-based holdout.",
        "holdout_to": "Last business date of the time-based holdout.",
        "holdout_rows": "Labelled rows of the holdout.",
        "created_by_run": "The run that trained it; null for an imported model.",
        "created_at": "When the row was created.",
        "spark_version": "Spark version that trained the model.",
        "java_version": "Java version that trained the model.",
        "nightshift_version": "Nightshift version that trained the model.",
        "artifact_uri": "Where the model artifact is under the warehouse.",
        "artifact_sha256": "SHA-256 of the artifact''s manifest, verified before every load.",
        "training_fingerprint": "Fingerprint of the training rows: equal fingerprints mean the same training data.",
        "source": "trained (by Nightshift) or imported (nightshift models import).",
        "at": "When the change happened.",
        "alias": "The alias moved, e.g. champion or challenger.",
        "from_version": "The version the alias pointed at before; null when it was new.",
        "to_version": "The version the alias points at after; null when it was removed.",
        "reason": "Why, as given by the person or the gate.",
        "actor": "Who: a token name, cli:<os user>, scheduler, demo or test.",
        "champion_version": "The champion judged: the version that scored the night.",
        "summary": "One line saying why.",
        "candidate_version": "The version retrained by this decision; null without a retrain.",
        "gate": "The promotion gate''s explanation of its verdict on the candidate.",
        "decided_at": "When the decision was recorded.",
        "metric": "Metric name, e.g. auc, rmse (see nightshift.model_metrics).",
        "value": "The value (see the view''s comment for its unit).",
        "ci_low": "Lower bound of the 95% interval; null for counts.",
        "ci_high": "Upper bound of the 95% interval; null for counts.",
        "n": "Rows the metric is computed on.",
        "drifted": "True when the statistic is beyond its threshold (distances above, p-values below).",
        "method": "How it was computed: the interval method for metrics, the statistic for drift.",
        "evaluated_at": "When the metric was computed.",
        "segment": "The segment column (monitoring.segments).",
        "feature": "Model feature, or __prediction__ (model output) or __dataset__ (share of drifted features).",
        "feature_type": "numeric, categorical, prediction or dataset.",
        "statistic": "The drift statistic (psi, ks, wasserstein, jensen_shannon, chi_square, linf, drift_share).",
        "p_value": "p-value of a test statistic (ks, chi_square); null for distances.",
        "threshold": "The limit the value is judged against.",
        "n_current": "Rows of the night measured.",
        "n_reference": "Rows of the model''s training profile.",
        "null_rate_reference": "Share of nulls in the training profile.",
        "null_rate_current": "Share of nulls on the night.",
        "unseen_share": "Categorical: share of the night''s rows with a category unseen in training.",
        "alert_id": "Alert id.",
        "kind": "What the alert is about: run_failed, data_quality_failed, drift, metric_breach, retrain_decision, promotion, run_late, artifact_tampered or leftover_staging.",
        "severity": "info, warning or critical.",
        "title": "One line for people.",
        "first_seen": "First business date of the episode.",
        "last_seen": "Latest business date of the episode.",
        "detail": "Evidence as JSON (alerts) or text (data quality).",
        "attempts": "Webhook requests made.",
        "last_error": "The webhook''s last error; null when delivered.",
        "sent_at": "When the webhook accepted it.",
        "column_name": "The input column checked; null for dataset-level checks.",
        "failing_rows": "Input rows failing the check (quarantined, for row-level checks).",
        "checked_at": "When the check ran."
    }'::jsonb;
BEGIN
    FOR col IN
        SELECT c.table_name, c.column_name FROM information_schema.columns c
        JOIN pg_class v ON v.relname = c.table_name JOIN pg_namespace n ON n.oid = v.relnamespace AND n.nspname = c.table_schema
        WHERE c.table_schema = 'analytics' AND v.relkind = 'v' AND col_description(v.oid, c.ordinal_position) IS NULL
          AND common ? c.column_name
    LOOP
        EXECUTE format('COMMENT ON COLUMN analytics.%I.%I IS %L', col.table_name, col.column_name, common ->> col.column_name);
    END LOOP;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_analyst') THEN
        EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO nightshift_analyst';
    END IF;
END
$$;
