"""Runs pygeoapi (an OGC API - Features server) on 127.0.0.1 for the browser tests.

Usage: python pygeoapi_server.py <port> <name>=<geojson file> [...]
Writes a configuration into a temporary folder, generates the OpenAPI
document and serves with CORS, without the debugger or the reloader, in
this one process, until it is stopped. Prints "ready" once it answers.
"""

import os
import sys
import tempfile

port = int(sys.argv[1])
collections = dict(arg.split("=", 1) for arg in sys.argv[2:])
work = tempfile.mkdtemp(prefix="twinstory-pygeoapi-")
url = f"http://127.0.0.1:{port}"

resources = ""
for name, path in collections.items():
    resources += f"""
  {name}:
    type: collection
    title: {name}
    description: {name} (twinstory test data)
    keywords: [test]
    links: []
    extents:
      spatial: {{bbox: [-180, -90, 180, 90], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: GeoJSON
        data: {os.path.abspath(path)}
        id_field: id
"""

config = f"""
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: {url}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  cors: true
  pretty_print: false
  limits: {{default_items: 10, max_items: 10000}}
  map: {{url: "{url}/tiles/{{z}}/{{x}}/{{y}}.png", attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: twinstory test, description: test, keywords: [test], keywords_type: theme, terms_of_service: none, url: "{url}"}}
  license: {{name: CC-BY 4.0, url: "{url}"}}
  provider: {{name: twinstory, url: "{url}"}}
  contact: {{name: t, position: t, address: t, city: t, stateorprovince: t, postalcode: t, country: t, phone: t, fax: t, email: t, url: "{url}", hours: t, instructions: t, role: pointOfContact}}
resources:{resources}
"""

cfg = os.path.join(work, "config.yml")
openapi = os.path.join(work, "openapi.yml")
with open(cfg, "w", encoding="utf-8") as f:
    f.write(config)
os.environ["PYGEOAPI_CONFIG"] = cfg
os.environ["PYGEOAPI_OPENAPI"] = openapi

import subprocess  # noqa: E402

cli = os.path.join(os.path.dirname(sys.executable), "pygeoapi")
subprocess.run([cli, "openapi", "generate", cfg, "--output-file", openapi],
               check=True, stdout=subprocess.DEVNULL)

from pygeoapi.flask_app import APP  # noqa: E402

print("ready", flush=True)
APP.run(host="127.0.0.1", port=port, debug=False, use_reloader=False, threaded=True)
