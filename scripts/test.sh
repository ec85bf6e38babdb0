#!/usr/bin/env bash
# `npm test`: installs what the tests need on a fresh Debian 12 machine (PostgreSQL + PostGIS, Redis, Mosquitto,
# Chromium, CJK fonts, ffmpeg, GDAL, npm packages), starts PostgreSQL, Redis and Mosquitto when they are not running, then
# runs the static checks and every jest suite.
# The suite runs against a real PostGIS (TEST_DATABASE_URL) and, for start-up/import/tiles, the embedded backend.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
source scripts/lib/postgres.sh

ensure_apt postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting chromium fonts-noto-cjk ffmpeg redis-server mosquitto gdal-bin poppler-utils libxml2-utils qgis python3-qgis python3-owslib curl
ensure_postgres
ensure_redis
ensure_mosquitto
ensure_node_modules
bash scripts/mediasoup/build-worker.sh
ensure_web_build

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-$DEFAULT_TEST_DATABASE_URL}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
export TEST_MQTT_URL="${TEST_MQTT_URL:-mqtt://127.0.0.1:1883}"
mkdir -p test-output

log "typecheck, lint, format"
npm run --silent check

log "jest"
status=0
npx --no-install jest --ci --json --outputFile=test-output/jest.json "$@" || status=$?
node -e '
  const r = require("./test-output/jest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
