-- Drops the staging tables that a pipeline's killed landings left behind.
--
-- A night's landing COPYs into nightshift_work.predictions_stage_<run> (and records each COPY in ..._copied), then
-- publish_predictions_stage attaches the table as the night's leaf; a landing that fails drops them itself
-- (drop_predictions_stage). A job killed between its COPY and its publication leaves them, and its run's retry is a new
-- run with its own tables, so nothing replaced them: each was a whole night's rows, ids included, kept until somebody
-- dropped it by hand. Now every night that lands (the orchestrator's score step, after its job) and every erasure
-- (nightshift forget) drops those of the pipeline's runs that are not RUNNING.
--
-- A table still locked by somebody (a job of a run already marked FAILED that is still COPYing: an orphan) is not
-- waited for beyond the lock timeout: it is counted as busy and left for the next caller. Returns the runs whose tables
-- were dropped and those left busy. The run ids are read from the tables' names, which the callers need not know.
CREATE FUNCTION drop_leftover_predictions_stages(p_pipeline text, OUT dropped integer, OUT busy integer)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, nightshift SET lock_timeout = '1s' AS
$$
DECLARE
    r bigint;
BEGIN
    dropped := 0;
    busy := 0;
    FOR r IN
        SELECT ru.id FROM nightshift.runs ru
        WHERE ru.pipeline = p_pipeline AND ru.status <> 'RUNNING'
          AND ru.id IN (SELECT substring(c.relname FROM '^predictions_stage_([0-9]+)(?:_copied)?$')::bigint
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'nightshift_work' AND c.relname ~ '^predictions_stage_[0-9]+(_copied)?$')
        ORDER BY ru.id
    LOOP
        BEGIN
            PERFORM nightshift.drop_predictions_stage(r);
            dropped := dropped + 1;
        EXCEPTION WHEN lock_not_available THEN
            busy := busy + 1;
        END;
    END LOOP;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_owner') THEN
        ALTER FUNCTION nightshift.drop_leftover_predictions_stages(text) OWNER TO nightshift_owner;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION drop_leftover_predictions_stages(text) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_app') THEN
        GRANT EXECUTE ON FUNCTION nightshift.drop_leftover_predictions_stages(text) TO nightshift_app;
    END IF;
END
$$;
