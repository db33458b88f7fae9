#!/usr/bin/env bash
# The main job: installs what is missing, builds the player, the CLI and every
# story in stories/, and serves them on http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/build-player.sh"
source "$ROOT/scripts/setup.sh"
log "building the twinstory CLI"
cargo build --release -p twinstory-cli >&2
exec "$ROOT/target/release/twinstory" serve stories --port "${PORT:-8080}" --player "$ROOT/target/player" "$@"
