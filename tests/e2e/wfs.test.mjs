// End-to-end: a layer from a WFS 2.0 service (GetFeature with GeoJSON output,
// paged with COUNT/STARTINDEX). No WFS server installs from the registries
// this project may use (GeoServer, deegree and MapServer are Java or C
// services outside them), so a small server here answers GetFeature the way
// those do, over the real quarters, and with an OGC ExceptionReport (XML)
// for output formats it does not offer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT, launch, watchConsole, canvasStats, serveStory, firstStepReady } from './lib.mjs';

let wfs;
let site;
let browser;
const seen = [];

before(async () => {
  const quarters = JSON.parse(fs.readFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), 'utf8'));
  wfs = await new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      seen.push(req.url);
      const q = new URL(req.url, 'http://x').searchParams;
      const cors = { 'Access-Control-Allow-Origin': '*' };
      if (q.get('REQUEST') !== 'GetFeature' || q.get('TYPENAMES') !== 'app:quartiere'
        || q.get('OUTPUTFORMAT') !== 'application/geo+json') {
        res.writeHead(400, { ...cors, 'Content-Type': 'application/xml' });
        res.end('<?xml version="1.0"?><ows:ExceptionReport version="2.0.0"><ows:Exception exceptionCode="InvalidParameterValue"/></ows:ExceptionReport>');
        return;
      }
      const start = Number(q.get('STARTINDEX') || 0);
      const count = Number(q.get('COUNT') || 1e9);
      const features = quarters.features.slice(start, start + count);
      res.writeHead(200, { ...cors, 'Content-Type': 'application/geo+json' });
      res.end(JSON.stringify({ type: 'FeatureCollection', numberMatched: quarters.features.length, numberReturned: features.length, features }));
    });
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/wfs`, stop: () => server.close() }));
  });
  site = await serveStory('wfs', `---
title: Quartiere aus dem WFS
lang: de
layers:
  quarters:
    title: Quartiere (WFS)
    source: { type: wfs, url: "${wfs.url}", type-name: "app:quartiere", format: application/geo+json, limit: 100 }
    style: { fill: "#7fb3d5", stroke: "#ffffff" }
    attribution: "© FHH, LGV (dl-de/by-2-0)"
  wrong:
    title: Falsches Format
    source: { type: wfs, url: "${wfs.url}", type-name: "app:quartiere", format: text/xml }
    attribution: "test"
---

## Aus dem WFS

\`\`\`step
view: { fit: [9.72, 53.39, 10.33, 53.74] }
show: [quarters, wrong]
\`\`\`

Die Quartiere kommen aus einem WFS-Dienst.
`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.stop();
  wfs?.stop();
});

test('a WFS 2.0 feature type is read page by page as GeoJSON', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto(site.url);
  await firstStepReady(page);
  const pages = seen.filter((u) => u.includes('TYPENAMES=app%3Aquartiere') && u.includes('geo%2Bjson'));
  // 181 quarters at 100 per request: two pages, the second one short.
  assert.equal(pages.length, 2, seen.join('\n'));
  assert.match(pages[0], /SERVICE=WFS&VERSION=2\.0\.0&REQUEST=GetFeature/);
  assert.match(pages[1], /COUNT=100&STARTINDEX=100/);
  const stats = await canvasStats(page, [0x7f, 0xb3, 0xd5]);
  assert.ok(stats.matching / stats.pixels > 0.1, 'the quarters are drawn');
  const error = page.locator('.ts-map-error');
  await error.first().waitFor({ timeout: 10_000 });
  assert.match(await error.first().innerText(), /Falsches Format/);
  const real = problems.filter((p) => !/400|Falsches Format|konnte nicht geladen werden/.test(p));
  assert.deepEqual(real, [], 'the console stayed clean apart from the refused request');
  await page.close();
});
