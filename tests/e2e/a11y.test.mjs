// End-to-end: axe-core (WCAG 2.0 and 2.1, levels A and AA) finds no
// violation at any step of any story in `stories/`, on a desktop and on a
// phone, with the step's data table open. axe is injected from
// node_modules (no network); the page's CSP is bypassed for that script only
// by the browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const STORIES = fs.readdirSync(path.join(ROOT, 'stories'))
  .filter((d) => fs.existsSync(path.join(ROOT, 'stories', d, 'story.md')));
const VIEWPORTS = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]];
let server;
let browser;

before(async () => {
  server = await startServer(undefined, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** axe's violations on the page, one line each: rule, impact, where. */
async function violations(page) {
  const result = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }, TAGS);
  return result;
}

test('there are stories to check', () => {
  assert.ok(STORIES.length >= 1, 'stories/ has at least one story');
});

for (const slug of STORIES) {
  for (const [name, viewport] of VIEWPORTS) {
    test(`axe finds no WCAG 2.1 A/AA violation in ${slug} at any step (${name})`, async () => {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP: true });
      // Some stories read services and tiles of other sites while they play
      // (U's live layers and basemap): checked here as without internet,
      // with the messages that then stand in for those layers.
      const local = new URL(server.url).origin;
      await context.route((url) => url.origin !== local, (route) => route.abort('internetdisconnected'));
      const page = await context.newPage();
      const problems = watchConsole(page);
      await page.goto(`${server.url}${slug}/`);
      await page.waitForSelector('.ts-step');
      await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0', null, { timeout: 30_000 });
      await page.addScriptTag({ path: AXE });
      const found = [];
      const before = await violations(page);
      found.push(...before.map((v) => `before the first step: ${v}`));
      const steps = await page.locator('.ts-step').count();
      for (let i = 0; i < steps; i++) {
        await page.evaluate((i) => {
          const el = document.querySelectorAll('.ts-step')[i];
          window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.45);
        }, i);
        await page.waitForFunction((i) => document.querySelector('.ts-canvas').dataset.activeStep === String(i), i, { timeout: 10_000 });
        // The step's tables too (one open at a time), on the desktop.
        if (name === 'desktop') {
          await page.locator('.ts-step').nth(i).locator('.ts-table summary').click();
          await page.locator('.ts-step').nth(i).locator('.ts-table-scroll').first().waitFor({ timeout: 10_000 });
        }
        found.push(...(await violations(page)).map((v) => `step ${i + 1}: ${v}`));
      }
      console.log(`# ${slug} (${name}): ${steps} steps, ${found.length} violations`);
      assert.deepEqual(found, [], 'axe-core violations');
      assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|https:\/\//.test(p)), []);
      await context.close();
    });
  }
}

test('a skip link leads past the map to the first step; main, map region and legend are named', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0');
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => ({ text: document.activeElement.textContent, href: document.activeElement.getAttribute('href') }));
  assert.equal(skip.text, 'Zur Geschichte springen', 'the first Tab reaches the skip link');
  const first = await page.locator('.ts-step').first().getAttribute('id');
  assert.equal(skip.href, `#${first}`);
  await page.keyboard.press('Enter');
  // The first step is on the reading line, active, and the next Tab is in it.
  await page.waitForFunction(() => document.querySelector('.ts-canvas').dataset.activeStep === '0', null, { timeout: 5_000 });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('.ts-step')?.dataset.step), '0', 'the focus went past the map');
  const landmarks = await page.evaluate(() => ({
    main: document.querySelectorAll('main').length,
    mainHoldsSteps: !!document.querySelector('main .ts-steps'),
    footerOutsideMain: !!document.querySelector('footer.ts-footer') && !document.querySelector('main footer'),
    map: document.querySelector('.ts-map').getAttribute('role') + ' ' + document.querySelector('.ts-map').getAttribute('aria-label'),
    legend: [document.querySelector('.ts-legend')?.getAttribute('aria-label'), document.querySelector('.ts-legend')?.getAttribute('tabindex')],
  }));
  assert.deepEqual(landmarks, { main: 1, mainHoldsSteps: true, footerOutsideMain: true, map: 'region Karte', legend: ['Legende der Karte', '0'] });
  assert.deepEqual(problems, []);
  await page.close();
});
