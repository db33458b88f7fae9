// End-to-end: the view picker of `twinstory serve`'s preview. The author
// moves the map of a step that readers cannot move (the example story is
// not interactive), the panel shows the new view, "Als YAML kopieren" puts
// it on the clipboard, "In story.md schreiben" changes only that step's
// `view` line in story.md, and the page reloads at the same step showing
// the view written. A published build (served without watching) has no
// picker, and axe finds nothing in the panel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole, settled } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const STEP = 'eimsbuettel';
let server;
let browser;
let dir;
let storyMd;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-picker-'));
  // With its English version, which its `translations` names.
  for (const s of ['spielplaetze', 'where-children-play']) {
    fs.cpSync(path.join(ROOT, 'stories', s), path.join(dir, s), { recursive: true });
  }
  storyMd = path.join(dir, 'spielplaetze', 'story.md');
  server = await startServer(path.join(dir, 'spielplaetze'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The YAML line the panel shows, read into numbers. */
async function shown(page) {
  const text = await page.locator('#ts-picker-yaml').innerText();
  const m = text.match(/^view: \{ center: \[(-?[\d.]+), (-?[\d.]+)\], zoom: ([\d.]+)(?:, bearing: (-?[\d.]+))?(?:, pitch: ([\d.]+))? \}$/);
  assert.ok(m, `the panel shows a view line: ${text}`);
  return { text, lon: Number(m[1]), lat: Number(m[2]), zoom: Number(m[3]) };
}

/** Waits until the panel's line differs from `old`. */
async function changedFrom(page, old) {
  await page.waitForFunction((o) => {
    const t = document.querySelector('#ts-picker-yaml')?.textContent;
    return t && t !== o;
  }, old, { timeout: 10_000 });
}

test('move the map, copy the view, write it into story.md; the page reloads showing it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}#${STEP}`);
  const index = await page.locator(`#${STEP}`).getAttribute('data-step');
  await settled(page, index);

  // The panel, in the story's language, names the step and its view.
  const panel = page.locator('#ts-picker');
  await panel.waitFor();
  assert.equal(await panel.locator('h2').innerText(), 'Ansicht wählen');
  assert.match(await panel.locator('.ts-picker-step').innerText(), new RegExp(`Schritt ${Number(index) + 1}/\\d+: Dicht an dicht in Eimsbüttel \\(#${STEP}\\)`));
  await page.waitForFunction(() => document.querySelector('#ts-picker-yaml')?.textContent.startsWith('view:'));
  const start = await shown(page);
  // The step's own view, as story.md has it (centre 9.955, 53.572, zoom 13.6).
  assert.ok(Math.abs(start.lon - 9.955) < 2e-4 && Math.abs(start.lat - 53.572) < 2e-4 && start.zoom === 13.6,
    `the panel starts at the step's view: ${start.text}`);

  // A drag to the left moves the map east: the centre's longitude grows.
  const box = await page.locator('.ts-canvas').boundingBox();
  const from = [box.x + box.width * 0.75, box.y + box.height * 0.5];
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(from[0] - 100, from[1] + 30, { steps: 4 });
  await page.mouse.move(from[0] - 200, from[1] + 60, { steps: 4 });
  await page.mouse.up();
  await settled(page, index);
  await changedFrom(page, start.text);
  const dragged = await shown(page);
  assert.ok(dragged.lon > start.lon + 1e-3, `dragged east: ${start.text} -> ${dragged.text}`);
  assert.ok(dragged.lat > start.lat, `and north: ${dragged.text}`);
  assert.equal(dragged.zoom, start.zoom);

  // Ctrl + wheel zooms in by one level.
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Control');
  await settled(page, index);
  await changedFrom(page, dragged.text);
  const zoomed = await shown(page);
  assert.ok(Math.abs(zoomed.zoom - (start.zoom + 1)) < 0.011, `zoomed in: ${zoomed.text}`);

  // Copy: the line is on the clipboard, and the panel says so.
  await page.getByRole('button', { name: 'Als YAML kopieren' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), zoomed.text);
  assert.match(await page.locator('#ts-picker-status').innerText(), /Kopiert/);

  // Write: only that step's view line changes; the page reloads at the step.
  const before = fs.readFileSync(storyMd, 'utf8');
  const cameraBefore = await page.locator('.ts-canvas').getAttribute('data-camera');
  const reloaded = page.waitForEvent('load', { timeout: 30_000 });
  await page.getByRole('button', { name: 'In story.md schreiben' }).click();
  await page.waitForFunction(() => /In story\.md geschrieben/.test(document.querySelector('#ts-picker-status')?.textContent), null, { timeout: 10_000 });
  const after = fs.readFileSync(storyMd, 'utf8');
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(b.length, a.length, 'no line added or removed');
  const diff = a.map((line, i) => [i, line, b[i]]).filter(([, x, y]) => x !== y);
  assert.equal(diff.length, 1, `one line changed: ${JSON.stringify(diff)}`);
  assert.equal(diff[0][1], 'view: { center: [9.955, 53.572], zoom: 13.6 }');
  assert.equal(diff[0][2], zoomed.text);
  await reloaded;
  await settled(page, index);
  assert.equal(new URL(page.url()).hash, `#${STEP}`);
  // The reloaded page shows the view written: the same camera as before.
  const cameraAfter = (await page.locator('.ts-canvas').getAttribute('data-camera')).split(',').map(Number);
  const [lon, lat, zoom] = cameraBefore.split(',').map(Number);
  assert.ok(Math.abs(cameraAfter[0] - lon) < 1e-4 && Math.abs(cameraAfter[1] - lat) < 1e-4 && Math.abs(cameraAfter[2] - zoom) < 0.006,
    `camera ${cameraBefore} after the reload: ${cameraAfter}`);
  await page.waitForFunction((t) => document.querySelector('#ts-picker-yaml')?.textContent === t, zoomed.text, { timeout: 10_000 });
  assert.match(await page.locator('#ts-picker-status').innerText(), /In story\.md geschrieben: view: \{ center/,
    'the confirmation stays after the reload');

  const real = problems.filter((p) => !p.includes('/_twinstory/events'));
  assert.deepEqual(real, [], 'the console stayed clean');
  await page.screenshot({ path: path.join(ROOT, 'target', 'picker-desktop.png') });
  await context.close();
});

test('the fit box form, and axe finds nothing in the panel', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url);
  await settled(page, 0);
  await page.waitForFunction(() => document.querySelector('#ts-picker-yaml')?.textContent.startsWith('view:'));
  await page.getByLabel('fit-Rahmen').check();
  await page.waitForFunction(() => /^view: \{ fit: \[[\d., ]+\] \}$/.test(document.querySelector('#ts-picker-yaml').textContent));
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run('#ts-picker', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help}`);
  });
  assert.deepEqual(found, [], 'axe-core violations in the panel');
  // Hidden, it is one button; the choice holds for the session.
  await page.getByRole('button', { name: 'Ausblenden' }).click();
  assert.equal(await page.locator('#ts-picker-body').isHidden(), true);
  assert.equal(await page.getByRole('button', { name: 'Ansicht wählen' }).getAttribute('aria-expanded'), 'false');
  await page.getByRole('button', { name: 'Ansicht wählen' }).click();
  assert.equal(await page.locator('#ts-picker-body').isVisible(), true);
  await context.close();
});

test('on a phone the panel starts closed and offers view-narrow', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${server.url}#${STEP}`);
  const index = await page.locator(`#${STEP}`).getAttribute('data-step');
  await settled(page, index);
  assert.equal(await page.locator('#ts-picker-body').isHidden(), true, 'closed on a narrow window');
  await page.getByRole('button', { name: 'Ansicht wählen' }).click();
  // The step has no view-narrow, so the narrow map shows its view.
  await page.waitForFunction(() => document.querySelector('#ts-picker-yaml')?.textContent.startsWith('view-narrow:'));
  const text = await page.locator('#ts-picker-yaml').innerText();
  assert.match(text, /^view-narrow: \{ center: \[9\.9\d*, 53\.5\d*\], zoom: [\d.]+ \}$/);
  await page.close();
});

test('a page of another site cannot write, even knowing the token', async () => {
  // The token as a page of the preview has it.
  const html = await (await fetch(server.url)).text();
  const token = html.match(/data-token="([0-9a-f]{32})"/)[1];
  const before = fs.readFileSync(storyMd, 'utf8');
  // Another site on this machine (another port is another origin).
  const other = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>other</title>');
  });
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${other.address().port}/`);
    const write = `${server.url}_twinstory/picker/write?page=%2F&step=0&id=stadt&form=center&cam=9.99,53.55,13,0,0&size=1000,600&pad=32,32,32,400&narrow=0`;
    const answers = await page.evaluate(async ({ write, token }) => {
      const out = [];
      // With the token header (the browser asks first, and is refused) …
      try {
        const r = await fetch(write, { method: 'POST', headers: { 'X-Twinstory-Token': token } });
        out.push(r.status);
      } catch (e) { out.push('blocked'); }
      // … and as a simple request, which the browser sends with its Origin.
      try {
        const r = await fetch(write, { method: 'POST', mode: 'no-cors' });
        out.push(r.type);
      } catch (e) { out.push('blocked'); }
      return out;
    }, { write, token });
    assert.equal(answers[0], 'blocked');
    await page.close();
  } finally {
    other.close();
  }
  // From outside a browser, with the token but another Origin: refused.
  const forged = await fetch(`${server.url}_twinstory/picker/write?page=%2F&step=0&id=stadt&form=center&cam=9.99,53.55,13,0,0&size=1000,600&pad=32,32,32,400&narrow=0`,
    { method: 'POST', headers: { 'X-Twinstory-Token': token, Origin: 'http://127.0.0.1:1' } });
  assert.equal(forged.status, 403);
  assert.equal(fs.readFileSync(storyMd, 'utf8'), before, 'story.md untouched');
  assert.doesNotMatch(server.stderr(), /view picker: wrote .* \{ center: \[9\.99/, 'nothing was written');
});

test('a folder of stories: no panel on the index page, one on each story', async () => {
  const site = await startServer(dir);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(site.url);
    await page.waitForSelector('a[href*="spielplaetze"]');
    await page.waitForTimeout(600);
    assert.equal(await page.locator('#ts-picker').count(), 0, 'the index has no map, so no panel');
    await page.goto(`${site.url}spielplaetze/`);
    await settled(page, 0);
    await page.waitForFunction(() => /^view: \{ fit: \[|^view: \{ center/.test(document.querySelector('#ts-picker-yaml')?.textContent));
    await page.close();
  } finally {
    site.stop();
  }
});

test('a published build has no picker', async () => {
  const published = await startServer(path.join(dir, 'spielplaetze'), ['--no-watch']);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(published.url);
    await settled(page, 0);
    assert.equal(await page.locator('#ts-picker').count(), 0);
    assert.equal(await page.locator('.ts-map.is-interactive').count(), 0, 'the map stays as readers get it');
    for (const p of ['_twinstory/picker.js', '_twinstory/picker.css', '_twinstory/picker/view?cam=1,2,3,0,0&size=1,1&pad=0,0,0,0']) {
      assert.equal((await fetch(published.url + p)).status, 404, p);
    }
    const html = await (await fetch(published.url)).text();
    assert.ok(!html.includes('picker'), 'no picker in the page');
    const built = fs.readdirSync(published.out, { recursive: true }).filter((f) => /\.(html|js|json)$/.test(f));
    for (const f of built) {
      assert.ok(!fs.readFileSync(path.join(published.out, f), 'utf8').includes('ts-picker'), f);
    }
    await page.close();
  } finally {
    published.stop();
  }
});
