#!/usr/bin/env bash
# `npm run bench`: the same set-up as the tests (PostGIS, pgRouting for the routing reference), then the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
source scripts/lib/postgres.sh
ensure_apt postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting
ensure_postgres
ensure_node_modules
exec npx --no-install tsx scripts/bench/main.ts "$@"
