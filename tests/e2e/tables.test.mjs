// End-to-end: the data tables replace the map (issue 14): every row a page
// at a time, sortable from the keyboard, the rows in the map's view first or
// alone, highlighted rows marked in words, one open table at a time that
// keeps what it showed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
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

async function scrollToStep(page, i) {
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
  }, i);
  await settled(page, i);
}

const caption = (step) => step.locator('.ts-table caption').first().innerText();

test('a table pages through every row and sorts from the keyboard', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  // "608 Spielplätze", the third step.
  await scrollToStep(page, 2);
  const step = page.locator('.ts-step').nth(2);
  await step.locator('.ts-table summary').focus();
  await page.keyboard.press('Enter');
  await step.locator('.ts-table table').first().waitFor();
  // 608 playgrounds: never cut, 50 a page.
  assert.match(await caption(step), /^Spielplätze: Einträge 1–50 von 608\. \d+ davon im Kartenausschnitt$/);
  const pager = step.locator('.ts-table-pager').first();
  assert.match(await pager.innerText(), /Seite 1 von 13/);
  assert.equal(await pager.locator('button').first().isDisabled(), true, 'no page before the first');
  await pager.locator('[data-act=n]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Seite 2 von 13/.test(document.querySelectorAll('.ts-step')[2].querySelector('.ts-table-pager').textContent));
  assert.match(await caption(step), /Einträge 51–100 von 608/);
  await page.waitForFunction(() => document.activeElement?.dataset.act === 'n', null, { timeout: 5_000 })
    .catch(() => assert.fail('the focus stays on the page button'));
  for (let n = 3; n <= 13; n++) {
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.activeElement?.dataset.act
      && new RegExp(`Seite ${n} von 13`).test(document.querySelectorAll('.ts-step')[2].querySelector('.ts-table-pager').textContent), n);
  }
  assert.match(await caption(step), /Einträge 601–608 von 608/, 'the last rows are there');
  assert.equal(await step.locator('.ts-table tbody').first().locator('tr').count(), 8);
  await page.waitForFunction(() => document.activeElement?.dataset.act === 'p', null, { timeout: 5_000 })
    .catch(() => assert.fail('on the last page the focus moves to the other button'));

  // Sorting: a button in each column header, aria-sort says how.
  const header = step.locator('.ts-table th').first();
  const name = await header.innerText();
  await header.locator('button').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.ts-step')[2].querySelector('.ts-table th').getAttribute('aria-sort') === 'ascending');
  assert.match(await caption(step), /Einträge 1–50 von 608/, 'sorting starts on page 1');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.ts-step')[2].querySelector('.ts-table th').getAttribute('aria-sort') === 'descending');
  await page.waitForFunction(() => document.activeElement?.dataset.act === 's0', null, { timeout: 5_000 })
    .catch(() => assert.fail('the focus stays on the header'));
  const cells = await step.locator('.ts-table tbody').first().locator('tr td:first-child').allInnerTexts();
  const named = cells.filter((c) => c !== '–');
  assert.ok(named.length > 1, `${name}: named rows first when sorted descending`);
  for (let i = 1; i < named.length; i++) {
    assert.ok(named[i - 1].localeCompare(named[i], 'de', { sensitivity: 'base' }) >= 0 || /[^\x00-\x7f]/.test(named[i - 1] + named[i]),
      `descending: ${named[i - 1]} before ${named[i]}`);
  }
  await page.screenshot({ path: path.join(SHOTS, 'table-sorted.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('highlighted rows say so, the view switch narrows, one table is open at a time and keeps its page', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  // "Dicht an dicht in Eimsbüttel": the quarter is highlighted, the map zoomed in.
  const i = await page.evaluate(() => [...document.querySelectorAll('.ts-step')].findIndex((s) => s.id === 'eimsbuettel'));
  await scrollToStep(page, i);
  const step = page.locator('.ts-step').nth(i);
  await step.locator('.ts-table summary').click();
  const quarters = step.locator('.ts-table-scroll', { hasText: 'Hervorgehoben' }).first();
  await quarters.waitFor();
  const headers = await quarters.locator('th').allInnerTexts();
  assert.equal(headers[0], 'Hervorgehoben', 'a column marks the highlight in words');
  const marked = await quarters.locator('tbody tr', { hasText: 'hervorgehoben' }).allInnerTexts();
  assert.ok(marked.length >= 1 && marked.every((r) => /Eimsbüttel/.test(r)), `highlighted: ${marked.join(' | ')}`);
  const text = await quarters.locator('caption').innerText();
  const [, all, inView] = text.match(/von (\d+)\. (\d+) davon im Kartenausschnitt/) ?? text.match(/\((\d+) Einträge\)\. (\d+) davon/);
  assert.ok(Number(inView) < Number(all), `zoomed in: ${inView} of ${all} in view`);
  // Only the rows in view.
  const k = await quarters.locator('th button').first().getAttribute('data-k');
  await step.locator(`input[data-k="${k}"]`).check();
  await page.waitForFunction(([i, n]) => [...document.querySelectorAll('.ts-step')[i].querySelectorAll('.ts-table caption')]
    .some((c) => new RegExp(`\\(${n} Einträge\\)$|von ${n}$`).test(c.textContent)), [i, inView]);
  assert.equal(await step.locator(`input[data-k="${k}"]`).isChecked(), true);

  // Another step's table ("608 Spielplätze"): this one closes, and comes back as it was.
  await scrollToStep(page, 2);
  const other = page.locator('.ts-step').nth(2);
  await other.locator('.ts-table summary').click();
  await other.locator('.ts-table table').first().waitFor();
  assert.equal(await step.locator('details.ts-table').evaluate((d) => d.open), false, 'one open table at a time');
  assert.match(await caption(other), /Einträge 1–50 von 608/);
  await scrollToStep(page, i);
  await step.locator('.ts-table summary').click();
  await page.waitForFunction((i) => document.querySelectorAll('.ts-step')[i].querySelector('details.ts-table').open
    && document.querySelectorAll('.ts-step')[i].querySelector('.ts-table input:checked'), i);
  assert.equal(await other.locator('details.ts-table').evaluate((d) => d.open), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a step without layers offers no table', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-tables-'));
  fs.mkdirSync(path.join(dir, 'leer', 'data'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), path.join(dir, 'leer', 'data', 'quarters.geojson'));
  fs.writeFileSync(path.join(dir, 'leer', 'story.md'), `---
title: Ohne Ebenen
lang: de
layers:
  quarters:
    title: Stadtteile
    source: { type: geojson, url: data/quarters.geojson }
    style: { fill: "#d5dde6", stroke: "#4d4d4d", stroke-width: 1 }
    tooltip: "{name}"
---

## Mit Stadtteilen

\`\`\`step
view: { fit: quarters }
show: [quarters]
transition: jump
\`\`\`

Die Stadtteile.

## Nur die Karte

\`\`\`step
view: { center: [10.0, 53.55], zoom: 11 }
show: []
\`\`\`

Hier zeigt die Karte keine Daten.
`);
  const own = await startServer(dir, ['--no-watch']);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  try {
    await page.goto(`${own.url}leer/`);
    await settled(page, 0);
    const steps = page.locator('.ts-step');
    assert.equal(await steps.nth(0).locator('.ts-table summary').isVisible(), true, 'a step with layers offers its table');
    assert.equal(await steps.nth(1).locator('.ts-table').count(), 1);
    assert.equal(await steps.nth(1).locator('.ts-table').isVisible(), false, 'a step without layers offers none');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    own.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
