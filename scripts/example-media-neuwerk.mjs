// Makes the picture "Hamburg und Neuwerk" / "Hamburg and Neuwerk" of the
// example stories "Spielplätze in Hamburg" / "Where children play": all of
// Hamburg's quarters, with the island of Neuwerk 100 km out in the mouth of
// the Elbe (which the stories' city-wide maps leave out), drawn by our own
// player from the stories' data/quarters.geojson.
//
// It writes a throw-away story with one step (`fit` of all quarters, Neuwerk
// in red with its name), serves it with `twinstory serve --no-watch`, and
// takes a picture of the map (at twice the pixels, for the picture opened
// larger) with its label, without the cards, legend, credits and buttons over
// it (the picture's caption in the stories credits the data). Run from the repository's root after building the CLI and the
// player:
//
//   node scripts/example-media-neuwerk.mjs
//
// Needs tests/e2e/node_modules. Writes stories/spielplaetze/img/neuwerk.png
// and the same file to stories/where-children-play/img/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, settled } from '../tests/e2e/lib.mjs';

const WIDTH = 960;
const HEIGHT = 600; // over 500: the wide layout, the map filling the page

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-neuwerk-'));
const story = path.join(work, 'stories', 'neuwerk');
fs.mkdirSync(path.join(story, 'data'), { recursive: true });
fs.copyFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), path.join(story, 'data/quarters.geojson'));
// Neuwerk's name stands beside the island (an area's label would cover it):
// a point at the middle of the island's box carries it.
const quarters = JSON.parse(fs.readFileSync(path.join(story, 'data/quarters.geojson'), 'utf8'));
const island = quarters.features.find((f) => f.properties.name === 'Neuwerk');
const xs = [];
const ys = [];
(function walk(c) { if (typeof c[0] === 'number') { xs.push(c[0]); ys.push(c[1]); } else c.forEach(walk); })(island.geometry.coordinates);
const mid = (v) => (Math.min(...v) + Math.max(...v)) / 2;
fs.writeFileSync(path.join(story, 'data/name.csv'), `name,lat,lon\nNeuwerk,${mid(ys)},${mid(xs)}\n`);
// The quarters as the stories' step "Eine Stadt aus 181 Quartieren" / "A
// city of 181 quarters" draws them (layer quarters), Neuwerk on top.
fs.writeFileSync(path.join(story, 'story.md'), `---
title: Neuwerk
lang: de
layout: overlay
theme: { map-background: "#eef1f4" }
layers:
  quarters:
    source: { type: geojson, url: data/quarters.geojson }
    style: { fill: "#d5dde6", stroke: "#6e7781", stroke-width: 1 }
  neuwerk:
    source: { type: geojson, url: data/quarters.geojson }
    style: { fill: "#e4572e", stroke: "#7a1f06", stroke-width: 2 }
  name:
    source: { type: csv, url: data/name.csv, lat: lat, lon: lon }
    style: { fill: "#7a1f06", radius: 1, label: "{name}" }
---

## Hamburg und Neuwerk

\`\`\`step
view: { fit: [8.4, 53.37, 10.36, 53.98] }
show: [quarters, { layer: neuwerk, filter: 'name == "Neuwerk"' }, name]
transition: jump
\`\`\`

Bild.
`);

const out = ['spielplaetze', 'where-children-play'].map((slug) => path.join(ROOT, 'stories', slug, 'img', 'neuwerk.png'));
const server = await startServer(path.join(work, 'stories'), ['--no-watch']);
const browser = await launch();
try {
  // (bypassCSP only to hide the page's own boxes with a style tag.)
  const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 2, bypassCSP: true });
  const page = await context.newPage();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${server.url}neuwerk/`);
  await page.waitForSelector('.ts-step');
  await page.evaluate(() => {
    const el = document.querySelectorAll('.ts-step')[0];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
  });
  await settled(page, 0);
  await page.addStyleTag({ content: '.ts-step, .ts-legend, .ts-attribution, .ts-controls, .ts-legend-toggle { visibility: hidden !important; }' });
  await page.waitForTimeout(500);
  const map = await page.locator('.ts-canvas').boundingBox();
  for (const f of out) {
    fs.mkdirSync(path.dirname(f), { recursive: true });
    await page.screenshot({ path: f, clip: map });
    console.log(`${path.relative(ROOT, f)}: ${fs.statSync(f).size} B`);
  }
} finally {
  await browser.close();
  server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
