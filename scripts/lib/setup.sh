# Shared set-up steps for scripts/start.sh and scripts/test.sh. Each step is idempotent and quiet when done.

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs Debian packages that are missing (one apt-get update per run, only when something is missing).
APT_UPDATED=""
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Installs exactly the locked npm packages (`npm ci`) when node_modules is missing or older than the lock file.
# `npm ci` never writes package.json or package-lock.json, so starting or testing a fresh clone leaves it clean; the
# lock file lists every platform's optional binaries (test/unit/lockfile.test.ts), so it fits any machine. A lock
# file out of step with package.json stops here: change dependencies with `npm install <pkg>`, which updates both.
ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    # mediasoup's own install step downloads a prebuilt worker (or meson's dependencies) and fails offline; with
    # MEDIASOUP_WORKER_BIN set it skips itself, and scripts/mediasoup/build-worker.sh builds the worker instead.
    MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-built-by-scripts/mediasoup/build-worker.sh}" \
      npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Builds the web app when any of its sources is newer than the build.
ensure_web_build() {
  local stamp=dist/web/index.html
  if [ ! -f "$stamp" ] || [ -n "$(find web contracts -newer "$stamp" -type f -print -quit)" ]; then
    log "building the web app"
    npx --no-install vite build --config web/vite.config.ts --logLevel warn
  fi
}

# A TCP port on loopback accepts connections.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Redis on 127.0.0.1:6379 (the Socket.IO adapter when several gateways serve one URL; the scale-out tests).
ensure_redis() {
  port_open 6379 && return 0
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do port_open 6379 && return 0; sleep 0.25; done
  log "Redis did not start"; return 1
}

# Mosquitto on 127.0.0.1:1883 (flood gauges and unit positions; the MQTT integration tests).
ensure_mosquitto() {
  port_open 1883 && return 0
  log "starting Mosquitto"
  local conf="${TMPDIR:-/tmp}/harbin-mosquitto.conf"
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$conf"
  mosquitto -d -c "$conf"
  for _ in $(seq 1 20); do port_open 1883 && return 0; sleep 0.25; done
  log "Mosquitto did not start"; return 1
}
