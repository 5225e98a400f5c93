#!/bin/sh
# Runs once, when PostgreSQL's volume is new (docker-entrypoint-initdb.d), as the
# superuser: gives Temporal a role that may create its two databases and nothing
# more, and the application a role and a database of its own, so that neither
# holds rights over the other's data and neither is a superuser.
# Needs POSTGRES_USER, TEMPORAL_DB_PASSWORD and OUTBOUND_DB_PASSWORD; psql
# reaches the server as usual (the image's local socket, or PGHOST/PGPORT).
set -eu
: "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD}"
: "${OUTBOUND_DB_PASSWORD:?set OUTBOUND_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set temporal_password="$TEMPORAL_DB_PASSWORD" --set password="$OUTBOUND_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE temporal LOGIN CREATEDB NOSUPERUSER NOCREATEROLE PASSWORD %L', :'temporal_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'temporal')\gexec
SELECT format('CREATE ROLE outbound LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outbound')\gexec
SELECT 'CREATE DATABASE outbound OWNER outbound'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'outbound')\gexec
SQL
