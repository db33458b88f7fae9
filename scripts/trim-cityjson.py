#!/usr/bin/env python3
"""Trims a CityJSON file to what a flat or extruded building map needs.

    scripts/trim-cityjson.py IN.city.json OUT.city.json

Keeps every Building and BuildingPart with its attributes, geometry and
semantics, `metadata` (reference system, extent, title, source), `version`
and `transform`. Drops `appearance` (textures, materials; the images are not
shipped anyway), the geometries' `texture` and `material` members, and the
BuildingInstallations (balconies, dormers, chimneys: twinstory's reader does
not draw them), then leaves out the vertices nothing uses any more and
renumbers the rest. Vertex values are unchanged, so every coordinate is the
source's. Used for stories/neustadt-3d/data/neustadt-lod3-buildings.city.json
(1,129,869 B → 179,476 B) from ../shared/data/hamburg/buildings/
neustadt-lod3-24-buildings.city.json.
"""
import json
import sys


def indices(b):
    if isinstance(b, int):
        yield b
    else:
        for x in b:
            yield from indices(x)


def renumber(b, new):
    if isinstance(b, int):
        return new[b]
    return [renumber(x, new) for x in b]


def main(src, dst):
    with open(src, encoding="utf-8") as f:
        d = json.load(f)
    d.pop("appearance", None)
    objects = d["CityObjects"]
    drop = {k for k, o in objects.items() if o["type"] == "BuildingInstallation"}
    for k in drop:
        del objects[k]
    for o in objects.values():
        if "children" in o:
            o["children"] = [c for c in o["children"] if c not in drop]
            if not o["children"]:
                del o["children"]
        for g in o.get("geometry", []):
            g.pop("texture", None)
            g.pop("material", None)
    used = sorted({i for o in objects.values() for g in o.get("geometry", [])
                   for i in indices(g["boundaries"])})
    new = {old: n for n, old in enumerate(used)}
    for o in objects.values():
        for g in o.get("geometry", []):
            g["boundaries"] = renumber(g["boundaries"], new)
    d["vertices"] = [d["vertices"][i] for i in used]
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
