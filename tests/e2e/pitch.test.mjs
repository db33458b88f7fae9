// End-to-end: a tilted step with raised blocks (`pitch`, `extrude`). A tall
// block in front hides a low one behind it (the pixels where the back
// block's footprint lies show the front block), the flat step shows both
// from above, jumping to the tilted step draws the same pixels as reading
// to it, and the tooltip answers for the block that is drawn under the
// pointer, the front one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled, canvasStats } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
const FRONT = '#d62728';
const BACK = '#1f77b4';
// Two blocks on a north–south line: the camera of the tilted step looks
// north, so the tall one (south) stands in front of the low one.
const LON = 9.99;
const LAT = 53.55;
const D = 0.0006;
const square = (lon, lat, name, height) => ({
  type: 'Feature',
  properties: { name, height },
  geometry: {
    type: 'Polygon',
    coordinates: [[[lon, lat], [lon + D, lat], [lon + D, lat + D * 0.6], [lon, lat + D * 0.6], [lon, lat]]],
  },
});
const BLOCKS = {
  type: 'FeatureCollection',
  features: [square(LON, LAT, 'Vorne', 150), square(LON, LAT + D, 'Hinten', 15)],
};
const STORY = `---
title: Blöcke
lang: de
layers:
  blocks:
    source: { type: geojson, url: data/blocks.geojson }
    tooltip: "{name}"
    style:
      categories: { property: name, colors: { Vorne: "${FRONT}", Hinten: "${BACK}" } }
      extrude: height
---

## Von oben

\`\`\`step
view: { center: [${LON + D / 2}, ${LAT + D * 0.8}], zoom: 16 }
show: [blocks]
\`\`\`

Beide Blöcke von oben.

## Schräg

\`\`\`step
view: { center: [${LON + D / 2}, ${LAT + D * 0.8}], zoom: 16, pitch: 60 }
show: [blocks]
\`\`\`

Der hohe Block verdeckt den niedrigen.
`;

let server;
let browser;
let dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-pitch-'));
  fs.mkdirSync(path.join(dir, 'blocks', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'blocks', 'story.md'), STORY);
  fs.writeFileSync(path.join(dir, 'blocks', 'data', 'blocks.geojson'), JSON.stringify(BLOCKS));
  server = await startServer(dir, ['--no-watch']);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The player's camera (`data-camera`: lon, lat, zoom, bearing, pitch) as a
 * projection from lon/lat and a height in metres to CSS px of the page:
 * Web Mercator, 512 px world at zoom 0, MapLibre's field of view (the eye
 * 1.5 map heights from the centre), as `twinstory_map::Transform::project`.
 */
async function projection(page) {
  const { camera, rect } = await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    const r = c.getBoundingClientRect();
    return { camera: c.dataset.camera, rect: { left: r.left, top: r.top, width: r.width, height: r.height } };
  });
  const [lon, lat, zoom, bearing, pitch] = camera.split(',').map(Number);
  const world = (lo, la) => {
    const s = Math.sin((la * Math.PI) / 180);
    return [(lo + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  };
  const c = world(lon, lat);
  const scale = 512 * 2 ** zoom;
  const th = (-bearing * Math.PI) / 180;
  const p = (pitch * Math.PI) / 180;
  const eye = 1.5 * rect.height;
  const pxPerMetre = scale / (40075016.6855785 * Math.cos((lat * Math.PI) / 180));
  return {
    pitch,
    toPage(lo, la, metres = 0) {
      const w = world(lo, la);
      const dx = (w[0] - c[0]) * scale;
      const dy = (w[1] - c[1]) * scale;
      const u = dx * Math.cos(th) - dy * Math.sin(th);
      const v = dx * Math.sin(th) + dy * Math.cos(th);
      const h = metres * pxPerMetre;
      const k = eye / (eye - v * Math.sin(p) - h * Math.cos(p));
      return [rect.left + rect.width / 2 + u * k, rect.top + rect.height / 2 + (v * Math.cos(p) - h * Math.sin(p)) * k];
    },
    rect,
  };
}

/** The canvas colour at a page point, as [r, g, b]. */
function pixelAt(page, [x, y]) {
  return page.evaluate(([x, y]) => {
    const c = document.querySelector('.ts-canvas');
    const r = c.getBoundingClientRect();
    const k = c.width / r.width;
    const copy = document.createElement('canvas');
    copy.width = 1;
    copy.height = 1;
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(c, Math.floor((x - r.left) * k), Math.floor((y - r.top) * k), 1, 1, 0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, [x, y]);
}

/** Which block a colour belongs to: walls are shades of the roof colour. */
const block = ([r, g, b]) => (r > 1.5 * b && r > 90 ? 'Vorne' : b > 1.5 * r && b > 90 ? 'Hinten' : null);

async function goToStep(page, index) {
  await page.evaluate((i) => document.querySelectorAll('.ts-step')[i].scrollIntoView({ block: 'center' }), index);
  await settled(page, index);
}

test('a tall block in front hides the low one behind it, and the tooltip picks the front one', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchConsole(page);
  await page.goto(`${server.url}blocks/`);
  await settled(page, 0);
  const flatStats = await canvasStats(page);
  let proj = await projection(page);
  assert.equal(proj.pitch, 0);
  // The back block's footprint from above: its own colour.
  const backMiddle = [LON + D / 2, LAT + D * 1.3];
  assert.equal(block(await pixelAt(page, proj.toPage(...backMiddle))), 'Hinten', 'flat: the back block is seen from above');
  await page.screenshot({ path: path.join(SHOTS, 'pitch-flat.png') });

  await goToStep(page, 1);
  proj = await projection(page);
  assert.equal(proj.pitch, 60);
  const tiltStats = await canvasStats(page);
  await page.screenshot({ path: path.join(SHOTS, 'pitch-tilted.png') });
  assert.notEqual(tiltStats.hash, flatStats.hash, 'the tilted picture differs from the flat one');
  // The back block's footprint lies behind the tall front block now.
  const hidden = proj.toPage(...backMiddle);
  assert.equal(block(await pixelAt(page, hidden)), 'Vorne', 'the tall block covers what is behind it');
  // The front block's roof is drawn well above its footprint.
  const roof = proj.toPage(LON + D / 2, LAT + D * 0.3, 150);
  const foot = proj.toPage(LON + D / 2, LAT + D * 0.3, 0);
  assert.ok(foot[1] - roof[1] > 100, `the roof stands ${foot[1] - roof[1]} px above the ground`);
  assert.equal(block(await pixelAt(page, roof)), 'Vorne');
  // Over the covered footprint, the tooltip names the block drawn there.
  await page.mouse.move(...hidden);
  const tip = page.locator('.ts-tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal((await tip.textContent()).trim(), 'Vorne');
  // The text alternative says how the map is seen.
  const described = await page.evaluate(() => {
    const id = document.querySelector('.ts-canvas').getAttribute('aria-describedby') || '';
    return id.split(' ').map((i) => document.getElementById(i)?.textContent || '').join(' ');
  });
  assert.match(described, /von Süden gesehen, um 60° geneigt/);
  assert.deepEqual(errors, []);

  // Jump = read: a fresh page sent straight to the tilted step.
  const jump = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await jump.goto(`${server.url}blocks/`);
  await settled(jump, 0);
  await jump.evaluate(() => document.querySelectorAll('.ts-step')[1].scrollIntoView({ block: 'center', behavior: 'instant' }));
  await settled(jump, 1);
  await page.mouse.move(0, 0);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const jumped = await canvasStats(jump);
  const read = await canvasStats(page);
  assert.equal(jumped.hash, read.hash, 'jumping to the tilted step draws what reading to it draws');
  await jump.close();
  await page.close();
});
