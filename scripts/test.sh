#!/usr/bin/env bash
# The whole test suite: host tests, lints, wasm tests in headless Chromium and
# end-to-end story tests. Installs what is missing first (idempotent).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
start=$(date +%s)
# The host builds of the CLI embed no player (crates/cli/build.rs): they
# never wait for the wasm build; the "one binary" step below embeds it.
export TWINSTORY_EMBED_PLAYER=none
step() { printf '\n\033[1;34m==> %s\033[0m (%ss)\n' "$*" $(( $(date +%s) - start )) >&2; }

step "format"
cargo fmt --all --check

step "host tests (pure crates and CLI)"
cargo test --release --workspace --exclude twinstory-player

step "clippy (host)"
cargo clippy --release --workspace --exclude twinstory-player --all-targets -- -D warnings

step "clippy (player and story compiler module, wasm32)"
# (the dev profile, as the wasm tests below: they share the proc-macro builds)
"${CARGO_WASM[@]}" clippy --target wasm32-unknown-unknown -p twinstory-player -p twinstory-author --all-targets ${WASM_BUILD_STD[@]+"${WASM_BUILD_STD[@]}"} -- -D warnings

step "every example story validates without warnings"
cargo build --release -p twinstory-cli
for d in stories/*/; do ./target/release/twinstory validate --deny-warnings "$d"; done

step "fuzzing: every reader of downloaded bytes and story.md, 15 s each"
TWINSTORY_BIN="$ROOT/target/release/twinstory" "$ROOT/fuzz/run.sh" 15

step "wasm tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  "${CARGO_WASM[@]}" test --target wasm32-unknown-unknown -p twinstory-player ${WASM_BUILD_STD[@]+"${WASM_BUILD_STD[@]}"}

step "player build and size budget (fails when the base module passes scripts/size-budget)"
"$ROOT/scripts/build-player.sh"

step "one binary: twinstory with the player built in makes and builds a story in an empty folder outside the checkout"
# As a plain `cargo build`/`cargo install` does, crates/cli/build.rs embeds
# the player just built in target/player (only the CLI crate recompiles;
# nothing builds the player again).
env -u TWINSTORY_EMBED_PLAYER cargo build --release -p twinstory-cli
empty="$(mktemp -d)"
cp "$ROOT/target/release/twinstory" "$empty/twinstory"
(
  cd "$empty" && unset TWINSTORY_PLAYER
  version="$(./twinstory --version)"
  echo "$version"
  hash="$(sed -n 's/.*(player \([0-9a-f]\{16\}\),.*/\1/p' <<<"$version")"
  [ -n "$hash" ] || { echo "twinstory --version names no player: $version" >&2; exit 1; }
  ./twinstory new probe --dir stories
  ./twinstory build stories/probe --out site
  [ -f site/index.html ] && [ -f site/story.json ] && [ -f "site/twinstory_player_bg-$hash.wasm" ] \
    || { echo "the built site lacks the page, story.json or the player named by --version" >&2; ls -la site >&2; exit 1; }
)
rm -rf "$empty"

step "end-to-end story tests (Playwright + Chromium)"
cd "$ROOT/tests/e2e"
TWINSTORY_PLAYER="$ROOT/target/player" node --test --test-concurrency=2 ./*.test.mjs
