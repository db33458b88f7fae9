#!/usr/bin/env bash
# Writes fuzzing seeds: every file of the data readers' conformance corpus,
# whole and cut at every 97th byte (corpus/read_data), and the story cases
# (corpus/parse_story). Then:  cargo fuzz run read_data corpus/read_data
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=corpus/read_data
mkdir -p "$out" corpus/parse_story
n=0
while IFS= read -r -d '' f; do
  size=$(stat -c %s "$f")
  base=$(echo "${f#../crates/data/tests/conformance/}" | tr '/' '_')
  cp "$f" "$out/$base"
  for ((cut = 0; cut < size; cut += 97)); do
    head -c "$cut" "$f" > "$out/$base.cut$cut"
    n=$((n + 1))
  done
done < <(find ../crates/data/tests/conformance -type f ! -name manifest.json ! -name README.md -print0)
cp ../crates/story/tests/cases/*.md corpus/parse_story/
echo "seeds: $(ls "$out" | wc -l) data inputs ($n truncations), $(ls corpus/parse_story | wc -l) stories"
