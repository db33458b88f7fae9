// `twinstory embed`: the pasted snippet on a host page of another origin,
// served with a strict Content-Security-Policy, read by scrolling the host
// page on a desktop and a phone viewport.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startServer, launch } from './lib.mjs';

const BIN = process.env.TWINSTORY_BIN || path.join(ROOT, 'target/release/twinstory');
const SHOTS = path.join(ROOT, 'target/screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// The policy, plus what docs/embed.md says a host page adds for a
// story on another origin: the frame and its host script.
const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'";
const hostPolicy = (storyOrigin) =>
  STRICT.replace("script-src 'self' 'wasm-unsafe-eval'", `script-src 'self' 'wasm-unsafe-eval' ${storyOrigin}`) + `; frame-src ${storyOrigin}`;

const PARAGRAPH = 'Die Stadt hat ihre Spielplätze gezählt. Dieser Absatz steht im Artikel des Redaktionssystems, '
  + 'vor und nach der eingebetteten Geschichte, und wird mit der Seite gelesen. ';
const HOST_CSS = 'body{font:18px/1.6 Georgia,serif;max-width:52rem;margin:0 auto;padding:1rem}p{margin:0 0 1rem}';

let story, host, browser, snippet, storyOrigin, hostUrl, stepIds;

// A host page with a sticky header and a cookie banner, which it declares
// as its `scroll-padding` (docs/embed.md).
const EDGES_CSS = 'html{scroll-padding-top:100px;scroll-padding-bottom:40px}'
  + '.bar{position:fixed;left:0;right:0;top:0;height:100px;background:#123;z-index:10}'
  + '.banner{position:fixed;left:0;right:0;bottom:0;height:40px;background:#333;z-index:10}';
const EDGES = { top: 100, bottom: 40 };

function hostPage(edges = false, bare = false) {
  const text = (n, tag) => Array.from({ length: n }, (_, i) => `<p class="${tag}">${tag} ${i + 1}. ${PARAGRAPH.repeat(3)}</p>`).join('\n');
  return `<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Artikel mit Geschichte</title><link rel="stylesheet" href="/host.css">${edges ? '<link rel="stylesheet" href="/edges.css">' : ''}</head>
<body>${edges ? '<header class="bar">Stadtportal</header><aside class="banner">Cookies</aside>' : ''}<h1>Ein Artikel der Stadt</h1>
${text(4, 'above')}
${bare ? snippet.split('\n')[0] : snippet}
${text(4, 'below')}
<footer id="end">Ende des Artikels</footer></body></html>`;
}

before(async () => {
  story = await startServer(path.join(ROOT, 'stories/spielplaetze'), ['--no-watch']);
  storyOrigin = new URL(story.url).origin;
  snippet = execFileSync(BIN, ['embed', story.url, '--title', 'Spielplätze in Hamburg'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const json = await (await fetch(new URL('story.json', story.url))).json();
  stepIds = json.steps.map((s) => s.id);
  host = http.createServer((req, res) => {
    const policy = hostPolicy(storyOrigin);
    if (req.url === '/host.css') {
      res.writeHead(200, { 'content-type': 'text/css', 'content-security-policy': policy });
      res.end(HOST_CSS);
    } else if (req.url === '/edges.css') {
      res.writeHead(200, { 'content-type': 'text/css', 'content-security-policy': policy });
      res.end(EDGES_CSS);
    } else if (req.url === '/bare/') {
      // A CMS kept the frame and dropped the script.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy });
      res.end(hostPage(false, true));
    } else if (req.url === '/edges/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy });
      res.end(hostPage(true));
    } else if (req.url === '/' || req.url.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy });
      res.end(hostPage());
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${host.address().port}/`;
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  host?.close();
  story?.stop();
});

/** A page whose every frame records CSP violations and console messages. */
async function open(viewport, url, { bypassCSP = false, storyDelay = 0, loaded = true } = {}) {
  const phone = viewport.width < 600;
  const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone, bypassCSP });
  if (storyDelay) {
    // The story's content arrives late: the frame has said its first size
    // long before it has laid the story out.
    await context.route(new URL('story.json', story.url).href, async (r) => {
      await new Promise((ok) => setTimeout(ok, storyDelay));
      await r.continue();
    });
  }
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${location.origin}: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const console = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  try {
    await page.goto(url);
    // The frame is sized to the story once the story has laid out.
    await page.waitForFunction(() => {
      const f = document.querySelector('iframe[data-twinstory]');
      return f && f.getBoundingClientRect().height > 3 * window.innerHeight;
    }, null, { timeout: 60_000 });
    const frame = page.frames().find((f) => f.url().startsWith(story.url));
    assert.ok(frame, 'the story frame is on the page');
    if (loaded) {
      // The map's layers load in animation frames, which Chromium does not
      // run in a cross-origin frame out of view (on the phone the host's
      // text fills the first screen): a look at the story lets them run,
      // then the page goes back to where it was.
      const y = await page.evaluate(() => window.scrollY);
      const hidden = await page.evaluate(() => document.querySelector('iframe[data-twinstory]').getBoundingClientRect().top >= window.innerHeight);
      if (hidden) await page.evaluate(() => document.querySelector('iframe[data-twinstory]').scrollIntoView());
      await frame.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0', null, { timeout: 60_000 });
      if (hidden) {
        await page.evaluate((y) => window.scrollTo(0, y), y);
        await page.waitForFunction((y) => window.scrollY === y, y);
      }
    }
    return { context, page, frame, console };
  } catch (e) {
    await context.close();
    throw e;
  }
}

const frames = (page, n = 3) => page.evaluate((n) => new Promise((r) => {
  const f = (k) => (k ? requestAnimationFrame(() => f(k - 1)) : r());
  f(n);
}), n);

/**
 * A PNG of the window. Through CDP: Playwright's screenshot waits for an
 * animation frame in every frame, which Chromium does not run in a
 * cross-origin frame that is out of view.
 */
async function shot(page, name) {
  const cdp = await page.context().newCDPSession(page);
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(path.join(SHOTS, `embed-${name}.png`), Buffer.from(data, 'base64'));
  await cdp.detach();
}

/** Host and frame measurements at the current scroll position. */
async function measure(page, frame) {
  const h = await page.evaluate(() => {
    const r = document.querySelector('iframe[data-twinstory]').getBoundingClientRect();
    return { top: r.top, height: r.height, inner: window.innerHeight, scrollY: window.scrollY, hash: location.hash };
  });
  const f = await frame.evaluate(({ top, inner }) => {
    const rect = (s) => document.querySelector(s).getBoundingClientRect();
    const map = rect('.ts-map');
    const scrolly = rect('.ts-scrolly');
    const de = document.documentElement;
    // Whether the reader sees the active step's card: a point of it in the
    // host's window (frame pixels -top to -top + inner) that nothing covers.
    const card = document.querySelector('.ts-step.is-active .ts-card');
    let readable = false;
    if (card) {
      const r = card.getBoundingClientRect();
      const from = Math.max(r.top, -top) + 4;
      const to = Math.min(r.bottom, -top + inner) - 4;
      for (let i = 0; i <= 4 && from < to && !readable; i++) {
        readable = card.contains(document.elementFromPoint(r.left + r.width / 2, from + (to - from) * i / 4));
      }
    }
    return {
      map: { top: map.top, height: map.height },
      scrolly: { top: scrolly.top, bottom: scrolly.bottom },
      content: Math.ceil(document.body.getBoundingClientRect().height),
      scrollable: de.scrollHeight - de.clientHeight,
      overflow: getComputedStyle(de).overflowY,
      active: document.querySelector('.ts-canvas').dataset.activeStep,
      activeId: document.querySelector('.ts-step.is-active')?.id,
      readable,
    };
  }, { top: h.top, inner: h.inner });
  return { h, f };
}

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`embedded on a ${name} (${viewport.width}×${viewport.height}): full height, map in view, steps follow the host's scrolling, no CSP violation`, async () => {
    const { context, page, frame, console } = await open(viewport, hostUrl);
    const first = await measure(page, frame);
    // No scroll box: the frame is as tall as the story and cannot scroll.
    assert.ok(Math.abs(first.h.height - first.f.content) <= 2, `frame ${first.h.height}px, story ${first.f.content}px`);
    assert.ok(first.f.scrollable <= 1, `the frame's page scrolls by ${first.f.scrollable}px`);
    assert.ok(first.h.top > viewport.height / 2, 'text comes before the story');
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => location.hash), '', 'the first step does not write the host page\'s fragment at load');
    await shot(page, `${name}-top`);

    const seen = [];
    const read = new Set();
    let pinned = 0;
    // On a phone the map takes the upper half of the window and the cards
    // pass below it, as on the story's own page (story-format.md, "Layout").
    const share = name === 'phone' ? 0.5 : 1;
    let stepShot = false;
    const end = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    for (let y = 0; y <= end; y += Math.round(viewport.height * 0.3)) {
      // A wheel on the desktop; on the phone (touch emulation, where
      // Chromium's synthetic wheel does not scroll) the page is scrolled.
      if (name === 'desktop') await page.mouse.wheel(0, Math.round(viewport.height * 0.3));
      else await page.evaluate((dy) => window.scrollBy(0, dy), Math.round(viewport.height * 0.3));
      await frames(page);
      // (Not the frame's animation frames: Chromium holds them back while
      // a cross-origin frame is out of view.)
      await frame.evaluate(() => new Promise((r) => setTimeout(r, 30)));
      const m = await measure(page, frame);
      if (m.f.active !== '' && seen.at(-1) !== m.f.active) seen.push(m.f.active);
      if (m.f.readable) read.add(m.f.activeId);
      const scrollyTop = m.h.top + m.f.scrolly.top;
      const scrollyBottom = m.h.top + m.f.scrolly.bottom;
      if (scrollyTop <= 0 && scrollyBottom >= m.h.inner) {
        // The story's map section covers the window: the map is pinned to
        // its top (on a phone to its upper half).
        const mapTop = m.h.top + m.f.map.top;
        assert.ok(Math.abs(mapTop) <= 2, `at scrollY ${m.h.scrollY} the map's top is at ${mapTop}px of the window`);
        assert.ok(Math.abs(m.f.map.height - m.h.inner * share) <= 2, `map ${m.f.map.height}px high in a ${m.h.inner}px window`);
        pinned++;
        if (!stepShot && m.f.active === '2') {
          await shot(page, `${name}-step3`);
          stepShot = true;
        }
      }
      const again = await page.evaluate(() => window.scrollY);
      if (again >= end) break;
    }
    assert.ok(pinned >= stepIds.length, `the map was pinned at only ${pinned} positions`);
    assert.deepEqual(seen, stepIds.map((_, i) => String(i)), 'every step, in order, while the host page scrolls');
    assert.deepEqual([...read], stepIds, 'the card of every step seen while it is active, not covered by the map');
    // The host page's fragment followed the reader to the last step.
    const last = await measure(page, frame);
    assert.equal(decodeURIComponent(last.h.hash.slice(1)), stepIds.at(-1));
    // The text below the story is reachable and in view at the end.
    assert.ok(await page.evaluate(() => document.getElementById('end').getBoundingClientRect().bottom <= window.innerHeight + 1));
    // A smaller window (a toolbar appearing, the reader resizing): the story
    // lays out for it and the frame follows its new height.
    const before = last.h.height;
    await page.setViewportSize({ width: viewport.width, height: viewport.height - 150 });
    await page.waitForFunction((b) => Math.abs(document.querySelector('iframe[data-twinstory]').getBoundingClientRect().height - b) > 2, before, { timeout: 10_000 });
    await frames(page, 5);
    const resized = await measure(page, frame);
    assert.ok(Math.abs(resized.h.height - resized.f.content) <= 2, `after resizing: frame ${resized.h.height}px, story ${resized.f.content}px`);
    assert.ok(resized.f.scrollable <= 1);
    await shot(page, `${name}-end`);

    const csp = [...await page.evaluate(() => window.__csp), ...await frame.evaluate(() => window.__csp)];
    assert.deepEqual(csp, [], 'no Content-Security-Policy violation in the host page or the story');
    assert.deepEqual(console.filter((m) => /^(error|warning|pageerror)|Content Security Policy/i.test(m)), [], 'the console stayed clean');
    await context.close();
  });
}

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`a host's sticky header and cookie banner (its scroll-padding) leave the map uncovered on a ${name}; a step is active in the middle of the rest`, async () => {
    const { context, page, frame, console } = await open(viewport, `${hostUrl}edges/`);
    const first = await measure(page, frame);
    const storyTop = first.h.top + first.h.scrollY;
    // Frame pixels: the frame never scrolls.
    const steps = await frame.evaluate(() => [...document.querySelectorAll('.ts-step')].map((el) => el.getBoundingClientRect().top));
    const rest = viewport.height - EDGES.top - EDGES.bottom;
    const line = EDGES.top + rest / 2;
    const share = name === 'phone' ? 0.5 : 1;
    for (const k of [2, 4]) {
      // Step k's top 12 px above the reading line of what the header and
      // banner leave free (the window's middle is 30 px higher).
      await page.evaluate((y) => window.scrollTo(0, y), Math.round(storyTop + steps[k] - line + 12));
      await frames(page, 3);
      await frame.evaluate(() => new Promise((r) => setTimeout(r, 80)));
      const m = await measure(page, frame);
      const mapTop = m.h.top + m.f.map.top;
      assert.ok(Math.abs(mapTop - EDGES.top) <= 2, `step ${k}: the map's top at ${mapTop}px, under the ${EDGES.top}px header`);
      assert.ok(Math.abs(m.f.map.height - rest * share) <= 2, `step ${k}: map ${m.f.map.height}px high; ${rest}px are free`);
      assert.equal(m.f.active, String(k), `step ${k} active with its top 12 px above the middle of the free part`);
      if (k === 2) await shot(page, `${name}-edges`);
    }
    assert.deepEqual(console.filter((m) => /^(error|warning|pageerror)|Content Security Policy/i.test(m)), [], 'the console stayed clean');
    await context.close();
  });
}

test('a frame whose host page dropped embed.js offers the story in a window of its own; with embed.js it does not', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${hostUrl}bare/`);
  await page.evaluate(() => document.querySelector('iframe').scrollIntoView());
  const frame = await (async () => {
    for (let i = 0; i < 100; i++) {
      const f = page.frames().find((f) => f.url().startsWith(story.url));
      if (f) return f;
      await page.waitForTimeout(100);
    }
    return null;
  })();
  assert.ok(frame, 'the story frame is on the page');
  const link = frame.locator('a.ts-frame-open');
  await link.waitFor({ timeout: 10_000 });
  assert.equal(await link.getAttribute('href'), story.url, 'the story page (a click adds the step reached)');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await link.innerText(), /Geschichte in einem eigenen Fenster öffnen/);
  const size = await page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
  assert.ok(size < 200, `the frame kept the page's default height (${size}px)`);
  await shot(page, 'bare');
  await context.close();
  // With embed.js: no such link, also after the 3 s.
  const full = await open({ width: 1280, height: 800 }, hostUrl);
  await full.page.waitForTimeout(3500);
  assert.equal(await full.frame.locator('a.ts-frame-open').count(), 0);
  await full.context.close();
});

test('a frame out of view on a phone is sized when its story arrives late, without the reader scrolling to it', async () => {
  // Chromium draws no cross-origin frame out of view, so the frame's
  // ResizeObserver stays silent there; the height must come anyway.
  const { context, page, frame } = await open({ width: 390, height: 844 }, hostUrl, { storyDelay: 3000, loaded: false });
  const m = await measure(page, frame);
  assert.ok(m.h.top > m.h.inner, `the frame starts below the window (top ${m.h.top}px)`);
  assert.ok(Math.abs(m.h.height - m.f.content) <= 2, `frame ${m.h.height}px, story ${m.f.content}px`);
  // Scrolled to, the story's map loads and its first step is active.
  await page.evaluate(() => document.querySelector('iframe[data-twinstory]').scrollIntoView());
  await frame.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.loading === '0', null, { timeout: 30_000 });
  await context.close();
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`a link to the host page with #<step-id> opens the story at that step on a ${name}, its card at the reading line, not under the map`, async () => {
    const id = stepIds[2];
    const { context, page, frame } = await open(viewport, `${hostUrl}#${encodeURIComponent(id)}`, { loaded: false });
    await frame.waitForFunction(() => document.querySelector('.ts-canvas')?.dataset.activeStep === '2', null, { timeout: 15_000 });
    await frames(page, 3);
    const m = await measure(page, frame);
    assert.equal(m.f.activeId, id);
    assert.ok(m.h.top < 0, 'the host page scrolled down to the story');
    assert.equal(decodeURIComponent(m.h.hash.slice(1)), id, 'the fragment stays');
    // The step's top (its chapter heading, when it begins one, then its card).
    const card = m.h.top + await frame.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, id);
    const mapBottom = m.h.top + m.f.map.top + m.f.map.height;
    const line = viewport.height / 2;
    assert.ok(card <= line && card > line - 60, `the step's top at ${card}px of the window, the reading line at ${line}px`);
    if (name === 'phone') assert.ok(card >= mapBottom - 6, `the step (${card}px) is below the map (${mapBottom}px)`);
    await shot(page, `deep-link-${name}`);
    await context.close();
  });
}

test('the host script takes messages only from the story frame at its origin', async () => {
  const { context, page, frame } = await open({ width: 1280, height: 800 }, hostUrl);
  const height = (await measure(page, frame)).h.height;
  // The same message the story sends, but from the host page itself.
  await page.evaluate(() => window.postMessage({ twinstory: 'frame', type: 'size', height: 123, steps: [] }, '*'));
  await frames(page, 5);
  assert.equal((await measure(page, frame)).h.height, height);
  // The watch for violations works: an inline style is refused and seen.
  await page.evaluate(() => { const p = document.createElement('p'); p.setAttribute('style', 'color: red'); document.body.append(p); });
  await frames(page, 2);
  assert.ok((await page.evaluate(() => window.__csp)).some((v) => v.includes('style-src')));
  await context.close();
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`axe finds no WCAG 2.1 A/AA violation in the embedded story (iframe) at the first and last step (${name})`, async () => {
    // The injected axe script needs the policies bypassed (this context only).
    const { context, page, frame } = await open(viewport, hostUrl, { bypassCSP: true });
    await frame.addScriptTag({ path: AXE });
    const found = [];
    for (const [which, step] of [['first', 0], ['last', stepIds.length - 1]]) {
      // The host page scrolls the step to just above its reading line.
      const stepTop = await frame.evaluate((i) => document.querySelectorAll('.ts-step')[i].getBoundingClientRect().top, step);
      await page.evaluate((t) => {
        const f = document.querySelector('iframe[data-twinstory]').getBoundingClientRect().top + window.scrollY;
        window.scrollTo(0, f + t - window.innerHeight * 0.4);
      }, stepTop);
      await frame.waitForFunction((i) => document.querySelector('.ts-canvas').dataset.activeStep === String(i), step, { timeout: 10_000 });
      await frames(page, 5);
      const v = await frame.evaluate(async (tags) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return r.violations.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
      found.push(...v.map((x) => `${which} step: ${x}`));
    }
    assert.deepEqual(found, [], 'axe-core violations');
    // The check sees the story: an image without a text alternative in it is found.
    const seen = await frame.evaluate(async () => {
      document.querySelector('.ts-card').append(document.createElement('img'));
      const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['image-alt'] } });
      return r.violations.map((x) => x.id);
    });
    assert.deepEqual(seen, ['image-alt']);
    await context.close();
  });
}
