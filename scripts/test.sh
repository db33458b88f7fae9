#!/usr/bin/env bash
# The whole test suite: host tests, lints, wasm tests in headless Chromium and
# end-to-end story tests. Installs what is missing first (idempotent).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
start=$(date +%s)
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

step "end-to-end story tests (Playwright + Chromium)"
cd "$ROOT/tests/e2e"
TWINSTORY_PLAYER="$ROOT/target/player" node --test --test-concurrency=2 ./*.test.mjs
