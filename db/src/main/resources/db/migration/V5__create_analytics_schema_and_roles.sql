-- The analysts' side: a schema of stable views (defined in R__analytics_views.sql) and a read-only role that can
-- read those views and nothing else. Views run with their owner's rights, so the role needs no grant on the
-- internal tables. Creating roles needs CREATEROLE; on a server where the migrating user lacks it the roles are
-- skipped with a notice and must be created by an administrator (README, Security).

CREATE SCHEMA IF NOT EXISTS analytics;
COMMENT ON SCHEMA analytics IS 'Stable, documented views over Nightshift''s results, for analysts (read-only role nightshift_analyst).';

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_analyst') THEN
        CREATE ROLE nightshift_analyst NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot create role nightshift_analyst (no CREATEROLE): create it by hand, see README';
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nightshift_analyst') THEN
        EXECUTE 'GRANT USAGE ON SCHEMA analytics TO nightshift_analyst';
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO nightshift_analyst';
        EXECUTE 'REVOKE ALL ON SCHEMA nightshift FROM nightshift_analyst';
    END IF;
END
$$;
