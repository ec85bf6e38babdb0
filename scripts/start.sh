#!/usr/bin/env bash
# `npm start`: installs what the platform needs on a fresh machine, builds the web app, and starts the gateway.
# Honours PORT, DATABASE_URL (unset: embedded PostGIS under DATA_DIR), DATA_DIR and CITY_DATA_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
# GDAL converts planners' exports (CSV, GeoPackage, KML); without it only those exports answer 503.
ensure_apt gdal-bin || log "GDAL could not be installed: CSV, GeoPackage and KML exports will be unavailable"
# The situation report PDF embeds Chinese text in Noto Sans CJK; without the font only that PDF answers 503.
ensure_apt fonts-noto-cjk || log "fonts-noto-cjk could not be installed: the situation report PDF will be unavailable"
ensure_node_modules
# Video: ffmpeg feeds the simulated cameras; the mediasoup worker is built offline (or taken from the cache) when
# npm could not download one. Either failing leaves the platform running without video, and /api/health says why.
ensure_apt ffmpeg || log "ffmpeg could not be installed: simulated cameras will not stream"
bash scripts/mediasoup/build-worker.sh || log "mediasoup-worker is not available: the platform starts without video"
ensure_web_build
exec npx --no-install tsx gateway/main.ts
