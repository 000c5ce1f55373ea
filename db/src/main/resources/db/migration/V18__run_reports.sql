-- The HTML report each nightly run writes when it ends (dashboard: /runs/{id}/report). A report that could not be
-- written is recorded with its reason instead of disappearing into a log; the run's own status is unaffected.
CREATE TABLE run_reports (
    run_id      bigint      NOT NULL,
    status      text        NOT NULL,
    uri         text,
    bytes       bigint,
    error       text,
    written_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_run_reports PRIMARY KEY (run_id),
    CONSTRAINT fk_run_reports_run FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT ck_run_reports_status CHECK (status IN ('WRITTEN', 'FAILED')),
    CONSTRAINT ck_run_reports_outcome CHECK ((status = 'WRITTEN') = (uri IS NOT NULL AND error IS NULL))
);
COMMENT ON TABLE run_reports IS 'The self-contained HTML report of a run: where it was written, or why it could not be.';
COMMENT ON COLUMN run_reports.uri IS 'Location of the report under the warehouse (<warehouse>/reports/<pipeline>/<date>/run-<id>.html).';
COMMENT ON COLUMN run_reports.error IS 'Why the report could not be written (status FAILED); the run itself keeps its own status.';
