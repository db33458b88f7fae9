// End-to-end: live sensors from an OGC SensorThings API. No SensorThings
// server installs from the registries this project may use (FROST and
// others are Java or need PostgreSQL), so a small server here answers with
// responses written after the SensorThings 1.1 specification and FROST's
// output (Things with expanded Locations and Datastreams/Observations,
// paged with @iot.nextLink). The service also has a Thing that is not an
// air quality station; the story chooses its Things with `things`, which
// the stand-in answers as an OData `$filter` on the Things. The story
// re-reads them every 10 seconds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { ROOT, launch, watchConsole, canvasStats, serveStory, firstStepReady } from './lib.mjs';

let sta;
let site;
let browser;
let round = 0;
const seen = [];

const THINGS = [
  ['Luftmessstation Sternschanze', 9.9683, 53.5642, 17.5],
  ['Luftmessstation Habichtstraße', 10.0472, 53.5926, 31.0],
  ['E-Ladesäule Rathausmarkt', 9.9925, 53.5503, 3],
  ['Luftmessstation Veddel', 10.0236, 53.5221, 24.2],
  ['Luftmessstation Flughafen', 9.9911, 53.6317, 12.8],
];

function thing(i, [name, lon, lat, base]) {
  return {
    '@iot.id': i + 1,
    name,
    description: name,
    Locations: [{ location: { type: 'Point', coordinates: [lon, lat] } }],
    Datastreams: [{
      '@iot.id': 100 + i,
      name: 'PM10',
      unitOfMeasurement: { name: 'Mikrogramm pro Kubikmeter', symbol: 'µg/m³', definition: 'ucum:ug/m3' },
      Observations: [{ '@iot.id': 1000 * round + i, phenomenonTime: `2026-11-29T0${round}:00:00Z`, result: base + 8 * round * (i % 2 ? -1 : 1) }],
    }],
  };
}

before(async () => {
  sta = await new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      seen.push(req.url);
      const url = new URL(req.url, 'http://x');
      if (!url.pathname.startsWith('/v1.1/Things')) {
        res.writeHead(404, { 'Access-Control-Allow-Origin': '*' });
        res.end();
        return;
      }
      // `$filter` on the Things: this stand-in reads `startswith(name,'…')`
      // and refuses other filters as FROST refuses what it cannot parse.
      let things = THINGS.map((t, i) => [i, t]);
      const filter = url.searchParams.get('$filter');
      if (filter !== null) {
        const m = /^startswith\(name,'([^']*)'\)$/.exec(filter);
        if (!m) {
          res.writeHead(400, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
          res.end(JSON.stringify({ code: 400, type: 'error', message: `Query is not valid: ${filter}` }));
          return;
        }
        things = things.filter(([, t]) => t[0].startsWith(m[1]));
      }
      const skip = Number(url.searchParams.get('$skip') || 0);
      if (skip === 0) round += 1;
      const page = things.slice(skip, skip + 2).map(([i, t]) => thing(i, t));
      const body = { value: page };
      if (skip + 2 < things.length) {
        const next = new URL(req.url, `http://127.0.0.1:${server.address().port}`);
        next.searchParams.set('$skip', String(skip + 2));
        body['@iot.nextLink'] = next.toString();
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end(JSON.stringify(body));
    });
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/v1.1`,
      stop: () => server.close(),
    }));
  });
  site = await serveStory('luft', `---
title: Luft in Hamburg, jetzt
lang: de
layers:
  pm10:
    title: Feinstaub PM10
    source: { type: sensorthings, url: "${sta.url}", things: "startswith(name,'Luftmessstation')", datastreams: "name eq 'PM10'", refresh: 10 }
    style:
      fill: "#d7263d"
      circles: { property: value, max-radius: 30 }
    attribution: "Luftmessnetz (Testdaten)"
    tooltip: "{name}: {value} {unit}"
---

## Die Messstationen

\`\`\`step
view: { center: [10.0, 53.575], zoom: 11 }
show: [pm10]
\`\`\`

Die Kreise zeigen den zuletzt gemessenen Feinstaubwert.
`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.stop();
  sta?.stop();
});

/** The canvas hash and how many pixels are the stations' red. */
async function canvasHash(page) {
  const s = await canvasStats(page, [0xd7, 0x26, 0x3d]);
  return { h: s.hash, red: s.matching };
}

test('sensors show their latest values and update on the refresh interval', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto(site.url);
  await page.waitForFunction(() => {
    const c = document.querySelector('.ts-canvas');
    return c && c.dataset.loading === '0' && c.dataset.activeStep === '0' && c.dataset.moving === 'false';
  }, null, { timeout: 30_000 });
  // Two pages of the four stations: the first request and its
  // @iot.nextLink (all five Things would take three).
  assert.equal(seen.length, 2, seen.join('\n'));
  for (const u of seen) {
    assert.equal(new URL(u, 'http://x').searchParams.get('$filter'), "startswith(name,'Luftmessstation')", u);
  }
  assert.match(decodeURIComponent(seen[0]), /\$expand=Locations\(\$select=location\),Datastreams\(\$filter=name eq 'PM10';\$expand=Observations\(\$orderby=phenomenonTime desc;\$top=1\)\)/);
  assert.match(decodeURIComponent(seen[1]), /\$skip=2/);
  const first = await canvasHash(page);
  assert.ok(first.red > 500, `the four stations are drawn (${first.red} red pixels)`);
  await page.screenshot({ path: path.join(ROOT, 'target', 'screenshots', 'sensorthings.png') });

  // After the interval the values change and so do the circles.
  const deadline = Date.now() + 25_000;
  while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  assert.ok(seen.length >= 4, `the layer was read again (${seen.length} requests)`);
  await page.waitForTimeout(500);
  const second = await canvasHash(page);
  assert.notEqual(second.h, first.h, 'the map shows the new values');
  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();
});
