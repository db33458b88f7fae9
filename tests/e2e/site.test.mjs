// End-to-end: the site index of `stories/` and the stories' versions in
// other languages. Every story is a card with its preview picture (loaded,
// described), title, language and links to its other versions; axe finds
// no violation on the index on a desktop and a phone; a story with
// `translations` names its versions in its `<head>` and links them on its
// cover, and following that link opens the other version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const STORIES = fs.readdirSync(path.join(ROOT, 'stories'))
  .filter((d) => fs.existsSync(path.join(ROOT, 'stories', d, 'story.md')));
const SHOTS = path.join(ROOT, 'target', 'e2e-screenshots');
let server;
let browser;

before(async () => {
  server = await startServer(undefined, ['--no-watch']);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** The `translations` of a story.md as { lang: folder } (the test reads the
 * front matter's lines itself, so it does not trust the code under test). */
function translations(slug) {
  const md = fs.readFileSync(path.join(ROOT, 'stories', slug, 'story.md'), 'utf8');
  const fm = md.split('\n---\n')[0];
  const out = {};
  const block = fm.match(/^translations:\n((?: {2}.*\n?)+)/m);
  for (const line of block ? block[1].split('\n') : []) {
    const m = line.match(/^ {2}([\w-]+): \.\.\/([\w.-]+)\/?$/);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** A story's `lang` (German when not given). */
function langOf(slug) {
  const md = fs.readFileSync(path.join(ROOT, 'stories', slug, 'story.md'), 'utf8');
  return md.split('\n---\n')[0].match(/^lang: (\S+)/m)?.[1] ?? 'de';
}

test('the example stories come in German and English, each naming the other', () => {
  const paired = STORIES.filter((s) => Object.keys(translations(s)).length > 0);
  assert.ok(paired.length >= 4, `stories with translations: ${paired.join(', ')}`);
  for (const slug of paired) {
    for (const [lang, folder] of Object.entries(translations(slug))) {
      assert.equal(langOf(folder), lang, `${slug} → ${folder}`);
      assert.equal(translations(folder)[langOf(slug)], slug, `${folder} names ${slug} back`);
    }
  }
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the site index shows every story as a card with its preview (${name})`, async () => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(server.url);
    const cards = page.locator('li.ts-card');
    assert.equal(await cards.count(), STORIES.length);
    // Every preview picture arrives (lazy ones when scrolled to).
    for (let i = 0; i < STORIES.length; i++) {
      await cards.nth(i).scrollIntoViewIfNeeded();
      await page.waitForFunction((i) => {
        const img = document.querySelectorAll('li.ts-card')[i].querySelector('img');
        return img && img.complete && img.naturalWidth > 0;
      }, i, { timeout: 10_000 });
    }
    const seen = await page.evaluate(() => [...document.querySelectorAll('li.ts-card')].map((li) => ({
      href: li.querySelector('h2 a').getAttribute('href'),
      title: li.querySelector('h2 a').textContent,
      alt: li.querySelector('img').alt,
      lang: li.closest('[lang]').getAttribute('lang'),
      language: li.querySelector('.ts-lang').textContent,
      versions: [...li.querySelectorAll('.ts-versions a')].map((a) => [a.getAttribute('hreflang'), a.getAttribute('href')]),
      width: li.getBoundingClientRect().width,
    })));
    for (const slug of STORIES) {
      const card = seen.find((c) => c.href === `${slug}/`);
      assert.ok(card, `a card for ${slug}`);
      const lang = langOf(slug);
      assert.equal(card.lang, lang, `${slug}: the card is in its story's language`);
      assert.equal(card.language, lang.startsWith('de') ? 'Deutsch' : 'English');
      assert.match(card.alt, lang.startsWith('de') ? /^Karte zum ersten Schritt: \S/ : /^Map of the first step: \S/);
      const want = Object.entries(translations(slug)).map(([l, f]) => [l, `${f}/`]);
      assert.deepEqual(card.versions, want, `${slug}: its versions are linked`);
      // Cards fit the screen; on a phone one fills the width.
      assert.ok(card.width <= viewport.width, `${slug}: ${card.width} px`);
      if (name === 'phone') assert.ok(card.width > viewport.width * 0.8, `${slug}: ${card.width} px`);
    }
    const noScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(noScroll, 'no sideways scrolling');
    await page.screenshot({ path: path.join(SHOTS, `site-index-${name}.png`), fullPage: true });
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }, TAGS);
    assert.deepEqual(violations, []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a translated story names its versions and its cover links the other one', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Stories that read other sites while they play (live layers, basemap
  // tiles) are read here as without internet: those requests fail at once.
  const local = new URL(server.url).origin;
  await page.route((url) => url.origin !== local, (route) => route.abort('internetdisconnected'));
  const problems = watchConsole(page);
  for (const slug of STORIES) {
    const versions = translations(slug);
    if (Object.keys(versions).length === 0) continue;
    await page.goto(`${server.url}${slug}/`);
    const alternates = await page.evaluate(() => [...document.querySelectorAll('link[rel=alternate]')]
      .map((l) => [l.hreflang, new URL(l.href).pathname]));
    const own = [langOf(slug), `/${slug}/`];
    assert.deepEqual(alternates, [own, ...Object.entries(versions).map(([l, f]) => [l, `/${f}/`])], slug);
    // The player shows the cover's link, in the other language.
    for (const [lang, folder] of Object.entries(versions)) {
      const link = page.locator(`.ts-translations a[hreflang="${lang}"]`);
      await link.waitFor({ timeout: 15_000 });
      assert.equal(await link.getAttribute('lang'), lang);
      assert.equal(await link.textContent(), lang.startsWith('de') ? 'Deutsche Fassung' : 'English version');
      // (Waiting for the navigation, not for every picture of the page to
      // load: on the busy CI machine that can take longer than 30 s.)
      await Promise.all([
        page.waitForURL(`${server.url}${folder}/`, { waitUntil: 'commit', timeout: 60_000 }),
        link.click(),
      ]);
      await page.waitForSelector('.ts-step', { timeout: 60_000 });
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
    }
  }
  // Following the cover's link leaves a page that may still be loading its
  // layers and pictures: the browser cancels those (ERR_ABORTED), which is
  // the navigation, not a fault.
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|ERR_ABORTED|https:\/\//.test(p)), []);
  await page.close();
});
