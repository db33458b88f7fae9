// `twinstory embed --element`: the pasted <twin-story> snippet on a host page
// served with a strict Content-Security-Policy (as a response header), the
// story on another origin (its server sending CORS headers, `serve --cors`)
// and on the page's own origin; read by scrolling the host page on a
// desktop and a phone viewport; styles isolated both ways (shadow DOM);
// axe-core on the host page at the first and the last step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT, startServer, launch } from './lib.mjs';

const BIN = process.env.TWINSTORY_BIN || path.join(ROOT, 'target/release/twinstory');
const SHOTS = path.join(ROOT, 'target/screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// The policy; for a story on another origin, what docs/embed.md
// says a host page adds: the story's origin for its module, stylesheet,
// files and images.
const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'";
const crossPolicy = (o) => STRICT
  .replace("script-src 'self' 'wasm-unsafe-eval'", `script-src 'self' 'wasm-unsafe-eval' ${o}`)
  .replace("style-src 'self'", `style-src 'self' ${o}`)
  .replace('img-src \'self\' data: blob:', `img-src 'self' data: blob: ${o}`)
  .replace("connect-src 'self'", `connect-src 'self' ${o}`);

const PARAGRAPH = 'Die Stadt hat ihre Spielplätze gezählt. Dieser Absatz steht im Artikel des Redaktionssystems, '
  + 'vor und nach der eingebetteten Geschichte, und wird mit der Seite gelesen. ';
// A host whose rules would break the story if they reached in: every div
// red with a thick border, the story's own class names hidden.
const HOST_CSS = 'body{font:18px/1.6 Georgia,serif;max-width:52rem;margin:0 auto;padding:1rem;background:#fff;color:#222}'
  + 'p{margin:0 0 1rem}div{color:red;border:5px solid;text-transform:uppercase}'
  + '.ts-card{display:none!important;background:red!important}.ts-map{display:none}h2{font-size:60px}'
  + '.narrow{max-width:600px}'
  // A rich-text rule that matches the <twin-story> element itself (outer
  // rules for the element win over the story's own `:host` rule).
  + '.cms-block>*{line-height:2.5;letter-spacing:2px;word-spacing:6px;text-transform:uppercase;font-style:italic}';

// A host page with a sticky header and a cookie banner, which it declares
// as its `scroll-padding` (docs/embed.md).
const EDGES_CSS = 'html{scroll-padding-top:100px;scroll-padding-bottom:40px}'
  + '.bar{position:fixed;left:0;right:0;top:0;height:100px;background:#123;z-index:10}'
  + '.banner{position:fixed;left:0;right:0;bottom:0;height:40px;background:#333;z-index:10}';
const EDGES = { top: 100, bottom: 40 };

let story, host, browser, stepIds, hostUrl, storyOrigin;
const snippets = {};

function hostPage(snippet, times = 1, cls = '', edges = false) {
  const text = (n, tag) => Array.from({ length: n }, (_, i) => `<p class="${tag}">${tag} ${i + 1}. ${PARAGRAPH.repeat(3)}</p>`).join('\n');
  const blocks = Array.from({ length: times }, () => `<div class="cms-block ${cls}">\n${snippet}</div>`).join(`\n${text(2, 'between')}\n`);
  return `<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Artikel mit Geschichte</title><link rel="stylesheet" href="/host.css">${edges ? '<link rel="stylesheet" href="/edges.css">' : ''}</head>
<body>${edges ? '<header class="bar">Stadtportal</header><aside class="banner">Cookies</aside>' : ''}<main><h1>Ein Artikel der Stadt</h1>
${text(4, 'above')}
${blocks}
${text(4, 'below')}
</main><footer id="end">Ende des Artikels</footer></body></html>`;
}

before(async () => {
  story = await startServer(path.join(ROOT, 'stories/spielplaetze'), ['--no-watch', '--cors']);
  storyOrigin = new URL(story.url).origin;
  const embed = (url) => execFileSync(BIN, ['embed', '--element', url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  snippets.cross = embed(story.url);
  const json = await (await fetch(new URL('story.json', story.url))).json();
  stepIds = json.steps.map((s) => s.id);
  host = http.createServer(async (req, res) => {
    const send = (status, type, body, policy) => {
      res.writeHead(status, { 'content-type': type, ...(policy ? { 'content-security-policy': policy } : {}) });
      res.end(body);
    };
    const page = req.url.split(/[?#]/)[0];
    if (req.url === '/host.css') send(200, 'text/css', HOST_CSS);
    else if (req.url === '/edges.css') send(200, 'text/css', EDGES_CSS);
    // The story's origin not allowed (script-src), or its WebAssembly not
    // ('wasm-unsafe-eval'): the element cannot start.
    else if (page === '/blocked/') send(200, 'text/html; charset=utf-8', hostPage(snippets.cross), STRICT);
    else if (page === '/no-wasm/') send(200, 'text/html; charset=utf-8', hostPage(snippets.cross), crossPolicy(storyOrigin).replace(" 'wasm-unsafe-eval'", ''));
    else if (page === '/edges/') send(200, 'text/html; charset=utf-8', hostPage(snippets.cross, 1, '', true), crossPolicy(storyOrigin));
    else if (page === '/') send(200, 'text/html; charset=utf-8', hostPage(snippets.cross), crossPolicy(storyOrigin));
    else if (page === '/same/') send(200, 'text/html; charset=utf-8', hostPage(snippets.same), STRICT);
    else if (page === '/narrow/') send(200, 'text/html; charset=utf-8', hostPage(snippets.cross, 1, 'narrow'), crossPolicy(storyOrigin));
    else if (page === '/two/') send(200, 'text/html; charset=utf-8', hostPage(snippets.cross, 2), crossPolicy(storyOrigin));
    else if (page === '/two-folders/') {
      // Two story folders (the page's own and another origin's): two
      // element.js modules, each starting its player.
      const [a, b] = [hostPage(snippets.cross), hostPage(snippets.same)];
      const blockOf = (html) => html.slice(html.indexOf('<div class="cms-block'), html.indexOf('</div>') + 6);
      send(200, 'text/html; charset=utf-8', a.replace(blockOf(a), `${blockOf(a)}\n${blockOf(b)}`), crossPolicy(storyOrigin));
    }
    else if (req.url.startsWith('/story/')) {
      // The story on the page's own origin: its files, as its server sends them.
      const r = await fetch(new URL(req.url.slice('/story/'.length), story.url));
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') || 'application/octet-stream' });
      res.end(Buffer.from(await r.arrayBuffer()));
    } else if (req.url === '/favicon.ico') send(204, 'image/x-icon', '');
    else send(404, 'text/plain', 'not found');
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${host.address().port}/`;
  snippets.same = embed(`${hostUrl}story/`);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  host?.close();
  story?.stop();
});

test('the snippet is a <twin-story> element and a module script from the story folder', () => {
  // The element holds a link to the story, named by the folder (here the
  // server's root: its host and port) unless --title names it.
  const name = new URL(story.url).host;
  assert.equal(snippets.cross, `<twin-story src="${story.url}"><a href="${story.url}">${name}</a></twin-story>\n<script type="module" src="${story.url}element.js"></script>\n`);
  assert.ok(!/style|on\w+=/.test(snippets.cross));
});

/** A page that records CSP violations, console messages and page errors. */
async function open(viewport, url, { bypassCSP = false, count = 1 } = {}) {
  const phone = viewport.width < 600;
  const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone, bypassCSP });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const console = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction((n) => {
    const els = [...document.querySelectorAll('twin-story')];
    return els.length === n && els.every((el) => el.shadowRoot?.querySelector('.ts-canvas')?.dataset.loading === '0');
  }, count, { timeout: 30_000 });
  return { context, page, console };
}

const frames = (page, n = 3) => page.evaluate((n) => new Promise((r) => {
  const f = (k) => (k ? requestAnimationFrame(() => f(k - 1)) : r());
  f(n);
}), n);

/** The story's and the host's measurements at the current scroll position. */
const measure = (page) => page.evaluate(() => {
  const sr = document.querySelector('twin-story').shadowRoot;
  const rect = (s) => {
    const r = sr.querySelector(s).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height };
  };
  return {
    inner: window.innerHeight,
    scrollY: window.scrollY,
    hash: location.hash,
    map: rect('.ts-map'),
    scrolly: rect('.ts-scrolly'),
    active: sr.querySelector('.ts-canvas').dataset.activeStep,
    activeId: sr.querySelector('.ts-step.is-active')?.id,
  };
});

/** Scrolls the host page from top to bottom; returns the steps seen and how often the map filled the window. */
async function readByScrolling(page, name, viewport, shots) {
  const seen = [];
  let pinned = 0;
  let stepShot = false;
  const end = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
  // In a narrow column (a phone, or a narrow element in a wide window) the
  // map takes the upper half of the window and the cards pass below it,
  // as on the story's own page on a phone; else the map fills the window.
  const narrow = await page.evaluate(() => document.querySelector('twin-story').getBoundingClientRect().width <= 720);
  const dy = Math.round(viewport.height * 0.3);
  for (let y = 0; y <= end; y += dy) {
    // A wheel on the desktop; on the phone (touch emulation, where
    // Chromium's synthetic wheel does not scroll) the page is scrolled.
    if (name === 'desktop') await page.mouse.wheel(0, dy);
    else await page.evaluate((d) => window.scrollBy(0, d), dy);
    await frames(page);
    const m = await measure(page);
    if (m.active !== '' && m.active !== undefined && seen.at(-1) !== m.active) seen.push(m.active);
    if (m.scrolly.top <= 0 && m.scrolly.bottom >= m.inner) {
      // The story's map section covers the window: the map is pinned to its top.
      const tall = narrow ? m.inner / 2 : m.inner;
      assert.ok(Math.abs(m.map.top) <= 2, `at scrollY ${m.scrollY} the map's top is at ${m.map.top}px of the window`);
      assert.ok(Math.abs(m.map.height - tall) <= 2, `map ${m.map.height}px high in a ${m.inner}px window`);
      pinned++;
      if (shots && !stepShot && m.active === '2') {
        await page.screenshot({ path: path.join(SHOTS, `element-${name}-step3.png`) });
        stepShot = true;
      }
    }
    if (await page.evaluate(() => window.scrollY) >= end) break;
  }
  return { seen, pinned };
}

const cleanConsole = (console) => console.filter((m) => /^(error|warning|pageerror)|Content Security Policy/i.test(m));

test('<twin-story> elements of two story folders on one page both start, load after load', async () => {
  // Each folder's element.js is a module of its own; their players started
  // at once and took each other's root (one element stayed empty, its
  // player asking the host page's folder for story.json).
  for (let load = 0; load < 4; load += 1) {
    // (`open` waits until both have loaded their story.)
    const { context, page, console } = await open({ width: 1280, height: 800 }, `${hostUrl}two-folders/`, { count: 2 });
    const started = await page.evaluate(() => [...document.querySelectorAll('twin-story')]
      .map((el) => el.shadowRoot.querySelectorAll('.ts-step').length));
    assert.ok(started.every((n) => n === stepIds.length), `load ${load}: steps per element ${started}`);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    assert.deepEqual(cleanConsole(console), []);
    await context.close();
  }
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`a <twin-story> from another origin on a ${name} (${viewport.width}×${viewport.height}): steps follow the host's scrolling, the map stays in view, styles stay apart, no CSP violation`, async () => {
    const { context, page, console } = await open(viewport, hostUrl);
    const top = await page.evaluate(() => document.querySelector('twin-story').getBoundingClientRect().top);
    assert.ok(top > viewport.height / 2, 'text comes before the story');
    // The story has started below the fold: the host's address is as it was.
    await frames(page, 10);
    assert.equal(await page.evaluate(() => location.hash), '', 'the first step does not write the host page\'s fragment at load');
    await page.screenshot({ path: path.join(SHOTS, `element-${name}-top.png`) });

    // The host's rules do not reach the story; the story's do not reach the host.
    const styles = await page.evaluate(() => {
      const sr = document.querySelector('twin-story').shadowRoot;
      const cs = (el) => getComputedStyle(el);
      const card = cs(sr.querySelector('.ts-card'));
      const box = cs(sr.querySelector('.ts-element'));
      const title = cs(sr.querySelector('.ts-step h2'));
      const p = document.querySelector('p.above');
      return {
        card: [card.display, card.backgroundColor, card.color],
        box: [box.borderTopWidth, box.color, box.textTransform],
        text: ['lineHeight', 'letterSpacing', 'wordSpacing', 'textTransform', 'fontStyle'].map((k) => card[k]),
        cardFont: card.fontSize,
        map: cs(sr.querySelector('.ts-map')).display,
        h2: title.fontSize,
        font: cs(sr.querySelector('.ts-story')).fontFamily,
        // One `main` on the page, the host's; the story's footer is not
        // the page's contentinfo (it is inside the element's section).
        landmarks: [document.querySelectorAll('main').length, sr.querySelectorAll('main').length, sr.querySelector('.ts-element').tagName, !!sr.querySelector('section.ts-element > .ts-story > footer.ts-footer')],
        host: [cs(document.body).fontFamily, cs(document.body).backgroundColor, cs(p).boxSizing, cs(p).color, cs(document.querySelector('h1')).fontSize],
      };
    });
    assert.deepEqual(styles.card, ['block', 'rgb(255, 255, 255)', 'rgb(29, 35, 48)'], 'the host\'s .ts-card and div rules do not reach the card');
    assert.deepEqual(styles.box, ['0px', 'rgb(29, 35, 48)', 'none'], 'the host\'s div rule (colour, border, inherited text-transform) does not reach in');
    assert.deepEqual(styles.text.slice(1), ['normal', '0px', 'none', 'normal'], 'a host rule for the element itself does not reach in');
    assert.ok(parseFloat(styles.text[0]) < 2 * parseFloat(styles.cardFont), `line height ${styles.text[0]} at ${styles.cardFont}`);
    assert.equal(styles.map, 'block');
    assert.deepEqual(styles.landmarks, [1, 0, 'SECTION', true]);
    assert.notEqual(styles.h2, '60px');
    assert.match(styles.font, /Georgia/, 'the story uses the host\'s font (the story sets none)');
    assert.deepEqual(styles.host, ['Georgia, serif', 'rgb(255, 255, 255)', 'content-box', 'rgb(34, 34, 34)', '36px'], 'the story\'s rules (body font, box-sizing, colours) do not reach the host');

    const { seen, pinned } = await readByScrolling(page, name, viewport, true);
    assert.ok(pinned >= stepIds.length, `the map was pinned at only ${pinned} positions`);
    assert.deepEqual(seen, stepIds.map((_, i) => String(i)), 'every step, in order, while the host page scrolls');
    const last = await measure(page);
    assert.equal(decodeURIComponent(last.hash.slice(1)), stepIds.at(-1), 'the host page\'s fragment followed the active step');
    assert.ok(await page.evaluate(() => document.getElementById('end').getBoundingClientRect().bottom <= window.innerHeight + 1));
    await page.screenshot({ path: path.join(SHOTS, `element-${name}-end.png`) });

    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no Content-Security-Policy violation');
    assert.deepEqual(cleanConsole(console), [], 'the console stayed clean');
    await context.close();
  });
}

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`a host's sticky header and cookie banner (its scroll-padding) leave the <twin-story>'s map uncovered on a ${name}; a step is active in the middle of the rest`, async () => {
    const { context, page, console } = await open(viewport, `${hostUrl}edges/`);
    const steps = await page.evaluate(() => [...document.querySelector('twin-story').shadowRoot.querySelectorAll('.ts-step')]
      .map((el) => el.getBoundingClientRect().top + window.scrollY));
    const rest = viewport.height - EDGES.top - EDGES.bottom;
    const line = EDGES.top + rest / 2;
    const share = name === 'phone' ? 0.5 : 1;
    for (const k of [2, 4]) {
      // Step k's top 12 px above the reading line of what the header and
      // banner leave free (the window's middle is 30 px higher).
      await page.evaluate((y) => window.scrollTo(0, y), Math.round(steps[k] - line + 12));
      await frames(page, 4);
      const m = await measure(page);
      assert.ok(Math.abs(m.map.top - EDGES.top) <= 2, `step ${k}: the map's top at ${m.map.top}px, under the ${EDGES.top}px header`);
      assert.ok(Math.abs(m.map.height - rest * share) <= 2, `step ${k}: map ${m.map.height}px high; ${rest}px are free`);
      assert.equal(m.active, String(k), `step ${k} active with its top 12 px above the middle of the free part`);
      if (k === 2) await page.screenshot({ path: path.join(SHOTS, `element-${name}-edges.png`) });
    }
    // The skip link and a #step link land below the header, at the step.
    const id = stepIds[5];
    await page.evaluate((id) => {
      const sr = document.querySelector('twin-story').shadowRoot;
      const a = document.createElement('a');
      a.href = `#${id}`;
      sr.querySelector('.ts-step').append(a);
      a.click();
    }, id);
    await page.waitForFunction((id) => document.querySelector('twin-story').shadowRoot.querySelector('.ts-step.is-active')?.id === id, id, { timeout: 5_000 });
    const top = await page.evaluate((id) => document.querySelector('twin-story').shadowRoot.getElementById(id).getBoundingClientRect().top, id);
    assert.ok(top >= EDGES.top - 2 && top <= line, `the step's top at ${top}px: below the header, above the reading line ${line}`);
    assert.deepEqual(cleanConsole(console), []);
    await context.close();
  });
}

test('where the story cannot start, the reader sees a link to it (and, when the player failed, why)', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  for (const [page_, says] of [['blocked', null], ['no-wasm', /Die Geschichte konnte nicht geladen werden\./]]) {
    const page = await context.newPage();
    await page.goto(`${hostUrl}${page_}/`);
    await page.waitForTimeout(2500);
    // The element's own link (the light DOM, not the story's shadow root).
    const link = await page.evaluate(() => {
      const a = document.querySelector('twin-story > a');
      const r = a.getBoundingClientRect();
      return { href: a.href, width: r.width, height: r.height };
    });
    assert.equal(link.href, story.url, page_);
    assert.ok(link.width > 0 && link.height > 0, `${page_}: the link is shown (${link.width}×${link.height})`);
    if (says) {
      const text = await page.evaluate(() => document.querySelector('twin-story').shadowRoot.querySelector('.ts-error')?.textContent ?? '');
      assert.match(text, says);
    }
    await page.close();
  }
  // A story that starts hides the link (its shadow root shows no slot).
  const { page } = await open({ width: 1280, height: 800 }, hostUrl);
  const hidden = await page.evaluate(() => document.querySelector('twin-story > a').getBoundingClientRect().height);
  assert.equal(hidden, 0, 'the link is not shown beside the story');
  await page.context().close();
  await context.close();
});

test('a <twin-story> in a narrow column of a wide window lays out as on a phone', async () => {
  const viewport = { width: 1280, height: 800 };
  const { context, page, console } = await open(viewport, `${hostUrl}narrow/`);
  const width = await page.evaluate(() => document.querySelector('twin-story').getBoundingClientRect().width);
  assert.ok(width <= 600, `the element is ${width}px wide`);
  const { seen, pinned } = await readByScrolling(page, 'desktop', viewport, false);
  assert.ok(pinned >= stepIds.length, `the map was pinned at only ${pinned} positions`);
  assert.deepEqual(seen, stepIds.map((_, i) => String(i)));
  await page.screenshot({ path: path.join(SHOTS, 'element-narrow-end.png') });
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(cleanConsole(console), []);
  await context.close();
});

test('a <twin-story> from the page\'s own origin under exactly the strict policy', async () => {
  assert.ok(snippets.same.includes(`${hostUrl}story/element.js`));
  const viewport = { width: 1280, height: 800 };
  const { context, page, console } = await open(viewport, `${hostUrl}same/`);
  const { seen } = await readByScrolling(page, 'desktop', viewport, false);
  assert.deepEqual(seen, stepIds.map((_, i) => String(i)));
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(cleanConsole(console), []);
  // The watch for violations sees into the shadow root: a style attribute
  // set there is refused and reported.
  await page.evaluate(() => document.querySelector('twin-story').shadowRoot.querySelector('.ts-card').setAttribute('style', 'color: red'));
  await frames(page, 2);
  assert.ok((await page.evaluate(() => window.__csp)).some((v) => v.includes('style-src')));
  await context.close();
});

test('a link to the host page with #<step-id> opens the story at that step (a ?story= of the host page is not the element\'s); the skip link leads into the story', async () => {
  const id = stepIds[2];
  const other = encodeURIComponent('http://127.0.0.1:9/story.json');
  const { context, page, console } = await open({ width: 1280, height: 800 }, `${hostUrl}?story=${other}#${encodeURIComponent(id)}`);
  assert.equal(await page.evaluate(() => document.querySelector('twin-story').shadowRoot.querySelector('h1').textContent), 'Spielplätze in Hamburg');
  await page.waitForFunction(() => document.querySelector('twin-story').shadowRoot.querySelector('.ts-canvas').dataset.activeStep === '2', null, { timeout: 15_000 });
  const m = await measure(page);
  assert.equal(m.activeId, id);
  assert.equal(decodeURIComponent(m.hash.slice(1)), id, 'the fragment stays');
  // The skip link (a #fragment, which the host document cannot find in
  // the shadow root) moves to the first step and the focus with it.
  await page.evaluate(() => window.scrollTo(0, 0));
  // Unfocused, the skip link covers nothing of the host page (it was once
  // moved above the element's top, over the host's text there); focused,
  // it shows inside the element.
  const skip = () => page.evaluate(() => {
    const root = document.querySelector('twin-story').shadowRoot;
    const link = root.querySelector('.ts-skip');
    const r = link.getBoundingClientRect();
    const box = document.querySelector('twin-story').getBoundingClientRect();
    return { hit: root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === link, inside: r.top >= box.top && r.left >= box.left };
  });
  assert.equal((await skip()).hit, false, 'the unfocused skip link is not on the page');
  await page.locator('twin-story .ts-skip').focus();
  assert.deepEqual(await skip(), { hit: true, inside: true }, 'the focused skip link shows inside the element');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('twin-story').shadowRoot.querySelector('.ts-canvas').dataset.activeStep === '0', null, { timeout: 5_000 });
  assert.equal(await page.evaluate(() => document.querySelector('twin-story').shadowRoot.activeElement?.id), stepIds[0]);
  assert.deepEqual(cleanConsole(console), []);
  await context.close();
});

test('two <twin-story> elements on one page each play the story', async () => {
  const viewport = { width: 1280, height: 800 };
  const { context, page, console } = await open(viewport, `${hostUrl}two/`, { count: 2 });
  // Scroll the second one's last step to the reading line: the second
  // element advances, the first stays at its end or start.
  const active = await page.evaluate(async () => {
    const [a, b] = document.querySelectorAll('twin-story');
    const steps = b.shadowRoot.querySelectorAll('.ts-step');
    const lastStep = steps[steps.length - 1];
    window.scrollBy(0, lastStep.getBoundingClientRect().top - window.innerHeight * 0.4);
    await new Promise((r) => setTimeout(r, 300));
    return [a, b].map((el) => el.shadowRoot.querySelector('.ts-canvas').dataset.activeStep);
  });
  assert.equal(active[1], String(stepIds.length - 1));
  assert.equal(active[0], String(stepIds.length - 1), 'the first element, above, is at its last step');
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(cleanConsole(console), []);
  await context.close();
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`axe finds no WCAG 2.1 A/AA violation on the host page with a <twin-story> at the first and last step (${name})`, async () => {
    // The injected axe script needs the policy bypassed (this context only).
    const { context, page } = await open(viewport, hostUrl, { bypassCSP: true });
    await page.addScriptTag({ path: AXE });
    const found = [];
    for (const [which, step] of [['first', 0], ['last', stepIds.length - 1]]) {
      await page.evaluate((i) => {
        const el = document.querySelector('twin-story').shadowRoot.querySelectorAll('.ts-step')[i];
        window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight * 0.4);
      }, step);
      await page.waitForFunction((i) => document.querySelector('twin-story').shadowRoot.querySelector('.ts-canvas').dataset.activeStep === String(i), step, { timeout: 10_000 });
      await frames(page, 5);
      const v = await page.evaluate(async (tags) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return r.violations.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }, TAGS);
      found.push(...v.map((x) => `${which} step: ${x}`));
    }
    assert.deepEqual(found, [], 'axe-core violations');
    // The check sees the story: an image without a text alternative in it is found.
    const seen = await page.evaluate(async () => {
      document.querySelector('twin-story').shadowRoot.querySelector('.ts-card').append(document.createElement('img'));
      const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['image-alt'] } });
      return r.violations.map((x) => x.id);
    });
    assert.deepEqual(seen, ['image-alt']);
    await context.close();
  });
}
