#!/usr/bin/env bash
# Builds the browser player into target/player: wasm (profile `player`: opt-level z, LTO,
# wasm-opt -Oz), the wasm-bindgen JS glue and the stylesheet. Prints the
# gzip size of what a reader downloads.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
OUT="$ROOT/target/player"
log "building the player for wasm32 ($WASM_ROUTE route)"
"${CARGO_WASM[@]}" build --profile player --target wasm32-unknown-unknown -p twinstory-player ${WASM_BUILD_STD[@]+"${WASM_BUILD_STD[@]}"} >&2
WASM_IN="$ROOT/target/wasm32-unknown-unknown/player/twinstory-player.wasm"
rm -rf "$OUT/snippets"
mkdir -p "$OUT"
"$WASM_BINDGEN" --target web --no-typescript --out-dir "$OUT" --out-name twinstory_player "$WASM_IN"
"$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
  "$OUT/twinstory_player_bg.wasm" -o "$OUT/twinstory_player_bg.wasm.opt"
mv "$OUT/twinstory_player_bg.wasm.opt" "$OUT/twinstory_player_bg.wasm"
cp "$ROOT/public/twinstory.css" "$OUT/"

# The story compiler (YAML + Markdown) for `?story=…/story.md`: a module of
# its own that the player imports only for such URLs.
log "building the story compiler module for wasm32"
"${CARGO_WASM[@]}" build --profile player --target wasm32-unknown-unknown -p twinstory-author ${WASM_BUILD_STD[@]+"${WASM_BUILD_STD[@]}"} >&2
"$WASM_BINDGEN" --target web --no-typescript --out-dir "$OUT" --out-name twinstory_author \
  "$ROOT/target/wasm32-unknown-unknown/player/twinstory_author.wasm"
"$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
  "$OUT/twinstory_author_bg.wasm" -o "$OUT/twinstory_author_bg.wasm.opt"
mv "$OUT/twinstory_author_bg.wasm.opt" "$OUT/twinstory_author_bg.wasm"

gz() { gzip -9c "$@" | wc -c; }
wasm_gz=$(gz "$OUT/twinstory_player_bg.wasm")
js_gz=$(( $(gz "$OUT/twinstory_player.js") + $(find "$OUT/snippets" -name '*.js' -exec cat {} + 2>/dev/null | gzip -9c | wc -c) ))
author_gz=$(( $(gz "$OUT/twinstory_author_bg.wasm") + $(gz "$OUT/twinstory_author.js") ))
printf 'player size (gzip -9): wasm %d B + JS %d B = %d B\n' "$wasm_gz" "$js_gz" $((wasm_gz + js_gz))
printf 'story compiler module, loaded only for ?story=…/story.md (gzip -9): %d B\n' "$author_gz"
