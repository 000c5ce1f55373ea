-- Metrics per segment (monitoring.segments in a spec): live metrics per value of each segment column, and the
-- candidate's and champion's holdout metrics per segment value, which the promotion gate's maxSegmentDrop reads.

CREATE TABLE model_segment_metrics (
    pipeline         text             NOT NULL,
    business_date    date             NOT NULL,
    model_version_id bigint           NOT NULL,
    segment          text             NOT NULL,
    segment_value    text             NOT NULL,
    metric           text             NOT NULL,
    value            double precision NOT NULL,
    ci_low           double precision,
    ci_high          double precision,
    n                bigint           NOT NULL,
    method           text             NOT NULL,
    run_id           bigint           NOT NULL,
    evaluated_at     timestamptz      NOT NULL,
    CONSTRAINT pk_model_segment_metrics PRIMARY KEY (pipeline, business_date, model_version_id, segment, segment_value, metric),
    CONSTRAINT fk_model_segment_metrics_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT fk_model_segment_metrics_model_version FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
    CONSTRAINT fk_model_segment_metrics_run FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT ck_model_segment_metrics_n CHECK (n >= 0),
    CONSTRAINT ck_model_segment_metrics_interval CHECK ((ci_low IS NULL) = (ci_high IS NULL) AND (ci_low IS NULL OR ci_low <= ci_high)),
    CONSTRAINT ck_model_segment_metrics_method CHECK (method IN ('delong', 'wilson', 'exact') OR method ~ '^bootstrap-[0-9]+$')
);
CREATE INDEX ix_model_segment_metrics_run ON model_segment_metrics (run_id);
COMMENT ON TABLE model_segment_metrics IS 'model_metrics per value of each segment column of the spec (monitoring.segments), on the labelled rows of that value; replaced with model_metrics when a date is re-evaluated.';
COMMENT ON COLUMN model_segment_metrics.segment IS 'The segment column (a categorical feature of the spec).';
COMMENT ON COLUMN model_segment_metrics.segment_value IS 'Its value; (null) for rows where it is null or the input row could not be found.';

ALTER TABLE model_versions ADD COLUMN holdout_segments jsonb;
ALTER TABLE model_versions ADD COLUMN baseline_segments jsonb;
COMMENT ON COLUMN model_versions.holdout_segments IS 'holdout_metrics per segment column and value: {"segment": {"value": {"n": .., "areaUnderROC": ..}}}; null without monitoring.segments.';
COMMENT ON COLUMN model_versions.baseline_segments IS 'The champion''s metrics on the same holdout rows per segment value (what the gate''s maxSegmentDrop compares with).';
