#!/bin/sh
# Runs once, when the PostgreSQL container starts on an empty data volume
# (/docker-entrypoint-initdb.d). One database per subgraph, each owned by its own role, so
# neither subgraph can read the other's tables: what crosses between them crosses the graph.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v subjects_password="$SUBJECTS_DB_PASSWORD" \
  -v vitals_password="$VITALS_DB_PASSWORD" <<'SQL'
CREATE ROLE subjects LOGIN PASSWORD :'subjects_password';
CREATE DATABASE subjects OWNER subjects;
REVOKE ALL ON DATABASE subjects FROM PUBLIC;

CREATE ROLE vitals LOGIN PASSWORD :'vitals_password';
CREATE DATABASE vitals OWNER vitals;
REVOKE ALL ON DATABASE vitals FROM PUBLIC;
SQL
