// End-to-end: layers from feature services that page badly. A stand-in
// answers with the real recorded answers of api.hamburg.de
// (../shared/data/hamburg/ogc-recorded) as that service does: pages by
// `offset`, links like the real ones (rewritten to the stand-in), and the
// failure modes the pure paging must survive: a page that fails with HTTP
// 503, a `next` link that repeats, a query written into the layer URL.
// The reader must keep what was read, see a short German message, and
// reach every message even when five layers fail at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT, launch, watchConsole, serveStory, firstStepReady } from './lib.mjs';

/** The recorded answers beside the repository (or a worktree of it). */
function recordedDir() {
  const candidates = [process.env.TWINSTORY_SHARED, path.join(ROOT, '..', 'shared'), path.join(ROOT, '..', '..', 'shared')]
    .filter(Boolean).map((d) => path.join(d, 'data', 'hamburg', 'ogc-recorded'));
  const dir = candidates.find((d) => fs.existsSync(d));
  assert.ok(dir, `the recorded answers: ${candidates.join(' or ')}`);
  return dir;
}
const RECORDED = recordedDir();
const read = (f) => JSON.parse(fs.readFileSync(path.join(RECORDED, f), 'utf8'));

// Path below the stand-in → recorded first page and how the stand-in misbehaves.
const COLLECTIONS = {
  '/datasets/v1/parkhaeuser/collections/verkehr_parkhaeuser': { file: 'oaf-garages-items.json', fail: (o) => o === 20 },
  '/datasets/v1/p_und_r/collections/p_und_r': { file: 'oaf-park_and_ride-items.json' },
  '/datasets/v1/behindertenstellplaetze/collections/verkehr_behindertenparkpl': { file: 'oaf-disabled_parking-items.json', repeat: true },
  '/datasets/v1/parkhaeuser_live/collections/verkehr_parkhaeuser': { file: 'oaf-garages_live-items.json', needs: 'filter' },
  '/datasets/v1/down/collections/a': { file: 'oaf-garages-items.json', fail: () => true },
  '/datasets/v1/down/collections/b': { file: 'oaf-garages-items.json', fail: () => true },
  '/datasets/v1/down/collections/c': { file: 'oaf-garages-items.json', fail: () => true },
  '/datasets/v1/down/collections/d': { file: 'oaf-garages-items.json', fail: () => true },
  '/datasets/v1/down/collections/e': { file: 'oaf-garages-items.json', fail: () => true },
};

let api;
let site;
let many;
let browser;
const seen = [];

function cors(res, status, type = 'application/geo+json') {
  res.writeHead(status, { 'Content-Type': type, 'Access-Control-Allow-Origin': '*' });
}

/** One page as api.hamburg.de sends it, links pointing at the stand-in. */
function page(c, url, origin) {
  const rec = read(c.file);
  const base = `${origin}${url.pathname}`;
  const offset = Number(url.searchParams.get('offset') || 0);
  const limit = Number(url.searchParams.get('limit') || 10);
  const matched = rec.numberMatched;
  const features = [];
  for (let i = offset; i < Math.min(offset + limit, matched); i++) {
    const f = structuredClone(rec.features[i % rec.features.length]);
    if (i >= rec.features.length) f.id = f.id * 1000 + i;
    features.push(f);
  }
  // Like the real service: the next link keeps `filter` and drops `limit`.
  const keep = url.searchParams.get('filter') ? `filter=${encodeURIComponent(url.searchParams.get('filter'))}&` : '';
  const links = [
    { href: `${base}?${url.searchParams}`, rel: 'self', type: 'application/geo+json', title: 'This document' },
  ];
  const nextOffset = c.repeat ? 10 : offset + features.length;
  if (offset + features.length < matched) {
    links.push({ href: `${base}?${keep}offset=${nextOffset}`, rel: 'next', type: 'application/geo+json', title: 'Next page' });
  }
  return { type: 'FeatureCollection', numberReturned: features.length, numberMatched: matched, timeStamp: rec.timeStamp, links, features };
}

before(async () => {
  api = await new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      seen.push(req.url);
      const origin = `http://127.0.0.1:${server.address().port}`;
      const url = new URL(req.url, origin);
      const c = COLLECTIONS[url.pathname.replace(/\/items$/, '')];
      if (!c || !url.pathname.endsWith('/items')) { cors(res, 404); res.end('{}'); return; }
      if (c.needs && !url.searchParams.get(c.needs)) { cors(res, 400); res.end('{"code":"missing filter"}'); return; }
      if (c.fail?.(Number(url.searchParams.get('offset') || 0))) { cors(res, 503, 'text/plain'); res.end('Service Unavailable'); return; }
      cors(res, 200);
      res.end(JSON.stringify(page(c, url, origin)));
    });
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, stop: () => server.close() }));
  });
  const layer = (id, title, p, extra = '') => `  ${id}:
    title: ${title}
    source: { type: ogc-api-features, url: "${api.url}${p}"${extra} }
    style: { fill: "#d7263d", radius: 5 }
`;
  site = await serveStory('parken', `---
title: Parken in Hamburg
lang: de
layers:
${layer('garages', 'Parkhäuser', '/datasets/v1/parkhaeuser/collections/verkehr_parkhaeuser', ', limit: 10')}${layer('pr', 'P+R', '/datasets/v1/p_und_r/collections/p_und_r', ', limit: 10')}${layer('disabled', 'Behindertenparkplätze', '/datasets/v1/behindertenstellplaetze/collections/verkehr_behindertenparkpl', ', limit: 10')}${layer('live', 'Freie Parkhäuser', '/datasets/v1/parkhaeuser_live/collections/verkehr_parkhaeuser?filter=frei%20%3E%3D%200', ', limit: 10')}---

## Parken

\`\`\`step
view: { center: [10.0, 53.55], zoom: 10 }
show: [garages, pr, disabled, live]
\`\`\`

Wo man in Hamburg parken kann.
`);
  many = await serveStory('ausfall', `---
title: Alles fällt aus
lang: de
layers:
${['a', 'b', 'c', 'd', 'e'].map((x) => layer(x, `Dienst ${x.toUpperCase()}`, `/datasets/v1/down/collections/${x}`)).join('')}---

## Ausfall

\`\`\`step
view: { center: [10.0, 53.55], zoom: 10 }
show: [a, b, c, d, e]
\`\`\`

Kein Dienst antwortet.
`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.stop();
  many?.stop();
  api?.stop();
});

test('a service that fails or repeats keeps what it sent, and the reader is told in German', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto(site.url);
  await firstStepReady(page);

  // The data tables count what the reader sees.
  await page.locator('.ts-table summary').first().click();
  await page.waitForSelector('.ts-table caption');
  // A caption reads "Parkhäuser (20 Einträge). 4 davon im Kartenausschnitt": its first sentence counts the rows.
  const captions = (await page.locator('.ts-table caption').allInnerTexts()).map((c) => c.split('. ')[0]);
  assert.ok(captions.includes('Parkhäuser (20 Einträge)'), captions.join(' | '));
  assert.ok(captions.includes('P+R (33 Einträge)'), captions.join(' | '));
  assert.ok(captions.includes('Behindertenparkplätze (20 Einträge)'), 'a repeated link counts nothing twice: ' + captions.join(' | '));
  assert.ok(captions.includes('Freie Parkhäuser (45 Einträge)'), 'the query in the URL is kept: ' + captions.join(' | '));
  assert.ok(seen.filter((u) => u.includes('parkhaeuser_live')).every((u) => u.includes('filter=')), seen.join('\n'));

  // Short German notices, no raw addresses; the details are folded away.
  const notices = await page.locator('.ts-map-notice > p').allInnerTexts();
  assert.deepEqual(notices.sort(), [
    '„Behindertenparkplätze“: Es werden 20 von 901 Einträgen gezeigt; der Dienst hat dieselben Daten noch einmal geschickt.',
    '„Parkhäuser“: Es werden 20 von 125 Einträgen gezeigt; der Dienst hat nicht weiter geantwortet.',
  ]);
  assert.equal(await page.locator('.ts-map-error').count(), 0, 'no layer is lost');
  const visible = await page.locator('.ts-map-status').innerText();
  assert.doesNotMatch(visible, /http:\/\//, visible);
  await page.locator('.ts-map-notice details summary').first().click();
  assert.match(await page.locator('.ts-map-notice details').first().innerText(), /HTTP 503|already read/);
  await page.screenshot({ path: path.join(ROOT, 'target', 'screenshots', 'remote-partial.png') });

  const real = problems.filter((p) => !/503|Es werden/.test(p));
  assert.deepEqual(real, [], 'the console holds only the failed request and the notices');
  await page.close();
});

test('five failing layers: every message stays reachable', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 640 } });
  await page.goto(many.url);
  await page.waitForFunction(() => document.querySelectorAll('.ts-map-error').length === 5, null, { timeout: 30_000 });
  const texts = await page.locator('.ts-map-error > p').allInnerTexts();
  for (const t of texts) {
    assert.match(t, /^Die Ebene „Dienst [A-E]“ konnte nicht geladen werden: 127\.0\.0\.1:\d+ meldet einen Fehler \(503\)\.$/, t);
  }
  const box = await page.locator('.ts-map-status').boundingBox();
  assert.ok(box.y + box.height <= 640, `the message box ends inside the map (${box.y + box.height} px)`);
  // Each "try again" button can be reached: focused (as with Tab) it is
  // scrolled into the box and lies inside the viewport.
  const buttons = page.locator('.ts-retry');
  assert.equal(await buttons.count(), 5);
  for (let i = 0; i < 5; i++) {
    await buttons.nth(i).focus();
    const b = await buttons.nth(i).boundingBox();
    assert.ok(b.y >= 0 && b.y + b.height <= 640, `button ${i} at ${b.y}..${b.y + b.height}`);
    const inBox = await buttons.nth(i).evaluate((el) => {
      const r = el.getBoundingClientRect();
      const s = document.querySelector('.ts-map-status').getBoundingClientRect();
      return r.top >= s.top - 1 && r.bottom <= s.bottom + 1;
    });
    assert.ok(inBox, `button ${i} is shown inside the message box`);
  }
  await page.screenshot({ path: path.join(ROOT, 'target', 'screenshots', 'remote-five-failures.png') });
  await page.close();
});

test('a data readers module that cannot be loaded fails its layers with the short message', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.route(/twinstory_sources/, (route) => route.abort());
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelectorAll('.ts-map-error').length === 4, null, { timeout: 30_000 });
  assert.ok(requested.some((u) => u.includes('twinstory_sources')), 'the services need the data readers module');
  const texts = await page.locator('.ts-map-error > p').allInnerTexts();
  for (const t of texts) {
    assert.match(t, /^Die Ebene „[^“]+“ konnte nicht geladen werden: 127\.0\.0\.1:\d+ ist nicht erreichbar\.$/, t);
  }
  await page.close();
});
