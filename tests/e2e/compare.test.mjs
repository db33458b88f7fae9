// End-to-end: a compare step (`compare:` in a step block). The story is
// built from real data: Hamburg's quarters with the share of children from
// the Stadtteil-Profile 2014 (left, greens) and 2018 (right, purples). The
// divider moves by keyboard and by drag and only the pixels it passes
// change; the labels name the sides; a phone shows both side by side;
// axe finds nothing; jumping to the step shows what reading to it shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole, settled, canvasStats, recordFrameCosts } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const STEP = '2014-und-2018';
// The shared data beside the checkout, as import.test.mjs finds it.
const SHARED = [path.resolve(ROOT, '../shared/data'), '/work/shared/data'].find((d) => fs.existsSync(d));
let site;
let browser;
let dir;

before(async () => {
  // The story folder: its story.md from tests/e2e/compare-story, the data
  // from the example story and the shared Hamburg statistics.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-compare-'));
  const story = path.join(dir, 'kinder');
  fs.mkdirSync(path.join(story, 'data'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'tests/e2e/compare-story/kinder/story.md'), path.join(story, 'story.md'));
  for (const f of ['quarters.geojson', 'stadtteilprofile-2014.csv']) {
    fs.copyFileSync(path.join(ROOT, 'stories/spielplaetze/data', f), path.join(story, 'data', f));
  }
  fs.copyFileSync(
    path.join(SHARED, 'hamburg/stats/stadtteilprofile-2018.csv'),
    path.join(story, 'data', 'stadtteilprofile-2018.csv'),
  );
  site = await startServer(dir, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Scrolls the step with `id` to where it becomes active. */
async function scrollTo(page, id) {
  await page.evaluate((id) => {
    const el = document.getElementById(id);
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.45);
  }, id);
}

/** One hash per canvas column, over every 4th row. */
async function columns(page) {
  return page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const out = [];
    for (let x = 0; x < c.width; x++) {
      let h = 2166136261;
      for (let y = 0; y < c.height; y += 4) {
        const i = (y * c.width + x) * 4;
        h = Math.imul(h ^ d[i] ^ (d[i + 1] << 8) ^ (d[i + 2] << 16), 16777619) >>> 0;
      }
      out.push(h);
    }
    return out;
  });
}

/** Waits until the frame after `frames` is drawn and the map rests. */
async function nextFrame(page, frames) {
  await page.waitForFunction((f) => {
    const c = document.querySelector('.ts-canvas');
    return Number(c.dataset.frames) > f && c.dataset.moving === 'false';
  }, frames, { timeout: 10_000, polling: 'raf' });
}

const frames = (page) => page.evaluate(() => Number(document.querySelector('.ts-canvas').dataset.frames));
const value = (page) => page.evaluate(() => Number(document.querySelector('.ts-compare-divider').value));

/** How many columns in [from, to) differ between two column lists. */
function changed(a, b, from, to) {
  let n = 0;
  for (let x = Math.max(0, from); x < Math.min(a.length, to); x++) if (a[x] !== b[x]) n++;
  return n;
}

test('the divider moves by keyboard and by drag, and only what it passes changes', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await page.goto(`${site.url}kinder/`);
  await settled(page, 0);
  assert.equal(await page.locator('.ts-compare').isVisible(), false, 'no divider outside the compare step');
  await recordFrameCosts(page);
  await scrollTo(page, STEP);
  await settled(page, 1);
  const costs = await page.evaluate(() => window.__frameMs.slice());
  const sorted = [...costs].sort((a, b) => a - b);
  console.log(`# flight into the compare step: ${costs.length} frames, frame cost p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`);

  const box = page.locator('.ts-compare');
  assert.ok(await box.isVisible());
  const labels = await box.evaluate((el) => [getComputedStyle(el, '::before').content, getComputedStyle(el, '::after').content]);
  assert.deepEqual(labels, ['"2014"', '"2018"']);
  const input = page.locator('.ts-compare-divider');
  assert.equal(await input.getAttribute('type'), 'range');
  assert.equal(await input.getAttribute('aria-label'), 'Vergleich – Trennlinie: links 2014, rechts 2018');
  const start = await value(page);
  await page.screenshot({ path: path.join(ROOT, 'target', 'compare-desktop-start.png') });
  // The middle of the map beside the cards (layout left), not of the canvas.
  assert.ok(start > 50 && start < 80, `divider at ${start} %`);

  const width = await page.evaluate(() => document.querySelector('.ts-canvas').width);
  const a = await columns(page);
  const split = Math.round((start / 100) * width);
  // The two sides differ: greens on the left, purples on the right.
  const left = await canvasStats(page);
  assert.ok(left.colours > 6, `${left.colours} colours`);

  // Keyboard: focus, then ten steps to the left.
  await input.focus();
  const active = await page.evaluate(() => `${document.activeElement?.className} ${window.scrollY}`);
  assert.ok(await input.evaluate((el) => el === document.activeElement), active);
  let f = await frames(page);
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  await nextFrame(page, f);
  assert.equal(await value(page), start - 10);
  const b = await columns(page);
  const moved = Math.round(((start - 10) / 100) * width);
  assert.equal(changed(a, b, split + 4, width), 0, 'right of the old divider nothing changed');
  assert.equal(changed(a, b, 0, moved - 4), 0, 'left of the new divider nothing changed');
  const passed = changed(a, b, moved + 4, split - 4);
  assert.ok(passed > 0.9 * (split - moved - 8), `${passed} of ${split - moved - 8} columns the divider passed changed`);
  // The focused handle shows its focus.
  const outline = await input.evaluate((el) => el.matches(':focus-visible'));
  assert.ok(outline, 'the handle is :focus-visible after keyboard use');

  // Home and End: all "after", all "before".
  f = await frames(page);
  await page.keyboard.press('Home');
  await nextFrame(page, f);
  assert.equal(await value(page), 0);
  const home = await columns(page);
  assert.equal(changed(a, home, split + 4, width), 0);
  f = await frames(page);
  await page.keyboard.press('End');
  await nextFrame(page, f);
  const end = await columns(page);
  assert.equal(changed(a, end, 0, split - 4), 0, 'at End the left side fills the map');
  assert.ok(changed(home, end, 0, width) > 0.9 * width);

  // Drag: the handle from 75 % to 90 % of the map (right of the cards).
  const rect = await page.evaluate(() => {
    const r = document.querySelector('.ts-canvas').getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowLeft');
  assert.equal(await value(page), 75);
  f = await frames(page);
  const from = rect.x + rect.w * 0.75;
  await page.mouse.move(from, rect.y + rect.h / 2);
  await page.mouse.down();
  await page.mouse.move(from + rect.w * 0.05, rect.y + rect.h / 2, { steps: 5 });
  await page.mouse.move(from + rect.w * 0.15, rect.y + rect.h / 2, { steps: 5 });
  await page.mouse.up();
  await nextFrame(page, f);
  const dragged = await value(page);
  assert.ok(Math.abs(dragged - 90) <= 1, `dragged to ${dragged} %`);
  const d = await columns(page);
  const x90 = Math.round((dragged / 100) * width);
  assert.equal(changed(end, d, 0, x90 - 4), 0, 'left of the dragged divider: the left side');
  assert.equal(changed(home, d, x90 + 4, width), 0, 'right of it: the right side');
  await page.screenshot({ path: path.join(ROOT, 'target', 'compare-desktop.png') });

  // Leaving the step hides the divider.
  await scrollTo(page, 'danach');
  await settled(page, 2);
  assert.equal(await box.isVisible(), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('on a phone the two states stand side by side, with their labels', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await page.goto(`${site.url}kinder/#${STEP}`);
  await settled(page, 1);
  const box = page.locator('.ts-compare');
  assert.ok(await box.isVisible());
  assert.ok(await box.evaluate((el) => el.classList.contains('is-narrow')));
  assert.equal(await page.locator('.ts-compare-divider').isVisible(), false, 'no divider to move');
  // Greens on the left half, purples on the right.
  await page.screenshot({ path: path.join(ROOT, 'target', 'compare-phone.png') });
  const share = await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    const ctx = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height }).getContext('2d');
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const count = [[0, 0], [0, 0]];
    for (let y = 0; y < c.height; y += 2) {
      for (let x = 0; x < c.width; x += 2) {
        const i = (y * c.width + x) * 4;
        const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
        const side = x < c.width / 2 ? 0 : 1;
        if (g > r + 10 && g > b + 10) count[side][0]++;
        if (b > g + 15 && b > r + 10) count[side][1]++;
      }
    }
    const mid = (c.width >> 1) * 4 + (c.height >> 1) * c.width * 4;
    return { count, middle: [d[mid], d[mid + 1], d[mid + 2]] };
  });
  const [[lg, lp], [rg, rp]] = share.count;
  assert.ok(lg > 500 && lp < lg / 20, `left: ${lg} green, ${lp} purple`);
  assert.ok(rp > 500 && rg < rp / 20, `right: ${rg} green, ${rp} purple`);
  assert.deepEqual(share.middle, [255, 255, 255], 'the line between the halves');
  const labels = await box.evaluate((el) => [getComputedStyle(el, '::before').content, getComputedStyle(el, '::after').content]);
  assert.deepEqual(labels, ['"2014"', '"2018"']);
  await page.screenshot({ path: path.join(ROOT, 'target', 'compare-phone.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('axe finds no violation at the compare step (desktop, phone)', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${site.url}kinder/#${STEP}`);
    await settled(page, 1);
    await page.addScriptTag({ path: AXE });
    if (viewport.width > 720) await page.locator('.ts-compare-divider').focus();
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(found, [], `${viewport.width} px`);
    await context.close();
  }
});

test('jumping to the compare step shows what reading to it shows', async () => {
  const opts = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
  const read = await browser.newPage(opts);
  await read.goto(`${site.url}kinder/`);
  await settled(read, 0);
  await scrollTo(read, STEP);
  await settled(read, 1);
  const jumped = await browser.newPage(opts);
  await jumped.goto(`${site.url}kinder/#${STEP}`);
  await settled(jumped, 1);
  assert.equal(await value(jumped), await value(read));
  const [r, j] = [await canvasStats(read), await canvasStats(jumped)];
  assert.equal(j.hash, r.hash, 'the same pixels');
  // And after the reader moved the divider elsewhere, leaving and coming
  // back starts it where a jump would.
  await read.locator('.ts-compare-divider').focus();
  await read.keyboard.press('Home');
  await scrollTo(read, 'danach');
  await settled(read, 2);
  await scrollTo(read, STEP);
  await settled(read, 1);
  assert.equal(await value(read), await value(jumped));
  assert.equal((await canvasStats(read)).hash, j.hash);
  await read.close();
  await jumped.close();
});

test('the page without JavaScript shows both states side by side and names them', async () => {
  const html = await (await fetch(`${site.url}kinder/`)).text();
  assert.ok(html.includes('<p>Die Karte vergleicht zwei Stände, geteilt durch eine verschiebbare Linie: links „2014“, rechts „2018“.</p>'));
  const img = html.match(/<section class="ts-static-step" id="2014-und-2018">.*?<img src="(img\/step-2-[0-9a-f]+\.svg)"/s);
  assert.ok(img, 'the step has its picture');
  const svg = await (await fetch(`${site.url}kinder/${img[1]}`)).text();
  assert.equal((svg.match(/<svg /g) || []).length, 3, 'one picture of two');
  assert.match(svg, />2014<\/text>/);
  assert.match(svg, />2018<\/text>/);
  assert.match(svg, /<svg x="400" /);
  // The legend of the page names both sides' layers.
  const legend = html.split('id="2014-und-2018"')[1].split('</section>')[0];
  assert.ok(legend.includes('Anteil der Kinder 2018') && legend.includes('Anteil der Kinder 2014'));
});
