// End-to-end: the player trusts nothing it downloads. A crafted story.json
// carries script in its step HTML and markup in every text field and data
// value; `?story=` loads only from the page's origin and the origins the
// deployer lists; a story loaded that way makes the browser contact no
// other server; and a built story plays under a strict Content-Security-Policy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT, launch, watchConsole, firstStepReady, canvasStats, allowStoryOrigins, goToStep } from './lib.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const PWN = (tag) => `window.__pwned=(window.__pwned||[]).concat('${tag}')`;

/** Step HTML a hostile story.json might carry (the markup the probe injected and classic XSS vectors). */
const EVIL_HTML = [
  `<script>${PWN('script')}</script>`,
  `<img src=x onerror="${PWN('img')}">`,
  `<svg onload="${PWN('svg')}"><script>${PWN('svg-script')}</script><a href="javascript:${PWN('svg-a')}"><text>svg-link</text></a></svg>`,
  // A chart's SVG (what `twinstory build` draws for a ```chart block) with
  // everything the allow-list must take out of it.
  `<svg viewBox="0 0 100 40" role="img" id="chart" class="ts-error" xmlns:xlink="http://www.w3.org/1999/xlink" onload="${PWN('chart')}"><title>Diagramm</title><desc>Beschreibung</desc>`
    + `<style>rect{fill:url(https://evil.example/s.svg#p)}</style><foreignObject width="100" height="40"><img src=x onerror="${PWN('fo')}"><p>fremd</p></foreignObject>`
    + `<g data-layer="quarters" data-feature="1" tabindex="5" onfocus="${PWN('g')}"><rect x="0" y="0" width="50" height="10" fill="url(https://evil.example/p.svg#p)" stroke="#005ca9" style="fill:red" onmouseover="${PWN('rect')}"/>`
    + `<animate attributeName="href" to="javascript:${PWN('animate')}"/><set attributeName="onclick" to="${PWN('set')}"/><use href="https://evil.example/x.svg#a" xlink:href="https://evil.example/y.svg#a"/><image href="https://evil.example/x.png"/>`
    + `<text x="0" y="30" font-size="12" fill="currentColor" filter="url(https://evil.example/f.svg#f)">svg-text</text></g>`
    + `<g data-feature="1; alert(1)"><a href="javascript:${PWN('svg-a2')}"><circle cx="5" cy="5" r="3"/></a><polyline points="0,0 10,10" fill="none" stroke="currentColor"/></g></svg>`,
  `<iframe srcdoc="<script>parent.__pwned=1</script>" src="https://evil.example/"></iframe>`,
  `<form action="https://evil.example/"><input name=password type=password placeholder=Passwort><button formaction="javascript:${PWN('formaction')}">Anmelden</button></form>`,
  '<dialog open>Bitte Passwort eingeben</dialog>',
  `<a href="javascript:${PWN('a1')}" id="js1">js1</a>`,
  `<a href=" JaVaScRiPt:${PWN('a2')}">js2</a>`,
  `<a href="java&#x09;script:${PWN('a3')}">js3</a>`,
  `<a href="&#106;avascript:${PWN('a4')}">js4</a>`,
  '<a href="data:text/html,<script>alert(1)</script>">data-link</a>',
  '<a href="vbscript:msgbox(1)">vb-link</a>',
  '<a href="//evil.example/">scheme-relative</a>',
  '<base href="https://evil.example/">',
  `<meta http-equiv="refresh" content="0;url=javascript:${PWN('meta')}">`,
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  `<object data="data:text/html,<script>parent.__pwned=1</script>"></object>`,
  '<embed src="https://evil.example/x.swf">',
  `<p style="position:fixed;inset:0;background:red" onclick="${PWN('onclick')}" id="ts-map-help" class="ts-error">Text bleibt</p>`,
  `<template><img src=x onerror="${PWN('template')}"></template>`,
  `<details open ontoggle="${PWN('toggle')}"><summary>s</summary>d</details>`,
  `<video><source onerror="${PWN('video')}"></video>`,
  `<input autofocus onfocus="${PWN('focus')}">`,
  '<a href="https://example.org/" target="_top" ping="https://evil.example/">extern</a>',
  '<strong>fett</strong> <em>kursiv</em>',
  '<img src="data:image/svg+xml,%3Csvg onload=alert(1)%3E" alt="Datenbild">',
  '<img src="ok.png" alt="Gutes Bild" loading="lazy" onload="alert(1)">',
  '<table><tr><td style="text-align: right; background: url(https://evil.example/)">zelle</td></tr></table>',
  // Last: in the inert parser the rest of the HTML ends up inside it.
  `<noscript><p title="</noscript><img src=x onerror=${PWN('noscript')}>"></noscript>`,
].join('\n');

/** The second step's HTML: a mutation-XSS vector whose <style> swallows what follows. */
const EVIL_HTML_2 = `<p>Ende</p><math><mtext><table><mglyph><style><img src=x onerror="${PWN('math')}">`;

/** Markup in text fields and data values, which the player must show as written. */
const V = {
  title: `<img src=x onerror="${PWN('title')}">Titel`,
  summary: `<script>${PWN('summary')}</script>Zusammenfassung`,
  author: `<iframe src="https://evil.example/"></iframe>Autorin`,
  credit: `<a href="javascript:${PWN('credit')}">Quelle</a>`,
  step: `<svg onload="${PWN('step')}">Schritt`,
  layer: `<form><input type=password></form>Ebene`,
  name: `<img src=x onerror="${PWN('name')}">Name`,
  kind: `<b onmouseover="${PWN('kind')}">Kategorie</b>`,
  column: `<i onclick="${PWN('column')}">Spalte</i>`,
  chapter: `<img src=x onerror="${PWN('chapter')}">Kapitel`,
  before: `<img src=x onerror="${PWN('before')}">Vorher`,
  after: `"><svg onload="${PWN('after')}">Nachher`,
};

/** Text as HTML text, as the story compiler writes it. */
const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Points in Hamburg with markup in names, categories and a column name. */
function evilGeojson() {
  const features = [[9.99, 53.55], [10.01, 53.56], [9.97, 53.54]].map((c, i) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: c },
    properties: { name: `${V.name} ${i}`, kind: i === 0 ? V.kind : 'harmlos', [V.column]: `${V.name} Wert ${i}` },
  }));
  return { type: 'FeatureCollection', features };
}

/** A story.json with markup everywhere; `extra` adds fields (remote layers, a basemap). */
function evilStory({ layers = [], basemap, html = EVIL_HTML } = {}) {
  const story = {
    format: 2,
    title: V.title,
    lang: 'de',
    summary: V.summary,
    authors: [V.author],
    credits: [V.credit],
    // The cover, as the story compiler writes it from `summary` and
    // `authors` (escaped), plus what a hand-edited file could add.
    intro: `<p class="ts-summary">${esc(V.summary)}</p><p class="ts-byline">${esc(V.author)}</p>`
      + `<nav class="ts-toc" aria-label="${esc(V.chapter)}" onclick="${PWN('nav')}"><ol><li><a href="#zwei" class="evil">${esc(V.chapter)}</a></li></ol></nav>`,
    layers: [
      {
        id: 'evil',
        title: V.layer,
        source: { type: 'geojson', url: 'evil.geojson' },
        style: { fill: '#e4572e', radius: 8, label: '{name}', categories: { property: 'kind' } },
        tooltip: '{name}',
        // A data table shows the properties the story uses: this one by its
        // reader's name, which is markup too.
        fields: { [V.column]: V.column },
      },
      ...layers,
    ],
    steps: [
      { id: 'eins', title: V.step, html, view: { center: [9.99, 53.55], zoom: 12 }, show: ['evil', ...layers.map((l) => l.id)], transition: 'jump' },
      { id: 'zwei', title: 'Zwei', html: EVIL_HTML_2, view: { center: [9.99, 53.55], zoom: 11 }, show: ['evil'], chapter: V.chapter, layout: 'right',
        // A before/after divider whose sides' labels are markup.
        compare: { before: [], 'before-label': V.before, 'after-label': V.after } },
    ],
  };
  if (basemap) story.basemap = basemap;
  return story;
}

/** A static file server (CORS for all, like a bucket) that logs what it was asked for; `csp` adds the header. */
function staticServer(root, { csp } = {}) {
  const log = [];
  const server = http.createServer((req, res) => {
    log.push(req.url);
    // An open redirect, as many sites have one (`/go?to=<address>`).
    const asked = new URL(req.url, 'http://x');
    if (asked.pathname === '/go') {
      res.writeHead(302, { Location: asked.searchParams.get('to'), 'Access-Control-Allow-Origin': '*' });
      res.end();
      return;
    }
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    if (file.startsWith(root) && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    const headers = { 'Access-Control-Allow-Origin': '*' };
    if (csp) headers['Content-Security-Policy'] = csp;
    if (!file.startsWith(root) || !fs.existsSync(file)) {
      console.log(`# 404 ${req.url}`);
      res.writeHead(404, headers);
      res.end('not found');
      return;
    }
    const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };
    headers['Content-Type'] = types[path.extname(file)] || 'application/octet-stream';
    res.writeHead(200, headers);
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    resolve({ origin, url: `${origin}/`, log, stop: () => server.close() });
  }));
}

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let dir; // the built site
let storyDir; // its story folder (index.html, story.json)
let page0; // the page server (the city's site)
let other; // another port: a listed or unlisted origin
let third; // a third port, never listed
let strict; // the site again, with a strict CSP
let browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-trust-'));
  const bin = process.env.TWINSTORY_BIN || path.join(ROOT, 'target/release/twinstory');
  const built = spawnSync(bin, ['build', path.join(ROOT, 'stories', 'spielplaetze'), '--out', path.join(dir, 'site')], {
    cwd: ROOT, encoding: 'utf8',
  });
  assert.equal(built.status, 0, `twinstory build failed:\n${built.stderr}`);
  const site = path.join(dir, 'site');
  storyDir = fs.existsSync(path.join(site, 'spielplaetze', 'index.html')) ? path.join(site, 'spielplaetze') : site;
  fs.writeFileSync(path.join(storyDir, 'evil.geojson'), JSON.stringify(evilGeojson()));
  fs.writeFileSync(path.join(storyDir, 'evil.json'), JSON.stringify(evilStory()));
  fs.writeFileSync(path.join(storyDir, 'ok.png'), PNG);
  // `<img src=x onerror=…>` is an image `x` beside the story, once rebuilt.
  fs.writeFileSync(path.join(storyDir, 'x'), PNG);
  // The build writes no inline script and no `data:` icon: the strict CSP
  // below must hold for the page exactly as built.
  const html = fs.readFileSync(path.join(storyDir, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script in the built page');
  assert.doesNotMatch(html, /\sstyle=|data:/, 'an inline style or data: URL in the built page');
  if (process.env.TRUST_KEEP) console.log(`# site: ${site}`);
  const third0 = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-trust-third-'));
  fs.writeFileSync(path.join(third0, 'evil.geojson'), JSON.stringify(evilGeojson()));
  fs.writeFileSync(path.join(third0, 'img.png'), PNG);
  [page0, other, third, strict] = await Promise.all([
    staticServer(site), staticServer(site), staticServer(third0), staticServer(site, { csp: CSP }),
  ]);
  // The story on the listed origin names a layer, an image and basemap tiles on the third.
  fs.writeFileSync(path.join(storyDir, 'evil-remote.json'), JSON.stringify(evilStory({
    layers: [{ id: 'fremd', title: 'Fremd', source: { type: 'geojson', url: `${third.url}evil.geojson` } }],
    // story.json carries the tile address read into its parts (format 2).
    basemap: { url: [{ text: third.url }, 'zoom', { text: '/' }, 'column', { text: '/' }, 'row', { text: '.png' }], attribution: 'Fremde Kacheln' },
    html: `<p>Von der freigegebenen Quelle.</p><img src="${third.url}img.png" alt="Fremdbild"><img src="ok.png" alt="Eigenes Bild">`,
  })));
  // The third server's own story, and a story of the page's origin whose
  // layer is sent through the page's open redirect to the third server.
  fs.writeFileSync(path.join(third0, 'evil-third.json'), JSON.stringify(evilStory()));
  fs.writeFileSync(path.join(storyDir, 'evil-redirect.json'), JSON.stringify(evilStory({
    layers: [{ id: 'umweg', title: 'Umweg', source: { type: 'geojson', url: `${page0.url}go?to=${encodeURIComponent(`${third.url}evil.geojson`)}` } }],
  })));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const s of [page0, other, third, strict]) s?.stop();
  if (dir && !process.env.TRUST_KEEP) fs.rmSync(dir, { recursive: true, force: true });
});

const storyPath = () => path.relative(path.join(dir, 'site'), storyDir).split(path.sep).filter(Boolean).map((p) => `${p}/`).join('');

/** Opens the page with `?story=<story>`; records dialogs and requests. */
async function open(story, { origins } = {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const seen = { dialogs: [], requests: [], problems: watchConsole(page) };
  page.on('dialog', (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => seen.requests.push(r.url()));
  if (origins) await allowStoryOrigins(page, origins);
  await page.goto(`${page0.url}${storyPath()}?story=${encodeURIComponent(story)}`);
  return { page, seen };
}

/** Nothing the story carried ran or was injected into the page. */
async function assertNothingRan(page, seen) {
  await page.waitForTimeout(500); // time for any onerror/onload to fire
  assert.deepEqual(seen.dialogs, [], 'no dialog opened');
  const state = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    injected: [...document.querySelectorAll('iframe, form, input:not([data-act]):not(.ts-compare-divider), button:not(.ts-retry):not(.ts-legend-toggle):not([data-nav]):not([data-act]), dialog, script:not([src]), object, embed, svg:not(.ts-text svg), .ts-text svg :not(g, rect, line, polyline, circle, text, title, desc), math, base, meta[http-equiv], link:not([rel=stylesheet]), template, video')]
      .filter((e) => e.closest('head') === null).map((e) => e.outerHTML.slice(0, 80)),
    onAttributes: [...document.querySelectorAll('*')].flatMap((e) => e.getAttributeNames().filter((n) => n.startsWith('on')).map((n) => `${e.tagName} ${n}`)),
    badLinks: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).filter((h) => !/^(https?:|mailto:|#|[^:/]*($|[/?#]))/i.test(h) || h.startsWith('//')),
    images: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src')),
  }));
  assert.equal(state.pwned, null, 'no script of the story ran');
  assert.deepEqual(state.injected, [], 'no form, frame, dialog or script was injected');
  assert.deepEqual(state.onAttributes, [], 'no element carries an event handler attribute');
  assert.deepEqual(state.badLinks, [], 'every link is http(s), mailto, relative or a fragment');
  const foreign = seen.requests.filter((u) => new URL(u).hostname.endsWith('evil.example'));
  assert.deepEqual(foreign, [], 'no request for injected resources');
  return state;
}

test('a story.json from another, unlisted port is refused with a message, and nothing runs', async () => {
  const story = `${other.url}${storyPath()}evil.json`;
  const before = other.log.length;
  const { page, seen } = await open(story);
  const alert = page.locator('[role=alert]');
  await alert.waitFor({ timeout: 20_000 });
  const text = await alert.innerText();
  assert.match(text, /nicht freigegeben/);
  assert.ok(text.includes(other.origin), `the message names the refused origin: ${text}`);
  assert.equal(await page.locator('.ts-step').count(), 0, 'no step is shown');
  assert.equal(other.log.length, before, 'the other server was not even asked');
  await assertNothingRan(page, seen);
  await page.close();
});

test('a story.json as a data: link is refused with a message, and nothing runs', async () => {
  const story = `data:application/json,${encodeURIComponent(JSON.stringify(evilStory()))}`;
  const { page, seen } = await open(story);
  const alert = page.locator('[role=alert]');
  await alert.waitFor({ timeout: 20_000 });
  const text = await alert.innerText();
  assert.match(text, /„data:“ werden nicht geladen/);
  assert.ok(!text.includes('evil'), 'the message does not repeat the story');
  assert.ok(text.length < 300, 'the message is short');
  assert.equal(await page.locator('.ts-step').count(), 0);
  await assertNothingRan(page, seen);
  // The same for blob: (made by the page itself) and javascript:.
  for (const bad of ['blob:' + page0.origin + '/0b8f', `javascript:${PWN('js-story')}`]) {
    await page.goto(`${page0.url}${storyPath()}?story=${encodeURIComponent(bad)}`);
    await page.locator('[role=alert]').waitFor({ timeout: 20_000 });
    assert.match(await page.locator('[role=alert]').innerText(), /werden nicht geladen/, bad);
    await assertNothingRan(page, seen);
  }
  await page.close();
});

test('a redirect on an allowed origin does not bring in a story or data from another server', async () => {
  // The page's own origin has an open redirect: `?story=/go?to=<elsewhere>`
  // names the page's origin, but the story would come from the third server.
  const thirdBefore = third.log.length;
  const { page, seen } = await open(`/go?to=${encodeURIComponent(`${third.url}evil-third.json`)}`);
  await page.locator('[role=alert]').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('.ts-step').count(), 0, 'no story from the third server is shown');
  await assertNothingRan(page, seen);
  await page.close();
  // A story from the page's origin whose layer goes through the redirect.
  const second = await open('evil-redirect.json');
  await second.page.waitForSelector('.ts-step', { timeout: 20_000 });
  await firstStepReady(second.page);
  await second.page.waitForTimeout(500);
  assert.deepEqual(third.log.slice(thirdBefore), [], 'the third server saw no request (story or layer)');
  await second.page.close();
});

test('a crafted story.json from the same origin plays, its HTML rebuilt from the allow-list', async () => {
  const { page, seen } = await open('evil.json');
  await page.waitForSelector('.ts-step', { timeout: 20_000 });
  await firstStepReady(page);
  const state = await assertNothingRan(page, seen);
  const text = page.locator('.ts-step').first().locator('.ts-text');
  const inner = await text.innerText();
  assert.ok(inner.includes('Text bleibt'), 'the text of a disallowed element stays');
  assert.ok(inner.includes('js1') && inner.includes('scheme-relative'), 'link texts stay as text');
  assert.ok(!inner.includes('__pwned'), `no script or handler source is shown as text: ${inner}`);
  assert.equal(await text.locator('strong').innerText(), 'fett', 'allowed markup is kept');
  assert.equal(await text.locator('em').innerText(), 'kursiv');
  assert.equal(await text.locator('a').count(), 1, 'only the one safe link is a link');
  const link = text.locator('a');
  assert.equal(await link.getAttribute('href'), 'https://example.org/');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer', 'a link to another host opens without access to the page');
  assert.equal(await link.getAttribute('target'), null);
  assert.equal(await link.getAttribute('ping'), null);
  assert.equal(await page.locator('#ts-map-help').count(), 1, 'the story cannot take the player\'s ids');
  assert.equal(await text.locator('.ts-error, [id], [class]').count(), 0, 'no ids or classes from the story');
  const cell = text.locator('td');
  assert.equal(await cell.innerText(), 'zelle');
  assert.equal(await cell.getAttribute('style'), null, 'a cell style that is more than an alignment is dropped');
  // Images: relative ones read against the story, without their handlers
  // (`<img src=x onerror>` is an image `x` beside the story); the data: one
  // became its description; the one inside <math> went with it.
  const images = await text.locator('img').evaluateAll((els) => els.map((e) => ({ src: e.src, alt: e.alt, loading: e.getAttribute('loading') })));
  assert.deepEqual(images, [
    { src: `${page0.url}${storyPath()}x`, alt: '', loading: null },
    { src: `${page0.url}${storyPath()}ok.png`, alt: 'Gutes Bild', loading: 'lazy' },
  ]);
  assert.ok(inner.includes('Datenbild'), 'a refused image leaves its description');
  assert.ok(state.images.every((s) => s === null || s.startsWith('http')), `images: ${state.images}`);
  // The chart's SVG: rebuilt in the SVG namespace with its shapes, text,
  // name and description and only their plain attributes.
  const chart = await text.locator('svg[viewBox]').evaluate((svg) => {
    const attrs = (e) => e.getAttributeNames().sort().map((n) => `${n}=${e.getAttribute(n)}`).join(' ');
    return {
      ns: svg.namespaceURI,
      svg: attrs(svg),
      tree: [...svg.querySelectorAll('*')].map((e) => `${e.localName}[${attrs(e)}]`),
      text: svg.textContent,
    };
  });
  assert.equal(chart.ns, 'http://www.w3.org/2000/svg');
  assert.equal(chart.svg, 'role=img viewBox=0 0 100 40');
  assert.deepEqual(chart.tree, [
    'title[]', 'desc[]',
    'g[data-feature=1 data-layer=quarters]', 'rect[height=10 stroke=#005ca9 width=50 x=0 y=0]',
    'text[fill=currentColor font-size=12 x=0 y=30]',
    'g[]', 'polyline[fill=none points=0,0 10,10 stroke=currentColor]',
  ]);
  assert.equal(chart.text, 'DiagrammBeschreibungsvg-text');
  assert.ok(!inner.includes('fremd'), 'a foreignObject leaves nothing');
  assert.deepEqual(seen.problems.filter((p) => !p.startsWith('warning')), [], 'no errors');
  await page.close();
});

test('markup in every text field and data value stays text', async () => {
  const { page, seen } = await open('evil.json');
  await page.waitForSelector('.ts-step', { timeout: 20_000 });
  await firstStepReady(page);
  const t = (sel) => page.locator(sel).first().innerText();
  assert.equal(await t('.ts-header h1'), V.title);
  assert.equal(await t('.ts-summary'), V.summary);
  assert.equal(await t('.ts-byline'), V.author);
  assert.equal(await t('.ts-chapter'), V.chapter);
  assert.equal(await page.locator('.ts-toc').getAttribute('aria-label'), V.chapter);
  assert.equal(await page.locator('.ts-toc').getAttribute('onclick'), null);
  assert.equal(await page.locator('.ts-toc a').getAttribute('class'), null);
  assert.ok((await t('.ts-footer ul')).includes(V.credit), 'credits');
  assert.equal(await t('.ts-step h2'), V.step);
  await page.waitForSelector('.ts-legend');
  const legend = await t('.ts-legend');
  assert.ok(legend.includes(V.layer), `legend title: ${legend}`);
  assert.ok(legend.includes(V.kind), `category name: ${legend}`);
  // Tooltip by keyboard.
  await page.focus('.ts-canvas');
  await page.keyboard.press('ArrowRight');
  const tip = page.locator('.ts-tooltip');
  await tip.waitFor({ state: 'visible' });
  assert.match(await tip.innerText(), new RegExp(`^${V.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\d$`));
  // Labels.
  await page.waitForFunction((name) => [...document.querySelectorAll('.ts-labels .ts-label')].some((l) => l.textContent.startsWith(name)), V.name);
  // The data table: column names and values.
  await page.locator('.ts-step').first().locator('.ts-table > summary').click();
  const table = page.locator('.ts-step').first().locator('.ts-table table');
  await table.waitFor();
  // The field's name for readers, as text.
  // (Column headers are sort buttons, whose text reads with runs of spaces collapsed.)
  const squeeze = (s) => s.replace(/ +/g, ' ');
  assert.ok(squeeze(await table.locator('thead').innerText()).includes(squeeze(V.column)), 'column name');
  assert.ok((await table.locator('tbody').innerText()).includes(`${V.name} Wert 0`), 'value');
  assert.equal(await page.locator('.ts-story b, .ts-story i, .ts-story iframe, .ts-story form').count(), 0, 'no markup from text fields');
  // The compare step's labels: attributes the style sheet shows as text.
  await goToStep(page, 1);
  const divider = page.locator('.ts-compare');
  await divider.waitFor({ state: 'attached' });
  assert.equal(await divider.getAttribute('data-before'), V.before);
  assert.equal(await divider.getAttribute('data-after'), V.after);
  const label = await page.locator('.ts-compare-divider').getAttribute('aria-label');
  assert.ok(label.includes(V.before) && label.includes(V.after), `the divider's name: ${label}`);
  assert.equal(await divider.locator('*:not(input)').count(), 0, 'nothing but the divider in its box');
  await assertNothingRan(page, seen);
  await page.close();
});

test('a listed origin may serve the story, but its requests to an unlisted server are not sent', async () => {
  const story = `${other.url}${storyPath()}evil-remote.json`;
  const thirdBefore = third.log.length;
  const { page, seen } = await open(story, { origins: [other.origin] });
  await page.waitForSelector('.ts-step', { timeout: 20_000 });
  await firstStepReady(page);
  assert.equal(await page.locator('.ts-header h1').innerText(), V.title, 'the story from the listed origin plays');
  assert.ok(seen.requests.some((u) => u.startsWith(`${other.url}${storyPath()}evil.geojson`)), 'its own layer came from the listed origin');
  const error = await page.locator('.ts-map-error').innerText();
  assert.ok(error.includes(third.origin) && /nicht freigegeben/.test(error), `the refused layer says why: ${error}`);
  const text = page.locator('.ts-step').first().locator('.ts-text');
  assert.ok((await text.innerText()).includes('Fremdbild'), 'the refused image leaves its description');
  const images = await text.locator('img').evaluateAll((els) => els.map((e) => e.src));
  assert.deepEqual(images, [`${other.url}${storyPath()}ok.png`], 'the image beside the story is shown, read against the story');
  await page.waitForTimeout(500);
  assert.deepEqual(seen.requests.filter((u) => u.startsWith(third.url)), [], 'nothing was requested from the unlisted server (layer, image, tiles)');
  assert.equal(third.log.length, thirdBefore, 'the unlisted server saw no request');
  assert.equal(await page.locator('.ts-tile').count(), 0, 'no tiles from the unlisted server');
  await page.close();
});

test('a built story plays under a strict Content-Security-Policy without violations', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  const response = await page.goto(`${strict.url}${storyPath()}`);
  assert.equal(response.headers()['content-security-policy'], CSP, 'the page is served with the strict CSP');
  await page.waitForSelector('.ts-step', { timeout: 20_000 });
  await firstStepReady(page);
  const stats = await canvasStats(page);
  assert.ok(stats.nonBackground > stats.pixels * 0.05, 'the map is drawn');
  // What sets styles: the theme, legend swatches, step changes, tooltips, labels, tables.
  const count = await page.locator('.ts-step').count();
  for (let i = 1; i < count; i++) {
    await page.evaluate((i) => {
      const el = document.querySelectorAll('.ts-step')[i];
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
    }, i);
    await page.waitForFunction((i) => document.querySelector('.ts-canvas')?.dataset.activeStep === String(i), i);
  }
  await page.waitForSelector('.ts-swatch');
  const swatch = await page.locator('.ts-swatch').first().evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(swatch, 'rgba(0, 0, 0, 0)', 'legend swatches have their colour');
  const mapBackground = await page.locator('.ts-story').evaluate((e) => getComputedStyle(e).getPropertyValue('--ts-map-bg').trim());
  assert.equal(mapBackground, '#eef1f4', 'the theme colours are set');
  await page.focus('.ts-canvas');
  await page.keyboard.press('ArrowRight');
  await page.locator('.ts-tooltip').waitFor({ state: 'visible' });
  await page.locator('.ts-step').last().locator('.ts-table > summary').click();
  await page.waitForTimeout(300);
  const violations = await page.evaluate(() => window.__violations);
  assert.deepEqual(violations, [], 'no CSP violation');
  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();
});
