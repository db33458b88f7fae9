// End-to-end: serve the example stories, read them in headless Chromium as a
// person would (scrolling), and check what the reader sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled, canvasStats } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
let server;
let browser;

before(async () => {
  // Served as a static host would: no live-reload script.
  server = await startServer(undefined, ['--no-watch']);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
  console.log(`# screenshots: ${SHOTS}`);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function scrollToStep(page, i) {
  // Put the step's top just above the reading line (the middle of the window).
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    const top = el.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - window.innerHeight * 0.4);
  }, i);
}

test('the example story plays step by step, forwards and backwards', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  const count = await page.locator('.ts-step').count();
  assert.ok(count >= 4, `the story has ${count} steps`);

  const seen = [];
  for (let i = 0; i < count; i++) {
    await scrollToStep(page, i);
    await settled(page, i);
    const camera = await page.locator('.ts-canvas').getAttribute('data-camera');
    const stats = await canvasStats(page);
    const hash = await page.evaluate(() => location.hash);
    await page.screenshot({ path: path.join(SHOTS, `spielplaetze-step-${i + 1}.png`) });
    assert.equal(stats.width, 1280, 'canvas backing store matches the window width');
    assert.ok(stats.colours > 3, `step ${i + 1}: canvas is not blank (${stats.colours} colours)`);
    // (Points and outlines over quarters filled like the background cover
    // less than a tenth of the map: "Und die Schulen?" about 3 %.)
    assert.ok(stats.nonBackground > stats.pixels * 0.02, `step ${i + 1}: the map shows data (${stats.nonBackground} of ${stats.pixels} pixels)`);
    const id = await page.locator('.ts-step').nth(i).getAttribute('id');
    assert.equal(hash, `#${id}`, 'the URL fragment names the active step');
    assert.equal(await page.locator('.ts-step.is-active').count(), 1);
    seen.push({ camera, hash: stats.hash });
  }
  for (let i = 1; i < count; i++) {
    assert.notEqual(seen[i].hash, seen[i - 1].hash, `steps ${i} and ${i + 1} show different maps`);
  }
  assert.ok(new Set(seen.map((s) => s.camera)).size >= 3, 'the camera moves between steps');

  // Scrolling back reverses it: every step shows the same map again.
  for (let i = count - 2; i >= 0; i--) {
    await scrollToStep(page, i);
    await settled(page, i);
    const camera = await page.locator('.ts-canvas').getAttribute('data-camera');
    assert.equal(camera, seen[i].camera, `step ${i + 1}: same camera after scrolling back`);
    assert.equal((await canvasStats(page)).hash, seen[i].hash, `step ${i + 1}: same pixels after scrolling back`);
  }
  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();

  // Opening a deep link lands on exactly the map that reading to it showed.
  const jump = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const jumpProblems = watchConsole(jump);
  const target = count - 2;
  // (Read once every layer has arrived: leaving a page while it loads
  // aborts its requests, which watchConsole reports.)
  const id = `#${await (async () => {
    await jump.goto(`${server.url}spielplaetze/`);
    await jump.waitForSelector('.ts-canvas[data-loading="0"]');
    return jump.locator('.ts-step').nth(target).getAttribute('id');
  })()}`;
  await jump.goto(`${server.url}spielplaetze/${id}`);
  await jump.reload();
  await settled(jump, target);
  assert.equal(await jump.locator('.ts-canvas').getAttribute('data-camera'), seen[target].camera, 'deep link: same camera');
  assert.equal((await canvasStats(jump)).hash, seen[target].hash, 'deep link: same pixels');
  assert.deepEqual(jumpProblems, []);
  await jump.close();
});

test('the map is crisp on high-DPI screens and follows window resizes', async () => {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 2 });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  await scrollToStep(page, 1);
  await settled(page, 1);
  let stats = await canvasStats(page);
  assert.equal(stats.width, 1600, 'backing store is in device pixels');
  assert.equal(stats.height, 1200);
  await page.screenshot({ path: path.join(SHOTS, 'spielplaetze-dpr2.png') });
  await page.setViewportSize({ width: 500, height: 700 });
  await page.waitForFunction(() => document.querySelector('.ts-canvas').width === 1000);
  // The narrower layout moves the text; bring step 2 back to the reading line.
  await scrollToStep(page, 1);
  await settled(page, 1);
  stats = await canvasStats(page);
  // Narrow windows stack the map (the upper half) over the cards.
  assert.equal(stats.height, 700);
  assert.ok(stats.nonBackground > stats.pixels * 0.05, 'still shows the data after resizing');
  await page.screenshot({ path: path.join(SHOTS, 'spielplaetze-phone.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a story that cannot be loaded says so in the page', async () => {
  const page = await browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/?story=missing.json`);
  const alert = page.locator('[role=alert]');
  await alert.waitFor({ timeout: 10_000 });
  const text = await alert.innerText();
  assert.match(text, /kann nicht angezeigt werden/);
  assert.match(text, /missing\.json/);
  assert.match(text, /404/);
  // The 404 itself is the only console noise allowed.
  assert.ok(problems.every((p) => /404|missing\.json/.test(p)), problems.join('\n'));
  await page.close();
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`a link to a step opens it at the reading line on a ${name}, its card in view (not under the map)`, async () => {
    const phone = viewport.width < 600;
    const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}spielplaetze/#parks`);
    await page.waitForFunction(() => document.querySelector('.ts-step.is-active')?.id === 'parks', null, { timeout: 20_000 });
    await page.waitForTimeout(300);
    const m = await page.evaluate(() => ({
      card: document.querySelector('#parks .ts-card').getBoundingClientRect().top,
      map: document.querySelector('.ts-map').getBoundingClientRect().bottom,
      active: document.querySelector('.ts-step.is-active')?.id,
    }));
    // The reading line: half the window (on a phone the map's lower edge).
    const line = viewport.height / 2;
    assert.ok(m.card <= line && m.card > line - 60, `the card's top at ${m.card}px, the reading line at ${line}px`);
    if (phone) assert.ok(m.card >= m.map - 6, `the card (${m.card}px) is below the map (${m.map}px), not under it`);
    assert.equal(m.active, 'parks');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("each step's data can be read as a table", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/#versorgung`);
  await page.waitForSelector('.ts-step');
  const step = page.locator('#versorgung');
  await step.locator('.ts-table summary').click();
  const table = step.locator('.ts-table table').first();
  await table.waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0');
  const caption = await table.locator('caption').innerText();
  // Every row, 50 a page, the rows in the map's view first.
  assert.match(caption, /^Spielplätze je 1\.000 Kinder: Einträge 1–50 von 100\. \d+ davon im Kartenausschnitt$/);
  const headers = await table.locator('th').allInnerTexts();
  assert.deepEqual(headers.slice(0, 2), ['Stadtteil', 'Spielplätze je 1.000 Kinder'], 'the author\'s names for the fields');
  // Sorted by quarter (the first column's button), Eimsbüttel is on page 1.
  await table.locator('th button').first().click();
  await page.waitForFunction(() => document.querySelector('#versorgung .ts-table th')?.getAttribute('aria-sort') === 'ascending');
  const eimsbuettel = await step.locator('.ts-table table').first().locator('tr', { hasText: 'Eimsbüttel' }).first().locator('td').allInnerTexts();
  // 12 playgrounds for 6,791 children (Stadtteil-Profile 2014), in German number format.
  assert.equal(eimsbuettel[1], '1,77');
  assert.deepEqual(problems, []);
  await page.close();
});
