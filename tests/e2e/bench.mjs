// Browser benchmark (not a test): serves a story with the real CLI, drives
// headless Chromium through every step and prints
//  - time from navigation to the first step fully drawn,
//  - frame times (p50 / p95 / max) of the paint work during a scripted scroll,
//    and the frame intervals the page actually achieved,
//  - the player's transfer size (wasm + JS, gzip),
// and the same for a MapLibre GL JS page showing the first step's data at
// the same camera (bench-maplibre.mjs), side by side. MapLibre runs in
// Chromium with WebGL on SwiftShader (lib.mjs WEBGL_ARGS); twinstory in the
// same Chromium with the flags the tests use (software 2D canvas), or with
// MapLibre's flags when given --same-flags.
// Needs the CLI (target/ci/twinstory, target/release/twinstory or
// $TWINSTORY_BIN; lib.mjs twinstoryBin) and target/player (./scripts/test.sh
// or `cargo build --profile ci -p twinstory-cli && ./scripts/build-player.sh`).
// Usage: node bench.mjs [--points N ...] [--threed] [--no-maplibre] [--timeout SECONDS] [--same-flags] [--phone] [--reader]
// (default: the real Hamburg story, then synthetic stories with 100,000 and
// 1,000,000 points, then the 3D case; --points N and --threed pick runs;
// --timeout limits each MapLibre phase, default 180 s). The 3D case: 10,000
// synthetic blocks inside Hamburg's quarters, raised 10–80 m, over the 181
// quarters as a 3D choropleth, and a flight from pitch 0 to 60 with a
// change of bearing (MapLibre: `fill-extrusion` on the same data and path).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, startServer, launch, recordFrameCosts, twinstoryBin } from './lib.mjs';
import { maplibreData, maplibreInfo, runMaplibre } from './bench-maplibre.mjs';

const args = process.argv.slice(2);
const sizes = [];
let withMaplibre = true;
let timeoutS = 180;
let sameFlags = false;
// The reader's screen: CSS px and device pixel ratio (--phone: 390x844@3,
// a current phone's 1170x2532 device pixels).
let screen = { width: 1280, height: 800, dpr: 1 };
// --reader: scroll with the mouse wheel at a reader's pace (60 px every
// 50 ms until the next step is active, then the map's flight runs while the
// reader reads) instead of jumping to each step.
let reader = false;
let threed = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--points') sizes.push(Number(args[++i]));
  else if (args[i] === '--threed') threed = true;
  else if (args[i] === '--no-maplibre') withMaplibre = false;
  else if (args[i] === '--timeout') timeoutS = Number(args[++i]);
  else if (args[i] === '--same-flags') sameFlags = true;
  else if (args[i] === '--phone') screen = { width: 390, height: 844, dpr: 3 };
  else if (args[i] === '--reader') reader = true;
  else throw new Error(`unknown argument ${args[i]}; usage: node bench.mjs [--points N ...] [--threed] [--no-maplibre] [--timeout SECONDS] [--same-flags] [--phone] [--reader]`);
}
const runs = sizes.length || threed
  ? [...sizes.map((n) => ({ points: n })), ...(threed ? [{ threed: 10_000 }] : [])]
  : [{ points: 0 }, { points: 100_000 }, { points: 1_000_000 }, { threed: 10_000 }];

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** A story with N synthetic points over Hamburg's quarters. */
function syntheticStory(n) {
  const dir = path.join(ROOT, 'target', 'bench-stories', `points-${n}`);
  const story = path.join(dir, `points-${n}`);
  fs.mkdirSync(path.join(story, 'data'), { recursive: true });
  const csv = path.join(story, 'data', 'points.csv');
  // mulberry32: exact 32-bit integer steps. (An LCG in doubles, as used
  // before, lost precision and repeated after 7,912 distinct points.)
  const generator = 'mulberry32 seed 42';
  const marker = path.join(dir, 'generator.txt');
  if (!fs.existsSync(csv) || !fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== generator) {
    let seed = 42;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const lines = ['lat,lon'];
    for (let i = 0; i < n; i++) lines.push(`${(53.395 + rnd() * 0.3444).toFixed(6)},${(9.7301 + rnd() * 0.5952).toFixed(6)}`);
    fs.writeFileSync(csv, lines.join('\n') + '\n');
    fs.writeFileSync(marker, generator);
  }
  fs.copyFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), path.join(story, 'data', 'quarters.geojson'));
  fs.writeFileSync(path.join(story, 'story.md'), `---
title: ${n} Punkte
layers:
  quarters:
    source: { type: geojson, url: data/quarters.geojson }
    style: { fill: "#d5dde6", stroke: "#ffffff" }
  points:
    source: { type: csv, url: data/points.csv }
    style: { fill: "#e4572e", radius: 1.5, stroke-width: 0 }
---

## Überblick

\`\`\`step
view: { fit: points }
show: [quarters, points]
transition: jump
\`\`\`

Alle Punkte.

## Altona

\`\`\`step
view: { center: [9.93, 53.55], zoom: 12.5 }
show: [quarters, points]
\`\`\`

Näher heran.

## Zurück

\`\`\`step
view: { fit: points }
show: [quarters, points]
\`\`\`

Und wieder hinaus.
`);
  return { dir, slug: `points-${n}` };
}

/** Even-odd point in polygon over all rings. */
function insideRings([x, y], rings) {
  let odd = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

/**
 * The 3D case: N synthetic blocks (squares of 20–60 m, 10–80 m high) at
 * random places inside Hamburg's quarters, over the 181 quarters raised by
 * a synthetic number as a 3D choropleth; a flight from pitch 0 to 60 with
 * a change of bearing, and back.
 */
function threedStory(n) {
  const slug = `threed-${n}`;
  const dir = path.join(ROOT, 'target', 'bench-stories', slug);
  const story = path.join(dir, slug);
  fs.mkdirSync(path.join(story, 'data'), { recursive: true });
  const quarters = JSON.parse(fs.readFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), 'utf8'));
  let seed = 7;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const polys = [];
  quarters.features.forEach((f, i) => {
    f.properties = { name: f.properties.name, kinder: Math.round(200 + rnd() * 4800) };
    const g = f.geometry;
    for (const p of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) polys.push(p);
    quarters.features[i] = f;
  });
  fs.writeFileSync(path.join(story, 'data', 'quarters.geojson'), JSON.stringify(quarters));
  const blocks = [];
  while (blocks.length < n) {
    const lon = 9.7301 + rnd() * 0.5952;
    const lat = 53.395 + rnd() * 0.3444;
    if (!polys.some((p) => insideRings([lon, lat], p))) continue;
    const size = 20 + rnd() * 40;
    const dLat = size / 111_320;
    const dLon = dLat / Math.cos((lat * Math.PI) / 180);
    const ring = [[lon, lat], [lon + dLon, lat], [lon + dLon, lat + dLat], [lon, lat + dLat], [lon, lat]]
      .map(([x, y]) => [Number(x.toFixed(6)), Number(y.toFixed(6))]);
    blocks.push({ type: 'Feature', properties: { height: Math.round(10 + rnd() * 70) }, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
  fs.writeFileSync(path.join(story, 'data', 'blocks.geojson'), JSON.stringify({ type: 'FeatureCollection', features: blocks }));
  fs.writeFileSync(path.join(story, 'story.md'), `---
title: ${n} Blöcke in 3D
layers:
  quarters:
    source: { type: geojson, url: data/quarters.geojson }
    style:
      choropleth: { property: kinder, scheme: blues }
      extrude: kinder
      extrude-scale: 0.004
  blocks:
    source: { type: geojson, url: data/blocks.geojson }
    style:
      fill: "#d9cbb3"
      extrude: height
---

## Von oben

\`\`\`step
view: { center: [9.99, 53.56], zoom: 13.5 }
show: [quarters, blocks]
transition: jump
\`\`\`

Alle Blöcke von oben.

## Schräg

\`\`\`step
view: { center: [9.97, 53.555], zoom: 14.5, bearing: -35, pitch: 60 }
show: [quarters, blocks]
\`\`\`

Geneigt und gedreht.

## Zurück

\`\`\`step
view: { center: [9.99, 53.56], zoom: 13.5 }
show: [quarters, blocks]
\`\`\`

Wieder von oben.
`);
  return { dir, slug };
}

for (const f of [twinstoryBin(), path.join(ROOT, 'target/player/twinstory_player_bg.wasm')]) {
  if (!fs.existsSync(f)) throw new Error(`${f} is missing: run ./scripts/test.sh once, or cargo build --profile ci -p twinstory-cli && ./scripts/build-player.sh`);
}
const player = path.join(ROOT, 'target/player');
const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(player, f)), { level: 9 }).length;
// The flat base (what a story without `extrude` downloads) and the base with
// 3D (the example story's, and the 3D run's: both have `extrude`).
const wasmGz = gz('twinstory_flat_bg.wasm');
const jsGz = gz('twinstory_flat.js');
const wasm3dGz = gz('twinstory_player_bg.wasm');
const js3dGz = gz('twinstory_player.js');
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ');
console.log(`load average (1 / 5 / 15 min): ${load()} on ${os.cpus().length} CPUs`);
console.log(`player transfer (gzip -9): wasm ${wasmGz} B + JS ${jsGz} B = ${wasmGz + jsGz} B (flat base); with 3D: wasm ${wasm3dGz} B + JS ${js3dGz} B = ${wasm3dGz + js3dGz} B`);
const ml = withMaplibre ? maplibreInfo() : null;
if (ml) console.log(`MapLibre GL JS ${ml.version} transfer (gzip -9): maplibre-gl.js ${ml.jsGz} B + CSS ${ml.cssGz} B = ${ml.jsGz + ml.cssGz} B (plus the GeoJSON as given)`);
const shots = path.join(ROOT, 'target', 'bench-screenshots');
fs.mkdirSync(shots, { recursive: true });

// Sets window.__firstDrawn = performance.now() in the first task that
// wrote a frame (data-frames) of the first step complete: with the camera at
// rest and every layer that step draws arrived (data-step-loading 0), as
// MapLibre's page has only those layers. window.__allLoaded is the same for
// a frame after every layer of the story arrived (data-loading 0), which
// the player reads after the first step's (what this benchmark measured as
// "first step drawn" before 2026-12-05).
function watchFirstFrame() {
  window.__firstDrawn = null;
  window.__allLoaded = null;
  let loaded = false;
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      const c = r.target;
      if (r.attributeName === 'data-loading' && c.dataset.loading === '0') loaded = true;
      if (r.attributeName !== 'data-frames' || c.dataset.moving !== 'false') continue;
      if (window.__firstDrawn === null && c.dataset.activeStep === '0' && c.dataset.stepLoading === '0') {
        window.__firstDrawn = performance.now();
      }
      if (loaded && window.__allLoaded === null) window.__allLoaded = performance.now();
      if (window.__firstDrawn !== null && window.__allLoaded !== null) obs.disconnect();
    }
  });
  obs.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-loading', 'data-frames'] });
}

const parseCamera = (s) => { const [lon, lat, zoom, bearing, pitch = 0] = s.split(',').map(Number); return { lon, lat, zoom, bearing, pitch }; };
const ms = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x >= 10 ? x.toFixed(0) : x.toFixed(1));
const stats = (xs) => (xs.length ? [pct(xs, 50), pct(xs, 95), Math.max(...xs)] : [NaN, NaN, NaN]);

const browser = await launch({ webgl: true });
const tsBrowser = sameFlags ? browser : await launch();
console.log(`twinstory runs with ${sameFlags ? "MapLibre's WebGL flags" : 'the test flags (software 2D canvas)'}; MapLibre with WebGL on SwiftShader`);
const summary = [];
for (const run of runs) {
  const { dir, slug } = run.threed ? threedStory(run.threed)
    : run.points ? syntheticStory(run.points) : { dir: path.join(ROOT, 'stories'), slug: 'spielplaetze' };
  const label = run.threed ? `3D: ${run.threed.toLocaleString('en')} synthetic extruded blocks + 181 quarters as a 3D choropleth, pitch 0 → 60 → 0`
    : run.points ? `${run.points.toLocaleString('en')} synthetic points + 181 quarters` : 'Hamburg (181 quarters, 608 playgrounds, 59 schools)';
  const server = await startServer(dir, ['--no-watch']);
  const page = await tsBrowser.newPage({ viewport: { width: screen.width, height: screen.height }, deviceScaleFactor: screen.dpr });
  await page.addInitScript(watchFirstFrame);
  const t0 = Date.now();
  await page.goto(`${server.url}${slug}/`);
  await page.waitForFunction(() => window.__firstDrawn !== null, null, { timeout: 300_000 });
  const wall = Date.now() - t0;
  const firstDrawn = await page.evaluate(() => window.__firstDrawn);
  await page.waitForFunction(() => window.__allLoaded !== null, null, { timeout: 300_000 });
  const allLoaded = await page.evaluate(() => window.__allLoaded);
  const canvas = page.locator('.ts-canvas');
  const cameras = [parseCamera(await canvas.getAttribute('data-camera'))];
  const box = await canvas.evaluate((c) => ({ width: c.clientWidth, height: c.clientHeight }));
  await page.screenshot({ path: path.join(shots, `${slug}-twinstory.png`) });
  // Scripted scroll through every step, waiting for each flight to end.
  const steps = await page.locator('.ts-step').count();
  // Every rAF interval, and those in which the map drew a frame (its frame
  // counter moved): waiting for a step to settle adds idle frames at 16.7 ms.
  await recordFrameCosts(page);
  await page.evaluate(() => {
    window.__intervals = [];
    window.__drawing = [];
    const c = document.querySelector('.ts-canvas');
    let last = performance.now();
    let drawn = c.dataset.frames;
    const loop = (t) => {
      window.__intervals.push(t - last);
      if (c.dataset.frames !== drawn) window.__drawing.push(t - last);
      drawn = c.dataset.frames;
      last = t;
      if (!window.__stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  for (let i = 1; i < steps; i++) {
    if (reader) {
      await page.mouse.move(screen.width / 2, screen.height / 2);
      while (await canvas.getAttribute('data-active-step') !== String(i)) {
        await page.mouse.wheel(0, 60);
        await page.waitForTimeout(50);
      }
    } else {
      await page.evaluate((i) => { const el = document.querySelectorAll('.ts-step')[i]; window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - innerHeight * 0.4); }, i);
    }
    await page.waitForFunction((i) => { const c = document.querySelector('.ts-canvas'); return c.dataset.activeStep === String(i) && c.dataset.moving === 'false'; }, i, { timeout: 300_000 });
    cameras.push(parseCamera(await canvas.getAttribute('data-camera')));
  }
  const { resting, frames, intervals, drawing } = await page.evaluate(() => { window.__stop = true; return { resting: window.__restingMs, frames: window.__frameMs, intervals: window.__intervals.slice(2), drawing: window.__drawing }; });
  const story = await (await fetch(`${server.url}${slug}/story.json`)).json();
  await page.close();
  server.stop();

  console.log(`\n${label}`);
  console.log(`  twinstory: first step drawn ${firstDrawn.toFixed(0)} ms after navigation start (wall ${wall} ms), every layer of the story ${allLoaded.toFixed(0)} ms, camera ${Object.values(cameras[0]).join(',')}, canvas ${box.width}x${box.height}`);
  console.log(`  twinstory: paint per frame (ms): p50 ${pct(frames, 50).toFixed(1)} / p95 ${pct(frames, 95).toFixed(1)} / max ${Math.max(...frames).toFixed(1)} over ${frames.length} frames`);
  console.log(`  twinstory: frames at rest (full resolution) took (ms): p50 ${pct(resting, 50).toFixed(1)} / max ${Math.max(...resting).toFixed(1)} over ${resting.length} frames`);
  console.log(`  twinstory: frame interval (ms): p50 ${pct(intervals, 50).toFixed(1)} / p95 ${pct(intervals, 95).toFixed(1)} / max ${Math.max(...intervals).toFixed(1)} over ${intervals.length} frames, ${steps} steps`);
  console.log(`  twinstory: frame interval of drawn frames (ms): p50 ${pct(drawing, 50).toFixed(1)} / p95 ${pct(drawing, 95).toFixed(1)} / max ${Math.max(...drawing).toFixed(1)} over ${drawing.length} frames`);
  const row = { label, shows: story.steps[0].show.map((s) => s.layer).join(', '), ts: { firstDrawn, allLoaded, paint: stats(frames), intervals: stats(intervals), drawing: stats(drawing) }, ml: null };
  if (ml) {
    const storyDir = path.join(dir, slug);
    const { style, files } = maplibreData(storyDir, story, 0);
    const r = await runMaplibre(browser, {
      style, files, width: box.width, height: box.height, dpr: screen.dpr, screen: { width: screen.width, height: screen.height }, cameras,
      transitions: story.steps.map((s) => s.transition ?? 'fly'), timeoutMs: timeoutS * 1000,
      screenshot: path.join(shots, `${slug}-maplibre.png`),
    });
    row.ml = { firstDrawn: r.firstDrawn, intervals: stats(r.intervals), drawing: stats(r.drawing), n: r.drawing.length, error: r.error };
    console.log(`  MapLibre: first step drawn ${r.firstDrawn === null ? '–' : `${r.firstDrawn.toFixed(0)} ms after navigation start`}${r.error ? ` (${r.error})` : ''}`);
    if (r.intervals.length) {
      console.log(`  MapLibre: frame interval (ms): p50 ${pct(r.intervals, 50).toFixed(1)} / p95 ${pct(r.intervals, 95).toFixed(1)} / max ${Math.max(...r.intervals).toFixed(1)} over ${r.intervals.length} frames`);
      console.log(`  MapLibre: frame interval of drawn frames (ms): p50 ${pct(r.drawing, 50).toFixed(1)} / p95 ${pct(r.drawing, 95).toFixed(1)} / max ${Math.max(...r.drawing).toFixed(1)} over ${r.drawing.length} frames`);
    }
  }
  summary.push(row);
}
if (tsBrowser !== browser) await tsBrowser.close();
await browser.close();

if (ml) {
  // Side by side: one block per data set.
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\nComparison (ms; one Chromium; MapLibre with --use-angle=swiftshader, twinstory with ${sameFlags ? "the same flags" : "the test flags"}; ${screen.width}x${screen.height}, DPR ${screen.dpr}; screenshots in target/bench-screenshots/;`);
  console.log(`load average now ${load()}). "drawn frame interval": time between animation frames in which the map drew`);
  console.log(`(twinstory's frame counter, MapLibre's 'render' event) while going through every step.`);
  for (const r of summary) {
    console.log(`\n${r.label}; first step shows: ${r.shows}`);
    console.log(`  ${pad('', 30)}${pad('twinstory', 14)}MapLibre GL JS ${ml.version}`);
    console.log(`  ${pad('first step drawn', 30)}${pad(ms(r.ts.firstDrawn), 14)}${r.ml.firstDrawn === null ? r.ml.error : ms(r.ml.firstDrawn)}`);
    console.log(`  ${pad('every layer of the story', 30)}${pad(ms(r.ts.allLoaded), 14)}– (has the first step's only)`);
    const names = ['p50', 'p95', 'max'];
    for (let k = 0; k < 3; k++) {
      const mlv = r.ml.n ? ms(r.ml.drawing[k]) : (r.ml.firstDrawn === null ? '–' : r.ml.error ?? '–');
      console.log(`  ${pad(`drawn frame interval ${names[k]}`, 30)}${pad(ms(r.ts.drawing[k]), 14)}${mlv}`);
    }
    console.log(`  ${pad('paint per frame p50/p95/max', 30)}${pad(r.ts.paint.map(ms).join('/'), 14)}– (on the GPU thread)`);
    if (r.ml.error && r.ml.firstDrawn !== null) console.log(`  MapLibre: ${r.ml.error}`);
  }
}
