-- Predictions become one leaf partition per night of one pipeline: nightshift.predictions is partitioned by
-- RANGE (pipeline, business_date) and the leaf of (p, d) holds FROM (p, d) TO (p, d + 1), i.e. exactly the rows with
-- pipeline = p and business_date = d. Landing a night (PostgresPredictions) fills a staging table of the leaf's shape
-- by binary COPY without indexes, builds the primary key after the load, and swaps it in as the night's leaf in one
-- transaction: readers see the old night or the new one, never a mix, and no row pays a per-row index cost twice.
--
-- Partition DDL needs the table owner's rights; the application role (V14) gets it only through the SECURITY DEFINER
-- functions below, which run as the owner. Their inputs are validated: run ids are bigints, pipeline names only ever
-- reach SQL as literals (%L), and leaf names are a sanitized prefix of the pipeline name plus a hash of it.
--
-- Existing rows move to the new table; the analytics views are re-pointed to it (same definitions as
-- R__analytics_views.sql), keeping their grants and comments. There is no DEFAULT partition: a row of a night without
-- a leaf is refused instead of landing in a partition every later ATTACH would have to scan.

ALTER TABLE predictions RENAME TO predictions_by_month;
ALTER TABLE predictions_by_month RENAME CONSTRAINT pk_predictions TO pk_predictions_by_month;

CREATE TABLE predictions (
    pipeline         text             NOT NULL,
    business_date    date             NOT NULL,
    entity_id        text             NOT NULL,
    model_version_id bigint           NOT NULL,
    score            double precision,
    prediction       double precision NOT NULL,
    run_id           bigint           NOT NULL,
    scored_at        timestamptz      NOT NULL,
    CONSTRAINT pk_predictions PRIMARY KEY (pipeline, business_date, entity_id)
) PARTITION BY RANGE (pipeline, business_date);
COMMENT ON TABLE predictions IS 'Scores per entity and business date; one partition per pipeline and business date, so a night is replaced whole.';
COMMENT ON COLUMN predictions.score IS 'Probability of the positive class (classification); null for regression.';

-- Name of the leaf partition of (pipeline, d): predictions_<sanitized pipeline, at most 24 chars>_<12 hex of md5>_<yyyymmdd>,
-- at most 58 characters so that "<leaf>_pkey" fits PostgreSQL's 63. Distinct pipelines whose sanitized names agree
-- differ in the hash; should two hashes ever collide too, the bound checks below refuse to touch the other's leaf.
CREATE FUNCTION predictions_leaf_name(p_pipeline text, d date) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS
$$
BEGIN
    IF p_pipeline IS NULL OR length(p_pipeline) = 0 OR length(p_pipeline) > 200 OR d IS NULL THEN
        RAISE EXCEPTION 'invalid predictions night: pipeline %, date % (pipeline must be 1 to 200 characters, date not null)',
            coalesce(quote_literal(p_pipeline), 'NULL'), coalesce(d::text, 'NULL');
    END IF;
    RETURN format('predictions_%s_%s_%s',
                  trim(BOTH '_' FROM left(regexp_replace(lower(p_pipeline), '[^a-z0-9]+', '_', 'g'), 24)),
                  left(md5(p_pipeline), 12), to_char(d, 'YYYYMMDD'));
END
$$;

-- The partition bound of the leaf of (p_pipeline, d) as pg_get_expr prints it.
CREATE FUNCTION predictions_leaf_bound(p_pipeline text, d date) RETURNS text
    LANGUAGE sql IMMUTABLE AS
$$
SELECT format('FOR VALUES FROM (%L, %L) TO (%L, %L)', p_pipeline, d, p_pipeline, d + 1)
$$;

-- Refuses a leaf named like the night's that is bound to another night (a hash collision), before anything touches it.
CREATE FUNCTION check_predictions_leaf(leaf text, p_pipeline text, d date) RETURNS void
    LANGUAGE plpgsql AS
$$
DECLARE
    bound text;
BEGIN
    SELECT pg_get_expr(c.relpartbound, c.oid) INTO bound FROM pg_class c
    WHERE c.oid = to_regclass(format('nightshift.%I', leaf));
    IF bound IS DISTINCT FROM nightshift.predictions_leaf_bound(p_pipeline, d) THEN
        RAISE EXCEPTION 'leaf partition nightshift.% is %, not the night % %; refusing to touch it', leaf,
            coalesce(bound, 'not a partition'), p_pipeline, d;
    END IF;
END
$$;

-- Creates the (empty) leaf of one night if it is missing; returns its name. Landing does not need it (it attaches a
-- filled leaf), but rows inserted directly need a leaf to go to.
CREATE FUNCTION ensure_predictions_partition(p_pipeline text, d date) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, nightshift AS
$$
DECLARE
    leaf text := nightshift.predictions_leaf_name(p_pipeline, d);
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('nightshift.predictions.partitions'));
    IF to_regclass(format('nightshift.%I', leaf)) IS NULL THEN
        EXECUTE format('CREATE TABLE nightshift.%I PARTITION OF nightshift.predictions FOR VALUES FROM (%L, %L) TO (%L, %L)',
                       leaf, p_pipeline, d, p_pipeline, d + 1);
    ELSE
        PERFORM nightshift.check_predictions_leaf(leaf, p_pipeline, d);
    END IF;
    RETURN leaf;
END
$$;

-- Creates run p_run's staging table nightshift_work.predictions_stage_<run> for the night (p_pipeline, d), replacing
-- one left by an earlier attempt: the leaf's columns plus spark_partition (so that a retried Spark task can delete
-- what an earlier attempt of it committed), no index, and the CHECK constraint equal to the leaf's partition bound so
-- that ATTACH PARTITION can skip its validation scan. The table is the owner's; the caller may insert, select and
-- delete until the night is published. Returns the qualified name.
CREATE FUNCTION create_predictions_stage(p_run bigint, p_pipeline text, d date) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, nightshift AS
$$
DECLARE
    stage text := format('predictions_stage_%s', p_run);
BEGIN
    PERFORM nightshift.predictions_leaf_name(p_pipeline, d); -- validates the night
    IF p_run IS NULL OR p_run <= 0 THEN
        RAISE EXCEPTION 'invalid run id %', coalesce(p_run::text, 'NULL');
    END IF;
    EXECUTE format('DROP TABLE IF EXISTS nightshift_work.%I', stage);
    EXECUTE format('CREATE TABLE nightshift_work.%I (LIKE nightshift.predictions, spark_partition integer NOT NULL,'
                   || ' CONSTRAINT ck_stage_night CHECK (pipeline = %L AND business_date >= %L AND business_date < %L))',
                   stage, p_pipeline, d, d + 1);
    IF session_user <> current_user THEN
        EXECUTE format('GRANT SELECT, INSERT, DELETE ON nightshift_work.%I TO %I', stage, session_user);
    END IF;
    RETURN 'nightshift_work.' || stage;
END
$$;

-- Drops run p_run's staging table if it exists (a failed or abandoned landing).
CREATE FUNCTION drop_predictions_stage(p_run bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, nightshift AS
$$
BEGIN
    EXECUTE format('DROP TABLE IF EXISTS nightshift_work.%I', format('predictions_stage_%s', p_run));
END
$$;

-- Publishes run p_run's staging table as the leaf of (p_pipeline, d), in the caller's transaction (which should hold
-- the night's advisory lock): refuses unless it holds exactly p_expected rows, all of that night; builds the primary
-- key; detaches and drops the night's old leaf, if any; attaches the staging table and moves it into schema nightshift
-- under the leaf's name. Nothing is visible to readers until the caller commits; a rollback leaves the old leaf and
-- the staging table as they were. Returns the number of rows published.
CREATE FUNCTION publish_predictions_stage(p_run bigint, p_pipeline text, d date, p_expected bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, nightshift AS
$$
DECLARE
    leaf   text := nightshift.predictions_leaf_name(p_pipeline, d);
    stage  text := format('predictions_stage_%s', p_run);
    staged bigint;
BEGIN
    IF to_regclass(format('nightshift_work.%I', stage)) IS NULL THEN
        RAISE EXCEPTION 'staging table nightshift_work.% does not exist; nothing to publish for % %', stage, p_pipeline, d;
    END IF;
    -- No task attempt may write after the count: an exclusive lock waits for running COPYs, and the grants go.
    EXECUTE format('LOCK TABLE nightshift_work.%I IN ACCESS EXCLUSIVE MODE', stage);
    IF session_user <> current_user THEN
        EXECUTE format('REVOKE ALL ON nightshift_work.%I FROM %I', stage, session_user);
    END IF;
    EXECUTE format('SELECT count(*) FROM nightshift_work.%I', stage) INTO staged;
    IF staged <> p_expected THEN
        -- e.g. two concurrent attempts of one task (speculative execution) both committed their COPY
        RAISE EXCEPTION 'staging table nightshift_work.% holds % rows, expected %; not publishing % %',
            stage, staged, p_expected, p_pipeline, d;
    END IF;
    EXECUTE format('ALTER TABLE nightshift_work.%I DROP COLUMN spark_partition', stage);
    -- The default 64 MB would sort a night of a million keys on disk; this transaction only.
    PERFORM set_config('maintenance_work_mem', '256MB', true);
    EXECUTE format('ALTER TABLE nightshift_work.%I ADD CONSTRAINT %I PRIMARY KEY (pipeline, business_date, entity_id)',
                   stage, stage || '_pkey');
    -- From here the parent is locked against readers until commit: only catalog work follows.
    LOCK TABLE ONLY nightshift.predictions IN ACCESS EXCLUSIVE MODE; -- ONLY: not every leaf
    IF to_regclass(format('nightshift.%I', leaf)) IS NOT NULL THEN
        PERFORM nightshift.check_predictions_leaf(leaf, p_pipeline, d);
        EXECUTE format('ALTER TABLE nightshift.predictions DETACH PARTITION nightshift.%I', leaf);
        EXECUTE format('DROP TABLE nightshift.%I', leaf);
    END IF;
    EXECUTE format('ALTER TABLE nightshift.predictions ATTACH PARTITION nightshift_work.%I FOR VALUES FROM (%L, %L) TO (%L, %L)',
                   stage, p_pipeline, d, p_pipeline, d + 1);
    EXECUTE format('ALTER TABLE nightshift_work.%I DROP CONSTRAINT ck_stage_night', stage);
    EXECUTE format('ALTER TABLE nightshift_work.%I SET SCHEMA nightshift', stage);
    EXECUTE format('ALTER TABLE nightshift.%I RENAME TO %I', stage, leaf);
    EXECUTE format('ALTER INDEX nightshift.%I RENAME TO %I', stage || '_pkey', leaf || '_pkey');
    RETURN staged;
END
$$;

-- The owner owns the new table and runs the functions; the application may call them, nobody else.
DO $$
DECLARE
    fn text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_owner') THEN
        ALTER TABLE nightshift.predictions OWNER TO nightshift_owner;
        FOREACH fn IN ARRAY ARRAY['predictions_leaf_name(text, date)', 'predictions_leaf_bound(text, date)',
                                  'check_predictions_leaf(text, text, date)', 'ensure_predictions_partition(text, date)',
                                  'create_predictions_stage(bigint, text, date)', 'drop_predictions_stage(bigint)',
                                  'publish_predictions_stage(bigint, text, date, bigint)'] LOOP
            EXECUTE format('ALTER FUNCTION nightshift.%s OWNER TO nightshift_owner', fn);
        END LOOP;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION ensure_predictions_partition(text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION create_predictions_stage(bigint, text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION drop_predictions_stage(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION publish_predictions_stage(bigint, text, date, bigint) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON nightshift.predictions TO nightshift_app;
        GRANT EXECUTE ON FUNCTION nightshift.ensure_predictions_partition(text, date) TO nightshift_app;
        GRANT EXECUTE ON FUNCTION nightshift.create_predictions_stage(bigint, text, date) TO nightshift_app;
        GRANT EXECUTE ON FUNCTION nightshift.drop_predictions_stage(bigint) TO nightshift_app;
        GRANT EXECUTE ON FUNCTION nightshift.publish_predictions_stage(bigint, text, date, bigint) TO nightshift_app;
    END IF;
END
$$;

-- Existing rows: one leaf per night they hold, then one copy.
SELECT ensure_predictions_partition(pipeline, business_date)
FROM (SELECT DISTINCT pipeline, business_date FROM predictions_by_month) nights;
INSERT INTO predictions (pipeline, business_date, entity_id, model_version_id, score, prediction, run_id, scored_at)
SELECT pipeline, business_date, entity_id, model_version_id, score, prediction, run_id, scored_at FROM predictions_by_month;

-- The analyst views followed the old table's rename; point them at the new one (definitions as in R__analytics_views.sql).
CREATE OR REPLACE VIEW analytics.predictions AS
SELECT p.pipeline, p.business_date, p.entity_id, p.score, p.prediction, mv.version AS model_version, p.run_id, p.scored_at
FROM nightshift.predictions p
JOIN nightshift.model_versions mv ON mv.id = p.model_version_id;
CREATE OR REPLACE VIEW analytics.daily_predictions AS
SELECT p.pipeline, p.business_date, mv.version AS model_version, count(*) AS rows,
       avg(p.score) AS mean_score, avg(p.prediction) AS mean_prediction,
       min(p.prediction) AS min_prediction, max(p.prediction) AS max_prediction
FROM nightshift.predictions p
JOIN nightshift.model_versions mv ON mv.id = p.model_version_id
GROUP BY p.pipeline, p.business_date, mv.version;

DROP TABLE predictions_by_month;
DROP FUNCTION ensure_predictions_partition(date);
