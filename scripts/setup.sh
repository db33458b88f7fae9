#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently.
# Sourced by scripts/serve.sh and scripts/test.sh; a second run only checks.
#
# After sourcing: $CARGO_WASM (command to build for wasm32: tests),
# $CARGO_PLAYER and $PLAYER_BUILD_STD (the player's release build), $WASM_OPT,
# $WASM_BINDGEN, and PATH with the tools.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools live outside the repo so that a clean clone on the same machine reuses them.
TOOLS="${TWINSTORY_TOOLS:-$HOME/.local/share/twinstory-tools}"
mkdir -p "$TOOLS"
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$TOOLS/bin:$PATH"

# --- apt packages --------------------------------------------------------
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v curl >/dev/null || need_apt+=(curl)
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
if ((${#need_apt[@]})); then
  log "installing apt packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# --- the wasm32 target ---------------------------------------------------
# Route 1: rustup (normal). Route 2: Debian's rustc-web with -Zbuild-std.
WASM_ROUTE=""
if command -v rustup >/dev/null; then
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    WASM_ROUTE=rustup
  else
    log "adding the wasm32 target with rustup (2 min limit)"
    if timeout 120 rustup target add wasm32-unknown-unknown >&2 \
       && rustup target list --installed | grep -qx wasm32-unknown-unknown; then
      WASM_ROUTE=rustup
    fi
  fi
fi
# Debian's rustc-web with its standard library's source: the wasm tests'
# route when rustup cannot add the target, and the player's release build's
# always (below).
if ! dpkg -s rustc-web cargo-web rust-web-src lld-22 >/dev/null 2>&1 \
   || [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src ]; then
  log "installing Debian's rustc-web with the standard library's source (build-std)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web rust-web-src lld-22 >/dev/null
fi
[ -n "$WASM_ROUTE" ] || WASM_ROUTE=debian
if [ "$WASM_ROUTE" = rustup ]; then
  CARGO_WASM=(cargo)
  WASM_BUILD_STD=()
else
  CARGO_WASM=(env PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 /usr/bin/cargo)
  WASM_BUILD_STD=(-Zbuild-std=std,panic_abort)
fi
# The player's release build (scripts/build-player.sh), on either route:
# Debian's compiler with the standard library compiled with the player (the
# source rustup would need, rust-src, is not on these machines), at the
# player's opt-level, with std's `optimize_for_size`, and panics that stop
# the module without formatting a message (`immediate-abort`). Measured on
# the base module, gzip: 283.7 KB with rustup's prebuilt std; 277.6 KB with
# std built along; 272.7 KB with optimize_for_size; 253.1 KB with
# immediate-abort too (docs/facts.md). TWINSTORY_PANIC_MESSAGES=1 builds a
# player whose panics print their message and place to the console, for
# debugging; it is larger and must not be shipped.
PLAYER_RUSTFLAGS="${RUSTFLAGS:-}"
if [ "${TWINSTORY_PANIC_MESSAGES:-}" != 1 ]; then
  PLAYER_RUSTFLAGS="${PLAYER_RUSTFLAGS:+$PLAYER_RUSTFLAGS }-Zunstable-options -Cpanic=immediate-abort"
fi
CARGO_PLAYER=(env PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 RUSTFLAGS="$PLAYER_RUSTFLAGS" /usr/bin/cargo)
PLAYER_BUILD_STD=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
export WASM_ROUTE

# --- wasm-bindgen-cli at the Cargo.lock version --------------------------
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock" 2>/dev/null || true)"
WB_VERSION="${WB_VERSION:-0.2.130}"
WASM_BINDGEN="$TOOLS/bin/wasm-bindgen"
if ! { [ -x "$WASM_BINDGEN" ] && "$WASM_BINDGEN" --version | grep -q " $WB_VERSION\$"; }; then
  log "installing wasm-bindgen-cli $WB_VERSION (takes ~4 minutes once)"
  if ! cargo install wasm-bindgen-cli --version "$WB_VERSION" --locked --root "$TOOLS" >&2; then
    # The registry mirror can lack the exact webpki-roots that the lock file
    # names; re-lock just that crate to an older patch release and retry.
    log "retrying wasm-bindgen-cli with webpki-roots re-locked"
    tmp="$(mktemp -d)"
    src="$tmp/wasm-bindgen-cli-$WB_VERSION"
    crate="$(ls -d "$HOME"/.cargo/registry/cache/*/wasm-bindgen-cli-"$WB_VERSION".crate | head -1)"
    tar -xzf "$crate" -C "$tmp"
    (cd "$src" && cargo update -p webpki-roots --precise 1.0.10 >&2 \
      && cargo install --path . --locked --root "$TOOLS" >&2)
    rm -rf "$tmp"
  fi
fi

# --- npm tools (exact pins) ----------------------------------------------
NPM_DIR="$ROOT/tests/e2e"
if [ ! -x "$NPM_DIR/node_modules/.bin/wasm-opt" ] || [ ! -d "$NPM_DIR/node_modules/playwright-core" ] \
   || [ ! -d "$NPM_DIR/node_modules/maplibre-gl" ] || [ ! -d "$NPM_DIR/node_modules/axe-core" ] \
   || [ "$NPM_DIR/package-lock.json" -nt "$NPM_DIR/node_modules/.stamp" ]; then
  log "installing npm packages (binaryen, playwright-core, axe-core for the accessibility test, maplibre-gl for the benchmark)"
  (cd "$NPM_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$NPM_DIR/node_modules/.stamp"
fi
WASM_OPT="$NPM_DIR/node_modules/.bin/wasm-opt"
export WASM_OPT WASM_BINDGEN

# --- pygeoapi (a real OGC API - Features server for the browser tests) ----
PYGEOAPI_VENV="$TOOLS/pygeoapi-venv"
PYGEOAPI_REQS="$ROOT/tests/e2e/pygeoapi-requirements.txt"
if [ ! -x "$PYGEOAPI_VENV/bin/python" ] || [ "$PYGEOAPI_REQS" -nt "$PYGEOAPI_VENV/.stamp" ]; then
  log "installing pygeoapi into $PYGEOAPI_VENV"
  python3 -m venv "$PYGEOAPI_VENV" >&2 || { apt-get install -y -qq python3-venv >&2 && python3 -m venv "$PYGEOAPI_VENV" >&2; }
  "$PYGEOAPI_VENV/bin/pip" install -q --disable-pip-version-check -r "$PYGEOAPI_REQS" >&2
  touch "$PYGEOAPI_VENV/.stamp"
fi
PYGEOAPI_PYTHON="$PYGEOAPI_VENV/bin/python"
export PYGEOAPI_PYTHON
