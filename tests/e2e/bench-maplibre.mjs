// The MapLibre GL JS side of the benchmark (bench.mjs calls it): a static
// page on 127.0.0.1 that shows the data of a story's first step the way the
// story styles it, with an empty style (background colour only: no tiles,
// no glyphs, no request to any other host), at the camera twinstory's first
// step ended at. Measures navigation start -> the map's first 'idle' (style
// and sources loaded, first full render done) and the frame intervals of a
// scripted flight through the cameras of twinstory's later steps.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from './lib.mjs';

const DIST = path.join(ROOT, 'tests/e2e/node_modules/maplibre-gl/dist');

/** MapLibre's version and what a reader downloads of it (gzip -9). */
export function maplibreInfo() {
  const pkg = JSON.parse(fs.readFileSync(path.join(DIST, '..', 'package.json'), 'utf8'));
  const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length;
  return { version: pkg.version, jsGz: gz('maplibre-gl.js'), cssGz: gz('maplibre-gl.css') };
}

/**
 * The `source:` of every layer in a story.md's front matter, from the flow
 * style `source: { type: geojson, url: data/x.geojson, lat: ..., lon: ... }`
 * that the benchmark's stories use (the built story.json only names the
 * packed files).
 */
function frontMatterSources(storyMd) {
  const text = fs.readFileSync(storyMd, 'utf8');
  const front = text.split(/^---\s*$/m)[1] ?? '';
  const sources = {};
  let layer = null;
  for (const line of front.split('\n')) {
    const id = line.match(/^ {2}([A-Za-z0-9_-]+):\s*$/);
    if (id) layer = id[1];
    const src = line.match(/^ {4}source:\s*\{(.*)\}\s*$/);
    if (layer && src) {
      const fields = {};
      for (const part of src[1].split(',')) {
        const [k, ...v] = part.split(':');
        if (k && v.length) fields[k.trim()] = v.join(':').trim().replace(/^["']|["']$/g, '');
      }
      sources[layer] = fields;
    }
  }
  return sources;
}

function splitCsvLine(line, delim) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delim) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Converts a CSV of points to a GeoJSON file (cached next to the other bench data). */
function csvToGeojson(csvFile, latName, lonName) {
  const st = fs.statSync(csvFile);
  const cacheDir = path.join(ROOT, 'target', 'bench-stories', 'maplibre-geojson');
  fs.mkdirSync(cacheDir, { recursive: true });
  const prefix = `${path.basename(path.dirname(path.dirname(csvFile)))}-${path.basename(csvFile, '.csv')}-`;
  const out = path.join(cacheDir, `${prefix}${st.size}-${Math.round(st.mtimeMs)}.geojson`);
  if (fs.existsSync(out)) return out;
  for (const old of fs.readdirSync(cacheDir)) if (old.startsWith(prefix)) fs.rmSync(path.join(cacheDir, old));
  const lines = fs.readFileSync(csvFile, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const delim = (lines[0].match(/;/g) || []).length > (lines[0].match(/,/g) || []).length ? ';' : ',';
  const header = splitCsvLine(lines[0], delim).map((h) => h.trim().toLowerCase());
  const find = (given, names) => header.indexOf(given ? given.toLowerCase() : names.find((n) => header.includes(n)));
  const lat = find(latName, ['lat', 'latitude', 'breite', 'y']);
  const lon = find(lonName, ['lon', 'lng', 'long', 'longitude', 'laenge', 'x']);
  if (lat < 0 || lon < 0) throw new Error(`${csvFile}: no latitude/longitude columns in "${lines[0]}"`);
  const tmp = `${out}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, '{"type":"FeatureCollection","features":[');
  let chunk = [];
  let first = true;
  const flush = () => {
    if (!chunk.length) return;
    fs.writeSync(fd, (first ? '' : ',') + chunk.join(','));
    first = false;
    chunk = [];
  };
  for (let i = 1; i < lines.length; i++) {
    const f = splitCsvLine(lines[i], delim);
    const y = Number(String(f[lat]).replace(',', '.'));
    const x = Number(String(f[lon]).replace(',', '.'));
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    chunk.push(`{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[${x},${y}]}}`);
    if (chunk.length >= 10_000) flush();
  }
  flush();
  fs.writeSync(fd, ']}');
  fs.closeSync(fd);
  fs.renameSync(tmp, out);
  return out;
}

/** The geometry kinds in a GeoJSON file: 'polygon', 'line', 'point'. */
function geometryKinds(file) {
  const kinds = new Set();
  const walk = (g) => {
    if (!g) return;
    if (g.type === 'GeometryCollection') g.geometries.forEach(walk);
    else if (/Polygon/.test(g.type)) kinds.add('polygon');
    else if (/LineString/.test(g.type)) kinds.add('line');
    else if (/Point/.test(g.type)) kinds.add('point');
  };
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const f of json.type === 'FeatureCollection' ? json.features : [json]) walk(f.geometry ?? f);
  return kinds;
}

/**
 * What MapLibre has to show for a step of a story: one GeoJSON file per
 * shown layer (CSV points converted) and a style with the story's map
 * background, fill + outline for areas and circles for points, in the
 * layers' fixed colours, widths and radii. Only fixed colours: a step with
 * a choropleth, categories or sized circles is refused with a message.
 *
 * storyDir: the story's source folder (with story.md and data/);
 * story: its built story.json.
 */
export function maplibreData(storyDir, story, step = 0) {
  const sources = frontMatterSources(path.join(storyDir, 'story.md'));
  const files = {};
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': story.theme?.['map-background'] ?? '#f4f1ea' } }],
  };
  for (const { layer: id, opacity = 1 } of story.steps[step].show) {
    const layer = story.layers.find((l) => l.id === id);
    const src = sources[id];
    const s = layer.style ?? {};
    if (!src || !['geojson', 'csv'].includes(src.type)) throw new Error(`MapLibre page: layer "${id}" needs a GeoJSON or CSV file source written as source: { type: ..., url: ... } in story.md`);
    if ((s.choropleth && !s.extrude) || s.categories || s.circles) throw new Error(`MapLibre page: layer "${id}" is not drawn in one fixed colour; the page supports fill/stroke/stroke-width/radius only (and choropleths of extruded layers)`);
    const file = src.type === 'csv' ? csvToGeojson(path.join(storyDir, src.url), src.lat, src.lon) : path.join(storyDir, src.url);
    files[id] = file;
    style.sources[id] = { type: 'geojson', data: `/data/${encodeURIComponent(id)}.geojson` };
    const kinds = src.type === 'csv' ? new Set(['point']) : geometryKinds(file);
    const fill = s.fill ?? '#9db8d2';
    const stroke = s.stroke ?? '#ffffff';
    const width = s['stroke-width'] ?? 1;
    const filter = (...types) => ['match', ['geometry-type'], types, true, false];
    if (kinds.has('polygon') && s.extrude !== undefined) {
      // Raised areas: fill-extrusion, heights in metres as twinstory's
      // `extrude` / `extrude-base` / `extrude-scale`; a choropleth's colour
      // as a ramp over the same property (the same work for the GPU).
      const scale = s['extrude-scale'] ?? 1;
      const metres = (h) => (typeof h === 'number' ? h : ['*', ['to-number', ['get', h], 0], scale]);
      const color = s.choropleth
        ? ['interpolate', ['linear'], ['to-number', ['get', s.choropleth.property], 0], 0, '#eff3ff', 5000, '#08519c']
        : fill;
      style.layers.push({
        id: `${id}-extrusion`, type: 'fill-extrusion', source: id, filter: filter('Polygon', 'MultiPolygon'),
        paint: {
          'fill-extrusion-color': color, 'fill-extrusion-opacity': opacity,
          'fill-extrusion-height': metres(s.extrude), 'fill-extrusion-base': s['extrude-base'] === undefined ? 0 : metres(s['extrude-base']),
        },
      });
      continue;
    }
    if (kinds.has('polygon')) {
      style.layers.push({ id: `${id}-fill`, type: 'fill', source: id, filter: filter('Polygon', 'MultiPolygon'), paint: { 'fill-color': fill, 'fill-opacity': opacity } });
      if (width > 0) style.layers.push({ id: `${id}-outline`, type: 'line', source: id, filter: filter('Polygon', 'MultiPolygon'), paint: { 'line-color': stroke, 'line-width': width, 'line-opacity': opacity } });
    }
    if (kinds.has('line') && width > 0) {
      style.layers.push({ id: `${id}-line`, type: 'line', source: id, filter: filter('LineString', 'MultiLineString'), paint: { 'line-color': stroke, 'line-width': width, 'line-opacity': opacity } });
    }
    if (kinds.has('point')) {
      style.layers.push({
        id: `${id}-circle`, type: 'circle', source: id, filter: filter('Point', 'MultiPoint'),
        paint: { 'circle-radius': s.radius ?? 3, 'circle-color': fill, 'circle-stroke-color': stroke, 'circle-stroke-width': width, 'circle-opacity': opacity, 'circle-stroke-opacity': opacity },
      });
    }
  }
  return { style, files };
}

function page({ style, width, height, camera }) {
  const cfg = JSON.stringify({ style, camera });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>MapLibre benchmark page</title>
<link rel="stylesheet" href="/maplibre-gl.css">
<style>html, body { margin: 0; height: 100%; overflow: hidden; } #map { position: absolute; left: 0; top: 0; width: ${width}px; height: ${height}px; }</style>
<script src="/maplibre-gl.js"></script>
</head><body><div id="map"></div><script>
const cfg = ${cfg};
window.__bench = { firstDrawn: null, error: null };
const map = new maplibregl.Map({
  container: 'map', style: cfg.style, attributionControl: false, pixelRatio: 1,
  center: [cfg.camera.lon, cfg.camera.lat], zoom: cfg.camera.zoom, bearing: cfg.camera.bearing, pitch: cfg.camera.pitch ?? 0,
});
window.__map = map;
map.once('idle', () => { window.__bench.firstDrawn = performance.now(); });
map.on('error', (e) => { window.__bench.error = String(e.error?.message ?? e.error ?? e); });
map.getCanvas().addEventListener('webglcontextlost', () => { window.__bench.error = 'WebGL context lost'; });
</script></body></html>`;
}

/** Serves the page, maplibre-gl.js/.css and the data files on 127.0.0.1. */
function serve(html, files) {
  const routes = {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/maplibre-gl.js': { type: 'text/javascript', file: path.join(DIST, 'maplibre-gl.js') },
    '/maplibre-gl.css': { type: 'text/css', file: path.join(DIST, 'maplibre-gl.css') },
  };
  for (const [id, file] of Object.entries(files)) routes[`/data/${encodeURIComponent(id)}.geojson`] = { type: 'application/geo+json', file };
  const server = http.createServer((req, res) => {
    const r = routes[new URL(req.url, 'http://x').pathname];
    if (!r) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': r.type, 'cache-control': 'no-store' });
    if (r.body) res.end(r.body); else fs.createReadStream(r.file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    stop: () => { server.closeAllConnections(); server.close(); },
  })));
}

/** Resolves to `promise`'s value, or rejects after `ms` with `what`. */
function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms); }),
  ]);
}

/**
 * Runs the MapLibre page in `browser`. cameras[i] = { lon, lat, zoom,
 * bearing, pitch } where twinstory's step i came to rest; transitions[i] = the
 * step's transition (fly / ease / jump). Never throws: problems (timeout,
 * crash, map errors) come back as `error`, with whatever was measured
 * before. `screen` (CSS px) and `dpr`: the page's viewport, as twinstory's.
 */
export async function runMaplibre(browser, { style, files, width, height, dpr = 1, screen = { width: 1280, height: 800 }, cameras, transitions, timeoutMs = 180_000, screenshot }) {
  const result = { firstDrawn: null, intervals: [], drawing: [], error: null };
  const server = await serve(page({ style, width, height, camera: cameras[0] }), files);
  const pg = await browser.newPage({ viewport: screen, deviceScaleFactor: dpr });
  let phase = 'loading the page';
  let crashed = null;
  const crash = new Promise((_, reject) => pg.on('crash', () => { crashed = `the page crashed (${phase})`; reject(new Error(crashed)); }));
  crash.catch(() => {});
  try {
    await within(Promise.race([pg.goto(server.url), crash]), timeoutMs, phase);
    phase = 'the first step';
    const first = pg.waitForFunction(() => window.__bench.firstDrawn !== null || window.__bench.error !== null, null, { timeout: 0, polling: 100 });
    await within(Promise.race([first, crash]), timeoutMs, phase);
    const b = await pg.evaluate(() => window.__bench);
    if (b.error) throw new Error(`MapLibre: ${b.error}`);
    result.firstDrawn = b.firstDrawn;
    phase = 'the flights through the steps';
    if (screenshot) await pg.screenshot({ path: screenshot });
    // The same steps as twinstory's scroll: fly / ease / jump to each
    // step's camera, waiting until the map is idle again.
    // Every rAF interval, and those in which the map rendered a frame.
    await pg.evaluate(() => {
      window.__intervals = [];
      window.__drawing = [];
      let renders = 0;
      window.__map.on('render', () => { renders++; });
      let last = performance.now();
      let seen = 0;
      const loop = (t) => {
        window.__intervals.push(t - last);
        if (renders !== seen) window.__drawing.push(t - last);
        seen = renders;
        last = t;
        if (!window.__stop) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    const flights = (async () => {
      for (let i = 1; i < cameras.length; i++) {
        await pg.evaluate(({ c, kind }) => new Promise((resolve) => {
          const map = window.__map;
          const to = { center: [c.lon, c.lat], zoom: c.zoom, bearing: c.bearing, pitch: c.pitch ?? 0 };
          map.once('idle', resolve);
          // twinstory: flights at MapLibre's speed and curve, longer than
          // 4 s become a cut; eases take 1 s.
          if (kind === 'jump') map.jumpTo(to);
          else if (kind === 'ease') map.easeTo({ ...to, duration: 1000 });
          else map.flyTo({ ...to, speed: 1.2, curve: 1.42, maxDuration: 4000 });
          map.triggerRepaint();
        }), { c: cameras[i], kind: transitions[i] ?? 'fly' });
      }
    })();
    await within(Promise.race([flights, crash]), timeoutMs, phase);
    Object.assign(result, await pg.evaluate(() => { window.__stop = true; return { intervals: window.__intervals.slice(2), drawing: window.__drawing }; }));
  } catch (e) {
    result.error = crashed ?? e.message.split('\n')[0];
  } finally {
    // A renderer busy for minutes may not answer a polite close.
    await within(pg.close({ runBeforeUnload: false }), 30_000, 'closing the page').catch(() => {});
    server.stop();
  }
  return result;
}
