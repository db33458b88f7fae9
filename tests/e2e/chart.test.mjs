// End-to-end: a chart in a step (issue 16). The example story's step
// `versorgung` has a bar chart of the ten Stadtteile with the most
// playgrounds per 1,000 children, drawn by `twinstory build` as SVG. It
// shows in the step; pointing at a bar or focusing its row in the table
// marks that Stadtteil on the map (the canvas says which in `data-marked`,
// the marked tooltip shows its name); axe finds nothing in it; it fits a
// phone; and the page without JavaScript shows the chart and its table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, settled, watchConsole } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
const STEP = 8; // `versorgung`, the ninth step
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

/** The story at the chart's step, settled. */
async function atChart(viewport) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript({ path: AXE });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/#versorgung`);
  await settled(page, STEP);
  return { page, context, problems };
}

const marked = (page) => page.locator('.ts-canvas').getAttribute('data-marked');

test('the chart shows in its step, and a bar pointed at or a row focused marks its Stadtteil on the map', async () => {
  const { page, context, problems } = await atChart({ width: 1280, height: 800 });
  const chart = page.locator('#versorgung figure:has(svg)');
  await chart.scrollIntoViewIfNeeded();
  assert.equal(await chart.locator('figcaption').innerText(), 'Die zehn Stadtteile mit den meisten Spielplätzen je 1.000 Kinder');
  const svg = chart.locator('svg');
  assert.equal(await svg.getAttribute('role'), 'img');
  assert.equal(await svg.evaluate((e) => e.namespaceURI), 'http://www.w3.org/2000/svg');
  const bars = chart.locator('svg g[data-feature]');
  assert.equal(await bars.count(), 10);
  const box = await svg.boundingBox();
  assert.ok(box.width > 200 && box.height > 150, `the drawing has a size: ${JSON.stringify(box)}`);
  // The first bar is the longest, drawn in the map's colour of its Stadtteil.
  const widths = await bars.evaluateAll((gs) => gs.map((g) => g.querySelectorAll('rect')[1].getBBox().width));
  assert.ok(widths.every((w, i) => i === 0 || w <= widths[i - 1]), `bars get shorter: ${widths}`);
  await page.screenshot({ path: path.join(SHOTS, 'chart-desktop.png') });

  // A pointer on the first bar marks its feature.
  const first = bars.first();
  const feature = await first.getAttribute('data-feature');
  const name = await first.locator('text').first().textContent();
  assert.equal(await marked(page), null, 'nothing is marked before');
  await first.hover();
  await page.waitForFunction((f) => document.querySelector('.ts-canvas').dataset.marked === `versorgung:${f}`, feature, { timeout: 5_000 });
  const tip = page.locator('.ts-tooltip.is-marked');
  assert.ok(await tip.isVisible(), 'the marked tooltip shows');
  assert.ok((await tip.innerText()).startsWith(`${name}: `), `the tooltip names the bar: ${await tip.innerText()}`);
  await page.screenshot({ path: path.join(SHOTS, 'chart-hover.png') });
  // Another bar moves the mark; leaving the chart takes it off.
  const third = bars.nth(2);
  await third.hover();
  const thirdFeature = await third.getAttribute('data-feature');
  await page.waitForFunction((f) => document.querySelector('.ts-canvas').dataset.marked === `versorgung:${f}`, thirdFeature, { timeout: 5_000 });
  await page.mouse.move(5, 790);
  await page.waitForFunction(() => !document.querySelector('.ts-canvas').hasAttribute('data-marked'), null, { timeout: 5_000 });
  assert.ok(!(await tip.isVisible()), 'the tooltip goes with the mark');

  // The keyboard: open "Zahlen anzeigen", Tab to the first row.
  const summary = chart.locator('summary');
  assert.equal(await summary.innerText(), 'Zahlen anzeigen');
  await summary.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.closest('tr')?.dataset.feature ?? null);
  assert.equal(focused, feature, 'Tab reaches the first row');
  await page.waitForFunction((f) => document.querySelector('.ts-canvas').dataset.marked === `versorgung:${f}`, feature, { timeout: 5_000 });
  const rows = chart.locator('tbody tr');
  assert.equal(await rows.count(), 10);
  assert.equal(await rows.first().locator('td').first().innerText(), name);
  await page.keyboard.press('Tab');
  const second = await rows.nth(1).getAttribute('data-feature');
  await page.waitForFunction((f) => document.querySelector('.ts-canvas').dataset.marked === `versorgung:${f}`, second, { timeout: 5_000 });
  await page.screenshot({ path: path.join(SHOTS, 'chart-keyboard.png') });

  // axe finds nothing in the chart, its table open.
  const found = await page.evaluate(async () => {
    const r = await window.axe.run('#versorgung figure:has(svg)', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, [], 'axe-core violations in the chart');
  assert.deepEqual(problems.filter((p) => !p.startsWith('warning')), [], 'no errors in the console');
  await context.close();
});

test('on a phone the chart fits the card', async () => {
  const { page, context } = await atChart({ width: 390, height: 844 });
  const chart = page.locator('#versorgung figure:has(svg)');
  await chart.scrollIntoViewIfNeeded();
  const [svg, card] = await Promise.all([chart.locator('svg').boundingBox(), page.locator('#versorgung .ts-card').boundingBox()]);
  assert.ok(svg.x >= card.x && svg.x + svg.width <= card.x + card.width + 0.5, `the drawing is inside the card: ${JSON.stringify({ svg, card })}`);
  assert.ok(svg.width > 250, `and uses its width: ${svg.width}`);
  // The names are readable: at least 11 CSS px.
  const size = await chart.locator('svg g[data-feature] text').first().evaluate((t) => t.getBoundingClientRect().height);
  assert.ok(size >= 11, `text height ${size}`);
  await chart.screenshot({ path: path.join(SHOTS, 'chart-phone.png') });
  await context.close();
});

test('without JavaScript the page shows the chart and its table', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}spielplaetze/`);
  const chart = page.locator('.ts-static #versorgung figure:has(svg)');
  await chart.scrollIntoViewIfNeeded();
  assert.ok(await chart.locator('svg').isVisible(), 'the drawing shows');
  assert.equal(await chart.locator('svg g[data-feature]').count(), 10);
  assert.equal(await chart.locator('figcaption').innerText(), 'Die zehn Stadtteile mit den meisten Spielplätzen je 1.000 Kinder');
  // <details> opens without script.
  await chart.locator('summary').click();
  const rows = await chart.locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 10);
  assert.ok(rows.every((r) => /\t\d+,\d$/.test(r)), `every row has a name and a number: ${rows.join(' | ')}`);
  await chart.screenshot({ path: path.join(SHOTS, 'chart-nojs.png') });
  await context.close();
});
