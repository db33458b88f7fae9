// End-to-end: the author's preview. `twinstory serve` on a copy of the
// example story; the test edits story.md as an author would and watches the
// open page reload, show an error overlay for a broken save while the last
// good version keeps playing, and recover once the mistake is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole } from './lib.mjs';

let server;
let browser;
let dir;
let storyMd;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-live-'));
  // With its English version beside it, which its `translations` names.
  for (const slug of ['spielplaetze', 'where-children-play']) {
    fs.cpSync(path.join(ROOT, 'stories', slug), path.join(dir, slug), { recursive: true });
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

function edit(from, to) {
  const text = fs.readFileSync(storyMd, 'utf8');
  assert.ok(text.includes(from), `story.md contains ${from}`);
  fs.writeFileSync(storyMd, text.replace(from, to));
}

test('saving story.md reloads the page; errors show in an overlay over the last good version', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 750 } });
  const problems = watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('.ts-step');
  const title = await page.locator('.ts-header h1').innerText();

  // A good change: the page reloads by itself and shows it.
  const reloaded = page.waitForEvent('load', { timeout: 20_000 });
  // The page's h1 is the text's own `#` heading (the example's equals its title).
  edit(`\n# ${title}\n`, `\n# ${title} (neu)\n`);
  await reloaded;
  await page.waitForFunction((t) => document.querySelector('.ts-header h1')?.textContent === t, `${title} (neu)`,
    { timeout: 20_000 });

  // A broken change: the terminal and the page say what is wrong; the story keeps playing.
  edit('show: [quarters]\n', 'show: [quater]\n');
  const overlay = page.locator('#ts-live-overlay[role=alert]');
  await overlay.waitFor({ timeout: 20_000 });
  const text = await overlay.innerText();
  assert.match(text, /quater/, 'the overlay names the mistake');
  assert.match(text, /quarters/, 'and suggests the fix');
  assert.match(text, /story\.md:\d+:\d+/, 'with its line and column');
  assert.equal(await page.locator('.ts-header h1').innerText(), `${title} (neu)`, 'the last good version is still shown');
  assert.ok(await page.locator('.ts-canvas').count() === 1, 'the map is still there');
  assert.match(server.stderr(), /quater/, 'the terminal shows the error too');

  // Fixed: the overlay goes and the page reloads with the fix.
  const again = page.waitForEvent('load', { timeout: 20_000 });
  edit('show: [quater]\n', 'show: [quarters]\n');
  await again;
  await page.waitForSelector('.ts-step');
  assert.equal(await page.locator('#ts-live-overlay').count(), 0);

  // Reloads abort the open event stream; that is the only noise allowed.
  const real = problems.filter((p) => !p.includes('/_twinstory/events'));
  assert.deepEqual(real, [], 'the console stayed clean');
  await page.close();
});

// The server as a local citizen (Host check, bounded request heads, idle
// connections, no rebuild loop, foreign build folders kept) is tested at
// process level in crates/cli/tests/serve.rs, without a browser.

test('an address with no page behind it answers with a page that leads to the stories; a missing file with a short text', async () => {
  const page = await fetch(new URL('spielplaetz/', server.url));
  assert.equal(page.status, 404);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  const html = await page.text();
  assert.match(html, /<html lang="de">/);
  assert.match(html, /<h1>Nicht gefunden<\/h1>/);
  assert.match(html, /<code>\/spielplaetz\/<\/code>/);
  assert.match(html, /<a href="\/">Geschichten<\/a>/);
  const file = await fetch(new URL('data/nichtda.geojson', server.url));
  assert.equal(file.status, 404);
  assert.match(file.headers.get('content-type'), /^text\/plain/);
  assert.equal(await file.text(), 'Nicht gefunden');
});
