// End-to-end: what a reader sees of the example story is in their words —
// the introduction under the heading, the credits of the layers shown in
// the map's corner and every layer's credit in the closing sources, field
// and value names the author chose, highlights described by name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
const FHH = '© FHH, LGV (dl-de/by-2-0)';
const OSM = '© OpenStreetMap-Mitwirkende (ODbL)';
let server;
let browser;

before(async () => {
  server = await startServer(undefined, ['--no-watch']);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
  console.log(`# screenshots: ${SHOTS}`);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function goToStep(page, id) {
  await page.evaluate((id) => {
    const el = document.getElementById(id);
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
  }, id);
  const i = await page.evaluate((id) => [...document.querySelectorAll('.ts-step')].findIndex((s) => s.id === id), id);
  await settled(page, i);
}

/** The credit line in the map's corner: its text and links. */
function corner(page) {
  return page.evaluate(() => {
    const p = document.querySelector('.ts-map .ts-attribution');
    const visible = p && getComputedStyle(p).display !== 'none';
    return {
      visible,
      text: p?.textContent.trim(),
      links: [...(p?.querySelectorAll('a') ?? [])].map((a) => [a.textContent, a.getAttribute('href')]),
    };
  });
}

test('the introduction, credits near the map and the closing sources', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');

  await page.screenshot({ path: path.join(SHOTS, 'readers-intro.png') });
  // The text before the first step, under the heading.
  assert.equal(await page.locator('.ts-header h1').innerText(), 'Spielplätze in Hamburg');
  assert.match(await page.locator('.ts-header .ts-intro').innerText(), /Wo gibt es in Hamburg Spielplätze/);

  await goToStep(page, 'stadt');
  let c = await corner(page);
  assert.ok(c.visible, 'the corner credits are shown');
  assert.equal(c.text, FHH, 'only the credit of the layer shown');
  assert.deepEqual(c.links, [[FHH, 'https://www.govdata.de/dl-de/by-2-0']]);
  await page.screenshot({ path: path.join(SHOTS, 'readers-first-step.png') });
  // Nothing covers the credit line.
  const box = await page.locator('.ts-map .ts-attribution').boundingBox();
  const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('.ts-attribution') !== null,
    [box.x + box.width / 2, box.y + box.height / 2]);
  assert.ok(onTop, 'the credit line is on top');

  await goToStep(page, 'spielplaetze');
  c = await corner(page);
  assert.deepEqual(c.links, [[OSM, 'https://www.openstreetmap.org/copyright'], [FHH, 'https://www.govdata.de/dl-de/by-2-0']],
    'top layer first, then the one beneath');
  await page.locator('.ts-map .ts-attribution').screenshot({ path: path.join(SHOTS, 'readers-credits.png') });

  // A highlight in words, with the author's field names.
  await goToStep(page, 'eimsbuettel');
  const notes = await page.locator('.ts-legend-note').allInnerTexts();
  assert.deepEqual(notes, ['Hervorgehoben: Eimsbüttel (10 von 181)'], 'ten quarters of one Stadtteil, named once');
  await page.screenshot({ path: path.join(SHOTS, 'readers-middle-step.png') });
  await goToStep(page, 'marschlanden');
  const bergedorf = (await page.locator('.ts-legend-note').allInnerTexts())[0];
  assert.match(bergedorf, /^Hervorgehoben: .+ und \d+ weitere \(\d+ von 181\)$/);
  await goToStep(page, 'bezirke');
  assert.deepEqual(await page.locator('.ts-legend-property').allInnerTexts(), ['Bezirk']);
  await goToStep(page, 'versorgung');
  assert.deepEqual(await page.locator('.ts-legend-property').allInnerTexts(), ['Spielplätze je 1.000 Kinder']);
  const legend = await page.locator('.ts-legend').innerText();
  for (const internal of ['==', 'je_1000_kinder', 'district_name', 'points_of_interest']) {
    assert.ok(!legend.includes(internal), `the legend never shows ${internal}: ${legend}`);
  }

  // The closing sources: the author's credits, every layer's with its licence link.
  const sources = page.locator('.ts-footer .ts-sources li');
  const texts = await sources.allInnerTexts();
  assert.ok(texts.includes(`Stadtteile, Bezirke: ${FHH}`), texts.join('\n'));
  assert.ok(texts.includes(`Spielplätze, Kitas, Parks und Grünanlagen, Schulen: ${OSM}`), texts.join('\n'));
  assert.ok(texts.some((t) => t.startsWith('Spielplätze je 1.000 Kinder, Kinder (Höhe) und Spielplätze je 1.000 Kinder (Farbe), Kitas je 1.000 Kinder: Quelle: Statistikamt Nord')), texts.join('\n'));
  const osm = page.locator('.ts-footer .ts-sources a[href]', { hasText: `Schulen: ${OSM}` });
  assert.equal(await osm.getAttribute('href'), 'https://www.openstreetmap.org/copyright');
  assert.equal(await osm.getAttribute('rel'), 'noopener noreferrer');
  await page.locator('.ts-footer').scrollIntoViewIfNeeded();
  await page.locator('.ts-footer').screenshot({ path: path.join(SHOTS, 'readers-sources.png') });

  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();
});
