#!/usr/bin/env bash
# The main job: installs what is missing, builds the player, installs the
# twinstory command with it, builds every story in stories/ and serves them on http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/build-player.sh"
source "$ROOT/scripts/setup.sh"
# Installs `twinstory` with the player just built inside it (crates/cli/build.rs
# embeds target/player); --target-dir reuses this checkout's build.
log "installing the twinstory command (player built in) into ${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
cargo install --path crates/cli --locked --target-dir "$ROOT/target" >&2
exec "${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin/twinstory" serve stories --port "${PORT:-8080}" "$@"
