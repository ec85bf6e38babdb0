#!/usr/bin/env bash
# Makes `require('mediasoup').createWorker()` work on a machine with no internet (and on an air-gapped network).
#
# mediasoup's own install downloads a prebuilt mediasoup-worker from GitHub, or builds one with meson subprojects
# downloaded from the internet. Where neither is reachable, this script builds the worker from the C++ sources the npm
# package ships (node_modules/mediasoup/worker), against Debian 12's libraries:
#   1. if a working worker is already where mediasoup looks for it (mediasoup's own download, or this script's earlier
#      run with the same patches), do nothing;
#   2. if the cache holds a binary for this mediasoup version and these patches, put it in place (seconds);
#   3. otherwise install the Debian build packages that are missing, copy the sources to a temporary directory (never
#      editing node_modules), apply patches/*.patch and compat/, build with meson + ninja, and store the binary in the
#      cache: ${MEDIASOUP_WORKER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/harbin-platform/mediasoup-worker}/
#      <mediasoup version>-<patch hash>/mediasoup-worker, outside the checkout, so `npm ci` does not throw it away.
# The binary is then copied to node_modules/mediasoup/worker/out/Release/mediasoup-worker, mediasoup's default
# lookup path, so no environment variable is needed at run time. media/worker/locate.ts finds the same cache entry.
#
# The patch hash covers every file in scripts/mediasoup except *.md: changing a patch or this script rebuilds.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/setup.sh

SCRIPT_DIR=scripts/mediasoup
PKG_DIR=node_modules/mediasoup
RELEASE_DIR=$PKG_DIR/worker/out/Release
DEFAULT_BIN=$RELEASE_DIR/mediasoup-worker
# Written next to a binary this script placed; a binary without it came from mediasoup's own install.
KEY_FILE=$RELEASE_DIR/mediasoup-worker.build-key
BUILD_PACKAGES=(g++ make pkg-config patch meson ninja-build python3 libuv1-dev libssl-dev libsrtp2-dev libabsl-dev
  libflatbuffers-dev flatbuffers-compiler)

fail() { printf '\033[1m[mediasoup-worker]\033[0m %s\n' "$*" >&2; exit 1; }

# sha256 over "<sha256>  <path>" lines of every build input, sorted by path; 12 hex digits (media/worker/cache.ts
# computes the same value).
patch_hash() {
  (cd "$SCRIPT_DIR" && find . -type f ! -name '*.md' -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum) |
    sha256sum | cut -c1-12
}

# mediasoup-worker refuses to run without MEDIASOUP_VERSION and exits with 41: that exit code shows the binary and
# its shared libraries load on this machine.
binary_loads() {
  local status=0
  [ -x "$1" ] || return 1
  env -i "$1" >/dev/null 2>&1 || status=$?
  [ "$status" = 41 ]
}

# The acceptance check: createWorker() with the default lookup and no MEDIASOUP_WORKER_BIN.
worker_starts() {
  env -u MEDIASOUP_WORKER_BIN node -e '
    const timer = setTimeout(() => { console.error("createWorker() timed out"); process.exit(1); }, 20000);
    require("mediasoup").createWorker({ logLevel: "error" }).then(
      (worker) => { worker.close(); clearTimeout(timer); },
      (error) => { console.error(String(error)); process.exit(1); },
    );'
}

# Copies the binary into mediasoup's default path atomically and records which build it is.
place_default() {
  mkdir -p "$RELEASE_DIR"
  cp "$1" "$DEFAULT_BIN.tmp.$$"
  chmod 755 "$DEFAULT_BIN.tmp.$$"
  mv -f "$DEFAULT_BIN.tmp.$$" "$DEFAULT_BIN"
  printf '%s\n' "$KEY" >"$KEY_FILE"
}

build() {
  local work src
  ensure_apt "${BUILD_PACKAGES[@]}"
  work=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  src=$work/worker
  log "building mediasoup-worker $VERSION from source against Debian's libraries (about 7 minutes on 2 cores)"
  cp -a "$PKG_DIR/worker" "$src"
  rm -rf "$src/out" "$src/prebuild"
  for p in "$SCRIPT_DIR"/patches/*.patch; do
    patch -d "$src" -p1 --forward --batch --silent <"$p" || fail "patch $(basename "$p") does not apply to mediasoup $VERSION: port it (see scripts/mediasoup/README.md)"
  done
  cp -a "$SCRIPT_DIR/compat" "$src/compat"
  meson setup --buildtype release -Db_ndebug=true "$work/build" "$src" >"$work/meson.log" 2>&1 ||
    { cat "$work/meson.log" >&2; fail "meson setup failed"; }
  ninja -C "$work/build" mediasoup-worker >"$work/ninja.log" 2>&1 ||
    { tail -n 60 "$work/ninja.log" >&2; fail "compiling mediasoup-worker failed"; }
  strip "$work/build/mediasoup-worker"
  binary_loads "$work/build/mediasoup-worker" || fail "the built mediasoup-worker does not run"
  mkdir -p "$CACHE_DIR"
  cp "$work/build/mediasoup-worker" "$CACHE_BIN.tmp.$$"
  mv -f "$CACHE_BIN.tmp.$$" "$CACHE_BIN"
  {
    echo "mediasoup $VERSION, patch hash $PATCH_HASH, built $(date -u +%FT%TZ) on $(. /etc/os-release && echo "$PRETTY_NAME")"
    dpkg-query -W -f='${Package} ${Version}\n' libuv1-dev libssl-dev libsrtp2-dev libabsl-dev libflatbuffers-dev
  } >"$CACHE_DIR/build-info.txt"
  rm -rf "$work"
  trap - EXIT
}

[ -f "$PKG_DIR/package.json" ] || fail "mediasoup is not installed: run npm ci first"
VERSION=$(node -p "require('./$PKG_DIR/package.json').version")
PATCH_HASH=$(patch_hash)
KEY=$VERSION-$PATCH_HASH
CACHE_DIR=${MEDIASOUP_WORKER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/harbin-platform/mediasoup-worker}/$KEY
CACHE_BIN=$CACHE_DIR/mediasoup-worker

if binary_loads "$DEFAULT_BIN"; then
  if [ ! -f "$KEY_FILE" ]; then
    # Put there by mediasoup's own install (a prebuilt download where the internet is reachable).
    worker_starts && exit 0
    log "the mediasoup-worker in $RELEASE_DIR does not start; replacing it"
  elif [ "$(cat "$KEY_FILE")" = "$KEY" ]; then
    exit 0
  fi
fi

# One build at a time per cache (npm test and npm start may run together).
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.lock"
flock 9
binary_loads "$CACHE_BIN" || build
place_default "$CACHE_BIN"
worker_starts || fail "mediasoup-worker was built but createWorker() fails"
log "mediasoup-worker $KEY ready"
