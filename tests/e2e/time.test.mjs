// End-to-end: time in a story (a layer's `time`, a step's `time` and
// `play`) over the DB Rad+ weekly bicycle volumes in
// tests/fixtures/time/radverkehr (segments cut anew every week, so only the
// window tells the weeks apart). What the map shows is read from the
// legend's "Gezeigt: n von 366" and compared with a count of the file made
// here; the playback's button and slider are used as readers use them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole, canvasStats } from './lib.mjs';

const DIR = path.join(ROOT, 'tests/fixtures/time');
const FILE = JSON.parse(fs.readFileSync(path.join(DIR, 'radverkehr/data/radverkehr.geojson'), 'utf8'));
const TOTAL = FILE.features.length;
const WEEKS = FILE.windows.map((w) => w.split('/')[0]);
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Segments whose window holds `day` (ISO dates compare as text). */
const countOn = (day) => FILE.features.filter((f) => f.properties.von <= day && day <= f.properties.bis).length;
const MONTHS = ['Januar', 'Februar', 'März'];
/** `2023-02-05` as the German interface writes it: `5. Februar 2023`. */
const german = (d) => `${Number(d.slice(8))}. ${MONTHS[Number(d.slice(5, 7)) - 1]} ${d.slice(0, 4)}`;

let server;
let browser;

before(async () => {
  server = await startServer(DIR, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function open(options = {}, hash = '') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, ...options });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}radverkehr/${hash}`);
  await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0', null, { timeout: 30_000 });
  return { context, page, problems };
}

async function toStep(page, i) {
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.45);
  }, i);
  await page.waitForFunction((i) => document.querySelector('.ts-canvas').dataset.activeStep === String(i), i, { timeout: 10_000 });
}

/** The legend's count of drawn segments. */
async function shown(page) {
  const note = await page.locator('.ts-legend-note').first().innerText().catch(() => '');
  const m = note.match(/Gezeigt: (\d+) von (\d+)/);
  return m ? { n: Number(m[1]), of: Number(m[2]) } : null;
}

const slider = (page) => page.locator('.ts-step.is-active .ts-play input[type=range]');
const button = (page) => page.locator('.ts-step.is-active .ts-play button');

test('the fixture has eight weeks, each with segments of its own', () => {
  assert.equal(WEEKS.length, 8);
  assert.equal(WEEKS.reduce((s, w) => s + countOn(w), 0), TOTAL, 'every segment is in exactly one week');
  assert.ok(new Set(WEEKS.map(countOn)).size > 1, 'the weeks differ in size');
});

test('a step at one week shows only that week; the step before shows all', async () => {
  const { context, page, problems } = await open();
  await toStep(page, 0);
  assert.equal(await shown(page), null, 'no time, no filter: no note');
  await toStep(page, 1);
  await page.waitForFunction((n) => document.querySelector('.ts-legend-note')?.textContent.includes(`Gezeigt: ${n} von`), countOn('2023-02-05'));
  assert.deepEqual(await shown(page), { n: countOn('2023-02-05'), of: TOTAL });
  // The data table lists the same segments.
  await page.locator('.ts-step').nth(1).locator('.ts-table summary').click();
  const caption = await page.locator('.ts-step').nth(1).locator('.ts-table caption').first().innerText();
  assert.match(caption, new RegExp(`\\b${countOn('2023-02-05')}\\b`), caption);
  assert.deepEqual(problems, []);
  await context.close();
});

test('playback advances week by week, the map follows, and pause stops it', async () => {
  const { context, page, problems } = await open();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await toStep(page, 1);
  await toStep(page, 2);
  assert.equal(await button(page).innerText(), 'Anhalten', 'playing: the button pauses');
  // 8 s for 8 weeks: about one week a second.
  await page.waitForFunction(() => Number(document.querySelector('.ts-step.is-active .ts-play input').value) >= 2, null, { timeout: 10_000 });
  await button(page).click();
  assert.equal(await button(page).innerText(), 'Abspielen');
  const at = Number(await slider(page).inputValue());
  assert.ok(at >= 2 && at < 7, `paused half-way: ${at}`);
  assert.deepEqual(await shown(page), { n: countOn(WEEKS[at]), of: TOTAL }, `week ${WEEKS[at]}`);
  assert.equal(await slider(page).getAttribute('aria-valuetext'), german(WEEKS[at]));
  await page.waitForTimeout(2500);
  assert.equal(Number(await slider(page).inputValue()), at, 'paused: it stays');
  // Play again: it runs to the last week and stops there.
  await button(page).click();
  await page.waitForFunction(() => document.querySelector('.ts-step.is-active .ts-play input').value === '7', null, { timeout: 15_000 });
  await page.waitForFunction(() => document.querySelector('.ts-step.is-active .ts-play button').textContent === 'Abspielen');
  assert.deepEqual(await shown(page), { n: countOn(WEEKS[7]), of: TOTAL });
  await page.screenshot({ path: path.join(ROOT, 'target', 'e2e-time-playback.png') });
  // `twinstory_play`, not the base's `twinstory_player`.
  assert.ok(requested.some((u) => /twinstory_play(?!er)/.test(u)) || await page.evaluate(() => performance.getEntriesByType('resource').some((e) => /twinstory_play(?!er)/.test(e.name))),
    'the playback module was loaded');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the slider moves by arrow keys, pauses, and the map follows', async () => {
  const { context, page, problems } = await open();
  await toStep(page, 2);
  await slider(page).focus();
  // End, then Home: both move it (Home alone may find it at 0 still).
  await page.keyboard.press('End');
  assert.equal(await slider(page).inputValue(), '7');
  assert.equal(await button(page).innerText(), 'Abspielen', 'moving the slider pauses');
  await page.keyboard.press('Home');
  assert.equal(await slider(page).inputValue(), '0');
  const before = (await canvasStats(page)).hash;
  for (let i = 1; i <= 3; i++) {
    await page.keyboard.press('ArrowRight');
    assert.equal(await slider(page).inputValue(), String(i));
    assert.equal(await slider(page).getAttribute('aria-valuetext'), german(WEEKS[i]));
    assert.deepEqual(await shown(page), { n: countOn(WEEKS[i]), of: TOTAL }, `week ${WEEKS[i]}`);
  }
  await page.keyboard.press('ArrowLeft');
  assert.equal(await slider(page).inputValue(), '2');
  assert.deepEqual(await shown(page), { n: countOn(WEEKS[2]), of: TOTAL });
  await page.waitForTimeout(300);
  assert.notEqual((await canvasStats(page)).hash, before, 'the map shows another week');
  await page.waitForTimeout(1500);
  assert.equal(await slider(page).inputValue(), '2', 'still paused');
  assert.deepEqual(problems, []);
  await context.close();
});

test('jumping to the playing step is reading up to it, at the same position', async () => {
  const pictures = [];
  for (const jump of [false, true]) {
    const { context, page, problems } = await open({}, jump ? '#wochen' : '');
    if (!jump) {
      await toStep(page, 0);
      await toStep(page, 1);
      await toStep(page, 2);
    } else {
      await page.waitForFunction(() => document.querySelector('.ts-canvas').dataset.activeStep === '2', null, { timeout: 10_000 });
    }
    // Both start at the first week.
    assert.ok(Number(await slider(page).inputValue()) <= 1, 'starts at `from`');
    await slider(page).focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('.ts-canvas').dataset.moving === 'false', null, { timeout: 10_000 });
    await page.waitForTimeout(500);
    pictures.push({ stats: await canvasStats(page), shown: await shown(page) });
    assert.deepEqual(problems, []);
    await context.close();
  }
  assert.deepEqual(pictures[1].shown, pictures[0].shown);
  assert.equal(pictures[1].stats.hash, pictures[0].stats.hash, 'the same pixels');
});

test('reduced motion: no automatic playback, the step shows its last week, the slider works', async () => {
  const { context, page, problems } = await open({ reducedMotion: 'reduce' });
  await toStep(page, 2);
  await page.waitForTimeout(2000);
  assert.equal(await slider(page).inputValue(), '7', 'nothing played by itself');
  assert.equal(await button(page).innerText(), 'Abspielen');
  assert.deepEqual(await shown(page), { n: countOn(WEEKS[7]), of: TOTAL });
  await slider(page).focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await slider(page).inputValue(), '6');
  assert.deepEqual(await shown(page), { n: countOn(WEEKS[6]), of: TOTAL });
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe finds no WCAG 2.1 A/AA violation at the playing step', async () => {
  const { context, page, problems } = await open({ bypassCSP: true, reducedMotion: 'reduce' });
  await toStep(page, 2);
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the data table follows the moment and leaves the day keys out', async () => {
  const { context, page, problems } = await open({ reducedMotion: 'reduce' });
  await toStep(page, 2);
  const step = page.locator('.ts-step').nth(2);
  await step.locator('.ts-table summary').click();
  const caption = () => step.locator('.ts-table caption').first().innerText();
  await page.waitForFunction(() => document.querySelectorAll('.ts-step')[2].querySelector('.ts-table caption'));
  assert.match(await caption(), new RegExp(`\\b${countOn(WEEKS[7])}\\b`));
  const heads = await step.locator('.ts-table th').allInnerTexts();
  assert.ok(heads.length > 0 && heads.every((h) => !h.includes('~') && !/start|end/.test(h)), heads.join(' | '));
  await slider(page).focus();
  await page.keyboard.press('Home');
  await page.waitForFunction((n) => document.querySelectorAll('.ts-step')[2].querySelector('.ts-table caption')?.textContent.includes(String(n)), countOn(WEEKS[0]));
  assert.match(await caption(), new RegExp(`\\b${countOn(WEEKS[0])}\\b`));
  assert.deepEqual(await shown(page), { n: countOn(WEEKS[0]), of: TOTAL });
  await page.screenshot({ path: path.join(ROOT, 'target', 'e2e-time-table.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a chart in the playing step leaves its button and slider: both show, pause and scrub', async () => {
  // The fixture with a chart of the trips per month in the playing step's
  // text (the chart brings a <details> of its own numbers into the card).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-time-chart-'));
  fs.cpSync(path.join(DIR, 'radverkehr'), path.join(dir, 'radverkehr'), { recursive: true });
  const md = path.join(dir, 'radverkehr/story.md');
  const chart = '\n```chart\ntype: line\nlayer: rad\nvalue: anzahl\ntime: von\naggregate: sum\nperiod: month\ntitle: Fahrten je Monat\n```\n\n## Zum Schluss';
  fs.writeFileSync(md, fs.readFileSync(md, 'utf8').replace('\n## Zum Schluss', chart));
  const site = await startServer(dir, ['--no-watch']);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${site.url}radverkehr/`);
    await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0', null, { timeout: 30_000 });
    await toStep(page, 2);
    const step = page.locator('.ts-step.is-active');
    assert.equal(await step.locator('figure:has(svg) figcaption').innerText(), 'Fahrten je Monat', 'the chart is in the step');
    const added = await page.waitForFunction(() => document.querySelector('.ts-step.is-active .ts-play button'), null, { timeout: 10_000 }).then(() => true, () => false);
    assert.ok(added, 'the playing step with a chart has its play/pause button and slider');
    assert.ok(await button(page).isVisible() && await slider(page).isVisible(), 'the button and the slider show beside the chart');
    // The controls in the card before its data table; the chart keeps its numbers.
    assert.equal(await step.locator('.ts-card > .ts-play + details.ts-table').count(), 1);
    assert.equal(await step.locator('figure:has(svg) details').count(), 1);
    assert.equal(await button(page).innerText(), 'Anhalten', 'playing: the button pauses');
    await button(page).click();
    assert.equal(await button(page).innerText(), 'Abspielen');
    await slider(page).focus();
    await page.keyboard.press('Home');
    assert.equal(await slider(page).inputValue(), '0');
    assert.deepEqual(await shown(page), { n: countOn(WEEKS[0]), of: TOTAL }, `week ${WEEKS[0]}`);
    await page.waitForTimeout(1500);
    assert.equal(await slider(page).inputValue(), '0', 'paused: it stays');
    await step.screenshot({ path: path.join(ROOT, 'target', 'e2e-time-chart.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    site.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without JavaScript each step shows its own state: the week, and the last week of the playback', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}radverkehr/`);
  const legend = async (id) => (await page.locator(`.ts-static-step[id="${id}"] figcaption`).innerText());
  assert.doesNotMatch(await legend('alle'), /Gezeigt/);
  assert.match(await legend('woche'), new RegExp(`Gezeigt: ${countOn('2023-02-05')} von ${TOTAL}`));
  assert.match(await legend('wochen'), new RegExp(`Gezeigt: ${countOn(WEEKS[7])} von ${TOTAL}`));
  assert.equal(await page.locator('.ts-play').count(), 0, 'no controls without JavaScript');
  await page.locator('.ts-static-step[id="wochen"]').screenshot({ path: path.join(ROOT, 'target', 'e2e-time-noscript.png') });
  await context.close();
});

// The play controls arrive with their module after the player has opened a
// link to a step, and make the playing step's card taller: a link to the
// step after it still opens that step at the reading line, below the map on
// a phone (it stopped about 95 px lower, the step before it still active).
test('a link to the step after a playing step opens it at the reading line on a phone', async () => {
  const viewport = { width: 390, height: 844 };
  const { context, page, problems } = await open({ viewport, isMobile: true, hasTouch: true }, '#schluss');
  await page.waitForSelector('#wochen .ts-play button');
  await page.waitForFunction(() => document.querySelector('.ts-step.is-active')?.id === 'schluss', null, { timeout: 10_000 });
  await page.waitForTimeout(300);
  const m = await page.evaluate(() => ({
    card: document.querySelector('#schluss .ts-card').getBoundingClientRect().top,
    map: document.querySelector('.ts-map').getBoundingClientRect().bottom,
    active: document.querySelector('.ts-step.is-active')?.id,
  }));
  const line = viewport.height / 2;
  assert.ok(m.card <= line && m.card > line - 60, `the card's top at ${m.card}px, the reading line at ${line}px`);
  assert.ok(m.card >= m.map - 6, `the card (${m.card}px) is below the map (${m.map}px), not under it`);
  assert.equal(m.active, 'schluss');
  assert.deepEqual(problems, []);
  await context.close();
});
