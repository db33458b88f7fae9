#!/usr/bin/env bash
# Writes fuzzing seeds into fuzz/corpus/<target>/ from real files:
#   read_data          the data readers' conformance corpus, whole and cut
#   parse_story        the story cases and the example stories
#   read_packed        the packed layers of the example stories as
#                      `twinstory build` writes them, whole and cut
#   read_sensorthings  recorded SensorThings answers and hand-written pages
#   read_ogc_page      recorded OGC API – Features pages, WFS GeoJSON pages and
#                      an XML exception report, plus the GeoJSON corpus files
#   story_json         the example stories built, and the models of the story
#                      cases' snapshots
#   read_cityjson      the CityJSON files of the stories, the data crate's
#                      tests and the story cases, whole and cut
# Recorded service answers come from ../shared/data/hamburg/ogc-recorded when
# that folder exists (set TWINSTORY_SHARED to point elsewhere); without it the
# hand-written seeds are used. The built stories need the CLI: the script uses
# target/release/twinstory and builds it when it is missing.
# Then:  cargo fuzz run read_data corpus/read_data   (or fuzz/run.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$(cd .. && pwd)"

# A file whole and cut at up to 8 places at least 97 bytes apart (the fuzzer
# cuts further by itself).
whole_and_cut() {
  local f=$1 out=$2 base=$3
  local size step
  size=$(stat -c %s "$f")
  step=$(( size / 8 > 97 ? size / 8 : 97 ))
  cp "$f" "$out/$base"
  for ((cut = 0; cut < size; cut += step)); do
    head -c "$cut" "$f" > "$out/$base.cut$cut"
  done
}

for t in read_data parse_story read_packed read_sensorthings read_ogc_page story_json read_cityjson; do
  mkdir -p "corpus/$t"
done

# Data readers: the conformance corpus (tests/conformance.rs itself reads
# every file cut at every 97th byte; here a few cuts per file are enough).
while IFS= read -r -d '' f; do
  base=$(echo "${f#../crates/data/tests/conformance/}" | tr '/' '_')
  whole_and_cut "$f" corpus/read_data "$base"
  case "$f" in
    *.geojson | *.json) cp "$f" "corpus/read_ogc_page/$base" ;;
  esac
done < <(find ../crates/data/tests/conformance -type f ! -name manifest.json ! -name README.md -print0)

# CityJSON.
for f in ../stories/*/data/*.city.json ../crates/data/tests/data/*.city.json ../crates/story/tests/cases/data/*.city.json; do
  if [[ -f "$f" ]]; then
    whole_and_cut "$f" corpus/read_cityjson "$(basename "$f")"
  fi
done

# Stories.
cp ../crates/story/tests/cases/*.md corpus/parse_story/
for s in ../stories/*/story.md; do
  cp "$s" "corpus/parse_story/example_$(basename "$(dirname "$s")").md"
done

# The models in the story cases' snapshots are story.json as the build writes it.
for e in ../crates/story/tests/cases/*.expected; do
  if grep -q '^== model$' "$e"; then
    sed '1,/^== model$/d' "$e" > "corpus/story_json/case_$(basename "$e" .expected).json"
  fi
done

# The example stories built: story.json and packed layers. The player files
# are not needed for that, so empty stand-ins take their place.
cli="${TWINSTORY_BIN:-$ROOT/target/release/twinstory}"
if [[ ! -x "$cli" ]]; then
  (cd "$ROOT" && cargo build --release -p twinstory-cli >&2)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/player" "$tmp/site"
for f in twinstory_player.js twinstory_player_bg.wasm twinstory.css; do
  : > "$tmp/player/$f"
done
if ! "$cli" build "$ROOT/stories" --out "$tmp/site" --player "$tmp/player" > "$tmp/build.log" 2>&1; then
  cat "$tmp/build.log" >&2
  echo "seeds: the example stories did not build; story_json and read_packed get fewer seeds" >&2
fi
while IFS= read -r -d '' f; do
  name=$(echo "${f#"$tmp/site/"}" | tr '/' '_')
  case "$f" in
    */story.json) cp "$f" "corpus/story_json/built_$name" ;;
    *.tsp) whole_and_cut "$f" corpus/read_packed "$name" ;;
  esac
done < <(find "$tmp/site" -type f \( -name story.json -o -name '*.tsp' \) -print0)

# Service answers, hand-written: the shapes the readers must handle.
cat > corpus/read_sensorthings/page_two_things.json <<'EOF'
{"@iot.nextLink":"https://sensors.example/v1.1/Things?$skip=2","value":[
 {"@iot.id":1,"name":"Luftmessnetz Sternschanze","Locations":[{"location":{"type":"Point","coordinates":[9.9683,53.5642]}}],
  "Datastreams":[{"name":"PM10","unitOfMeasurement":{"symbol":"µg/m³"},
    "Observations":[{"phenomenonTime":"2026-11-28T23:00:00Z","result":17.5}]},
   {"name":"NO2","unitOfMeasurement":{"symbol":"µg/m³"},"Observations":[]}]},
 {"@iot.id":"b","name":"Feature location","Locations":[{"location":{"type":"Feature","geometry":{"type":"Point","coordinates":[10,53.5]}}}],"Datastreams":[]},
 {"@iot.id":3,"name":"Nowhere","Locations":[]}]}
EOF
printf '{"value":[]}' > corpus/read_sensorthings/empty.json
cat > corpus/read_ogc_page/wfs_page.json <<'EOF'
{"type":"FeatureCollection","numberMatched":181,"numberReturned":2,"timeStamp":"2026-11-29T10:00:00Z",
 "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4326"}},
 "features":[
  {"type":"Feature","id":"quartiere.1","properties":{"name":"Altona-Altstadt","einwohner":29000},
   "geometry":{"type":"Polygon","coordinates":[[[9.93,53.545],[9.96,53.545],[9.96,53.56],[9.93,53.56],[9.93,53.545]]]}},
  {"type":"Feature","id":"quartiere.2","properties":{"name":"Sternschanze","einwohner":8000},
   "geometry":{"type":"Point","coordinates":[9.965,53.563]}}]}
EOF
cat > corpus/read_ogc_page/ogc_next_link.json <<'EOF'
{"type":"FeatureCollection","numberReturned":1,
 "features":[{"type":"Feature","id":1,"properties":{"name":"Suerhop"},"geometry":{"type":"Point","coordinates":[9.85,53.31]}}],
 "links":[{"rel":"self","type":"application/geo+json","href":"https://api.example/collections/x/items?f=json&limit=1"},
  {"rel":"next","type":"text/html","href":"https://api.example/collections/x/items?f=html&offset=1&limit=1"},
  {"rel":"next","type":"application/geo+json","href":"https://api.example/collections/x/items?f=json&offset=1&limit=1"}]}
EOF
printf '%s' '<?xml version="1.0"?><ows:ExceptionReport version="2.0.0"><ows:Exception exceptionCode="InvalidParameterValue"/></ows:ExceptionReport>' \
  > corpus/read_ogc_page/wfs_exception.xml

# Recorded answers of Hamburg's services (not part of the repository).
shared="${TWINSTORY_SHARED:-}"
if [[ -z "$shared" ]]; then
  for d in "$ROOT/../shared" "$ROOT/../../shared"; do
    [[ -d "$d/data/hamburg/ogc-recorded" ]] && { shared=$d; break; }
  done
fi
if [[ -n "$shared" && -d "$shared/data/hamburg/ogc-recorded" ]]; then
  for f in "$shared"/data/hamburg/ogc-recorded/*.json; do
    case "$(basename "$f")" in
      sta-*) whole_and_cut "$f" corpus/read_sensorthings "$(basename "$f")" ;;
      *) whole_and_cut "$f" corpus/read_ogc_page "$(basename "$f")" ;;
    esac
  done
else
  echo "seeds: no recorded service answers found (set TWINSTORY_SHARED); using the hand-written ones" >&2
fi

count() { find "corpus/$1" -type f | wc -l; }
echo "seeds: read_data $(count read_data), parse_story $(count parse_story)," \
  "read_packed $(count read_packed), read_sensorthings $(count read_sensorthings)," \
  "read_ogc_page $(count read_ogc_page), story_json $(count story_json)"
