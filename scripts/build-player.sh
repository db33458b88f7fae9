#!/usr/bin/env bash
# Builds the browser player into target/player: the base module (wasm with
# profile `player`: opt-level z, LTO, wasm-opt -Oz; the wasm-bindgen JS glue; the stylesheet)
# and the modules only some stories load (story compiler, data readers,
# playback through time).
# Prints the gzip size of each module and fails when the base passes its
# budget (scripts/size-budget).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
# shellcheck source=size-budget
source "$ROOT/scripts/size-budget"
cd "$ROOT"
OUT="$ROOT/target/player"
rm -rf "$OUT/snippets"
mkdir -p "$OUT"

# cargo_build PACKAGE…: the packages' wasm32 builds, in one cargo call.
# build_module: wasm-bindgen, wasm-opt -Oz (with --converge for the base only:
# rerunning the passes until nothing shrinks saved 199 B gzip of the base and
# 169 B of the story compiler, whose wasm-opt it made take 56 s instead of
# 27 s on the 2-core machine).
cargo_build() {
  log "building $* for wasm32 (Debian's rustc-web with build-std)"
  local p=()
  for c in "$@"; do case "$c" in -*) p+=("$c") ;; *) p+=(-p "$c") ;; esac; done
  "${CARGO_PLAYER[@]}" build --profile player --target wasm32-unknown-unknown "${p[@]}" "${PLAYER_BUILD_STD[@]}" >&2
}
# build_module PACKAGE WASM_NAME OUT_NAME [CONVERGE] (after cargo_build):
# wasm-bindgen, wasm-opt and the glue's short names.
build_module() {
  "$WASM_BINDGEN" --target web --no-typescript --out-dir "$OUT" --out-name "$3" \
    "$ROOT/target/wasm32-unknown-unknown/player/$2.wasm"
  # wasm-streams' classes (a dependency of leptos's server_fn), exported from
  # every module that links it; the player streams nothing: out before
  # wasm-opt, which then drops their code (scripts/wasm-glue.py).
  python3 "$ROOT/scripts/wasm-glue.py" drop-classes "$OUT/$3_bg.wasm" "$OUT/$3.js" \
    IntoUnderlyingByteSource IntoUnderlyingSink IntoUnderlyingSource
  # --low-memory-unused: Rust puts the stack first (addresses 0 to 1 MiB,
  # growing down; data from 1 MiB), so the lowest 1 KiB is touched only by
  # a stack overflow, and binaryen may fold constant offsets into loads and
  # stores; with --converge and without the producers/target-features
  # sections it saves about 2.3 KB gzip of the base (measured with the same
  # binaryen on the same build).
  "$WASM_OPT" -Oz --low-memory-unused ${4:+--converge} --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    "$OUT/$3_bg.wasm" -o "$OUT/$3_bg.wasm.opt"
  mv "$OUT/$3_bg.wasm.opt" "$OUT/$3_bg.wasm"
  # The names between the wasm and its glue (imports with a hash each, the
  # exports the glue calls) become short ones in both files: 8.7 KB gzip of
  # the base.
  python3 "$ROOT/scripts/wasm-glue.py" short-names "$OUT/$3_bg.wasm" "$OUT/$3.js"
}

# The base: what every reader downloads. Built on its own: one cargo call
# unifies the features of shared dependencies over its packages; with the
# other modules' features (the model's `schema`, serde's `alloc` and more
# web-sys types among them) the base came out 83 B larger (measured
# 2026-12-04; which feature costs the bytes was not measured).
# Twice: with 3D (`twinstory_player`: stories with `extrude`, and pages
# that play `?story=…`) and without it (`twinstory_flat`, the feature
# `solid` off: what a story without `extrude` downloads; `twinstory build`
# ships each story the one it needs). The second build compiles only the
# map, the scene and the player again (the features of the other crates do
# not change).
cargo_build twinstory-player
build_module twinstory-player twinstory-player twinstory_player converge
cargo_build twinstory-player --no-default-features
build_module twinstory-player twinstory-player twinstory_flat converge
cp "$ROOT/public/twinstory.css" "$OUT/"
# The other modules in one cargo call: built one by one, each selection
# resolved other features of the shared dependencies and compiled them
# again (three calls: 173 s; one: 81 s, on the 2-core machine beside
# other builds, 2026-12-04).
cargo_build twinstory-author twinstory-sources twinstory-play twinstory-basemap
# The story compiler (YAML + Markdown), imported only for `?story=…/story.md`.
build_module twinstory-author twinstory_author twinstory_author
# The data readers (GeoJSON, CSV, Overpass, OGC API – Features, WFS,
# SensorThings), imported only for layers `twinstory build` did not pack.
build_module twinstory-sources twinstory_sources twinstory_sources
# Playback through time (a step's `play`), imported only by stories with one.
build_module twinstory-play twinstory_play twinstory_play
# Basemap tiles, imported only by stories with a `basemap`.
build_module twinstory-basemap twinstory_basemap twinstory_basemap

gz() { gzip -9c "$@" | wc -c; }
snippets_js=$(find "$OUT/snippets" -name '*.js' -exec cat {} + 2>/dev/null | gzip -9c | wc -c)
base_wasm=$(gz "$OUT/twinstory_flat_bg.wasm")
base_js=$(( $(gz "$OUT/twinstory_flat.js") + snippets_js ))
base=$((base_wasm + base_js))
base3d_wasm=$(gz "$OUT/twinstory_player_bg.wasm")
base3d_js=$(( $(gz "$OUT/twinstory_player.js") + snippets_js ))
base3d=$((base3d_wasm + base3d_js))
module_line() {
  local wasm js
  wasm=$(gz "$OUT/$1_bg.wasm")
  js=$(gz "$OUT/$1.js")
  printf '%-18s wasm %7d B + JS %6d B = %7d B  %s\n' "$1" "$wasm" "$js" $((wasm + js)) "$2"
}
echo "player modules (gzip -9):"
printf '%-18s wasm %7d B + JS %6d B = %7d B  %s\n' base "$base_wasm" "$base_js" "$base" "every story without 3D (budget $BASE_BUDGET B)"
printf '%-18s wasm %7d B + JS %6d B = %7d B  %s\n' "base with 3D" "$base3d_wasm" "$base3d_js" "$base3d" "instead, stories with extrude and ?story= pages (budget $BASE_3D_BUDGET B)"
module_line twinstory_sources "only layers read while the story plays (remote files, services, unbuilt stories)"
module_line twinstory_author "only ?story=…/story.md"
module_line twinstory_play "only stories with a step's play (time)"
module_line twinstory_basemap "only stories with a basemap (tiles)"
# core's float parser (`str::parse::<f64>`) brings a table of 10,416
# bytes that gzip cannot shrink; the base reads numbers from text with
# twinstory_model::decimal instead. The table starts with 5^-342's 128-bit
# significand, 0xeef453d6923bd65a, stored little-endian.
if python3 -c 'import sys; sys.exit(0 if bytes.fromhex("5ad63b92d653f4ee") in open(sys.argv[1], "rb").read() else 1)' "$OUT/twinstory_player_bg.wasm"; then
  echo "the base module carries core's float parser and its 10 KB table: read numbers from text with twinstory_model::decimal::parse_f64, not str::parse::<f64>" >&2
  exit 1
fi
# core's float formatting (`{}` and `{:.n}` on f64: Grisu, Dragon and their
# tables); the base writes numbers with twinstory_model::decimal::{Shortest,
# Fixed}. Grisu's table of cached powers starts with 0xe61acf033d1a45df.
if python3 -c 'import sys; sys.exit(0 if bytes.fromhex("df451a3d03cf1ae6") in open(sys.argv[1], "rb").read() else 1)' "$OUT/twinstory_player_bg.wasm"; then
  echo "the base module carries core's float formatting: write numbers with twinstory_model::decimal::Shortest or Fixed, not format!(\"{}\") or format!(\"{:.N}\") on an f64" >&2
  exit 1
fi
# serde_json's parser (generic code for its Deserializer and a table of 309
# powers of ten, 2.5 KB that gzip cannot shrink); the base reads JSON with
# twinstory_model::json_syntax::parse instead. The table holds 1e300, 1e301
# and 1e302 in a row (little-endian f64s).
if python3 -c 'import sys; sys.exit(0 if bytes.fromhex("9c7500883ce4377e039300aa4bdd6d7ee25b404a4faaa27e") in open(sys.argv[1], "rb").read() else 1)' "$OUT/twinstory_player_bg.wasm"; then
  echo "the base module carries serde_json's parser and its table of powers of ten: read JSON with twinstory_model::json_syntax::parse, not serde_json::from_slice or from_str" >&2
  exit 1
fi
if [ "${TWINSTORY_PANIC_MESSAGES:-}" = 1 ]; then
  echo "TWINSTORY_PANIC_MESSAGES=1: a player for debugging, whose panics print their message; do not ship it (its base is not held to the budget)" >&2
elif (( base > BASE_BUDGET )); then
  echo "the base module is $base B gzip, over its budget of $BASE_BUDGET B (scripts/size-budget): move what only some stories use into a module of its own (ARCHITECTURE.md, Size budget)" >&2
  exit 1
elif (( base3d > BASE_3D_BUDGET )); then
  echo "the base with 3D is $base3d B gzip, over its budget of $BASE_3D_BUDGET B (scripts/size-budget): move what only some stories use into a module of its own (ARCHITECTURE.md, Size budget)" >&2
  exit 1
fi
