#!/usr/bin/env python3
"""Writes the data of the example stories stories/unterwegs-ohne-auto and
stories/getting-around-without-a-car from the shared data beside the
repository (../shared/data). Run from the repository's root; both stories
get the same files (set TWINSTORY_SHARED_DATA to the shared data folder
when it is elsewhere). What each file is and how it was made:
the stories' data/README.md."""
import csv
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(
    os.environ.get("TWINSTORY_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data")), "hamburg"
)
STORIES = ["unterwegs-ohne-auto", "getting-around-without-a-car"]
# The DB Rad+ weeks whose street segments the stories show.
WEEKS = ["2025-09-12", "2025-12-26"]
# Eight weeks in a row (Sunday to Saturday), which a step plays through.
WINTER = ["2023-01-22", "2023-01-29", "2023-02-05", "2023-02-12",
          "2023-02-19", "2023-02-26", "2023-03-05", "2023-03-12"]


def inside_hamburg(src, dst, german=False):
    """Copies a POI table, keeping only the rows inside Hamburg. `german`:
    written as German spreadsheets export it (`;` between fields, decimal
    commas in the coordinates), as many city portals publish their tables,
    so that a story shows a CSV layer's `delimiter`."""
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    quarter = head.index("geojson_feature_id")
    kept = [r for r in body if r[quarter] != "0"]
    if german:
        coords = [head.index("lat"), head.index("lon")]
        kept = [[v.replace(".", ",") if i in coords else v for i, v in enumerate(r)] for r in kept]
    with open(dst, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";" if german else ",", lineterminator="\n").writerows([head] + kept)
    return len(kept), len(body)


def dbrad(out):
    with open(os.path.join(SHARED, "timeseries", "dbrad-weekly-citycenter.geojson"), encoding="utf-8") as f:
        data = json.load(f)
    west, south, east, north = data["bbox"]
    area = [[[west, south], [east, south], [east, north], [west, north], [west, south]]]
    weeks = {}
    for feat in data["features"]:
        p = feat["properties"]
        w = weeks.setdefault((p["von"], p["bis"]), {"anzahl": 0, "abschnitte": 0})
        w["anzahl"] += p["anzahl"]
        w["abschnitte"] += 1
    week_features = [
        {
            "type": "Feature",
            "properties": {"von": von, "bis": bis, **totals},
            "geometry": {"type": "Polygon", "coordinates": area},
        }
        for (von, bis), totals in sorted(weeks.items())
    ]
    with open(os.path.join(out, "dbrad-weeks.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": week_features}, f, ensure_ascii=False)
    segments = [
        {
            "type": "Feature",
            "properties": {k: feat["properties"][k] for k in ("von", "bis", "anzahl", "geschwindigkeit")},
            "geometry": feat["geometry"],
        }
        for feat in data["features"]
        if feat["properties"]["von"] in WEEKS
    ]
    with open(os.path.join(out, "dbrad-segments.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": segments}, f, ensure_ascii=False)
    winter = [
        {
            "type": "Feature",
            "properties": {k: feat["properties"][k] for k in ("von", "bis", "anzahl")},
            "geometry": feat["geometry"],
        }
        for feat in data["features"]
        if feat["properties"]["von"] in WINTER
    ]
    with open(os.path.join(out, "dbrad-winter-2023.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": winter}, f, ensure_ascii=False)
    return len(week_features), len(segments), len(data["features"]), len(winter)


def main():
    for story in STORIES:
        out = os.path.join(ROOT, "stories", story, "data")
        os.makedirs(out, exist_ok=True)
        shutil.copyfile(os.path.join(SHARED, "boundaries", "quarters.geojson"), os.path.join(out, "quarters.geojson"))
        shutil.copyfile(
            os.path.join(SHARED, "stats", "stadtteilprofile-2018.csv"),
            os.path.join(out, "stadtteilprofile-2018.csv"),
        )
        for name in ["bus-stops", "ubahn-stops", "sbahn-stops", "bicycle-rentals"]:
            kept, total = inside_hamburg(
                os.path.join(SHARED, "poi", f"{name}.csv"),
                os.path.join(out, f"{name}.csv"),
                german=name == "sbahn-stops",
            )
            print(f"{story}: {name}.csv {kept} of {total} rows", file=sys.stderr)
            shutil.copyfile(
                os.path.join(SHARED, "poi", f"{name}-per-quarter.csv"),
                os.path.join(out, f"{name}-per-quarter.csv"),
            )
        weeks, kept, total, winter = dbrad(out)
        print(f"{story}: {weeks} weeks, {kept} of {total} segments, {winter} in winter 2023", file=sys.stderr)


if __name__ == "__main__":
    main()
