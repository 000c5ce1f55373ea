-- Model quality measured against ground truth once labels arrive (EvaluateJob). A (pipeline, business date) is
-- re-evaluated by deleting its rows and inserting the new ones in one transaction.

CREATE TABLE model_metrics (
    pipeline         text             NOT NULL,
    business_date    date             NOT NULL,
    model_version_id bigint           NOT NULL,
    metric           text             NOT NULL,
    value            double precision NOT NULL,
    ci_low           double precision,
    ci_high          double precision,
    n                bigint           NOT NULL,
    method           text             NOT NULL,
    run_id           bigint           NOT NULL,
    evaluated_at     timestamptz      NOT NULL,
    CONSTRAINT pk_model_metrics PRIMARY KEY (pipeline, business_date, model_version_id, metric),
    CONSTRAINT fk_model_metrics_pipeline FOREIGN KEY (pipeline) REFERENCES pipelines (name),
    CONSTRAINT fk_model_metrics_model_version FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
    CONSTRAINT fk_model_metrics_run FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT ck_model_metrics_n CHECK (n >= 0),
    CONSTRAINT ck_model_metrics_interval CHECK ((ci_low IS NULL) = (ci_high IS NULL) AND (ci_low IS NULL OR ci_low <= ci_high)),
    CONSTRAINT ck_model_metrics_method CHECK (method IN ('delong', 'wilson', 'exact') OR method ~ '^bootstrap-[0-9]+$')
);
CREATE INDEX ix_model_metrics_run ON model_metrics (run_id);
CREATE INDEX ix_model_metrics_version_metric ON model_metrics (model_version_id, metric, business_date);
COMMENT ON TABLE model_metrics IS 'Metrics of the predictions of one business date against its ground truth, per model version, with 95% intervals.';
COMMENT ON COLUMN model_metrics.business_date IS 'The date the predictions were made for (not the date of the evaluating run).';
COMMENT ON COLUMN model_metrics.metric IS 'auc, pr_auc, log_loss, brier, accuracy, precision, recall, f1, positive_rate, ece, label_coverage (classification); rmse, mae, r2, mape, label_coverage (regression); counts duplicate_labels, conflicting_labels, mape_zero_labels.';
COMMENT ON COLUMN model_metrics.value IS 'Point estimate on all labelled rows (a count for the count metrics).';
COMMENT ON COLUMN model_metrics.ci_low IS 'Lower bound of the 95% interval; null when method is exact.';
COMMENT ON COLUMN model_metrics.ci_high IS 'Upper bound of the 95% interval; null when method is exact.';
COMMENT ON COLUMN model_metrics.n IS 'Rows the metric was computed on: labelled predictions (predictions for label_coverage, positives-plus-negatives for auc, predicted positives for precision, actual positives for recall, nonzero labels for mape).';
COMMENT ON COLUMN model_metrics.method IS 'Interval method: delong (AUC), wilson (proportions), bootstrap-B (seeded Poisson bootstrap, B replicates, percentile interval), exact (counts, no interval).';
COMMENT ON COLUMN model_metrics.run_id IS 'The run whose EvaluateJob wrote the row.';
