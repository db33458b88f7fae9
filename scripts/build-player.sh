#!/usr/bin/env bash
# Builds the browser player into target/player: wasm (opt-level z, LTO,
# wasm-opt -Oz), the wasm-bindgen JS glue and the stylesheet. Prints the
# gzip size of what a reader downloads.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
OUT="$ROOT/target/player"
log "building the player for wasm32 ($WASM_ROUTE route)"
"${CARGO_WASM[@]}" build --release --target wasm32-unknown-unknown -p twinstory-player ${WASM_BUILD_STD[@]+"${WASM_BUILD_STD[@]}"} >&2
WASM_IN="$ROOT/target/wasm32-unknown-unknown/release/twinstory-player.wasm"
mkdir -p "$OUT"
"$WASM_BINDGEN" --target web --no-typescript --out-dir "$OUT" --out-name twinstory_player "$WASM_IN"
"$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
  "$OUT/twinstory_player_bg.wasm" -o "$OUT/twinstory_player_bg.wasm.opt"
mv "$OUT/twinstory_player_bg.wasm.opt" "$OUT/twinstory_player_bg.wasm"
cp "$ROOT/public/twinstory.css" "$OUT/"
wasm_gz=$(gzip -9c "$OUT/twinstory_player_bg.wasm" | wc -c)
js_gz=$(gzip -9c "$OUT/twinstory_player.js" | wc -c)
printf 'player size (gzip -9): wasm %d B + JS %d B = %d B\n' "$wasm_gz" "$js_gz" $((wasm_gz + js_gz))
