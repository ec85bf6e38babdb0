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

# Installs the locked npm packages when node_modules is missing or older than the lock file. `npm install` rather
# than `npm ci`: the registry these machines reach lacks some other platforms' optional binaries (e.g. @swc/core for
# macOS), which npm leaves out of the lock file and `npm ci` then refuses as "out of sync"; with a lock file present
# `npm install` installs exactly the locked versions.
ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    # mediasoup's own install step downloads a prebuilt worker (or meson's dependencies) and fails offline; with
    # MEDIASOUP_WORKER_BIN set it skips itself, and scripts/mediasoup/build-worker.sh builds the worker instead.
    MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-built-by-scripts/mediasoup/build-worker.sh}" \
      npm install --no-audit --no-fund --loglevel=error
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
