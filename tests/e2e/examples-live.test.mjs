// End-to-end: the example story "Unterwegs ohne Auto" / "Getting around
// without a car" as published, with what it reads while it plays: Park +
// Ride sites and car parks from Hamburg's OGC API Features (api.hamburg.de)
// and basemap.de's grey WMTS tiles. The test answers the service's requests
// with real responses recorded from api.hamburg.de
// (../shared/data/hamburg/ogc-recorded/) and the tile requests with a small
// PNG made here, then checks the features arrive (in the step's data table),
// the tiles are asked for and credited, and that the story stays usable when
// neither answers (as on a machine without internet).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole, settled, canvasStats, goToStep, flatPng } from './lib.mjs';

const RECORDED = [path.resolve(ROOT, '../shared/data/hamburg/ogc-recorded'), '/work/shared/data/hamburg/ogc-recorded']
  .find((d) => fs.existsSync(d));
const API = 'https://api.hamburg.de/datasets/v1';
const TILES = 'https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_grau/default/GLOBAL_WEBMERCATOR/';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
let server;
let browser;

/**
 * A recorded first page of a collection. The recording holds only that page:
 * its `next` link (to the page the recorder did not fetch) is left out, so
 * the player reads these ten features and stops where the recording stops.
 */
function recorded(file) {
  const page = JSON.parse(fs.readFileSync(path.join(RECORDED, file), 'utf8'));
  page.links = page.links.filter((l) => l.rel !== 'next');
  return JSON.stringify(page);
}

// ---- a 256×256 light grey PNG tile ----
const TILE = flatPng(256, [0xc8, 0xc8, 0xc8]);

/** Answers api.hamburg.de from the recordings and the tiles with TILE; returns the requests seen. */
async function answerFromRecordings(page) {
  const seen = { items: [], tiles: [] };
  await page.route('https://api.hamburg.de/**', (route) => {
    const url = route.request().url();
    seen.items.push(url);
    const file = url.startsWith(`${API}/p_und_r/collections/p_und_r/items`) ? 'oaf-park_and_ride-items.json'
      : url.startsWith(`${API}/parkhaeuser/collections/verkehr_parkhaeuser/items`) ? 'oaf-garages_live-items.json'
        : null;
    if (!file) return route.fulfill({ status: 404, headers: { 'Access-Control-Allow-Origin': '*' }, body: '' });
    return route.fulfill({
      status: 200,
      headers: { 'Content-Type': 'application/geo+json', 'Access-Control-Allow-Origin': '*' },
      body: recorded(file),
    });
  });
  await page.route('https://sgx.geodatenzentrum.de/**', (route) => {
    seen.tiles.push(route.request().url());
    return route.fulfill({ status: 200, headers: { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' }, body: TILE });
  });
  return seen;
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

test('the built page lets the story read api.hamburg.de and the basemap tiles (its CSP names both)', async () => {
  for (const slug of ['unterwegs-ohne-auto', 'getting-around-without-a-car']) {
    const csp = await new Promise((resolve, reject) => {
      http.get(`${server.url}${slug}/`, (res) => { res.resume(); resolve(res.headers['content-security-policy']); }).on('error', reject);
    });
    assert.match(csp, /connect-src 'self'[^;]* https:\/\/api\.hamburg\.de[;\s]/, `${slug}: ${csp}`);
    assert.match(csp, /img-src 'self'[^;]* https:\/\/sgx\.geodatenzentrum\.de[;\s]/, `${slug}: ${csp}`);
  }
});

test('Park + Ride sites and car parks come live from the OGC API, over basemap.de tiles with their credit', async () => {
  // (bypassCSP only for injecting axe-core below.)
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, bypassCSP: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const seen = await answerFromRecordings(page);
  await page.goto(`${server.url}unterwegs-ohne-auto/`);
  await page.waitForSelector('.ts-step');
  const i = await goToStep(page, 'park-and-ride');

  // One request per collection: the query the story wrote is kept, `limit` and `f=json` added.
  const pr = seen.items.filter((u) => u.startsWith(`${API}/p_und_r/collections/p_und_r/items?`));
  const garages = seen.items.filter((u) => u.startsWith(`${API}/parkhaeuser/collections/verkehr_parkhaeuser/items?`));
  assert.equal(pr.length, 1, seen.items.join('\n'));
  assert.equal(garages.length, 1, seen.items.join('\n'));
  assert.match(pr[0], /[?&]f=json/);
  assert.match(garages[0], /[?&]filter=frei%20%3E%3D%200(&|$)/);
  assert.equal(await page.locator('.ts-map-error').count(), 0, 'no layer failed');

  // The features are in the step's data table, under the story's names for their fields.
  const step = page.locator('.ts-step').nth(i);
  await step.locator('.ts-table summary').click();
  await step.locator('.ts-table table').first().waitFor();
  const table = await step.locator('.ts-table').innerText();
  for (const name of ['Volksdorf', 'Poppenbüttel', 'Alsterhaus', 'Europa-Passage']) {
    assert.ok(table.includes(name), `the table lists ${name}:\n${table.slice(0, 2000)}`);
  }
  assert.match(table, /Frei gemeldet/);
  // With the live data in the map and its table, axe finds no WCAG 2.1 A/AA violation.
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  assert.deepEqual(violations, []);

  // The purple P+R dots are drawn.
  const purple = await canvasStats(page, [0x6a, 0x3d, 0x9a]);
  assert.ok(purple.matching > 100, `the P+R sites are drawn (${purple.matching} purple pixels)`);

  // Tiles of basemap.de's Web-Mercator set were asked for, and the credit shows.
  assert.ok(seen.tiles.length > 0, 'tiles were requested');
  for (const u of seen.tiles) assert.match(u.slice(TILES.length - 1), /^\/\d+\/\d+\/\d+\.png$/, u);
  assert.ok(seen.tiles.every((u) => u.startsWith(TILES)), seen.tiles.join('\n'));
  const credit = page.locator('.ts-attribution');
  assert.ok(await credit.isVisible());
  assert.match(await credit.innerText(), /© basemap\.de \/ BKG \(CC BY 4\.0\)/);
  assert.equal(await page.locator('.ts-attribution a[href="https://basemap.de"]').count(), 1);
  // The sources at the end name the live layers and the basemap too.
  const sources = await page.locator('.ts-footer').innerText();
  assert.match(sources, /api\.hamburg\.de/);
  assert.match(sources, /basemap\.de/);
  await page.screenshot({ path: path.join(SHOTS, 'unterwegs-park-and-ride.png') });

  // The basemap stays under the whole story: the cycling steps ask for tiles of the city centre.
  const before = seen.tiles.length;
  await goToStep(page, 'radverkehr');
  assert.ok(seen.tiles.length > before, 'tiles for the cycling step');
  // (Tiles the map no longer needs after a flight are cancelled: not a problem.)
  const real = problems.filter((p) => !(p.startsWith(`request failed: ${TILES}`) && p.endsWith('net::ERR_ABORTED')));
  assert.deepEqual(real, [], 'the console stayed clean');
  await context.close();
});

test('without the service and the tiles the story still works and says so briefly, in its language', async () => {
  for (const [slug, failed, ok] of [
    ['getting-around-without-a-car', /could not be loaded/, /Park \+ Ride sites \(live\)/],
    ['unterwegs-ohne-auto', /konnte nicht geladen werden/, /Park-and-Ride-Anlagen \(live\)/],
  ]) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
      const problems = watchConsole(page);
      // As offline: neither host answers.
      await page.route('https://api.hamburg.de/**', (route) => route.abort('internetdisconnected'));
      await page.route('https://sgx.geodatenzentrum.de/**', (route) => route.abort('internetdisconnected'));
      await page.goto(`${server.url}${slug}/`);
      await page.waitForSelector('.ts-step');
      // The first step does not show the live layers: no message there.
      await settled(page, 0);
      const first = await canvasStats(page);
      assert.ok(first.colours > 3, `${slug}: the first step's map is drawn`);
      await goToStep(page, 'park-and-ride');
      const errors = page.locator('.ts-map-error');
      await errors.first().waitFor({ timeout: 30_000 });
      assert.equal(await errors.count(), 2, `${slug}: one message per live layer`);
      const text = await errors.first().innerText();
      assert.match(text, failed);
      assert.match(text, ok);
      assert.match(text, /api\.hamburg\.de/);
      // Short: one sentence, the details folded away.
      const sentence = await errors.first().evaluate((e) => e.firstChild.textContent ?? '');
      assert.ok(sentence.length < 160, `${slug}: ${sentence}`);
      assert.equal(await errors.first().locator('details').getAttribute('open'), null);
      // The other layers of the step are there: the U-Bahn's blue stops.
      const blue = await canvasStats(page, [0x00, 0x5c, 0xa9]);
      assert.ok(blue.matching > 50, `${slug}: the U-Bahn stops are drawn (${blue.matching} px)`);
      if (viewport.width === 1280) await page.screenshot({ path: path.join(SHOTS, `${slug}-offline.png`) });
      // The messages stay with the step that shows the live layers: the
      // steps without them show none, and coming back shows them again.
      await goToStep(page, 'winter');
      assert.equal(await errors.count(), 0, `${slug}: no message over a step without the live layers`);
      await goToStep(page, 'park-and-ride');
      assert.equal(await errors.count(), 2, `${slug}: the messages are back with their step`);
      // Nothing but the two unreachable hosts went wrong.
      const other = problems.filter((p) => !/api\.hamburg\.de|sgx\.geodatenzentrum\.de|ERR_INTERNET_DISCONNECTED/.test(p));
      assert.deepEqual(other, [], `${slug}: the console has nothing else`);
      await page.close();
    }
  }
});
