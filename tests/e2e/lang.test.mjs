// End-to-end: every word around the author's story is in the story's
// language (issue 15, item 4). The same small story, in Latin so that its
// own words belong to neither language, is built once with `lang: en` and
// once with `lang: de`; the player (visible text, ARIA labels and
// descriptions, titles, alt texts, after opening a table, a tooltip, the
// wheel hint, pan and zoom and steps with highlight and filter), the page
// without JavaScript, the site index, the server's "not found" and its error
// overlay must not hold one interface word of the other language. The words
// come from the tables themselves (crates/model/src/strings.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, settled, firstStepReady } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');

const story = (lang) => `---
title: Lorem ipsum
lang: ${lang}
summary: Dolor sit amet.
authors: [Quintus Tullius]
credits: ["© Tegula Vici, CC BY 4.0"]
interactive: true
basemap:
  url: "http://127.0.0.1:9/{z}/{x}/{y}.png"
  attribution: "© Tegula"
layers:
  regiones:
    title: Regiones
    source: { type: geojson, url: data/regiones.geojson }
    style:
      choropleth: { property: rate, method: equal-interval, classes: 3, scheme: blues }
    tooltip: "{name}: {rate}, {dies}"
    fields: { name: Nomen, rate: Numerus, dies: Dies }
---

# Lorem ipsum

Lorem ipsum dolor sit amet.

## Ostia

\`\`\`step
view: { fit: regiones }
show: [regiones]
transition: jump
\`\`\`

Consectetur adipiscing elit.

## Varna

\`\`\`step
show: [{ layer: regiones, highlight: "rate > 3000" }]
transition: jump
\`\`\`

Sed do eiusmod tempor.

## Pemba

\`\`\`step
show: [{ layer: regiones, filter: "rate < 3000" }]
transition: jump
\`\`\`

Incididunt ut labore.
`;

/** Six squares side by side, with a decimal number and a date. */
function regiones() {
  const names = ['Ostia', 'Varna', 'Pemba', 'Kolda', 'Nuuk', 'Tromso'];
  return {
    type: 'FeatureCollection',
    features: names.map((name, i) => {
      const [x, y] = [9.9 + (i % 3) * 0.05, 53.5 + Math.floor(i / 3) * 0.05];
      return {
        type: 'Feature',
        properties: { name, rate: 1234.5 * (i + 1), dies: `2026-0${i + 1}-1${i}` },
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]] },
      };
    }),
  };
}

/** Lower-case words of three or more letters. */
const words = (text) => text.toLowerCase().split(/[^\p{L}]+/u).filter((w) => [...w].length >= 3);

/** The words of a table's string literals (placeholders removed). */
function tableWords(source, start) {
  const at = source.indexOf(start);
  assert.ok(at >= 0, `${start} in strings.rs`);
  const block = source.slice(at, source.indexOf('\n};', at));
  const literals = [...block.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\{[^}]*\}/g, ' '));
  return new Set(literals.flatMap(words));
}

const STRINGS = fs.readFileSync(path.join(ROOT, 'crates/model/src/strings.rs'), 'utf8');
const VOCABULARY = {
  de: new Set([...tableWords(STRINGS, 'pub static DE: Strings'), ...tableWords(STRINGS, 'pub static DE_DESCRIBE')]),
  en: new Set([...tableWords(STRINGS, 'pub static EN: Strings'), ...tableWords(STRINGS, 'pub static EN_DESCRIBE')]),
};
// The author's own words (story and data) are not the interface's.
const AUTHORED = new Set(words(story('de') + JSON.stringify(regiones())));
/** The interface words only language `lang` has. */
const only = (lang, other) => [...VOCABULARY[lang]].filter((w) => !VOCABULARY[other].has(w) && !AUTHORED.has(w));
const ONLY = { de: only('de', 'en'), en: only('en', 'de') };

/** Everything a reader may see or hear: text, ARIA, titles, alt texts (not <noscript>'s source, not scripts). */
function readable(page) {
  return page.evaluate(() => {
    const parts = [document.title];
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      // The preview's view picker shows the step's view as YAML, whose keys
      // (`center`, `zoom`) are the story format's in every language.
      if (!n.parentElement?.closest('script, style, noscript, #ts-picker-yaml')) parts.push(n.data);
    }
    const attrs = ['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'alt', 'placeholder'];
    for (const el of document.querySelectorAll('*')) {
      for (const a of attrs) {
        const v = el.getAttribute(a);
        if (v) parts.push(v);
      }
    }
    return parts.join('\n');
  });
}

function assertOnly(text, lang, where) {
  const other = lang === 'en' ? 'de' : 'en';
  const seen = new Set(words(text));
  const foreign = ONLY[other].filter((w) => seen.has(w));
  assert.deepEqual(foreign, [], `${where} (${lang}) has ${other} interface words: ${foreign.join(', ')}\n---\n${text}`);
  const own = ONLY[lang].filter((w) => seen.has(w));
  return own;
}

let browser;
const sites = {};

before(async () => {
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const lang of ['en', 'de']) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `twinstory-lang-${lang}-`));
    fs.mkdirSync(path.join(dir, 'lorem', 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lorem', 'story.md'), story(lang));
    fs.writeFileSync(path.join(dir, 'lorem', 'data', 'regiones.geojson'), JSON.stringify(regiones()));
    // Watched, so the pages carry the error overlay's script.
    const server = await startServer(dir);
    sites[lang] = { dir, server, url: `${server.url}lorem/` };
  }
});

after(async () => {
  await browser?.close();
  for (const s of Object.values(sites)) {
    s.server.stop();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

test('the word lists are long enough to mean something', () => {
  assert.ok(ONLY.de.length > 100, `German words: ${ONLY.de.length}`);
  assert.ok(ONLY.en.length > 100, `English words: ${ONLY.en.length}`);
  for (const w of ['karte', 'legende', 'quellen', 'daten', 'schritts', 'geschichten']) assert.ok(ONLY.de.includes(w), w);
  for (const w of ['map', 'legend', 'sources', 'table', 'skip', 'stories']) assert.ok(ONLY.en.includes(w), w);
});

for (const lang of ['en', 'de']) {
  test(`a story with lang: ${lang} speaks ${lang} everywhere`, async () => {
    const { url, server } = sites[lang];
    const seenOwn = new Set();
    const check = (text, where) => assertOnly(text, lang, where).forEach((w) => seenOwn.add(w));

    // The player, through everything that writes words.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await firstStepReady(page);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    check(await readable(page), 'the first step');
    const box = await page.locator('.ts-canvas').boundingBox();
    // A tooltip (number and date in the language).
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator('.ts-tooltip:not([hidden])');
    await tip.first().waitFor({ timeout: 10_000 });
    const tipText = await tip.first().innerText();
    assert.match(tipText, lang === 'de' ? /: \d\.\d{3}(,5)?, \d+\. \p{L}+ 2026$/u : /: \d,\d{3}(\.5)?, \d+ \p{L}+ 2026$/u, tipText);
    // The wheel hint (a plain wheel scrolls the page), zoom and "back to the view".
    await page.mouse.wheel(0, 40);
    await page.locator('.ts-nav-hint').waitFor({ state: 'attached' });
    await page.locator('.ts-canvas').focus();
    await page.keyboard.press('+');
    await page.locator('.ts-nav-reset').waitFor();
    check(await readable(page), 'the map moved by the reader');
    // The data table of the first step.
    const summary = page.locator('.ts-step').first().locator('.ts-table summary');
    await summary.click();
    await page.locator('.ts-step').first().locator('.ts-table table').first().waitFor();
    check(await readable(page), 'an open table');
    // Steps with a highlight and a filter (legend notes, descriptions).
    for (const i of [1, 2]) {
      await page.evaluate((i) => {
        const el = document.querySelectorAll('.ts-step')[i];
        window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
      }, i);
      await settled(page, i);
      check(await readable(page), `step ${i + 1}`);
    }
    const legend = await page.locator('.ts-legend-box').innerText();
    assert.match(legend, lang === 'de' ? /Gezeigt: \d von 6/ : /Shown: \d of 6/, legend);
    await page.screenshot({ path: path.join(SHOTS, `lang-${lang}.png`) });

    // The error overlay of `twinstory serve`, over the last good version.
    const md = path.join(sites[lang].dir, 'lorem', 'story.md');
    fs.writeFileSync(md, story(lang).replace('show: [regiones]\ntransition', 'show: [regionez]\ntransition'));
    const overlay = page.locator('#ts-live-overlay[role=alert]');
    await overlay.waitFor({ timeout: 30_000 });
    // The overlay's own words (the diagnostics under them are for the author, in English).
    const overlayWords = await overlay.evaluate((o) => [...o.childNodes].filter((n) => n.nodeName !== 'PRE').map((n) => n.textContent).join('\n'));
    check(overlayWords, 'the error overlay');
    fs.writeFileSync(md, story(lang));
    await page.close();

    // The page without JavaScript.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    const nojs = await context.newPage();
    await nojs.goto(url);
    await nojs.locator('.ts-static-step').first().waitFor();
    check(await readable(nojs), 'the page without JavaScript');
    // The site index.
    await nojs.goto(server.url);
    assert.equal(await nojs.getAttribute('html', 'lang'), lang);
    check(await readable(nojs), 'the site index');
    await context.close();

    // What the server says where nothing is.
    const missing = await fetch(`${server.url}nothing-here.txt`);
    assert.equal(missing.status, 404);
    check(await missing.text(), 'not found');

    // The page did speak its own language, widely.
    const want = lang === 'de'
      ? ['karte', 'legende', 'quellen', 'daten', 'geschichten', 'hervorgehoben', 'gezeigt', 'vergrößern', 'ausblenden']
      : ['map', 'legend', 'sources', 'table', 'stories', 'highlighted', 'shown', 'zoom', 'hide'];
    assert.deepEqual(want.filter((w) => !seenOwn.has(w)), [], `${lang} words expected`);
  });
}
