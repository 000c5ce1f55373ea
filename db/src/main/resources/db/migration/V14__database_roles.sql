-- PostgreSQL roles of Nightshift (README, Security):
--   nightshift_owner    NOLOGIN; owns the schemas and every object in them. Migrations run as a login that is this
--                       role or a member of it (embedded: the superuser postgres).
--   nightshift_app      the orchestrator and the Spark jobs: reads and writes rows, no DDL on the schema, no TRUNCATE,
--                       and on audit_log only SELECT and INSERT. Created with LOGIN but without a password: give it one
--                       (ALTER ROLE nightshift_app PASSWORD ...) or grant it to the application's own login role.
--                       Its only DDL: its staging tables in schema nightshift_work, and new months of predictions
--                       through ensure_predictions_partition, which runs with the owner's rights.
--   nightshift_analyst  (V5) reads the analytics views only.
-- Creating roles needs CREATEROLE; without it the roles are skipped with a notice, as in V5, and an administrator
-- creates them and runs the grants of this file.

CREATE SCHEMA IF NOT EXISTS nightshift_work;
COMMENT ON SCHEMA nightshift_work IS 'Scratch tables of running jobs (staged predictions); nothing here is a result.';

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_owner') THEN
        CREATE ROLE nightshift_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_app') THEN
        CREATE ROLE nightshift_app LOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot create roles nightshift_owner and nightshift_app (no CREATEROLE): create them by hand, see README';
END
$$;

-- The owner: the schemas and everything in them move to nightshift_owner, and the migrating login becomes a member.
DO $$
DECLARE
    o record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_owner') THEN
        RETURN;
    END IF;
    IF NOT pg_has_role(current_user, 'nightshift_owner', 'MEMBER') THEN
        EXECUTE format('GRANT nightshift_owner TO %I', current_user);
    END IF;
    FOR o IN SELECT nspname FROM pg_namespace WHERE nspname IN ('nightshift', 'analytics', 'nightshift_work') LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO nightshift_owner', o.nspname);
    END LOOP;
    FOR o IN
        SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('nightshift', 'analytics') AND c.relkind IN ('r', 'p', 'v', 'm')
          AND NOT c.relispartition
          AND c.relname <> 'flyway_schema_history' -- Flyway's own connection holds it while this runs
    LOOP
        EXECUTE format('ALTER %s %I.%I OWNER TO nightshift_owner',
                       CASE o.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                       o.nspname, o.relname);
    END LOOP;
    -- partitions follow their parent's owner only when created; move the existing ones too
    FOR o IN
        SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'nightshift' AND c.relkind IN ('r', 'p') AND c.relispartition
    LOOP
        EXECUTE format('ALTER TABLE %I.%I OWNER TO nightshift_owner', o.nspname, o.relname);
    END LOOP;
    FOR o IN
        SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('nightshift', 'analytics')
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO nightshift_owner', o.fn);
    END LOOP;
END
$$;

-- New months of predictions are created by the application through this function, with the owner's rights.
ALTER FUNCTION ensure_predictions_partition(date) SECURITY DEFINER SET search_path = pg_catalog, nightshift;
REVOKE ALL ON FUNCTION ensure_predictions_partition(date) FROM PUBLIC;

DO $$
DECLARE
    creator text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_app') THEN
        RETURN;
    END IF;
    EXECUTE 'GRANT USAGE ON SCHEMA nightshift TO nightshift_app';
    EXECUTE 'GRANT USAGE, CREATE ON SCHEMA nightshift_work TO nightshift_app';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA nightshift TO nightshift_app';
    EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA nightshift TO nightshift_app';
    EXECUTE 'GRANT EXECUTE ON FUNCTION nightshift.ensure_predictions_partition(date) TO nightshift_app';
    -- append-only for the application (the trigger of V13 refuses it for everyone else)
    EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON nightshift.audit_log FROM nightshift_app';
    -- Flyway's history is the owner's business
    EXECUTE 'REVOKE INSERT, UPDATE, DELETE ON nightshift.flyway_schema_history FROM nightshift_app';
    -- tables and sequences of later migrations, whichever of the two roles creates them
    FOREACH creator IN ARRAY ARRAY['nightshift_owner', current_user] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = creator) THEN
            EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA nightshift GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO nightshift_app', creator);
            EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA nightshift GRANT USAGE, SELECT ON SEQUENCES TO nightshift_app', creator);
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_analyst') THEN
                EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA analytics GRANT SELECT ON TABLES TO nightshift_analyst', creator);
            END IF;
        END IF;
    END LOOP;
END
$$;
