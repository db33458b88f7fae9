// End-to-end: the layouts (`layout: left | right | overlay`, per story and
// per step), the cover with its contents, chapters, and the legend's fold
// button on phones. Positions are measured boxes, not screenshots: on a
// desktop (1280×800) the card stands left, right or in the middle and the
// step's map is framed beside it (the view's centre, a red dot, lands in
// the free part); on a phone (390×844) every layout stacks and no card ever
// covers the legend or the credits. The contents' link, followed with the
// keyboard, lands on its step with the map a reader who scrolled there sees.
// TWINSTORY_SHOTS=<dir> keeps a screenshot of each layout there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch, watchConsole, firstStepReady, settled } from './lib.mjs';

let server;
let browser;
const SHOTS = process.env.TWINSTORY_SHOTS;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A grid of squares around Hamburg in three kinds (a legend of three). */
function areas() {
  const features = [];
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 4; j++) {
      const [x, y] = [9.85 + i * 0.05, 53.5 + j * 0.03];
      features.push({
        type: 'Feature',
        properties: { name: `Feld ${i}-${j}`, kind: ['Wiese', 'Wald', 'Wasser'][(i + j) % 3] },
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.045, y], [x + 0.045, y + 0.027], [x, y + 0.027], [x, y]]] },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

const CENTERS = [[10.0, 53.55], [9.95, 53.56], [10.05, 53.54], [9.98, 53.57]];

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-layout-'));
  const story = path.join(dir, 'layouts');
  fs.mkdirSync(path.join(story, 'data'), { recursive: true });
  fs.writeFileSync(path.join(story, 'data', 'areas.geojson'), JSON.stringify(areas()));
  // One red dot at each step's view centre.
  fs.writeFileSync(path.join(story, 'data', 'centres.geojson'), JSON.stringify({
    type: 'FeatureCollection',
    features: CENTERS.map((c, i) => ({ type: 'Feature', properties: { step: i }, geometry: { type: 'Point', coordinates: c } })),
  }));
  const step = (i, extra = '') => `\`\`\`step
view: { center: [${CENTERS[i].join(', ')}], zoom: 12 }
show: [areas, { layer: centres, filter: "step == ${i}" }]
transition: ease
${extra}\`\`\``;
  fs.writeFileSync(path.join(story, 'story.md'), `---
title: Layouts
lang: en
summary: Where the text stands against the map.
authors: [Test Author]
date: 2026-05-04
layers:
  areas:
    title: Land use
    source: { type: geojson, url: data/areas.geojson }
    style:
      stroke: "#ffffff"
      categories: { property: kind, colors: { Wiese: "#8fbf6a", Wald: "#3f7f4f", Wasser: "#6fa8dc" } }
    attribution: "Areas: test data, CC0 – a long credit line that takes some room in the corner of the map"
  centres:
    title: View centre
    source: { type: geojson, url: data/centres.geojson }
    style: { fill: "#ff0000", stroke: "#ff0000", radius: 9 }
---

# Layouts

The cover's introduction.

# Part one

## On the left

${step(0)}

The default layout: the card on the left.

## On the right

${step(1, 'layout: right\n')}

This card stands on the right.

## Over the map

${step(2, 'layout: overlay\n')}

This card floats in the middle over the whole map.

# Part two

## Right again

${step(3, 'layout: right\n')}

The second chapter.
`);
  server = await startServer(dir, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** Scrolls step `i` to the reading line and waits until its map rests. */
async function readTo(page, i) {
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    const map = document.querySelector('.ts-map').getBoundingClientRect();
    // The reading line: the window's middle, or the map's lower edge when
    // the map sticks on top (phones).
    const line = map.height < window.innerHeight * 0.8 ? map.height : window.innerHeight * 0.45;
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - line + 10);
  }, i);
  await settled(page, i);
}

const box = (page, sel) => page.locator(sel).first().evaluate((e) => {
  const r = e.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
});
const activeCard = (page) => box(page, '.ts-step.is-active .ts-card');
const intersects = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** The centre (CSS px, map coordinates) of the red pixels: the view's centre. */
function redCentre(page) {
  return page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let [sx, sy, n] = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] > 230 && d[i + 1] < 30 && d[i + 2] < 30) {
        const p = i / 4;
        sx += p % c.width;
        sy += Math.floor(p / c.width);
        n++;
      }
    }
    const scale = c.width / c.getBoundingClientRect().width;
    return n ? { x: sx / n / scale, y: sy / n / scale, n } : null;
  });
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

test('desktop: left, right and overlay place the card and frame the map beside it', async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
  const problems = watchConsole(page);
  await page.goto(`${server.url}layouts/`);
  await firstStepReady(page);
  const map = await box(page, '.ts-map');
  assert.equal(map.left, 0, 'a full-bleed map');
  assert.equal(map.width, DESKTOP.width);
  const seen = [];
  for (const [i, layout] of [[0, 'left'], [1, 'right'], [2, 'overlay'], [3, 'right']]) {
    await readTo(page, i);
    await shot(page, `desktop-${i}-${layout}`);
    const card = await activeCard(page);
    const dot = await redCentre(page);
    assert.ok(dot, `step ${i}: the view's centre is drawn`);
    const legend = await box(page, '.ts-legend');
    const credits = await box(page, '.ts-attribution');
    const mid = map.width / 2;
    if (layout === 'left') {
      assert.ok(card.right < mid, `step ${i}: the card is on the left: ${JSON.stringify(card)}`);
      assert.ok(dot.x > card.right + 20, `step ${i}: the map is framed right of the card (${dot.x} vs ${card.right})`);
      assert.ok(legend.left > mid, 'the legend is on the right');
    } else if (layout === 'right') {
      assert.ok(card.left > mid, `step ${i}: the card is on the right: ${JSON.stringify(card)}`);
      assert.ok(dot.x < card.left - 20, `step ${i}: the map is framed left of the card (${dot.x} vs ${card.left})`);
      // The map's boxes went to the left (after their slide).
      await page.waitForFunction(() => {
        const r = document.querySelector('.ts-legend-box').getBoundingClientRect();
        return r.right < window.innerWidth / 2;
      }, null, { timeout: 5000 });
    } else {
      assert.ok(Math.abs((card.left + card.right) / 2 - mid) < 2, `step ${i}: the card is in the middle: ${JSON.stringify(card)}`);
      assert.ok(Math.abs(dot.x - mid) < 3 && Math.abs(dot.y - map.height / 2) < 3, `step ${i}: the view uses the whole map: ${JSON.stringify(dot)}`);
      assert.ok(legend.left > card.right, 'the legend is beside the card');
    }
    // Wait for slides to end, then: the card covers neither legend nor credits.
    await page.waitForTimeout(600);
    for (const [name, sel] of [['legend', '.ts-legend'], ['credits', '.ts-attribution']]) {
      assert.ok(!intersects(card, await box(page, sel)), `step ${i} (${layout}): the card covers the ${name}`);
    }
    assert.ok(!intersects(await box(page, '.ts-legend-box'), card));
    seen.push(credits.width > 0);
    // The card has the theme's card colour (opaque) over the map.
    const bg = await page.locator('.ts-step.is-active .ts-card').evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(bg, 'rgb(255, 255, 255)');
  }
  assert.ok(seen.every(Boolean), 'the credits line shows');
  // Desktop: no fold button, the legend always shows.
  assert.equal(await page.locator('.ts-legend-toggle').isVisible(), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('desktop: a step\'s own layout moves the map\'s boxes with a slide, at once with reduced motion', async () => {
  for (const motion of ['no-preference', 'reduce']) {
    const page = await browser.newPage({ viewport: DESKTOP, reducedMotion: motion });
    await page.goto(`${server.url}layouts/`);
    await firstStepReady(page);
    const before = await box(page, '.ts-legend-box');
    const duration = await page.locator('.ts-legend-box').evaluate((e) => getComputedStyle(e).transitionDuration);
    assert.equal(duration, motion === 'reduce' ? '0s' : '0.45s');
    await readTo(page, 1);
    await page.waitForTimeout(motion === 'reduce' ? 50 : 700);
    const after = await box(page, '.ts-legend-box');
    assert.ok(before.left > DESKTOP.width / 2 && after.right < DESKTOP.width / 2, `the legend moved to the left: ${before.left} → ${after.left}`);
    // And back when the next step is read in the middle.
    await readTo(page, 2);
    await page.waitForTimeout(motion === 'reduce' ? 50 : 700);
    assert.ok((await box(page, '.ts-legend-box')).left > DESKTOP.width / 2);
    await page.close();
  }
});

test('phone: every layout stacks, no card covers the legend or the credits', async () => {
  const page = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
  const problems = watchConsole(page);
  await page.goto(`${server.url}layouts/`);
  await firstStepReady(page);
  for (const [i, layout] of [[0, 'left'], [1, 'right'], [2, 'overlay'], [3, 'right']]) {
    await readTo(page, i);
    await shot(page, `phone-${i}-${layout}`);
    const map = await box(page, '.ts-map');
    const card = await activeCard(page);
    assert.ok(Math.abs(card.left - (PHONE.width - card.right)) < 2, `step ${i} (${layout}): the card is centred: ${JSON.stringify(card)}`);
    assert.ok(card.top >= map.bottom - 12, `step ${i}: the card is below the map (${card.top} vs ${map.bottom})`);
    const legend = await box(page, '.ts-legend-box');
    const credits = await box(page, '.ts-attribution');
    assert.ok(legend.right <= PHONE.width && legend.bottom <= map.bottom, 'the legend is in the map');
    assert.ok(!intersects(legend, credits), 'the legend stands above the credits');
    // While the cards scroll past, none is ever on top of legend or credits.
    for (const dy of [-200, -100, 0, 100, 200]) {
      await page.evaluate((dy) => window.scrollBy(0, dy), dy);
      const hidden = await page.evaluate(() => {
        const out = [];
        for (const sel of ['.ts-legend-box', '.ts-attribution']) {
          const r = document.querySelector(sel).getBoundingClientRect();
          for (const [x, y] of [[r.left + 4, r.top + 4], [r.right - 4, r.bottom - 4], [(r.left + r.right) / 2, (r.top + r.bottom) / 2]]) {
            const top = document.elementFromPoint(x, y);
            if (top && top.closest('.ts-card, .ts-chapter')) out.push(`${sel} at ${x},${y}`);
          }
        }
        return out;
      });
      assert.deepEqual(hidden, [], `step ${i}, scrolled by ${dy}: a card covers`);
      await page.evaluate((dy) => window.scrollBy(0, -dy), dy);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('phone: the legend folds with its button, by keyboard, and stays folded from step to step', async () => {
  const page = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
  await page.goto(`${server.url}layouts/`);
  await firstStepReady(page);
  const toggle = page.locator('.ts-legend-toggle');
  assert.ok(await toggle.isVisible(), 'the button shows on a phone');
  assert.equal(await toggle.evaluate((b) => b.tagName), 'BUTTON');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await toggle.getAttribute('aria-controls'), 'ts-legend');
  assert.equal(await page.locator('#ts-legend').count(), 1);
  assert.ok(await page.locator('.ts-legend').isVisible());
  // Reach it with Tab (the skip link, the contents' links, … come first).
  let reached = false;
  for (let n = 0; n < 40 && !reached; n++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.classList.contains('ts-legend-toggle'));
  }
  assert.ok(reached, 'Tab reaches the legend button');
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('.ts-legend').isVisible(), false, 'folded');
  const folded = await box(page, '.ts-legend-box');
  assert.ok(folded.height < 60, `only the button is left: ${folded.height}`);
  // Another step: the legend is made anew, and stays folded.
  await readTo(page, 1);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('.ts-legend').count(), 1);
  assert.equal(await page.locator('.ts-legend').isVisible(), false, 'still folded at the next step');
  await toggle.focus();
  await page.keyboard.press('Space');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.locator('.ts-legend').isVisible(), 'open again');
  await readTo(page, 2);
  assert.ok(await page.locator('.ts-legend').isVisible(), 'stays open');
  await page.close();
});

test('the cover shows its line and contents; a contents link lands on its step with the map of reading', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    // The map of a reader who scrolled through every step.
    const reader = await browser.newPage({ viewport });
    await reader.goto(`${server.url}layouts/`);
    await firstStepReady(reader);
    for (const i of [0, 1, 2, 3]) await readTo(reader, i);
    const read = await reader.evaluate(() => document.querySelector('.ts-canvas').dataset.camera);
    await reader.close();

    const page = await browser.newPage({ viewport });
    const problems = watchConsole(page);
    await page.goto(`${server.url}layouts/`);
    await firstStepReady(page);
    assert.equal(await page.locator('.ts-header .ts-summary').innerText(), 'Where the text stands against the map.');
    assert.equal(await page.locator('.ts-header .ts-byline').innerText(), 'Test Author · 4 May 2026 · 1 min read');
    const nav = page.locator('.ts-header nav.ts-toc');
    assert.equal(await nav.getAttribute('aria-label'), 'Contents');
    assert.deepEqual(await nav.locator('a').allInnerTexts(), ['Part one', 'Part two']);
    assert.deepEqual(await nav.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['#on-the-left', '#right-again']);
    // The chapters' headings stand before their first steps.
    assert.deepEqual(await page.locator('.ts-step .ts-chapter').allInnerTexts(), ['Part one', 'Part two']);
    assert.equal(await page.locator('#right-again > .ts-chapter').count(), 1);
    await shot(page, `cover-${viewport.width}`);
    // Keyboard: Tab to "Part two", Enter.
    let reached = false;
    for (let n = 0; n < 20 && !reached; n++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent === 'Part two');
    }
    assert.ok(reached, 'Tab reaches the contents');
    await page.keyboard.press('Enter');
    await settled(page, 3);
    assert.equal(await page.evaluate(() => location.hash), '#right-again');
    const jumped = await page.evaluate(() => document.querySelector('.ts-canvas').dataset.camera);
    assert.equal(jumped, read, `${viewport.width} px: the jump gives the map of reading`);
    await shot(page, `jumped-${viewport.width}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});
