#!/bin/sh
# Runs once, when PostgreSQL's volume is new (docker-entrypoint-initdb.d), as the
# superuser that Temporal uses: gives the application a role and a database of
# its own, so that it holds no rights over Temporal's two databases.
# Needs POSTGRES_USER and OUTBOUND_DB_PASSWORD; psql reaches the server as usual
# (the image's local socket, or PGHOST/PGPORT).
set -eu
: "${OUTBOUND_DB_PASSWORD:?set OUTBOUND_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --set password="$OUTBOUND_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE outbound LOGIN PASSWORD %L', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outbound')\gexec
SELECT 'CREATE DATABASE outbound OWNER outbound'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'outbound')\gexec
SQL
