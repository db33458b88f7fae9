#!/usr/bin/env python3
"""Converts Hamburg's street trees (an object with a `trees` array, not
GeoJSON) to GeoJSON crowns a story can raise as columns.

    scripts/street-trees-geojson.py IN.json OUT.geojson WEST SOUTH EAST NORTH

Keeps the trees whose `position` (longitude, latitude) lies in the box.
Each tree becomes a Polygon: a 12-sided ring around its position with the
radius of half its `crownDiameter` (at least 1 m), so an extruded layer
draws it as a column as wide as its crown and as high as its `height`.
Properties: `id`, `height` (m), `crown` (crownDiameter, m), `year`
(plantingYear) and the same as text, `planted` (so texts write it as a
year, without a thousands separator), `species`, `genus` and `street`, as in the source; `position`'s
height (the ground) is left out. Coordinates are rounded to 7 decimals
(about 1 cm). Used for stories/neustadt-3d/data/street-trees.geojson (and
its English version's copy) from ../shared/data/hamburg/timeseries/
street-trees-citycenter.json with the box 9.9755 53.5445 9.9835 53.553.
"""
import json
import math
import sys

EARTH = 6378137.0


def crown(lon, lat, radius, sides=12):
    ring = []
    for i in range(sides + 1):
        a = 2 * math.pi * (i % sides) / sides
        dx = radius * math.cos(a)
        dy = radius * math.sin(a)
        ring.append([
            round(lon + math.degrees(dx / (EARTH * math.cos(math.radians(lat)))), 7),
            round(lat + math.degrees(dy / EARTH), 7),
        ])
    return ring


def main():
    src, out = sys.argv[1], sys.argv[2]
    west, south, east, north = (float(v) for v in sys.argv[3:7])
    trees = json.load(open(src, encoding="utf-8"))["trees"]
    features = []
    for t in trees:
        lon, lat = t["position"][0], t["position"][1]
        if not (west <= lon <= east and south <= lat <= north):
            continue
        radius = max((t.get("crownDiameter") or 0) / 2, 1.0)
        features.append({
            "type": "Feature",
            "properties": {
                "id": t["id"],
                "height": t["height"],
                "crown": t["crownDiameter"],
                "year": t["plantingYear"],
                "planted": str(t["plantingYear"]),
                "species": t["species"],
                "genus": t["genus"],
                "street": t["street"],
            },
            "geometry": {"type": "Polygon", "coordinates": [crown(lon, lat, radius)]},
        })
    json.dump({"type": "FeatureCollection", "features": features},
              open(out, "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))
    print(f"{len(features)} of {len(trees)} trees")


main()
