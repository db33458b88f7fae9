#!/usr/bin/env bash
# Writes <file>.gz (gzip -9) and <file>.br (brotli -q 11) beside every
# compressible file of a built site, for nginx's gzip_static/brotli_static
# and Caddy's `precompressed`: the best compression once, no CPU per request.
# Run it after every `twinstory build` (a stale .gz beside a new file would
# be served in its place); keeps a variant only when it is smaller.
#
#   deploy/precompress.sh dist            # gzip and, when installed, brotli
#
# Do not upload the .gz/.br files to buckets or CMSs that do not negotiate
# Content-Encoding by themselves (see docs/deploy.md).
set -euo pipefail
dir="${1:?usage: deploy/precompress.sh <built site folder>}"
[ -d "$dir" ] || { echo "precompress: $dir is not a folder" >&2; exit 1; }
have_brotli=1
command -v brotli >/dev/null || { have_brotli=0; echo "precompress: no brotli command (Debian: apt-get install brotli); gzip only" >&2; }
n=0
while IFS= read -r -d '' f; do
  size=$(stat -c %s "$f")
  gzip -9 -n -c "$f" > "$f.gz"
  # The same modification time as the original: nginx's ETag and
  # Last-Modified of a precompressed answer come from the .gz/.br file.
  if [ "$(stat -c %s "$f.gz")" -lt "$size" ]; then touch -r "$f" "$f.gz"; else rm -f "$f.gz"; fi
  if [ "$have_brotli" = 1 ]; then
    brotli -q 11 -f -c "$f" > "$f.br"
    if [ "$(stat -c %s "$f.br")" -lt "$size" ]; then touch -r "$f" "$f.br"; else rm -f "$f.br"; fi
  fi
  n=$((n + 1))
done < <(find "$dir" -type f \( -name '*.html' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' \
  -o -name '*.json' -o -name '*.wasm' -o -name '*.tsp' -o -name '*.svg' -o -name '*.md' \
  -o -name '*.csv' -o -name '*.geojson' -o -name '*.txt' \) -size +255c -print0)
echo "precompress: $n files in $dir" >&2
