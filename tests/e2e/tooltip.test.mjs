// End-to-end: tooltips in the example story. Hover a quarter and read its
// name, move off the city and see it go, step through the quarters with the
// keyboard and hear them (aria-live), tap with a finger.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
const QUARTERS = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), 'utf8'),
).features;
let server;
let browser;

before(async () => {
  server = await startServer(undefined, ['--no-watch']);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** The polygons (arrays of rings of [lon, lat]) of a GeoJSON geometry. */
function polygons(g) {
  return g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
}

/** Even-odd point in polygon over all rings (holes included). */
function inside([x, y], polygon) {
  let odd = false;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

/** Names of the quarters containing a lon/lat. */
function quartersAt(lonlat) {
  return QUARTERS.filter((f) => polygons(f.geometry).some((p) => inside(lonlat, p))).map((f) => f.properties.name);
}

/** The middle of the widest inside span of the line through a polygon's middle latitude. */
function interiorPoint(polygon) {
  const lats = polygon[0].map((c) => c[1]);
  const y = (Math.min(...lats) + Math.max(...lats)) / 2;
  const xs = [];
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y)) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
  }
  xs.sort((a, b) => a - b);
  let best = null;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (!best || xs[i + 1] - xs[i] > best.width) best = { width: xs[i + 1] - xs[i], at: [(xs[i] + xs[i + 1]) / 2, y] };
  }
  return best;
}

/**
 * The map's projection, from the camera the player writes on the canvas
 * (`data-camera`: lon, lat, zoom, bearing) and the canvas' box: lon/lat to
 * page px and back (Web Mercator, 512 px world at zoom 0, as the player).
 */
async function projection(page) {
  const { camera, rect } = await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    const r = c.getBoundingClientRect();
    return { camera: c.dataset.camera, rect: { left: r.left, top: r.top, width: r.width, height: r.height } };
  });
  const [lon, lat, zoom, bearing] = camera.split(',').map(Number);
  const world = ([x, y]) => [
    (x + 180) / 360,
    (1 - Math.log(Math.tan(Math.PI / 4 + (y * Math.PI) / 360)) / Math.PI) / 2,
  ];
  const scale = 512 * 2 ** zoom;
  const th = (-bearing * Math.PI) / 180;
  const [cx, cy] = world([lon, lat]);
  const toPage = (lonlat) => {
    const [wx, wy] = world(lonlat);
    const dx = (wx - cx) * scale;
    const dy = (wy - cy) * scale;
    return [
      rect.left + rect.width / 2 + dx * Math.cos(th) - dy * Math.sin(th),
      rect.top + rect.height / 2 + dx * Math.sin(th) + dy * Math.cos(th),
    ];
  };
  const toLonLat = ([px, py]) => {
    const x = px - rect.left - rect.width / 2;
    const y = py - rect.top - rect.height / 2;
    const wx = (x * Math.cos(th) + y * Math.sin(th)) / scale + cx;
    const wy = (-x * Math.sin(th) + y * Math.cos(th)) / scale + cy;
    const latRad = Math.atan(Math.sinh(Math.PI * (1 - 2 * wy)));
    return [wx * 360 - 180, (latRad * 180) / Math.PI];
  };
  return { toPage, toLonLat, rect };
}

/** Whether the canvas (not a card or the legend) is what the pointer meets at a page point. */
async function canvasOnTop(page, [x, y]) {
  return page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.classList.contains('ts-canvas') ?? false, [x, y]);
}

async function openFirstStep(page) {
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  await page.evaluate(() => {
    const el = document.querySelectorAll('.ts-step')[0];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
  });
  await settled(page, 0);
}

/** A quarter well inside the visible map (not under a card), with the point to hover. */
async function pickQuarter(page) {
  const { toPage, rect } = await projection(page);
  const candidates = [];
  for (const f of QUARTERS) {
    for (const p of polygons(f.geometry)) {
      const span = interiorPoint(p);
      if (!span) continue;
      const at = toPage(span.at);
      const [x0] = toPage([span.at[0] - span.width / 2, span.at[1]]);
      const [x1] = toPage([span.at[0] + span.width / 2, span.at[1]]);
      const onMap = at[0] > rect.left + 20 && at[0] < rect.left + rect.width - 20 && at[1] > 20 && at[1] < rect.height - 20;
      if (onMap) candidates.push({ name: f.properties.name, lonlat: span.at, at, widthPx: x1 - x0 });
    }
  }
  candidates.sort((a, b) => b.widthPx - a.widthPx);
  for (const c of candidates) {
    const names = quartersAt(c.lonlat);
    if (names.length === 1 && names[0] === c.name && (await canvasOnTop(page, c.at))) return c;
  }
  throw new Error('no quarter free of the cards to hover');
}

/** A point on the map, outside every quarter by at least 25 px, not under a card. */
async function pickEmptyPoint(page) {
  const { toLonLat, rect } = await projection(page);
  for (let y = rect.top + 40; y < rect.top + rect.height - 40; y += 20) {
    for (let x = rect.left + rect.width - 40; x > rect.left + 40; x -= 20) {
      const around = [[0, 0], [25, 0], [-25, 0], [0, 25], [0, -25]];
      const empty = around.every(([dx, dy]) => quartersAt(toLonLat([x + dx, y + dy])).length === 0);
      if (empty && (await canvasOnTop(page, [x, y]))) return [x, y];
    }
  }
  throw new Error('no empty part of the map to move to');
}

/** The tooltip's text, `null` while it is hidden. */
const tooltipText = (page) => page.evaluate(() => {
  const el = document.querySelector('.ts-tooltip');
  return el && !el.hidden ? el.textContent : null;
});

test('hovering a quarter shows its name; off the city the tooltip goes', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await openFirstStep(page);

  const quarter = await pickQuarter(page);
  await page.mouse.move(quarter.at[0], quarter.at[1]);
  await page.waitForFunction(() => !document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });
  assert.equal(await tooltipText(page), quarter.name, `the tooltip names ${quarter.name}`);
  // Beside the pointer, inside the map, readable.
  const box = await page.locator('.ts-tooltip').boundingBox();
  assert.ok(box.width > 20 && box.height > 10, 'the tooltip has a size');
  assert.ok(Math.hypot(box.x - quarter.at[0], box.y + box.height - quarter.at[1]) < 80
    || Math.hypot(box.x + box.width - quarter.at[0], box.y - quarter.at[1]) < 80, 'the tooltip is near the pointer');
  const colours = await page.locator('.ts-tooltip').evaluate((el) => {
    const s = getComputedStyle(el);
    return { color: s.color, background: s.backgroundColor, pointerEvents: s.pointerEvents };
  });
  assert.equal(colours.color, 'rgb(255, 255, 255)');
  assert.equal(colours.background, 'rgb(29, 35, 48)');
  assert.notEqual(colours.pointerEvents, 'none', 'the pointer may rest on the tooltip (WCAG 1.4.13)');
  await page.screenshot({ path: path.join(SHOTS, 'tooltip.png') });

  // Moving a little inside the quarter keeps it; off the city hides it.
  await page.mouse.move(quarter.at[0] + 2, quarter.at[1] + 1);
  await page.waitForTimeout(100);
  assert.equal(await tooltipText(page), quarter.name);
  const empty = await pickEmptyPoint(page);
  await page.mouse.move(empty[0], empty[1]);
  await page.waitForFunction(() => document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });

  // Back on the quarter, then off the map onto a card: hidden again.
  await page.mouse.move(quarter.at[0], quarter.at[1]);
  await page.waitForFunction(() => !document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });
  const card = await page.locator('.ts-step.is-active .ts-card').boundingBox();
  await page.mouse.move(card.x + card.width / 2, card.y + card.height / 2);
  await page.waitForFunction(() => document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });

  // Hovering does not stop the wheel from scrolling the story.
  await page.mouse.move(quarter.at[0], quarter.at[1]);
  const before = await page.evaluate(() => window.scrollY);
  await page.mouse.wheel(0, 400);
  await page.waitForFunction((y) => window.scrollY > y, before, { timeout: 5_000 });

  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();
});

test('the pointer can move onto a tooltip, which stays until it leaves; Escape closes it (WCAG 1.4.13)', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await openFirstStep(page);
  const quarter = await pickQuarter(page);
  const shown = () => page.waitForFunction(() => !document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });
  const hidden = () => page.waitForFunction(() => document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });
  await page.mouse.move(quarter.at[0], quarter.at[1]);
  await shown();

  // Straight towards the middle of the box, in small moves, across
  // whatever lies between: the text stays, and the pointer reaches the box.
  const box = await page.locator('.ts-tooltip').boundingBox();
  const target = [box.x + box.width / 2, box.y + box.height / 2];
  const { toLonLat } = await projection(page);
  const crossed = new Set();
  for (let i = 1; i <= 12; i++) {
    const at = [quarter.at[0] + ((target[0] - quarter.at[0]) * i) / 12, quarter.at[1] + ((target[1] - quarter.at[1]) * i) / 12];
    quartersAt(toLonLat(at)).forEach((q) => crossed.add(q));
    await page.mouse.move(at[0], at[1]);
    await page.waitForTimeout(20);
    assert.equal(await tooltipText(page), quarter.name, `move ${i}: the tooltip still names ${quarter.name}`);
  }
  const under = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.className, target);
  assert.match(under, /ts-tooltip/, 'the pointer rests on the tooltip');
  const still = await page.locator('.ts-tooltip').boundingBox();
  assert.deepEqual([still.x, still.y], [box.x, box.y], 'the tooltip did not move away from the pointer');
  await page.waitForTimeout(1500);
  assert.equal(await tooltipText(page), quarter.name, 'it stays while the pointer rests on it');
  console.log(`# crossed on the way: ${[...crossed].join(', ') || 'none'}`);

  // Escape closes it without moving the pointer; back on the map over the
  // same quarter it stays closed, another area opens a tooltip again.
  await page.keyboard.press('Escape');
  await hidden();
  await page.mouse.move(quarter.at[0], quarter.at[1]);
  await page.mouse.move(quarter.at[0] + 1, quarter.at[1] + 1);
  await page.waitForTimeout(100);
  assert.equal(await tooltipText(page), null, 'closed with Escape, it stays closed on the same quarter');
  const empty = await pickEmptyPoint(page);
  await page.mouse.move(empty[0], empty[1]);
  await page.waitForTimeout(100);
  await page.mouse.move(quarter.at[0], quarter.at[1]);
  await shown();

  // Leaving the tooltip for something other than the map hides it.
  const b = await page.locator('.ts-tooltip').boundingBox();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await shown();
  const card = await page.locator('.ts-step.is-active .ts-card').boundingBox();
  await page.mouse.move(card.x + card.width / 2, card.y + card.height / 2, { steps: 2 });
  await hidden();
  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();
});

test('the keyboard steps through the quarters and the live region reads them', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await openFirstStep(page);

  const canvas = page.locator('.ts-canvas');
  assert.equal(await canvas.getAttribute('tabindex'), '0', 'the map can be reached with Tab');
  const help = await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    // The step's map in words, then the key help (describe.test.mjs checks the first).
    return c.getAttribute('aria-describedby').split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
  });
  assert.match(help, /Pfeiltasten/, 'the map explains its keys');
  await canvas.evaluate((c) => c.focus({ preventScroll: true }));
  const scrollBefore = await page.evaluate(() => window.scrollY);
  const live = page.locator('.ts-map-announce[aria-live="polite"]');
  assert.equal((await live.textContent()).trim(), '');

  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.ts-map-announce').textContent.trim() !== '');
  const first = (await live.textContent()).trim();
  const names = new Set(QUARTERS.map((f) => f.properties.name));
  assert.ok(names.has(first), `the live region names a quarter: "${first}"`);
  assert.equal(await tooltipText(page), first, 'the tooltip shows what is announced');
  await page.screenshot({ path: path.join(SHOTS, 'tooltip-keyboard.png') });

  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((t) => document.querySelector('.ts-map-announce').textContent.trim() !== t, first);
  const second = (await live.textContent()).trim();
  assert.ok(names.has(second), `the next quarter: "${second}"`);
  assert.equal(await page.evaluate(() => window.scrollY), scrollBefore, 'arrow keys on the map do not scroll the page');

  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelector('.ts-tooltip').hidden);
  assert.equal((await live.textContent()).trim(), '');
  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();
});

test('a tap shows the tooltip of the quarter under the finger, a swipe does not', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, hasTouch: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await openFirstStep(page);
  const quarter = await pickQuarter(page);
  await page.touchscreen.tap(quarter.at[0], quarter.at[1]);
  await page.waitForFunction(() => !document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });
  assert.equal(await tooltipText(page), quarter.name);
  const empty = await pickEmptyPoint(page);
  await page.touchscreen.tap(empty[0], empty[1]);
  await page.waitForFunction(() => document.querySelector('.ts-tooltip').hidden, null, { timeout: 5_000 });
  // A swipe that starts on the quarter scrolls the story and shows nothing.
  const cdp = await context.newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', {
    type, touchPoints: points.map(([x, y], id) => ({ x, y, id })),
  });
  const y0 = await page.evaluate(() => window.scrollY);
  const [x, y] = quarter.at;
  await touch('touchStart', [[x, y]]);
  for (let i = 1; i <= 6; i++) await touch('touchMove', [[x, y - i * 25]]);
  await touch('touchEnd', []);
  await page.waitForFunction((y0) => window.scrollY > y0 + 50, y0, { timeout: 5_000 });
  await page.waitForTimeout(300);
  assert.ok(await page.evaluate(() => document.querySelector('.ts-tooltip').hidden), 'no tooltip after a swipe');
  assert.deepEqual(problems, [], 'the console stayed clean');
  await context.close();
});
