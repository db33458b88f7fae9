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
# Each step's name and start, for the timings printed at the end.
TIMES="$(mktemp)"
step() {
  printf '\n\033[1;34m==> %s\033[0m (%ss)\n' "$*" $(( $(date +%s) - start )) >&2
  printf '%s\t%s\t%s\n' "$(date +%s)" "${LANE:-main}" "$*" >> "$TIMES"
}
# How long each step took, printed when the suite ends, failed or not (on
# the 2-core CI machine: README.md, "Tests").
print_times() {
  printf '%s\t%s\t%s\n' "$(date +%s)" main "done" >> "$TIMES"
  echo "step timings (s):" >&2
  awk -F'\t' '
    { t[NR]=$1; lane[NR]=$2; name[NR]=$3 }
    END {
      for (i = 1; i <= NR; i++) {
        for (j = i + 1; j <= NR && lane[j] != lane[i]; j++) {}
        end = (j <= NR) ? t[j] : t[NR]
        if (name[i] !~ / done$/ && name[i] != "done") printf "  %-6s %5d  %s\n", lane[i], end - t[i], name[i]
      }
      printf "  total  %5d\n", t[NR] - t[1]
    }' "$TIMES" >&2
  rm -f "$TIMES"
}
trap print_times EXIT
# lane NAME FUNCTION: runs a function with its output prefixed by its name.
lane() {
  local name="$1"
  shift
  ( LANE="$name"; set -o pipefail; "$@" 2>&1 | sed -u "s/^/$name │ /"; step "$name done" )
}

step "format"
cargo fmt --all --check

# Two lanes run side by side: the host lane (tests, lints, fuzzing of the
# pure crates and the CLI) and the wasm lane (the player's lints, its tests in
# Chromium, the release build). They share no build directory (target/ci
# and fuzz/target; target/debug, target/player and target/wasm32-…), and
# each has long stretches that use one core only (linking, the player's LTO,
# fuzzing one target, the wasm tests in Chromium), which the other lane fills
# on the 2-core CI machine (ARCHITECTURE.md, "Testing").
# Clippy lints while the tests compile: clippy-driver (what `cargo clippy`
# runs for each workspace crate) also compiles, so the builds for the tests
# are linted with `-D warnings` instead of checked once more by `cargo
# clippy --all-targets` (the same targets: libraries, binaries, tests and
# examples; the workspace has no benches). Every cargo call of a lane passes
# the same wrapper and flags, or Cargo would rebuild what they built.
LINT=(env RUSTC_WORKSPACE_WRAPPER=clippy-driver RUSTFLAGS=-Dwarnings)

host_lane() {
  # Profile `ci` (Cargo.toml): the workspace's code lightly optimised with
  # overflow checks, dependencies fully optimised. Every later host step
  # uses the binaries this builds: nothing is compiled twice.
  step "host tests (pure crates and CLI), linted by clippy as they compile"
  "${LINT[@]}" cargo test --profile ci --workspace --exclude twinstory-player

  step "every example story validates without warnings"
  # (the CLI the tests above built and ran)
  for d in stories/*/; do ./target/ci/twinstory validate --deny-warnings "$d"; done

  # Built here, run beside the browser tests at the end (see there).
  step "fuzz targets built (every reader of downloaded bytes and story.md)"
  FUZZ_BUILD_ONLY=1 TWINSTORY_BIN="$ROOT/target/ci/twinstory" "$ROOT/fuzz/run.sh" 15
}

wasm_lane() {
  step "player, story compiler, play and basemap modules for wasm32: compiled for their tests, linted by clippy as they compile"
  "${LINT[@]}" "${CARGO_WASM[@]}" test --no-run --target wasm32-unknown-unknown -p twinstory-player -p twinstory-author -p twinstory-play -p twinstory-basemap ${WASM_BUILD_STD[@]+"${WASM_BUILD_STD[@]}"}

  step "wasm tests in headless Chromium"
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
    "${LINT[@]}" "${CARGO_WASM[@]}" test --target wasm32-unknown-unknown -p twinstory-player -p twinstory-author -p twinstory-play -p twinstory-basemap ${WASM_BUILD_STD[@]+"${WASM_BUILD_STD[@]}"}

  step "player build and size budget (fails when the base module passes scripts/size-budget)"
  "$ROOT/scripts/build-player.sh"
}

step "host and wasm lanes, side by side"
lane host host_lane &
host_pid=$!
lane wasm wasm_lane &
wasm_pid=$!
failed=()
wait "$host_pid" || failed+=(host)
wait "$wasm_pid" || failed+=(wasm)
if ((${#failed[@]})); then
  echo "the ${failed[*]} lane failed (its lines are marked with its name above)" >&2
  exit 1
fi

step "one binary: twinstory with the player built in makes and builds a story in an empty folder outside the checkout"
# As a plain `cargo build`/`cargo install` does, crates/cli/build.rs embeds
# the player just built in target/player. The same command, packages and
# profile as the host tests, so only the CLI crate recompiles (another
# selection, e.g. `cargo build -p twinstory-cli`, would resolve other
# features of shared dependencies and rebuild them); nothing builds the
# player again. `cargo install` builds the same crate with profile `release`.
env -u TWINSTORY_EMBED_PLAYER "${LINT[@]}" cargo test --profile ci --workspace --exclude twinstory-player --no-run
empty="$(mktemp -d)"
cp "$ROOT/target/ci/twinstory" "$empty/twinstory"
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

# Fuzzing (one core, 15 s per target) runs beside the browser tests; its
# output goes to a log, printed after them. Both keep the two cores busy
# (ARCHITECTURE.md, "Testing layers": the browser tests are CPU-bound).
step "fuzzing, 15 s per target, beside the browser tests"
fuzz_log="$(mktemp)"
TWINSTORY_BIN="$ROOT/target/ci/twinstory" "$ROOT/fuzz/run.sh" 15 > "$fuzz_log" 2>&1 &
fuzz_pid=$!

step "end-to-end story tests (Playwright + Chromium)"
cd "$ROOT/tests/e2e"
# Four files at a time: 127 tests took 490 s two at a time and 360 s four
# at a time, beside a build (2 cores). With four, the machine has no idle
# time left (vmstat, 143 tests, 2026-12-04): more would not be faster.
e2e=0
TWINSTORY_BIN="$ROOT/target/ci/twinstory" TWINSTORY_PLAYER="$ROOT/target/player" node --test --test-concurrency=4 ./*.test.mjs || e2e=$?

step "fuzzing's result"
fuzz=0
wait "$fuzz_pid" || fuzz=$?
cat "$fuzz_log" >&2
rm -f "$fuzz_log"
if ((fuzz)); then echo "fuzzing found a problem (above)" >&2; fi
if ((e2e)); then echo "end-to-end tests failed" >&2; fi
if ((fuzz || e2e)); then exit 1; fi

