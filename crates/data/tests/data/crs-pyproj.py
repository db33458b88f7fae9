# Writes crs-pyproj.csv, the reference points of tests/crs.rs, with pyproj:
#   python3 -m venv /tmp/pyproj-venv && /tmp/pyproj-venv/bin/pip install pyproj
#   /tmp/pyproj-venv/bin/python crates/data/tests/data/crs-pyproj.py > crates/data/tests/data/crs-pyproj.csv
# Points: a grid over Germany and beyond each zone's edge in EPSG:25832 and
# 25833, and the corners of a Neustadt building (CityJSON, EPSG:25832).
import pyproj

print(f"# pyproj {pyproj.__version__}, PROJ {pyproj.proj_version_str}; written by crs-pyproj.py")
print("epsg,easting,northing,lon,lat")
points = []
for epsg in (25832, 25833):
    for e in range(250_000, 800_001, 50_000):
        for n in range(5_200_000, 6_150_001, 150_000):
            points.append((epsg, float(e), float(n)))
# Hamburg Neustadt (tile of the LoD3 sample; the first is the first corner
# of building DEHHALKAJ0000p7l's GroundSurface) and far-out points.
points += [(25832, 564992.853, 5933572.809), (25832, 564865.176, 5933472.581), (25832, 565041.975, 5933707.74),
           (25832, 566238.404, 5934018.132), (25833, 100000.0, 6500000.0),
           (25832, 500000.0, 1000.0), (25833, 900000.0, 7000000.0)]
for epsg, e, n in points:
    t = pyproj.Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
    lon, lat = t.transform(e, n)
    print(f"{epsg},{e:.3f},{n:.3f},{lon:.10f},{lat:.10f}")
