// End-to-end: the story without JavaScript (issue 14). `twinstory build`
// writes the whole story into the page's <noscript>: every step's text, its
// map as a static SVG picture (the draw list the player paints), the map's
// legend and credits, and the sources.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, launch } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
let server;
let browser;

/** The playgrounds in the example's data, counted here: rows of the CSV. */
function playgrounds() {
  const csv = fs.readFileSync(path.join(ROOT, 'stories/spielplaetze/data/playgrounds.csv'), 'utf8');
  return csv.split('\n').filter((l) => l.trim()).length - 1;
}

before(async () => {
  server = await startServer(undefined, ['--no-watch']);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('without JavaScript the whole story reads: text, maps, legend, credits', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}spielplaetze/`);
  const md = fs.readFileSync(path.join(ROOT, 'stories/spielplaetze/story.md'), 'utf8');
  const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());
  const shown = await page.locator('.ts-static-step h2').allInnerTexts();
  assert.deepEqual(shown, headings, 'every step, in order');
  const texts = await page.locator('.ts-static-step').allInnerTexts();
  assert.ok(texts.every((t) => t.length > 100), 'every step has its text');
  // Every step's map is a picture that loads, drawn (not blank).
  const images = await page.evaluate(() => Promise.all([...document.querySelectorAll('.ts-static-map img')].map((img) =>
    (img.complete ? Promise.resolve() : new Promise((r) => { img.onload = r; img.onerror = r; })).then(() => ({
      width: img.naturalWidth, alt: img.alt, src: img.getAttribute('src'),
    })))));
  assert.equal(images.length, headings.length);
  for (const [i, img] of images.entries()) {
    assert.ok(img.width > 0, `${img.src} loads`);
    assert.match(img.alt, /^Karte: /);
    const svg = await (await fetch(new URL(img.src, `${server.url}spielplaetze/`))).text();
    const drawn = (svg.match(/ d="[^"]*"/g) ?? []).join('').length;
    // The last step shows one island (Neuwerk), the others many areas or points.
    const least = headings[i] === 'Eine Insel ohne Zahlen' ? 500 : 10_000;
    assert.ok(drawn > least, `${img.src} draws the map (${drawn} characters of paths)`);
  }
  assert.ok((await page.locator('.ts-static-map figcaption li').count()) >= headings.length, 'legends');
  const credits = await page.locator('.ts-attribution-static').allInnerTexts();
  assert.ok(credits.some((c) => /OpenStreetMap/.test(c)), `credits at the maps: ${credits.join(' | ')}`);
  assert.match(await page.locator('.ts-static').innerText(), /Quellen/);
  // Figures from the data (`{= count playgrounds}`) are in the page as text.
  const all = await page.locator('.ts-static').innerText();
  assert.ok(all.includes(`${playgrounds()} Spielplätze`), 'the number of playgrounds, counted from the data');
  assert.ok(!all.includes('{='), 'no figure is left as written');
  await page.screenshot({ path: path.join(SHOTS, 'nojs.png'), fullPage: false });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: path.join(SHOTS, 'nojs-print.png') });
  await context.close();
});

test('with JavaScript the static maps are not fetched', async () => {
  const page = await browser.newPage();
  const svgs = [];
  page.on('request', (r) => { if (/\/img\/step-/.test(r.url())) svgs.push(r.url()); });
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0');
  assert.deepEqual(svgs, []);
  // The player shows the figures the build computed, as text.
  const step = await page.locator('.ts-step#spielplaetze').innerText();
  assert.ok(step.includes(`${playgrounds()} Spielplätze`), step);
  const steps = (await page.locator('.ts-step').allInnerTexts()).join('\n');
  assert.ok(!steps.includes('{='), 'no figure is left as written');
  const quarters = JSON.parse(fs.readFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), 'utf8'));
  const mitte = quarters.features.filter((f) => f.properties.district_name === 'Hamburg-Mitte').length;
  assert.match(steps, new RegExp(`Hamburg-Mitte mit ${mitte}\\s+Quartieren`));
  await page.close();
});

test('without JavaScript, a layer read live is named in the legend as not in the picture', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}unterwegs-ohne-auto/`);
  const legend = await page.locator('#park-and-ride figcaption li').allInnerTexts();
  const live = legend.filter((l) => l.includes('(live)'));
  assert.ok(live.length >= 2, `the live layers are in the legend: ${legend.join(' | ')}`);
  for (const l of live) assert.match(l, /: wird beim Lesen von einem Dienst geladen und fehlt in diesem Bild$/);
  // Local layers keep their classes or symbols.
  assert.ok(legend.some((l) => !l.includes('(live)')), legend.join(' | '));
  await context.close();
});
