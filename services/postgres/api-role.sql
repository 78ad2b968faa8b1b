-- The api's read-only login role (docs/operations.md, "Security"). Run by a role that may CREATE ROLE
-- (the superuser), connected to the dashboard's database:
--   psql -X -v api_user=dashboard_api -v api_password=SECRET -d server_db -f api-role.sql
-- Used by services/postgres/entrypoint.sh (compose) and deploy/local/postgres.sh (make run);
-- with an external PostgreSQL (Kubernetes) an administrator runs it once.
--
-- Idempotent: creates what is missing and (re)sets the password. The api logs in as
-- api_user, a member of the NOLOGIN group role dashboard_read; the collector's role owns
-- the schema, and every `collector migrate` / `collector run` grants dashboard_read
-- SELECT on each table (Migrator.grantReadAccess) — so the api can read and nothing else:
-- no INSERT, UPDATE, DELETE, TRUNCATE or DDL.
\set ON_ERROR_STOP on
SELECT EXISTS (SELECT FROM pg_database WHERE pg_get_userbyid(datdba) = :'api_user')
    OR EXISTS (SELECT FROM pg_roles WHERE rolname = :'api_user' AND rolsuper) AS api_user_is_powerful \gset
\if :api_user_is_powerful
DO $$ BEGIN RAISE EXCEPTION 'the api role owns a database or is a superuser: give the api a role of its own (API_DB_USER)'; END $$;
\endif
SELECT 'CREATE ROLE dashboard_read NOLOGIN'
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dashboard_read') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'api_user')
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'api_user') \gexec
ALTER ROLE :"api_user" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'api_password';
GRANT dashboard_read TO :"api_user";
-- PostgreSQL 15 and later already deny CREATE in schema public to PUBLIC; older ones do
-- not: revoke it, keeping it for the database's owner (the collector's role, which migrates).
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', pg_get_userbyid(datdba))
    FROM pg_database WHERE datname = current_database() \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
