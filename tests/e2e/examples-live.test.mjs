// End-to-end: the example story "Unterwegs ohne Auto" / "Getting around
// without a car" as published, with what it reads while it plays: Park +
// Ride sites and car parks from Hamburg's OGC API Features (api.hamburg.de)
// and its disabled parking spaces as one GeoJSON document from there,
// StadtRad stations from its SensorThings API (iot.hamburg.de), the latest
// DB Rad+ week from its WFS (geodienste.hamburg.de) and basemap.de's grey
// WMTS tiles. The test answers the OGC API with real responses recorded from
// api.hamburg.de (../shared/data/hamburg/ogc-recorded/); the SensorThings
// stand-in answers Things in the shape of the recorded iot.hamburg.de Thing
// (at the story's own rental stations), the WFS stand-in GetFeature pages of
// one week of the DB Rad+ data that service published
// (../shared/data/hamburg/timeseries/), and the tile requests get a small
// PNG made here. It checks the requests the player sends, that the features
// arrive (drawn, and in the step's data table), the tiles are asked for and
// credited, and that the story stays usable when nothing answers (as on a
// machine without internet).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole, settled, canvasStats, goToStep, flatPng } from './lib.mjs';

const HAMBURG = [path.resolve(ROOT, '../shared/data/hamburg'), '/work/shared/data/hamburg']
  .find((d) => fs.existsSync(d));
const RECORDED = path.join(HAMBURG, 'ogc-recorded');
const API = 'https://api.hamburg.de/datasets/v1';
const STA = 'https://iot.hamburg.de/v1.1';
const WFS = 'https://geodienste.hamburg.de/HH_WFS_DB_Rad_Plus';
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

// ---- the SensorThings stand-in: StadtRad stations as Things ----
// The shape is the recorded Thing of iot.hamburg.de (`value`, `Locations`,
// `Datastreams` with the latest Observation); what makes them StadtRad
// stations is their name and a point Location, at the first 30 rental
// stations of the story's own OpenStreetMap file. The recorded Thing itself
// (an energy site, not a bike station) is in the service too: the story's
// `things` filter must leave it out.
const TEMPLATE = JSON.parse(fs.readFileSync(path.join(RECORDED, 'sta-things-227-expanded.json'), 'utf8')).value[0];
const RENTALS = fs.readFileSync(path.join(ROOT, 'stories/getting-around-without-a-car/data/bicycle-rentals.csv'), 'utf8')
  .trim().split('\n').slice(1, 31).map((line) => {
    const c = line.split(',');
    return { name: c[1], lat: Number(c[4]), lon: Number(c[5]) };
  });
const THINGS = [
  TEMPLATE,
  ...RENTALS.map((r, i) => {
    const t = structuredClone(TEMPLATE);
    t['@iot.id'] = 9000 + i;
    t['@iot.selfLink'] = `${STA}/Things(${9000 + i})`;
    t.name = `StadtRad-Station ${r.name}`;
    t.description = 'StadtRad (stand-in)';
    t.Locations = [{ location: { type: 'Feature', geometry: { type: 'Point', coordinates: [r.lon, r.lat] } } }];
    // Two Datastreams in the recorded one's shape. The bikes standing at
    // the station are named and marked as Hamburg's StadtRad Datastreams
    // are in public clients of iot.hamburg.de ("Fahrräder an
    // StadtRad-Station …", `properties/layerName` `Fahrraeder`); the counts
    // and the other Datastream, which comes first so that a story without
    // the `datastreams` filter would colour by it, are the stand-in's own.
    const stream = (id, name, layerName, result) => {
      const ds = structuredClone(TEMPLATE.Datastreams[0]);
      Object.assign(ds, { '@iot.id': id, name, description: 'stand-in' });
      ds.properties = { serviceName: 'HH_STA_StadtRad', layerName };
      ds.unitOfMeasurement = { name: 'Anzahl', symbol: '', definition: '' };
      ds.Observations = [{ result, phenomenonTime: '2026-12-03T22:55:00Z' }];
      return ds;
    };
    t.Datastreams = [
      stream(29000 + i, `Testwert an StadtRad-Station ${i}`, 'Testwert', 100 + i),
      stream(19000 + i, `Fahrräder an StadtRad-Station ${i}`, 'Fahrraeder', i % 7),
    ];
    return t;
  }),
];
/** FROST pages at most this many Things, whatever `$top` asks. */
const STA_PAGE = 20;

/** Answers a `Things` request as FROST would: `$filter` (only `startswith(name,'…')`), `$skip`, next links that keep the query. */
function answerThings(url) {
  const u = new URL(url);
  if (u.pathname !== '/v1.1/Things') return { status: 404, body: '' };
  const filter = u.searchParams.get('$filter');
  let things = THINGS;
  if (filter !== null) {
    const m = /^startswith\((?:Things\/)?name,'([^']*)'\)$/.exec(filter);
    if (!m) return { status: 400, body: JSON.stringify({ code: 400, type: 'error', message: `Query is not valid: ${filter}` }) };
    things = THINGS.filter((t) => t.name.startsWith(m[1]));
  }
  // `Datastreams($filter=properties/layerName eq '…';…)` in `$expand`
  // chooses each Thing's Datastreams.
  const expand = u.searchParams.get('$expand') ?? '';
  const streams = /Datastreams\(\$filter=([^;]*);/.exec(expand);
  let layerName = null;
  if (streams) {
    const m = /^properties\/layerName eq '([^']*)'$/.exec(streams[1]);
    if (!m) return { status: 400, body: JSON.stringify({ code: 400, type: 'error', message: `Query is not valid: ${streams[1]}` }) };
    layerName = m[1];
  }
  const skip = Number(u.searchParams.get('$skip') || 0);
  const top = Math.min(Number(u.searchParams.get('$top') || 100), STA_PAGE);
  const body = {
    value: things.slice(skip, skip + top).map((t) => (layerName === null ? t
      : { ...t, Datastreams: t.Datastreams.filter((d) => d.properties?.layerName === layerName) })),
  };
  if (skip + top < things.length) {
    u.searchParams.set('$skip', String(skip + top));
    body['@iot.nextLink'] = u.toString();
  }
  return { status: 200, body: JSON.stringify(body) };
}

// ---- the WFS stand-in: the latest week of DB Rad+ ----
// One week (26 February to 4 March 2023) of the DB Rad+ segments Hamburg's
// WFS published as `letzte_woche` (their `src_gml_id` says so), answered as
// deegree answers a WFS 2.0 GetFeature in GeoJSON.
const WEEK = JSON.parse(fs.readFileSync(path.join(HAMBURG, 'timeseries/dbrad-weekly-hafencity-small.geojson'), 'utf8'))
  .features.filter((f) => f.properties.von === '2023-02-26')
  .map((f) => {
    const { src_gml_id: id, ...properties } = f.properties;
    return { type: 'Feature', id, geometry: f.geometry, properties };
  });

/** Answers a GetFeature request for `de.hh.up:letzte_woche`; anything else gets an OGC exception report. */
function answerWfs(url) {
  const u = new URL(url);
  const q = u.searchParams;
  const exception = (code) => ({
    status: 400,
    type: 'application/xml',
    body: `<?xml version="1.0"?><ows:ExceptionReport version="2.0.0"><ows:Exception exceptionCode="${code}"/></ows:ExceptionReport>`,
  });
  if (u.pathname !== '/HH_WFS_DB_Rad_Plus' || q.get('SERVICE') !== 'WFS' || q.get('VERSION') !== '2.0.0'
    || q.get('REQUEST') !== 'GetFeature') return exception('OperationNotSupported');
  if (q.get('TYPENAMES') !== 'de.hh.up:letzte_woche' || q.get('OUTPUTFORMAT') !== 'application/geo+json'
    || q.get('SRSNAME') !== 'EPSG:4326') return exception('InvalidParameterValue');
  // WFS 2.0 with an EPSG URN reads the box latitude first.
  const [s, w, n, e, crs] = (q.get('BBOX') ?? '').split(',');
  if (crs !== 'urn:ogc:def:crs:EPSG::4326') return exception('InvalidParameterValue');
  const inside = WEEK.filter((f) => f.geometry.coordinates.some(([x, y]) => x >= +w && x <= +e && y >= +s && y <= +n));
  const start = Number(q.get('STARTINDEX') || 0);
  const features = inside.slice(start, start + Number(q.get('COUNT') || 1e9));
  return {
    status: 200,
    type: 'application/geo+json',
    body: JSON.stringify({ type: 'FeatureCollection', numberMatched: inside.length, numberReturned: features.length, features }),
  };
}

/** Answers api.hamburg.de from the recordings, iot.hamburg.de and geodienste.hamburg.de from the stand-ins and the tiles with TILE; returns the requests seen. */
async function answerFromRecordings(page) {
  const seen = { items: [], tiles: [], things: [], wfs: [] };
  await page.route('https://iot.hamburg.de/**', (route) => {
    const url = route.request().url();
    seen.things.push(url);
    const { status, body } = answerThings(url);
    return route.fulfill({ status, headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }, body });
  });
  await page.route('https://geodienste.hamburg.de/**', (route) => {
    const url = route.request().url();
    seen.wfs.push(url);
    const { status, type, body } = answerWfs(url);
    return route.fulfill({ status, headers: { 'Content-Type': type, 'Access-Control-Allow-Origin': '*' }, body });
  });
  await page.route('https://api.hamburg.de/**', (route) => {
    const url = route.request().url();
    seen.items.push(url);
    const file = url.startsWith(`${API}/p_und_r/collections/p_und_r/items`) ? 'oaf-park_and_ride-items.json'
      : url.startsWith(`${API}/parkhaeuser/collections/verkehr_parkhaeuser/items`) ? 'oaf-garages_live-items.json'
        : url.startsWith(`${API}/behindertenstellplaetze/collections/verkehr_behindertenparkpl/items`) ? 'oaf-disabled_parking-items.json'
          : null;
    if (!file) return route.fulfill({ status: 404, headers: { 'Access-Control-Allow-Origin': '*' }, body: '' });
    // The disabled parking spaces are a GeoJSON file to the story: served
    // as recorded, `next` link included, which a file's reader must not follow.
    const body = file === 'oaf-disabled_parking-items.json' ? fs.readFileSync(path.join(RECORDED, file), 'utf8') : recorded(file);
    return route.fulfill({
      status: 200,
      headers: { 'Content-Type': 'application/geo+json', 'Access-Control-Allow-Origin': '*' },
      body,
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

test('the built page lets the story read the city\'s three services and the basemap tiles (its CSP names them)', async () => {
  for (const slug of ['unterwegs-ohne-auto', 'getting-around-without-a-car']) {
    const csp = await new Promise((resolve, reject) => {
      http.get(`${server.url}${slug}/`, (res) => { res.resume(); resolve(res.headers['content-security-policy']); }).on('error', reject);
    });
    for (const host of ['api\\.hamburg\\.de', 'iot\\.hamburg\\.de', 'geodienste\\.hamburg\\.de']) {
      assert.match(csp, new RegExp(`connect-src 'self'[^;]* https://${host}[;\\s]`), `${slug}: ${csp}`);
    }
    assert.match(csp, /img-src 'self'[^;]* https:\/\/sgx\.geodatenzentrum\.de[;\s]/, `${slug}: ${csp}`);
  }
});

test('Park + Ride sites and car parks come live from the OGC API, disabled parking as an https:// GeoJSON file, over basemap.de tiles with their credit', async () => {
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
  // The disabled parking spaces: an https:// GeoJSON file, read once at the
  // address the story names (nothing added, its `next` link not followed).
  assert.deepEqual(seen.items.filter((u) => u.includes('/behindertenstellplaetze/')),
    [`${API}/behindertenstellplaetze/collections/verkehr_behindertenparkpl/items?limit=1000&f=json`]);
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
  // Its columns are the fields the story names, under those names, as a
  // built layer's would be: not every property the service sends
  // (`fahrzeit_hbf`, `ticket_1_tag`, `auslastung`, `datenherkunft`, …).
  const headers = await step.locator('.ts-table table').evaluateAll((tables) => Object.fromEntries(tables.map((t) => [
    t.querySelector('caption').textContent,
    [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim()),
  ])));
  const columns = (title) => Object.entries(headers).find(([caption]) => caption.startsWith(title))?.[1];
  assert.deepEqual(columns('Park-and-Ride-Anlagen (live)'), ['Anlage', 'Stellplätze', 'Adresse', 'Stand', 'Art', 'Linie', 'Frei gemeldet'], JSON.stringify(headers));
  assert.deepEqual(columns('Parkhäuser mit Belegungsdaten (live)'), ['Parkhaus', 'Art', 'Frei gemeldet', 'Stellplätze', 'Stand'], JSON.stringify(headers));
  assert.deepEqual(columns('Behindertenparkplätze (live)'), ['Stellplätze', 'Nahe Adresse'], JSON.stringify(headers));
  assert.ok(table.includes('Steenwisch 105'), 'the table lists the recorded spaces');
  for (const service of ['fahrzeit', 'ticket', 'auslastung', 'datenherkunft', 'einfahrtshoehe']) {
    assert.ok(!table.includes(service), `no column of the service's own ${service}`);
  }
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
  // And the ten recorded disabled parking spaces, in orange.
  const orange = await canvasStats(page, [0xb3, 0x58, 0x06]);
  assert.ok(orange.matching > 20, `the disabled parking spaces are drawn (${orange.matching} orange pixels)`);

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
  assert.deepEqual(notCancelledTiles(problems), [], 'the console stayed clean');
  await context.close();
});

/** The console's problems but tiles cancelled because the map no longer needs them after a flight (not a problem). */
function notCancelledTiles(problems) {
  return problems.filter((p) => !(p.startsWith(`request failed: ${TILES}`) && p.endsWith('net::ERR_ABORTED')));
}

/** Opens the step's data table, reads its text and closes it again. */
async function tableText(page, i) {
  const summary = page.locator('.ts-step').nth(i).locator('.ts-table summary').first();
  await summary.click();
  const table = page.locator('.ts-step').nth(i).locator('.ts-table');
  await table.locator('table').first().waitFor();
  const text = (await table.allInnerTexts()).join('\n');
  await summary.click();
  return text;
}

/** Pixels in any of the DB Rad+ choropleth's four colours. */
async function dbradPixels(page) {
  let sum = 0;
  for (const rgb of [[0xdd, 0x34, 0x97], [0xae, 0x01, 0x7e], [0x7a, 0x01, 0x77], [0x49, 0x00, 0x6a]]) {
    sum += (await canvasStats(page, rgb)).matching;
  }
  return sum;
}

test('StadtRad stations come live from the SensorThings API, chosen by their name with $filter', async () => {
  for (const [slug, viewport] of [
    ['unterwegs-ohne-auto', { width: 1280, height: 800 }],
    ['getting-around-without-a-car', { width: 390, height: 844 }],
  ]) {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    const problems = watchConsole(page);
    const seen = await answerFromRecordings(page);
    await page.goto(`${server.url}${slug}/`);
    await page.waitForSelector('.ts-step');
    const i = await goToStep(page, 'stadtrad');
    await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0', null, { timeout: 30_000 });

    // The first request chooses the Things with the story's filter and
    // expands their Locations and latest Observations; the server's next
    // link (30 stations at 20 a page) is followed as it wrote it.
    assert.equal(seen.things.length, 2, seen.things.join('\n'));
    const first = new URL(seen.things[0]);
    assert.equal(first.origin + first.pathname, `${STA}/Things`);
    assert.equal(first.searchParams.get('$filter'), "startswith(name,'StadtRad-Station')");
    assert.equal(first.searchParams.get('$top'), '200');
    // Of each station's Datastreams, only the bikes standing at it.
    assert.equal(first.searchParams.get('$expand'),
      "Locations($select=location),Datastreams($filter=properties/layerName eq 'Fahrraeder';$expand=Observations($orderby=phenomenonTime desc;$top=1))");
    const second = new URL(seen.things[1]);
    assert.equal(second.searchParams.get('$skip'), '20');
    assert.equal(second.searchParams.get('$filter'), "startswith(name,'StadtRad-Station')");
    assert.equal(await page.locator('.ts-map-error').count(), 0, 'no layer failed');

    // The stations are drawn in the reds of their classes (quantiles of
    // the bikes at them, 0 to 6 here), and listed by name with that count;
    // the energy site the filter leaves out is not.
    for (const rgb of [[0xd7, 0x19, 0x1c], [0x90, 0x0d, 0x0d], [0x2e, 0x00, 0x03]]) {
      const drawn = await canvasStats(page, rgb);
      assert.ok(drawn.matching > 50, `${slug}: stations are drawn in ${rgb} (${drawn.matching} pixels)`);
    }
    const table = await tableText(page, i);
    for (const k of [0, 6, 29]) {
      const row = table.split('\n').find((l) => l.includes(`StadtRad-Station ${RENTALS[k].name}`));
      assert.ok(row, `${slug}: the table lists ${RENTALS[k].name}:\n${table.slice(0, 1500)}`);
      assert.match(row, new RegExp(`\\t${k % 7}(\\t|$)`), `${slug}: ${RENTALS[k].name} has ${k % 7} bikes: ${row}`);
    }
    assert.ok(!table.includes('Testwert'), `${slug}: only the bikes' Datastream`);
    assert.match(table, new RegExp(`\\(live\\)[^\\n]*\\b${RENTALS.length}\\b`), `${slug}: all ${RENTALS.length} stations`);
    assert.ok(!table.includes('Energie-Campus'), `${slug}: only StadtRad stations`);
    await settled(page, i);
    await page.screenshot({ path: path.join(SHOTS, `${slug}-stadtrad-${viewport.width}.png`) });
    const sources = await page.locator('.ts-footer').innerText();
    assert.match(sources, /iot\.hamburg\.de/);
    assert.deepEqual(notCancelledTiles(problems), [], `${slug}: the console stayed clean`);
    await page.close();
  }
});

test('the latest DB Rad+ week comes live from the WFS, in the area of the shipped weeks', async () => {
  for (const [slug, id, viewport] of [
    ['unterwegs-ohne-auto', 'letzte-woche', { width: 1280, height: 800 }],
    ['getting-around-without-a-car', 'last-week', { width: 390, height: 844 }],
  ]) {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    const problems = watchConsole(page);
    const seen = await answerFromRecordings(page);
    await page.goto(`${server.url}${slug}/`);
    await page.waitForSelector('.ts-step');
    const i = await goToStep(page, id);
    await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0', null, { timeout: 30_000 });

    // One GetFeature: the story's feature type and format, WGS 84, the
    // shipped weeks' box latitude first, the first page of `limit` features
    // (the week has fewer, so the page comes back short and reading stops).
    assert.equal(seen.wfs.length, 1, seen.wfs.join('\n'));
    const q = new URL(seen.wfs[0]).searchParams;
    assert.deepEqual(Object.fromEntries(q), {
      SERVICE: 'WFS',
      VERSION: '2.0.0',
      REQUEST: 'GetFeature',
      TYPENAMES: 'de.hh.up:letzte_woche',
      OUTPUTFORMAT: 'application/geo+json',
      SRSNAME: 'EPSG:4326',
      BBOX: '53.5395,9.978,53.5545,10.0035,urn:ogc:def:crs:EPSG::4326',
      COUNT: '1000',
      STARTINDEX: '0',
    });
    assert.equal(await page.locator('.ts-map-error').count(), 0, 'no layer failed');

    // The segments are drawn in the DB Rad+ colours and listed with their week.
    const pixels = await dbradPixels(page);
    assert.ok(pixels > 300, `${slug}: the week's segments are drawn (${pixels} px)`);
    const table = await tableText(page, i);
    assert.match(table, new RegExp(`\\(live\\)[^\\n]*\\b${WEEK.length}\\b`), `${slug}: all ${WEEK.length} segments:\n${table.slice(-3000)}`);
    // Dates in the story's language, as docs/story-format.md says.
    assert.ok(table.includes(slug === 'unterwegs-ohne-auto' ? '26. Februar 2023' : '26 February 2023'), `${slug}: the segments' week`);
    await settled(page, i);
    await page.screenshot({ path: path.join(SHOTS, `${slug}-${id}-${viewport.width}.png`) });
    const sources = await page.locator('.ts-footer').innerText();
    assert.match(sources, /geodienste\.hamburg\.de/);
    assert.deepEqual(notCancelledTiles(problems), [], `${slug}: the console stayed clean`);
    await page.close();
  }
});

test('without the service and the tiles the story still works and says so briefly, in its language', async () => {
  for (const [slug, failed, ok, lastWeek, stadtrad, week] of [
    ['getting-around-without-a-car', /could not be loaded/, /Park \+ Ride sites \(live\)/, 'last-week', /StadtRad stations \(live\)/, /the latest week \(live\)/],
    ['unterwegs-ohne-auto', /konnte nicht geladen werden/, /Park-and-Ride-Anlagen \(live\)/, 'letzte-woche', /StadtRad-Stationen \(live\)/, /die letzte Woche \(live\)/],
  ]) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
      const problems = watchConsole(page);
      // As offline: neither host answers.
      for (const host of ['api.hamburg.de', 'iot.hamburg.de', 'geodienste.hamburg.de', 'sgx.geodatenzentrum.de']) {
        await page.route(`https://${host}/**`, (route) => route.abort('internetdisconnected'));
      }
      await page.goto(`${server.url}${slug}/`);
      await page.waitForSelector('.ts-step');
      // The first step does not show the live layers: no message there.
      await settled(page, 0);
      const first = await canvasStats(page);
      assert.ok(first.colours > 3, `${slug}: the first step's map is drawn`);
      await goToStep(page, 'park-and-ride');
      const errors = page.locator('.ts-map-error');
      await errors.first().waitFor({ timeout: 30_000 });
      assert.equal(await errors.count(), 3, `${slug}: one message per live layer`);
      const texts = await errors.allInnerTexts();
      for (const text of texts) {
        assert.match(text, failed);
        assert.match(text, /api\.hamburg\.de/);
      }
      assert.ok(texts.some((text) => ok.test(text)), `${slug}: ${texts.join(' | ')}`);
      // Short: one sentence each, the details folded away.
      for (const sentence of await errors.evaluateAll((es) => es.map((e) => e.firstChild.textContent ?? ''))) {
        assert.ok(sentence.length < 160, `${slug}: ${sentence}`);
      }
      assert.equal(await errors.locator('details[open]').count(), 0);
      // The other layers of the step are there: the U-Bahn's blue stops.
      const blue = await canvasStats(page, [0x00, 0x5c, 0xa9]);
      assert.ok(blue.matching > 50, `${slug}: the U-Bahn stops are drawn (${blue.matching} px)`);
      // The legend says only that the layers are missing (the messages say
      // why), and messages and legend never cover each other, on the phone
      // too.
      const legendProblems = await page.locator('.ts-legend-problem').allInnerTexts();
      assert.equal(legendProblems.length, 3, `${slug}: ${legendProblems}`);
      for (const p of legendProblems) {
        assert.match(p, / \(live\): (nicht geladen|not loaded)$/, `${slug}: ${p}`);
      }
      const [status, legend] = await page.evaluate(() => ['.ts-map-status', '.ts-legend-box'].map((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }));
      const apart = status.right <= legend.left || legend.right <= status.left
        || status.bottom <= legend.top || legend.bottom <= status.top;
      assert.ok(apart, `${slug} at ${viewport.width} px: messages ${JSON.stringify(status)} and legend ${JSON.stringify(legend)} overlap`);
      // The map credits what it draws: not the live layers that failed,
      // but the U-Bahn stops' OpenStreetMap.
      const credit = await page.locator('.ts-attribution').innerText();
      assert.doesNotMatch(credit, /live/, `${slug}: ${credit}`);
      assert.match(credit, /OpenStreetMap/, `${slug}: ${credit}`);
      await page.screenshot({ path: path.join(SHOTS, `${slug}-offline-${viewport.width}.png`) });
      // The messages stay with the step that shows the live layers: the
      // steps without them show none, and coming back shows them again.
      await goToStep(page, 'winter');
      assert.equal(await errors.count(), 0, `${slug}: no message over a step without the live layers`);
      await goToStep(page, 'park-and-ride');
      assert.equal(await errors.count(), 3, `${slug}: the messages are back with their step`);
      // The StadtRad step and the latest week's step each say that their
      // one live layer failed, and nothing about the others.
      for (const [id, title, host] of [['stadtrad', stadtrad, /iot\.hamburg\.de/], [lastWeek, week, /geodienste\.hamburg\.de/]]) {
        await goToStep(page, id);
        await errors.first().waitFor({ timeout: 30_000 });
        assert.equal(await errors.count(), 1, `${slug}#${id}: one message`);
        const message = await errors.first().innerText();
        assert.match(message, failed);
        assert.match(message, title);
        assert.match(message, host);
        const line = await errors.first().evaluate((e) => e.firstChild.textContent ?? '');
        assert.ok(line.length < 160, `${slug}#${id}: ${line}`);
        await page.screenshot({ path: path.join(SHOTS, `${slug}-${id}-offline-${viewport.width}.png`) });
      }
      // Nothing but the unreachable hosts went wrong.
      const other = problems.filter((p) => !/api\.hamburg\.de|iot\.hamburg\.de|geodienste\.hamburg\.de|sgx\.geodatenzentrum\.de|ERR_INTERNET_DISCONNECTED/.test(p));
      assert.deepEqual(other, [], `${slug}: the console has nothing else`);
      await page.close();
    }
  }
});
