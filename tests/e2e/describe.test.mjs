// End-to-end: the map's text alternative in the example story. The canvas
// is described by the active step's text (`#ts-map-description`, written
// by the build), the text changes from step to step, and each step change
// is announced in the polite live region (`.ts-map-status`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
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

/** The canvas' accessible description: the text of its first `aria-describedby` element. */
async function description(page) {
  return page.evaluate(() => {
    const ids = document.querySelector('.ts-canvas').getAttribute('aria-describedby').split(/\s+/);
    return ids[0] === 'ts-map-description' ? document.getElementById(ids[0]).textContent.trim() : null;
  });
}

test('the map is described per step and each step change is announced', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/#eimsbuettel`);
  await settled(page, 3);
  const eims = await description(page);
  assert.match(eims, /^Die Karte zeigt Eimsbüttel, /);
  assert.match(eims, /Hervorgehoben: Eimsbüttel \(10 von 181\); die übrigen sind blass\./);
  // The description sits in the polite status region: a change is read out.
  const live = await page.evaluate(() => {
    const p = document.getElementById('ts-map-description');
    const region = p.closest('[aria-live]');
    return region && { live: region.getAttribute('aria-live'), role: region.getAttribute('role') };
  });
  assert.deepEqual(live, { live: 'polite', role: 'status' });
  // The hidden text takes no room: the status box does not scroll, so it
  // takes no Tab stop of its own between the map and its buttons.
  const box = await page.evaluate(() => {
    const s = document.querySelector('.ts-map-status');
    return { scroll: s.scrollHeight, client: s.clientHeight };
  });
  assert.ok(box.scroll <= box.client, `the status box scrolls: ${JSON.stringify(box)}`);

  // Record every text the live region takes while the reader scrolls on.
  await page.evaluate(() => {
    window.__said = [];
    const region = document.querySelector('.ts-map-status');
    new MutationObserver(() => {
      const t = document.getElementById('ts-map-description')?.textContent.trim();
      if (t && window.__said.at(-1) !== t) window.__said.push(t);
    }).observe(region, { subtree: true, childList: true, characterData: true });
  });
  await page.locator('#versorgung').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('versorgung').scrollIntoView({ block: 'center' }));
  await settled(page, 8);
  const versorgung = await description(page);
  assert.notEqual(versorgung, eims);
  assert.match(versorgung, /^Die Karte zeigt /);
  assert.match(versorgung, /Je dunkler die Farbe, desto höher „Spielplätze je 1\.000 Kinder“\./);
  const said = await page.evaluate(() => window.__said);
  assert.ok(said.includes(versorgung), `the live region never said the new step: ${JSON.stringify(said)}`);
  await page.screenshot({ path: path.join(SHOTS, 'describe-versorgung.png') });
  // Every step's description differs.
  const texts = await page.evaluate(async () => {
    const out = [];
    for (const s of document.querySelectorAll('.ts-step')) {
      s.scrollIntoView({ block: 'center' });
      await new Promise((r) => setTimeout(r, 400));
      out.push(document.getElementById('ts-map-description').textContent);
    }
    return out;
  });
  assert.equal(new Set(texts).size, texts.length, JSON.stringify(texts, null, 1));
  assert.deepEqual(problems, []);
  await page.close();
});
