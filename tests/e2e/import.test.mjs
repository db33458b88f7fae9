// End-to-end: `twinstory import` makes stories that play. Real stories of
// other tools (../shared/data/imports) are imported by the CLI binary,
// served, and read in headless Chromium to their last step: every step
// becomes active, the map settles on each, and the console stays clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled } from './lib.mjs';

const IMPORTS = path.resolve(ROOT, '../shared/data/imports');
const FALLBACK = '/work/shared/data/imports';
const DIR = fs.existsSync(IMPORTS) ? IMPORTS : FALLBACK;
const BIN = process.env.TWINSTORY_BIN || path.join(ROOT, 'target/release/twinstory');
const CASES = [
  // Mapbox's template: no remote images, its local ones become notes.
  { slug: 'mapbox-template', input: 'mapbox-storytelling/template-2024.config.js', from: 'mapbox' },
  // StoryMapJS: a layer of the slides' places; its images are on other
  // servers, which this machine cannot reach (those requests may fail).
  { slug: 'storymapjs-twain', input: 'storymapjs/marktwain.json', from: 'storymapjs', remoteImages: true },
  // Hamburg's tool: 3D camera steps become views with bearings.
  { slug: 'hamburg-3d', input: 'cut-hamburg/3d-test', from: 'hamburg' },
];
let stories;
let server;
let browser;

before(async () => {
  if (!fs.existsSync(DIR)) return;
  stories = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-import-'));
  for (const c of CASES) {
    execFileSync(BIN, ['import', path.join(DIR, c.input), '--from', c.from, '--out', path.join(stories, c.slug)]);
  }
  server = await startServer(stories, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (stories) fs.rmSync(stories, { recursive: true, force: true });
});

for (const c of CASES) {
  test(`an imported ${c.from} story plays to its last step`, async (t) => {
    if (!fs.existsSync(DIR)) {
      t.skip(`the real inputs are not on this machine (${IMPORTS})`);
      return;
    }
    const md = fs.readFileSync(path.join(stories, c.slug, 'story.md'), 'utf8');
    const expected = md.split('\n').filter((l) => l.startsWith('## ')).length;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const problems = watchConsole(page);
    await page.goto(`${server.url}${c.slug}/`);
    await page.waitForSelector('.ts-step');
    const count = await page.locator('.ts-step').count();
    assert.equal(count, expected, 'one step per heading of the imported story.md');
    for (let i = 0; i < count; i++) {
      await page.evaluate((i) => {
        const el = document.querySelectorAll('.ts-step')[i];
        window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
      }, i);
      await settled(page, i);
    }
    assert.equal(await page.locator('.ts-step.is-active').count(), 1);
    const last = await page.locator('.ts-step').nth(count - 1).getAttribute('class');
    assert.match(last, /is-active/, 'the last step is the active one');
    await page.screenshot({ path: path.join(ROOT, 'target', `import-${c.slug}-last.png`) });
    // Images on servers this offline machine cannot reach may fail; nothing else may.
    const own = problems.filter((p) => !(c.remoteImages && /^(request failed: https?:\/\/(?!127\.0\.0\.1)|error: Failed to load resource)/.test(p)));
    assert.deepEqual(own, [], 'no console errors or warnings');
    await page.close();
  });
}
