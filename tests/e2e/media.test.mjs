// End-to-end: a video with captions in a step, an image that opens larger,
// and a muted autoplay video (docs/story-format.md, "Video and audio").
// The video is paused when its step is left and when the page is hidden,
// never starts by itself with sound, and starts muted only without
// reduced motion; the image's dialog opens by Enter and closes by Escape
// with the focus back on the image; axe finds no violation. The media
// files are small committed fixtures (tests/fixtures/media/README.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch, watchConsole, firstStepReady } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'media');
const SHOTS = process.env.TWINSTORY_SCREENSHOTS;

const STORY = `---
title: Medien
lang: de
layers:
  quarters:
    title: Stadtteile
    source: { type: geojson, url: data/quarters.geojson }
    style: { fill: "#d5dde6", stroke: "#6e7781", stroke-width: 1 }
    attribution: "© FHH, LGV (dl-de/by-2-0)"
---

## Ein Rundgang

\`\`\`step
view: { fit: quarters }
show: [quarters]
\`\`\`

Ein Video mit Untertiteln, die es auch [als Textdatei](media/clip.vtt) gibt.

\`\`\`video
src: media/clip.webm
captions: media/clip.vtt
poster: media/poster.jpg
title: Ein Rundgang über den Spielplatz
\`\`\`

## Ein Bild

\`\`\`step
view: { fit: quarters }
show: [quarters]
\`\`\`

![Farbbalken und ein Kreis eines Testbilds](img/photo.jpg "Testbild: ffmpeg")

## Ohne Worte

\`\`\`step
view: { fit: quarters }
show: [quarters]
\`\`\`

\`\`\`video
src: media/clip.webm
speech: false
muted: true
loop: true
autoplay: true
title: Ein Testbild, das sich bewegt
\`\`\`
`;

let dir;
let server;
let browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-media-'));
  const story = path.join(dir, 'medien');
  fs.mkdirSync(path.join(story, 'data'), { recursive: true });
  fs.mkdirSync(path.join(story, 'media'));
  fs.mkdirSync(path.join(story, 'img'));
  fs.copyFileSync(path.join(ROOT, 'stories', 'spielplaetze', 'data', 'quarters.geojson'), path.join(story, 'data', 'quarters.geojson'));
  for (const f of ['clip.webm', 'clip.vtt', 'poster.jpg']) fs.copyFileSync(path.join(FIXTURES, f), path.join(story, 'media', f));
  fs.copyFileSync(path.join(FIXTURES, 'photo.jpg'), path.join(story, 'img', 'photo.jpg'));
  fs.writeFileSync(path.join(story, 'story.md'), STORY);
  // CORS for the <twin-story> on another origin (docs/embed.md).
  server = await startServer(dir, ['--no-watch', '--cors']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Scrolls step `i` to where it becomes active and waits until it is. */
async function goToStep(page, i) {
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.45);
  }, i);
  await page.waitForFunction((i) => document.querySelector('.ts-canvas').dataset.activeStep === String(i), i, { timeout: 10_000 });
}

async function violations(page) {
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

test('a video has its captions and poster, never starts by itself, and pauses when its step is left or the page hidden', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}medien/`);
  await firstStepReady(page);
  const video = page.locator('.ts-step').nth(0).locator('video');
  assert.equal(await video.count(), 1);
  const info = await video.evaluate((v) => ({
    controls: v.controls, autoplay: v.autoplay, paused: v.paused, src: v.getAttribute('src'),
    poster: v.getAttribute('poster'), preload: v.getAttribute('preload'),
  }));
  assert.deepEqual([info.controls, info.autoplay, info.paused, info.preload], [true, false, true, 'metadata']);
  // Published under content-hashed names, read against the story.
  assert.match(info.src, /\/medien\/media\/clip-[0-9a-f]{16}\.webm$/);
  assert.match(info.poster, /\/medien\/media\/poster-[0-9a-f]{16}\.jpg$/);
  // The captions track is the default one: showing, its cue loaded.
  await page.waitForFunction(() => {
    const v = document.querySelector('.ts-step video');
    const t = v.textTracks[0];
    return t && t.mode === 'showing' && t.cues && t.cues.length === 1;
  }, null, { timeout: 10_000 });
  const track = await video.evaluate((v) => ({
    n: v.textTracks.length, kind: v.textTracks[0].kind, lang: v.textTracks[0].language,
    label: v.textTracks[0].label, cue: v.textTracks[0].cues[0].text,
  }));
  assert.deepEqual(track, { n: 1, kind: 'captions', lang: 'de', label: 'Deutsch', cue: 'Ein Rundgang über den Spielplatz.' });
  // Nothing plays by itself: the video is still paused after a while.
  await page.waitForTimeout(500);
  assert.equal(await video.evaluate((v) => v.paused), true, 'no autoplay');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'media-video.png') });

  // The reader plays it; the next step pauses it.
  await video.evaluate((v) => { v.muted = true; return v.play(); });
  await page.waitForFunction(() => !document.querySelector('.ts-step video').paused);
  await goToStep(page, 1);
  await page.waitForFunction(() => document.querySelector('.ts-step video').paused, null, { timeout: 5_000 });

  // Back and playing; a hidden page pauses it.
  await goToStep(page, 0);
  await video.evaluate((v) => v.play());
  await page.waitForFunction(() => !document.querySelector('.ts-step video').paused);
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForFunction(() => document.querySelector('.ts-step video').paused, null, { timeout: 5_000 });

  await page.addScriptTag({ path: AXE });
  assert.deepEqual(await violations(page), [], 'axe-core violations at the video');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a <twin-story> on another origin plays the video with its captions (the video asks in CORS mode), and its links to files of the story go to the story', async () => {
  // The host page: the element snippet, on another origin than the story.
  const host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="de"><head><title>Artikel</title></head><body><main><h1>Artikel</h1>
<twin-story src="${server.url}medien/"></twin-story>
<script type="module" src="${server.url}medien/element.js"></script></main></body></html>`);
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  try {
    await page.goto(`http://127.0.0.1:${host.address().port}/`);
    await page.waitForFunction(() => document.querySelector('twin-story')?.shadowRoot?.querySelector('.ts-step video'), null, { timeout: 20_000 });
    // Without `crossorigin` the track of another origin fails (readyState 3).
    await page.waitForFunction(() => {
      const t = document.querySelector('twin-story').shadowRoot.querySelector('.ts-step video').textTracks[0];
      return t && t.mode === 'showing' && t.cues && t.cues.length === 1;
    }, null, { timeout: 10_000 });
    const info = await page.evaluate(() => {
      const v = document.querySelector('twin-story').shadowRoot.querySelector('.ts-step video');
      return { crossorigin: v.getAttribute('crossorigin'), cue: v.textTracks[0].cues[0].text };
    });
    assert.deepEqual(info, { crossorigin: 'anonymous', cue: 'Ein Rundgang über den Spielplatz.' });
    // A link to a file of the story goes to the story's folder, not the
    // host page's (the captions file: published under its hashed name).
    const href = await page.evaluate(() => document.querySelector('twin-story').shadowRoot.querySelector('.ts-step p a').href);
    assert.match(href, new RegExp(`^${server.url}medien/media/clip-[0-9a-f]{16}\\.vtt$`));
    assert.equal((await fetch(href)).status, 200);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    host.close();
  }
});

test('an image has its resized copies and opens larger by Enter; Escape closes it and the focus returns', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}medien/`);
  await firstStepReady(page);
  await goToStep(page, 1);
  const img = page.locator('.ts-step').nth(1).locator('.ts-enlarge img');
  const attrs = await img.evaluate((i) => ({
    srcset: i.getAttribute('srcset'), width: i.getAttribute('width'), height: i.getAttribute('height'),
    loading: i.getAttribute('loading'), decoding: i.getAttribute('decoding'),
  }));
  // 1200 px wide: copies at 480 and 960 px, the original as the widest; nothing upscaled.
  const widths = attrs.srcset.split(',').map((c) => c.trim().split(' ')[1]);
  assert.deepEqual(widths, ['480w', '960w', '1200w'], attrs.srcset);
  assert.deepEqual([attrs.width, attrs.height, attrs.loading, attrs.decoding], ['1200', '700', 'lazy', 'async']);
  await page.waitForFunction(() => {
    const i = document.querySelectorAll('.ts-step')[1].querySelector('.ts-enlarge img');
    return i.complete && i.naturalWidth > 0;
  }, null, { timeout: 10_000 });

  const button = page.locator('.ts-step').nth(1).locator('.ts-enlarge');
  await button.focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('dialog.ts-lightbox[open]');
  await dialog.waitFor({ timeout: 5_000 });
  const open = await page.evaluate(() => {
    const d = document.querySelector('dialog.ts-lightbox[open]');
    const big = d.querySelector('img');
    return {
      modal: d.matches(':modal'), label: d.getAttribute('aria-label'), focus: document.activeElement.textContent,
      focusInside: d.contains(document.activeElement), src: big.getAttribute('src').replace(location.origin, ''),
    };
  });
  assert.deepEqual(open, {
    modal: true, label: 'Farbbalken und ein Kreis eines Testbilds', focus: 'Schließen', focusInside: true, src: '/medien/img/photo.jpg',
  });
  await page.waitForFunction(() => {
    const i = document.querySelector('dialog.ts-lightbox[open] img');
    return i.complete && i.naturalWidth === 1200;
  }, null, { timeout: 10_000 });
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'media-dialog.png') });
  await page.addScriptTag({ path: AXE });
  assert.deepEqual(await violations(page), [], 'axe-core violations with the dialog open');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dialog.ts-lightbox[open]'));
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ts-enlarge')), true, 'focus back on the image');

  // Space opens it too, and the close button closes it.
  await page.keyboard.press(' ');
  await dialog.waitFor({ timeout: 5_000 });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('dialog.ts-lightbox[open]'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a muted autoplay video starts when its step is read, and not with reduced motion', async () => {
  for (const [reducedMotion, playing] of [['no-preference', true], ['reduce', false]]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}medien/`);
    await firstStepReady(page);
    const video = page.locator('.ts-step').nth(2).locator('video');
    assert.equal(await video.evaluate((v) => v.paused), true, 'not before its step');
    await goToStep(page, 2);
    if (playing) {
      await page.waitForFunction(() => !document.querySelectorAll('.ts-step')[2].querySelector('video').paused, null, { timeout: 5_000 });
      assert.equal(await video.evaluate((v) => v.muted), true, 'never with sound');
      await goToStep(page, 1);
      await page.waitForFunction(() => document.querySelectorAll('.ts-step')[2].querySelector('video').paused, null, { timeout: 5_000 });
    } else {
      await page.waitForTimeout(500);
      assert.equal(await video.evaluate((v) => v.paused), true, 'reduced motion: no autoplay');
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('an autoplay video that cannot play (its file blocked, as by a host page\'s media-src) leaves no uncaught error', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route(/\/media\/clip-[0-9a-f]{16}\.webm$/, (r) => r.abort('blockedbyclient'));
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}medien/`);
  await firstStepReady(page);
  await goToStep(page, 2);
  await page.waitForTimeout(1500);
  assert.equal(await page.locator('.ts-step').nth(2).locator('video').evaluate((v) => v.paused), true);
  // The blocked request itself is reported; nothing uncaught.
  const uncaught = problems.filter((p) => !/clip-[0-9a-f]{16}\.webm|Failed to load resource/.test(p));
  assert.deepEqual(uncaught, []);
  await context.close();
});

test('the page without JavaScript has the video with its controls, captions and poster', async () => {
  const html = await (await fetch(`${server.url}medien/`)).text();
  const noscript = html.slice(html.indexOf('<noscript'));
  assert.match(noscript, /<video src="media\/clip-[0-9a-f]{16}\.webm" controls preload="metadata" playsinline poster="media\/poster-[0-9a-f]{16}\.jpg"><track kind="captions" src="media\/clip-[0-9a-f]{16}\.vtt" srclang="de" label="Deutsch" default><\/video>/);
  assert.match(noscript, /<button type="button" class="ts-enlarge" commandfor="ts-img-1" command="show-modal"/);
});
