// End-to-end: a layer read live from a real OGC API - Features server
// (pygeoapi on 127.0.0.1, over the real quarters), page by page through its
// `next` links; a server that does not answer shows as a message in the
// story, never as a blank map; no request goes to a host the story did not name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, launch, watchConsole, canvasStats, serveStory, firstStepReady, goToStep } from './lib.mjs';

let api;
let site;
let browser;
let dir;
let apiPort;
let deadPort;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startPygeoapi(port, collections) {
  const python = process.env.PYGEOAPI_PYTHON
    || path.join(os.homedir(), '.local/share/twinstory-tools/pygeoapi-venv/bin/python');
  const args = [path.join(ROOT, 'tests/e2e/pygeoapi_server.py'), String(port),
    ...Object.entries(collections).map(([k, v]) => `${k}=${v}`)];
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`pygeoapi exited:\n${log}`);
    try {
      const r = await fetch(`${url}/collections?f=json`);
      if (r.ok) return { url, stop: () => child.kill('SIGTERM') };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`pygeoapi did not start:\n${log}`);
}

before(async () => {
  [apiPort, deadPort] = [await freePort(), await freePort()];
  api = await startPygeoapi(apiPort, {
    quarters: path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'),
  });
  site = await serveStory('live', `---
title: Quartiere vom Server
lang: de
layers:
  quarters:
    title: Quartiere (OGC API)
    source: { type: ogc-api-features, url: "${api.url}/collections/quarters", limit: 50 }
    style: { fill: "#7fb3d5", stroke: "#ffffff" }
    attribution: "© FHH, LGV (dl-de/by-2-0)"
  offline:
    title: Sensoren
    source: { type: ogc-api-features, url: "http://127.0.0.1:${deadPort}/collections/sensors" }
    attribution: "test"
---

## Vom Server

\`\`\`step
view: { fit: [9.72, 53.39, 10.33, 53.74] }
show: [quarters]
\`\`\`

Die Quartiere kommen seitenweise von einem OGC-API-Server.

## Ein Server antwortet nicht

\`\`\`step
view: { fit: [9.72, 53.39, 10.33, 53.74] }
show: [quarters, offline]
\`\`\`

Die Sensoren fehlen; die Karte zeigt trotzdem die Quartiere.
`);
  dir = site.dir;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.stop();
  api?.stop();
});

test('a layer is read page by page from an OGC API - Features server', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(site.url);
  await page.waitForSelector('.ts-step');
  await firstStepReady(page);
  const items = requests.filter((u) => u.startsWith(`${api.url}/collections/quarters/items`));
  // 181 quarters at 50 per page: the first request and three `next` links.
  assert.equal(items.length, 4, items.join('\n'));
  assert.match(items[0], /limit=50/);
  assert.ok(items.slice(1).every((u, i) => u.includes(`offset=${(i + 1) * 50}`)), items.join('\n'));
  const stats = await canvasStats(page, [0x7f, 0xb3, 0xd5]);
  const drawn = stats.matching / stats.pixels;
  assert.ok(drawn > 0.1, `the quarters are drawn in their colour (${(drawn * 100).toFixed(1)} % of pixels)`);
  await page.screenshot({ path: path.join(ROOT, 'target', 'screenshots', 'ogcapi.png') });

  // The server that is down: no message over the first step, which does
  // not show its layer; a message over the second, which does; the map
  // keeps its data.
  const error = page.locator('.ts-map-error');
  await page.waitForFunction(() => document.querySelector('.ts-canvas').dataset.loading === '0', null, { timeout: 30_000 });
  assert.equal(await error.count(), 0, 'no message over a step without the failed layer');
  await goToStep(page, 1);
  await error.first().waitFor({ timeout: 30_000 });
  assert.match(await error.first().innerText(), /Sensoren/);
  assert.match(await error.first().innerText(), new RegExp(`127\\.0\\.0\\.1:${deadPort}`));

  // The server comes up: "try again" loads the layer and the message goes.
  const sensors = path.join(dir, 'sensors.geojson');
  fs.writeFileSync(sensors, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', id: 's1', properties: { name: 'Sternschanze' }, geometry: { type: 'Point', coordinates: [9.9683, 53.5642] } },
  ] }));
  const late = await startPygeoapi(deadPort, { sensors });
  try {
    await page.locator('.ts-retry').first().click();
    await page.waitForFunction(() => document.querySelectorAll('.ts-map-error').length === 0
      && document.querySelector('.ts-canvas').dataset.loading === '0', null, { timeout: 30_000 });
    assert.ok(requests.some((u) => u.startsWith(`http://127.0.0.1:${deadPort}/collections/sensors/items`)));
  } finally {
    late.stop();
  }

  // Only the hosts the story named were asked.
  const origins = new Set(requests.map((u) => new URL(u).origin));
  const allowed = new Set([new URL(site.url).origin, api.url, `http://127.0.0.1:${deadPort}`]);
  for (const o of origins) assert.ok(allowed.has(o), `request to ${o}`);
  const real = problems.filter((p) => !p.includes(`:${deadPort}`) && !/ERR_CONNECTION_REFUSED/.test(p)
    && !/konnte nicht geladen werden/.test(p));
  assert.deepEqual(real, [], 'the console stayed clean apart from the server that is down');
  await page.close();
});
