#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory (docker-entrypoint-initdb.d).
#
# Two roles: POSTGRES_USER (superuser, owns the tables, runs migrations: the `migrate` service) and
# tideline_app (what web, worker and beat connect as). tideline_app may read and write rows but
# owns nothing, is no superuser and has no TRUNCATE, so it cannot drop or switch off the audit
# table's triggers or change session_replication_role: the append-only audit trail holds against
# the app itself (accounts/migrations/0006_audit_erasure_only_through_retention.py).
set -eu
: "${TIDELINE_APP_DB_PASSWORD:?set TIDELINE_APP_DB_PASSWORD in .env}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$TIDELINE_APP_DB_PASSWORD" -v owner="$POSTGRES_USER" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE tideline_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';
GRANT CONNECT ON DATABASE :"db" TO tideline_app;
GRANT USAGE ON SCHEMA public TO tideline_app;
-- Tables and sequences the migrations create later, owned by the migrating superuser.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tideline_app;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO tideline_app;
SQL
