-- The closed loop: what each night decided about its champion (keep, retrain, nothing) and why, what the retrained
-- candidate proved on the same holdout as the champion, and what happened to it (promoted, challenger, rejected).
-- Model versions gain the lineage a promotion is explained with.

ALTER TABLE model_versions
    ADD COLUMN parent_version_id    bigint,
    ADD COLUMN baseline_metrics     jsonb,
    ADD COLUMN training_fingerprint text,
    ADD COLUMN source               text NOT NULL DEFAULT 'trained',
    ADD COLUMN source_uri           text,
    ADD CONSTRAINT fk_model_versions_parent FOREIGN KEY (parent_version_id) REFERENCES model_versions (id),
    ADD CONSTRAINT ck_model_versions_source CHECK (source IN ('trained', 'imported'));
COMMENT ON COLUMN model_versions.parent_version_id IS 'The champion this version was trained to replace (null for the first model of a pipeline).';
COMMENT ON COLUMN model_versions.baseline_metrics IS 'The parent champion''s metrics on this version''s holdout (same rows, same code), for the promotion gate.';
COMMENT ON COLUMN model_versions.training_fingerprint IS 'Order-independent digest of the labelled rows of the training window, holdout included (row count and sum of xxhash64 of every row).';
COMMENT ON COLUMN model_versions.source IS 'trained (by a Nightshift run) or imported (nightshift models import).';

CREATE TABLE decisions (
    id                         bigserial   NOT NULL,
    run_id                     bigint      NOT NULL,
    pipeline                   text        NOT NULL,
    business_date              date        NOT NULL,
    model_version_id           bigint,
    outcome                    text        NOT NULL,
    trigger                    text        NOT NULL,
    reasons                    jsonb       NOT NULL,
    candidate_model_version_id bigint,
    action                     text,
    gate                       jsonb,
    decided_at                 timestamptz NOT NULL DEFAULT now(),
    acted_at                   timestamptz,
    CONSTRAINT pk_decisions PRIMARY KEY (id),
    CONSTRAINT uq_decisions_run UNIQUE (run_id),
    CONSTRAINT fk_decisions_run FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT fk_decisions_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT fk_decisions_model_version FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
    CONSTRAINT fk_decisions_candidate FOREIGN KEY (candidate_model_version_id) REFERENCES model_versions (id),
    CONSTRAINT ck_decisions_outcome CHECK (outcome IN ('keep', 'retrain', 'no_decision', 'awaiting_promotion')),
    CONSTRAINT ck_decisions_trigger CHECK (trigger IN ('policy', 'drift', 'manual', 'none')),
    CONSTRAINT ck_decisions_action CHECK (action IS NULL OR action IN ('promoted', 'challenger', 'rejected')),
    CONSTRAINT ck_decisions_candidate CHECK (action IS NULL OR candidate_model_version_id IS NOT NULL)
);
CREATE INDEX ix_decisions_pipeline_date ON decisions (pipeline, business_date);
COMMENT ON TABLE decisions IS 'One row per nightly run with a decide step: the policy outcome for the champion, every reason, and the retrain gate''s verdict.';
COMMENT ON COLUMN decisions.model_version_id IS 'The champion judged.';
COMMENT ON COLUMN decisions.outcome IS 'keep (no breach), retrain (breach or manual override), no_decision (too few labelled rows for every metric), awaiting_promotion (breach, but a challenger already waits for a manual promote).';
COMMENT ON COLUMN decisions.trigger IS 'policy (the spec''s metric policy), drift (dataset drift with retraining.onDrift), manual (nightshift retrain), none (nothing to retrain for).';
COMMENT ON COLUMN decisions.reasons IS 'Per monitored metric: value, interval, n, threshold and its source, the dates of the window, and whether it breached; the night''s dataset drift when it can trigger.';
COMMENT ON COLUMN decisions.action IS 'What the gate did with the candidate: promoted (made champion), challenger (kept for a manual promote), rejected.';
COMMENT ON COLUMN decisions.gate IS 'The gate''s comparison on the candidate''s holdout: metric, candidate and champion values, improvements and required minimums.';
