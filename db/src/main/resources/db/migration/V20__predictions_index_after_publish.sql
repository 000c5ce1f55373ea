-- A night's predictions are published without an index and indexed right after, while readers already see them.
--
-- V19 built the primary key (pipeline, business_date, entity_id) on the staging table inside the publishing
-- transaction. Measured (scripts/bench --landing, 1,000,000 rows, idle 2-core machine): the key's build took longer than
-- the binary COPY itself, so a night landed at 0.32x the rate of a raw COPY. The key bought nothing the swap does not
-- already give: a night is replaced whole by one ATTACH, so a rerun cannot duplicate rows, and validation quarantines
-- every row of a repeated or null entity id before scoring, so a night's ids are unique by construction.
--
-- So the partitioned table has no primary key any more (PostgreSQL requires a primary key of a partitioned table on
-- every leaf at ATTACH time, which would put the build back into the swap). Each leaf gets a UNIQUE index on entity_id
-- after its publishing transaction commits (index_predictions_leaf): it serves analysts' lookups of one entity in one
-- night and the privacy erasure's DELETE by entity id, and it still refuses a duplicate id. CREATE INDEX takes a SHARE
-- lock, so readers of the night are not blocked while it builds; until it exists, those lookups scan the leaf.

ALTER TABLE predictions DROP CONSTRAINT pk_predictions;

-- Creates the unique index on entity_id of the leaf of (p_pipeline, d) unless it exists; returns its name. Refuses a
-- table that is not that night's leaf.
CREATE FUNCTION index_predictions_leaf(p_pipeline text, d date) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, nightshift AS
$$
DECLARE
    leaf text := nightshift.predictions_leaf_name(p_pipeline, d);
BEGIN
    IF to_regclass(format('nightshift.%I', leaf)) IS NULL THEN
        RAISE EXCEPTION 'no leaf partition nightshift.% for % %; nothing to index', leaf, p_pipeline, d;
    END IF;
    PERFORM nightshift.check_predictions_leaf(leaf, p_pipeline, d);
    -- The default 64 MB would sort a night of a million keys on disk; this transaction only.
    PERFORM set_config('maintenance_work_mem', '256MB', true);
    EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON nightshift.%I (entity_id)', leaf || '_id', leaf);
    RETURN leaf || '_id';
END
$$;

-- As in V19, without the primary key: creates the (empty) leaf of one night, indexed, if it is missing.
CREATE OR REPLACE FUNCTION ensure_predictions_partition(p_pipeline text, d date) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, nightshift AS
$$
DECLARE
    leaf text := nightshift.predictions_leaf_name(p_pipeline, d);
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('nightshift.predictions.partitions'));
    IF to_regclass(format('nightshift.%I', leaf)) IS NULL THEN
        EXECUTE format('CREATE TABLE nightshift.%I PARTITION OF nightshift.predictions FOR VALUES FROM (%L, %L) TO (%L, %L)',
                       leaf, p_pipeline, d, p_pipeline, d + 1);
        PERFORM nightshift.index_predictions_leaf(p_pipeline, d);
    ELSE
        PERFORM nightshift.check_predictions_leaf(leaf, p_pipeline, d);
    END IF;
    RETURN leaf;
END
$$;

-- As in V19, without the primary key build: checks the staged row count, swaps the staging table in as the night's
-- leaf. The caller indexes the leaf after committing (index_predictions_leaf).
CREATE OR REPLACE FUNCTION publish_predictions_stage(p_run bigint, p_pipeline text, d date, p_expected bigint) RETURNS bigint
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
    RETURN staged;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_owner') THEN
        ALTER FUNCTION nightshift.index_predictions_leaf(text, date) OWNER TO nightshift_owner;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION index_predictions_leaf(text, date) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_app') THEN
        GRANT EXECUTE ON FUNCTION nightshift.index_predictions_leaf(text, date) TO nightshift_app;
    END IF;
END
$$;

-- Existing leaves: their primary key indexes went with the constraint; each gets its unique index on entity_id. The
-- nights are listed first: CREATE INDEX refuses a table that a still-open scan of this session is reading.
DO $$
DECLARE
    pipelines text[];
    dates     date[];
BEGIN
    SELECT array_agg(pipeline), array_agg(business_date) INTO pipelines, dates
    FROM (SELECT DISTINCT pipeline, business_date FROM nightshift.predictions) n;
    FOR i IN 1 .. coalesce(array_length(pipelines, 1), 0) LOOP
        PERFORM nightshift.index_predictions_leaf(pipelines[i], dates[i]);
    END LOOP;
END
$$;
