#!/bin/sh
# Creates Temporal's two databases and brings their schemas to the version of
# the temporal-sql-tool that runs it (the schemas are built into the tool).
# Safe to run again, and run again after every upgrade of the Temporal server.
# Needs SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD.
set -eu
for db in temporal temporal_visibility; do
  temporal-sql-tool --db "$db" create-database
done
temporal-sql-tool --db temporal setup-schema -v 0.0
temporal-sql-tool --db temporal update-schema --schema-name postgresql/v12/temporal
temporal-sql-tool --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --db temporal_visibility update-schema --schema-name postgresql/v12/visibility
echo "temporal schemas are up to date"
