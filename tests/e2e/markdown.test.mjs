// End-to-end: one hosted player plays a story.md straight from another
// server (`?story=<url of story.md>`), loading the story compiler module
// only then; a story.md with mistakes shows them in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, canvasStats } from './lib.mjs';

let site;
let files;
let browser;
let dir;

/** A plain static file server with CORS, as a city's CMS or a bucket would be. */
function staticServer(root) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { 'Access-Control-Allow-Origin': '*' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    stop: () => server.close(),
  })));
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-md-'));
  fs.cpSync(path.join(ROOT, 'stories', 'spielplaetze'), path.join(dir, 'good'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'stories', 'spielplaetze'), path.join(dir, 'bad'), { recursive: true });
  const bad = path.join(dir, 'bad', 'story.md');
  fs.writeFileSync(bad, fs.readFileSync(bad, 'utf8').replace('show: [quarters]\n', 'show: [quater]\n'));
  files = await staticServer(dir);
  // The pages may play story files from the test's file server (CSP connect-src).
  site = await startServer(undefined, ['--no-watch', '--story-origin', files.url]);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.stop();
  files?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a story.md from another server plays without a build step', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  const story = `${files.url}good/story.md`;
  // `serve --story-origin` lists the other server's origin, as a deployer's build would.
  await page.goto(`${site.url}spielplaetze/?story=${encodeURIComponent(story)}`);
  await page.waitForSelector('.ts-step', { timeout: 20_000 });
  const headings = fs.readFileSync(path.join(dir, 'good', 'story.md'), 'utf8').match(/^## /gm).length;
  assert.equal(await page.locator('.ts-step').count(), headings, 'one step per level-2 heading');
  await page.waitForFunction(() => {
    const c = document.querySelector('.ts-canvas');
    return c && c.dataset.activeStep === '0' && c.dataset.loading === '0' && c.dataset.moving === 'false';
  }, null, { timeout: 20_000 });
  const stats = await canvasStats(page);
  const drawn = stats.nonBackground / stats.pixels;
  assert.ok(drawn > 0.05, `the quarters are drawn (${(drawn * 100).toFixed(1)} % of pixels)`);
  assert.ok(requested.some((u) => u.includes('twinstory_author')), 'the story compiler module was loaded');
  assert.ok(requested.some((u) => u.includes('twinstory_sources')), 'the data readers module was loaded (raw files)');
  assert.ok(requested.some((u) => u.startsWith(`${files.url}good/data/`)), 'data came from beside story.md');
  // Figures are computed by the build; unbuilt, they show as written (docs/story-format.md).
  const step = await page.locator('.ts-step#spielplaetze').innerText();
  assert.ok(step.includes('{= count playgrounds}'), step);
  assert.deepEqual(problems, [], 'the console stayed clean');
  await page.close();
});

test('compiled stories load neither the story compiler nor the data readers (nor the playback without a play, nor the basemap module without a basemap)', async () => {
  const page = await browser.newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`${site.url}spielplaetze/`);
  await page.waitForSelector('.ts-step');
  await page.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0');
  assert.ok(requested.some((u) => u.includes('/data/') && u.endsWith('.tsp')), `packed layers were loaded: ${requested.join(' ')}`);
  // The first step's layer is asked for beside story.json (boot.js's
  // preload), and the player's read is that request: each file once.
  const packed = requested.filter((u) => u.endsWith('.tsp'));
  assert.equal(new Set(packed).size, packed.length, `each packed file once: ${packed.join(' ')}`);
  const first = await page.locator('meta[name="twinstory-first-layers"]').getAttribute('content');
  assert.match(first, /^data\/quarters-[0-9a-f]{16}\.tsp$/);
  assert.equal(await page.locator(`link[rel="preload"][href="${first}"]`).count(), 1);
  // Every layer is local, so packed: the base module reads it.
  assert.deepEqual(requested.filter((u) => u.includes('twinstory_author') || u.includes('twinstory_sources') || u.includes('twinstory_basemap') || /twinstory_play(?!er)/.test(u)), []);
  await page.close();
});

test('a story without extrude loads the flat base, one with extrude the base with 3D', async () => {
  // The example story as it is (with `extrude` in later steps) and without
  // its `extrude` settings, side by side.
  const both = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-bases-'));
  fs.cpSync(path.join(ROOT, 'stories', 'spielplaetze'), path.join(both, 'raeumlich'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'stories', 'spielplaetze'), path.join(both, 'flach'), { recursive: true });
  // (Without the link to the English version, which is not beside them.)
  const alone = (md) => md.replace('translations:\n  en: ../where-children-play\n', '');
  const solid = path.join(both, 'raeumlich', 'story.md');
  fs.writeFileSync(solid, alone(fs.readFileSync(solid, 'utf8')));
  const flat = path.join(both, 'flach', 'story.md');
  fs.writeFileSync(flat, alone(fs.readFileSync(flat, 'utf8')).replace(/^\s*extrude(-base|-scale)?:.*\n/gm, ''));
  assert.doesNotMatch(fs.readFileSync(flat, 'utf8'), /extrude/);
  const bases = await startServer(both, ['--no-watch']);
  try {
  for (const [slug, want, not] of [['flach', 'twinstory_flat', 'twinstory_player'], ['raeumlich', 'twinstory_player', 'twinstory_flat']]) {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    const requested = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname.split('/').pop()));
    await page.goto(`${bases.url}${slug}/`);
    await page.waitForFunction(() => {
      const c = document.querySelector('.ts-canvas');
      return c && c.dataset.activeStep === '0' && c.dataset.loading === '0' && c.dataset.moving === 'false';
    }, null, { timeout: 20_000 });
    const stats = await canvasStats(page);
    assert.ok(stats.nonBackground / stats.pixels > 0.05, `${slug}: the first step is drawn`);
    const loaded = requested.filter((n) => /^twinstory_(player|flat)(_bg)?-/.test(n));
    assert.ok(loaded.some((n) => n.startsWith(`${want}-`)) && loaded.some((n) => n.startsWith(`${want}_bg-`)), `${slug}: ${want}'s glue and wasm: ${loaded.join(' ')}`);
    assert.ok(!loaded.some((n) => n.startsWith(not)), `${slug}: not ${not}: ${loaded.join(' ')}`);
    assert.deepEqual(problems, [], `${slug}: the console stayed clean`);
    await page.close();
  }
  } finally {
    bases.stop();
    fs.rmSync(both, { recursive: true, force: true });
  }
});

test('a story.md with a mistake shows it with line, column and a fix', async () => {
  const page = await browser.newPage();
  await page.goto(`${site.url}spielplaetze/?story=${encodeURIComponent(`${files.url}bad/story.md`)}`);
  const alert = page.locator('[role=alert]');
  await alert.waitFor({ timeout: 20_000 });
  const text = await alert.innerText();
  assert.match(text, /kann nicht angezeigt werden/);
  assert.match(text, /story\.md:\d+:\d+/);
  assert.match(text, /quater/);
  assert.match(text, /quarters/);
  await page.close();
});
