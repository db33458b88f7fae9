// End-to-end: free pan and zoom in a story with `interactive: true` (and
// its absence in the default, non-interactive example story). A mouse drag
// moves the camera by the dragged distance, Ctrl + wheel zooms about the
// cursor, a plain wheel scrolls the page and shows the hint, the buttons
// work by keyboard, "back to the view" restores the step's camera, the next
// step flies from where the reader left the camera; on a phone one finger
// scrolls and two fingers move the map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');

const STORY = `---
title: Hamburg zum Selbsterkunden
lang: de
interactive: true
layers:
  quarters:
    title: Stadtteile
    source: { type: geojson, url: data/quarters.geojson }
    style: { fill: "#d5dde6", stroke: "#ffffff", stroke-width: 1 }
    tooltip: "{name}"
---

## Die ganze Stadt

\`\`\`step
view: { fit: quarters }
show: [quarters]
transition: jump
\`\`\`

Ziehen Sie die Karte, oder zoomen Sie mit Strg und dem Mausrad.

## Altona

\`\`\`step
view: { center: [9.93, 53.55], zoom: 12 }
show: [quarters]
\`\`\`

Die Karte fliegt von dort, wo Sie sie gelassen haben.

## Fest

\`\`\`step
view: { center: [10.0, 53.55], zoom: 11 }
show: [quarters]
interactive: false
\`\`\`

Hier bewegt sich die Karte nur mit der Geschichte.
`;

let site;
let defaultSite;
let browser;
let dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-panzoom-'));
  fs.mkdirSync(path.join(dir, 'panzoom', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'panzoom', 'story.md'), STORY);
  fs.copyFileSync(
    path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'),
    path.join(dir, 'panzoom', 'data', 'quarters.geojson'),
  );
  // The same story with the seven districts as categories: a legend as
  // tall as a phone's map allows.
  fs.mkdirSync(path.join(dir, 'bezirke', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bezirke', 'story.md'), STORY.replace(
    'style: { fill: "#d5dde6", stroke: "#ffffff", stroke-width: 1 }',
    'style: { categories: { property: district_name }, stroke: "#ffffff", stroke-width: 1 }',
  ));
  fs.copyFileSync(
    path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'),
    path.join(dir, 'bezirke', 'data', 'quarters.geojson'),
  );
  site = await startServer(dir, ['--no-watch']);
  defaultSite = await startServer(undefined, ['--no-watch']);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  site?.stop();
  defaultSite?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Web Mercator world units (0..1) of a lon/lat. */
const world = ([lon, lat]) => [
  (lon + 180) / 360,
  (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2,
];

/** The camera the last frame shows, with the canvas box. */
async function camera(page) {
  const { cam, rect } = await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    const r = c.getBoundingClientRect();
    return { cam: c.dataset.camera, rect: { left: r.left, top: r.top, width: r.width, height: r.height } };
  });
  const [lon, lat, zoom, bearing, pitch] = cam.split(',').map(Number);
  return { lon, lat, zoom, bearing, pitch, rect, world: world([lon, lat]), scale: 512 * 2 ** zoom };
}

/** The world point under a page point (bearing 0, as in the test story). */
function worldAt(c, [px, py]) {
  return [
    c.world[0] + (px - c.rect.left - c.rect.width / 2) / c.scale,
    c.world[1] + (py - c.rect.top - c.rect.height / 2) / c.scale,
  ];
}

async function scrollToStep(page, i) {
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
  }, i);
  await settled(page, i);
}

async function open(page, url) {
  await page.goto(url);
  await page.waitForSelector('.ts-step');
  await scrollToStep(page, 0);
}

async function onCanvas(page, [x, y]) {
  return page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.classList.contains('ts-canvas') ?? false, [x, y]);
}

async function drag(page, from, to) {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move((from[0] + to[0]) / 2, (from[1] + to[1]) / 2, { steps: 4 });
  await page.mouse.move(...to, { steps: 4 });
  await page.mouse.up();
}

test('desktop: drag, Ctrl + wheel, plain wheel, keys, buttons, back to the view, next step', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await open(page, `${site.url}panzoom/`);
  const home = await camera(page);

  // The buttons exist with German names; "back" only after a move.
  assert.equal(await page.locator('.ts-nav').isVisible(), true);
  assert.equal(await page.getByRole('button', { name: 'Vergrößern' }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Verkleinern' }).count(), 1);
  assert.equal(await page.locator('.ts-nav-reset').isVisible(), false);

  // A plain wheel scrolls the page (the camera stays) and shows the hint.
  const from = [900, 420];
  assert.ok(await onCanvas(page, from), 'the test point is on the map');
  const y0 = await page.evaluate(() => window.scrollY);
  await page.mouse.move(...from);
  await page.mouse.wheel(0, 120);
  await page.waitForFunction((y) => window.scrollY > y, y0);
  await page.waitForSelector('.ts-nav-hint.is-shown');
  assert.equal(await page.locator('.ts-nav-hint').textContent(), 'Strg + Scrollen zum Zoomen');
  await page.screenshot({ path: path.join(SHOTS, 'panzoom-hint-desktop.png') });
  await scrollToStep(page, 0);
  assert.equal((await camera(page)).lon, home.lon, 'a plain wheel never moves the camera');
  // The hint goes away by itself.
  await page.waitForSelector('.ts-nav-hint:not(.is-shown)', { state: 'attached', timeout: 5000 });

  // A drag moves the map by the dragged distance: the world point under
  // the pointer at the start is under it at the end.
  const to = [760, 330];
  const grabbed = worldAt(home, from);
  await drag(page, from, to);
  await settled(page, 0);
  const dragged = await camera(page);
  const now = worldAt(dragged, to);
  assert.ok(Math.abs(now[0] - grabbed[0]) * dragged.scale < 0.5, `x off by ${(now[0] - grabbed[0]) * dragged.scale} px`);
  assert.ok(Math.abs(now[1] - grabbed[1]) * dragged.scale < 0.5, `y off by ${(now[1] - grabbed[1]) * dragged.scale} px`);
  assert.equal(dragged.zoom, home.zoom);
  assert.equal(await page.locator('.ts-nav-reset').isVisible(), true, 'back button after a move');

  // Ctrl + wheel zooms about the cursor, eased, without scrolling the page.
  const cursor = [820, 500];
  const before = await camera(page);
  const under = worldAt(before, cursor);
  const scrollBefore = await page.evaluate(() => window.scrollY);
  await page.mouse.move(...cursor);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Control');
  await settled(page, 0);
  const zoomed = await camera(page);
  assert.ok(Math.abs(zoomed.zoom - (before.zoom + 1)) < 1e-3, `zoom ${before.zoom} -> ${zoomed.zoom}`);
  const still = worldAt(zoomed, cursor);
  assert.ok(Math.abs(still[0] - under[0]) * zoomed.scale < 0.5 && Math.abs(still[1] - under[1]) * zoomed.scale < 0.5,
    'the point under the cursor stays');
  assert.equal(await page.evaluate(() => window.scrollY), scrollBefore, 'Ctrl + wheel does not scroll');
  const frames = await page.evaluate(() => Number(document.querySelector('.ts-canvas').dataset.frames));
  assert.ok(frames > 0);

  // Keys on the focused map: + zooms, Shift + arrow pans, plain arrows
  // still step through the quarters' tooltips.
  await page.focus('.ts-canvas');
  await page.keyboard.press('+');
  await settled(page, 0);
  const plus = await camera(page);
  assert.ok(Math.abs(plus.zoom - (zoomed.zoom + 1)) < 1e-3);
  await page.keyboard.press('Shift+ArrowRight');
  await settled(page, 0);
  const right = await camera(page);
  assert.ok(Math.abs((right.world[0] - plus.world[0]) * right.scale - 100) < 0.5, 'Shift + → looks 100 px further east');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.ts-map-announce')?.textContent.length > 0);
  assert.equal((await camera(page)).lon, right.lon, 'plain arrows do not pan');
  await page.keyboard.press('-');
  await settled(page, 0);
  assert.ok(Math.abs((await camera(page)).zoom - zoomed.zoom) < 1e-3);

  // The buttons by keyboard: Tab from the map reaches them.
  await page.focus('.ts-canvas');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Vergrößern');
  await page.keyboard.press('Enter');
  await settled(page, 0);
  assert.ok(Math.abs((await camera(page)).zoom - (zoomed.zoom + 1)) < 1e-3, 'zoom in by Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Verkleinern');
  await page.keyboard.press('Space');
  await settled(page, 0);
  assert.ok(Math.abs((await camera(page)).zoom - zoomed.zoom) < 1e-3, 'zoom out by Space');
  await page.screenshot({ path: path.join(SHOTS, 'panzoom-desktop.png') });

  // Double-click zooms in about the cursor.
  await page.mouse.dblclick(...cursor);
  await settled(page, 0);
  assert.ok(Math.abs((await camera(page)).zoom - (zoomed.zoom + 1)) < 1e-3, 'double-click zooms in');

  // Back to the step's view: by keyboard, then the button goes and the
  // focus stays on the map.
  await page.focus('.ts-canvas');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Zurück zur Ansicht');
  await page.keyboard.press('Enter');
  await settled(page, 0);
  const back = await camera(page);
  assert.deepEqual([back.lon, back.lat, back.zoom], [home.lon, home.lat, home.zoom]);
  assert.equal(await page.locator('.ts-nav-reset').isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ts-canvas')), true);

  // The next step flies from wherever the reader left the camera.
  await drag(page, from, [600, 250]);
  await settled(page, 0);
  const left = await camera(page);
  await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    window.__frames = [];
    new MutationObserver(() => window.__frames.push([c.dataset.activeStep, c.dataset.camera]))
      .observe(c, { attributes: true, attributeFilter: ['data-camera', 'data-active-step'] });
  });
  await scrollToStep(page, 1);
  const seen = await page.evaluate(() => window.__frames);
  const first = seen.find(([s]) => s === '1');
  assert.ok(first, 'frames of step 1 were drawn');
  const [flon, flat] = first[1].split(',').map(Number);
  const fw = world([flon, flat]);
  const fromUser = Math.hypot(fw[0] - left.world[0], fw[1] - left.world[1]) * left.scale;
  const fromHome = Math.hypot(fw[0] - home.world[0], fw[1] - home.world[1]) * left.scale;
  assert.ok(fromUser < 40 && fromUser < fromHome / 4, `first frame ${fromUser.toFixed(1)} px from the reader's camera, ${fromHome.toFixed(1)} px from the step's`);
  assert.ok(seen.filter(([s]) => s === '1').length > 5, 'a flight, not a jump');
  assert.equal((await camera(page)).zoom, 12);
  assert.equal(await page.locator('.ts-nav-reset').isVisible(), false);

  // A step with `interactive: false`: no buttons, a drag moves nothing.
  await page.focus('.ts-nav-zoom');
  await scrollToStep(page, 2);
  assert.equal(await page.locator('.ts-nav').isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ts-canvas')), true,
    'the focus moves from the hidden buttons to the map');
  const fixed = await camera(page);
  await drag(page, from, to);
  await page.mouse.dblclick(...from);
  await page.focus('.ts-canvas');
  await page.keyboard.press('+');
  await settled(page, 2);
  assert.deepEqual(await camera(page), fixed);
  assert.deepEqual(problems, []);
  await page.close();
});

test('phone: one finger scrolls and hints, two fingers move, pinch, turn and tilt the map', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 800 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await open(page, `${site.url}panzoom/`);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.ts-canvas')).touchAction), 'pan-y');
  const home = await camera(page);
  const cdp = await context.newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', {
    type, touchPoints: points.map(([x, y], id) => ({ x, y, id })),
  });
  // Two fingers: move apart and up: the map pans and zooms in.
  const y0 = await page.evaluate(() => window.scrollY);
  await touch('touchStart', [[150, 250], [250, 250]]);
  for (let i = 1; i <= 8; i++) {
    await touch('touchMove', [[150 - i * 6, 250 - i * 3], [250 + i * 6, 250 - i * 3]]);
  }
  await touch('touchEnd', []);
  await settled(page, 0);
  const pinched = await camera(page);
  assert.ok(pinched.zoom > home.zoom + 0.4, `pinch zoom ${home.zoom} -> ${pinched.zoom}`);
  assert.equal(await page.evaluate(() => window.scrollY), y0, 'two fingers never scroll the page');
  assert.equal(await page.locator('.ts-nav-reset').isVisible(), true);
  await page.screenshot({ path: path.join(SHOTS, 'panzoom-phone.png') });
  // One finger sideways on the map (left of the legend's button, below the
  // way back): the hint, and the map stays.
  await touch('touchStart', [[160, 200]]);
  for (let i = 1; i <= 6; i++) await touch('touchMove', [[160 - i * 15, 202]]);
  await page.waitForSelector('.ts-nav-hint.is-shown');
  assert.equal(await page.locator('.ts-nav-hint').textContent(), 'Zum Bewegen der Karte zwei Finger benutzen');
  await page.screenshot({ path: path.join(SHOTS, 'panzoom-phone-hint.png') });
  await touch('touchEnd', []);
  assert.deepEqual(await camera(page), await camera(page));
  assert.equal((await camera(page)).lon, pinched.lon);
  // Two fingers twisting clockwise by 45° about their middle: the map turns
  // with them (the bearing goes the other way), no tilt.
  const mid = [200, 300];
  const twist = (deg) => {
    const [s, c] = [Math.sin(deg * Math.PI / 180), Math.cos(deg * Math.PI / 180)];
    return [[mid[0] - 70 * c, mid[1] - 70 * s], [mid[0] + 70 * c, mid[1] + 70 * s]];
  };
  await touch('touchStart', twist(0));
  for (let d = 5; d <= 45; d += 5) await touch('touchMove', twist(d));
  await touch('touchEnd', []);
  await settled(page, 0);
  const turned = await camera(page);
  // Turning starts once the twist passes 12° (at 15°, in 5° moves): the
  // last 35° of the 45° (touch points are whole pixels: within 1°).
  assert.ok(Math.abs(turned.bearing - (pinched.bearing - 35)) < 1, `bearing ${pinched.bearing} -> ${turned.bearing}`);
  assert.equal(turned.pitch, 0);
  // Side by side, sliding up by 100 px together: the map tilts by 40°.
  await touch('touchStart', [[130, 370], [270, 370]]);
  for (let i = 1; i <= 10; i++) await touch('touchMove', [[130, 370 - i * 10], [270, 370 - i * 10]]);
  await touch('touchEnd', []);
  await settled(page, 0);
  const tilted = await camera(page);
  assert.ok(Math.abs(tilted.pitch - 40) < 0.5, `pitch ${tilted.pitch}`);
  assert.equal(tilted.bearing, turned.bearing);
  assert.equal(tilted.zoom, turned.zoom);
  assert.equal(await page.evaluate(() => window.scrollY), y0, 'two fingers never scroll the page');
  await page.screenshot({ path: path.join(SHOTS, 'panzoom-phone-turned.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('phone: a tall legend stays below the zoom buttons (and the reset button)', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await open(page, `${site.url}bezirke/`);
  const m = await page.evaluate(() => {
    const r = (s) => document.querySelector(s).getBoundingClientRect();
    return { nav: r('.ts-nav').bottom, column: r('.ts-legend-box').top, legend: r('.ts-legend').height, entries: document.querySelectorAll('.ts-legend-item').length };
  });
  assert.ok(m.entries >= 7, `a legend of ${m.entries} entries`);
  // The reset button (shown once the reader moved the map) is about 3 rem
  // below the zoom buttons.
  assert.ok(m.column >= m.nav + 48, `the legend's column starts at ${m.column}px, the zoom buttons end at ${m.nav}px`);
  assert.ok(m.legend >= 60, `the legend keeps ${m.legend}px (it scrolls)`);
  await page.screenshot({ path: path.join(SHOTS, 'panzoom-phone-legend.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a step without `interactive`: the map never takes the wheel or a drag, and shows no zoom buttons', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  // The example's first step (a later one, `parks`, is interactive).
  await open(page, `${defaultSite.url}spielplaetze/`);
  assert.equal(await page.locator('.ts-nav').isVisible(), false);
  assert.equal(await page.locator('.ts-nav-hint:visible').count(), 0);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.ts-canvas')).touchAction), 'auto');
  const before = await camera(page);
  const at = [1000, 400];
  assert.ok(await onCanvas(page, at));
  await drag(page, at, [800, 300]);
  await page.mouse.dblclick(...at);
  await page.focus('.ts-canvas');
  await page.keyboard.press('+');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Escape');
  await settled(page, 0);
  const after = await camera(page);
  assert.deepEqual([after.lon, after.lat, after.zoom], [before.lon, before.lat, before.zoom]);
  // A plain wheel scrolls the page as always.
  const y0 = await page.evaluate(() => window.scrollY);
  await page.mouse.move(...at);
  await page.mouse.wheel(0, 200);
  await page.waitForFunction((y) => window.scrollY > y, y0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('reduced motion: zooms without easing', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await open(page, `${site.url}panzoom/`);
  const before = await camera(page);
  await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    window.__zooms = [];
    new MutationObserver(() => window.__zooms.push(Number(c.dataset.camera.split(',')[2])))
      .observe(c, { attributes: true, attributeFilter: ['data-camera'] });
  });
  await page.mouse.move(900, 420);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Control');
  await settled(page, 0);
  const zooms = await page.evaluate(() => window.__zooms);
  assert.ok(zooms.length > 0);
  assert.ok(zooms.every((z) => Math.abs(z - (before.zoom + 1)) < 1e-3), `no steps in between: ${zooms}`);
  assert.deepEqual(problems, []);
  await context.close();
});
