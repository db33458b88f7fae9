// End-to-end: a story in a city's corporate design. A dark theme with square,
// bordered cards and a self-hosted font (two files of the story folder) is
// played as readers see it: the cards, page and text take the theme's
// colours, the font is loaded from the story's own origin and used, axe-core
// finds no contrast problem, and the page without JavaScript is themed too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startServer, launch, watchConsole, firstStepReady } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const FONTS = '/usr/share/fonts/truetype/dejavu';
let server;
let browser;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-theme-'));
  const story = path.join(dir, 'design');
  fs.mkdirSync(path.join(story, 'fonts'), { recursive: true });
  fs.copyFileSync(path.join(FONTS, 'DejaVuSans.ttf'), path.join(story, 'fonts/Probe-Regular.ttf'));
  fs.copyFileSync(path.join(FONTS, 'DejaVuSans-Bold.ttf'), path.join(story, 'fonts/Probe-Bold.ttf'));
  fs.writeFileSync(path.join(story, 'story.md'), `---
title: Design
lang: en
theme:
  text: "#f2f2f2"
  page: "#101820"
  card: "#1d2b36"
  accent: "#8cc8ff"
  map-background: "#0b1218"
  card-radius: 0
  card-style: border
  font: "Probe Sans"
  font-regular: fonts/Probe-Regular.ttf
  font-bold: fonts/Probe-Bold.ttf
---

# Design

A story in the city's colours, with [a link](https://example.org/).

## One

\`\`\`step
view: { center: [10.0, 53.55], zoom: 11 }
\`\`\`

The **first** step, with [a link to the second](#two).

## Two

\`\`\`step
view: { center: [10.02, 53.56], zoom: 12 }
\`\`\`

The second step.
`);
  server = await startServer(dir, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('a dark theme with square bordered cards and a self-hosted font is what readers see', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${server.url}design/`);
  await firstStepReady(page);
  await page.evaluate(() => document.fonts.ready);
  const seen = await page.evaluate(() => {
    const card = getComputedStyle(document.querySelector('.ts-card'));
    const story = getComputedStyle(document.querySelector('.ts-story'));
    const h2 = getComputedStyle(document.querySelector('.ts-card h2'));
    return {
      card: [card.backgroundColor, card.borderTopLeftRadius, card.boxShadow, card.borderTopWidth, card.color],
      page: story.backgroundColor,
      font: h2.fontFamily,
      loaded: (() => {
        const family = h2.fontFamily.split(',')[0];
        return document.fonts.check(`700 16px ${family}`) && document.fonts.check(`400 16px ${family}`);
      })(),
      faces: [...document.fonts].filter((f) => /^Probe Sans [0-9a-f]{8}$/.test(f.family.replace(/"/g, '')) && f.status === 'loaded').length,
      link: getComputedStyle(document.querySelector('.ts-card a')).color,
    };
  });
  assert.deepEqual(seen.card, ['rgb(29, 43, 54)', '0px', 'none', '1px', 'rgb(242, 242, 242)']);
  assert.equal(seen.page, 'rgb(16, 24, 32)');
  // The faces' family is the story's own: the font's name and a hash.
  assert.match(seen.font, /^"?Probe Sans [0-9a-f]{8}"?, system-ui, sans-serif$/);
  assert.ok(seen.loaded && seen.faces === 2, `both font files are loaded: ${JSON.stringify(seen)}`);
  assert.equal(seen.link, 'rgb(140, 200, 255)');
  // The font came from the story's own folder, as every other request.
  const origin = new URL(server.url).origin;
  assert.ok(requests.some((u) => /\/fonts\/Probe-Bold-[0-9a-f]+\.ttf$/.test(u)), requests.join('\n'));
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:')), []);
  // axe-core: the theme's colours reach WCAG 2.1 AA, at both steps.
  await page.addScriptTag({ path: AXE });
  for (const i of [0, 1]) {
    await page.evaluate((i) => {
      const el = document.querySelectorAll('.ts-step')[i];
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.45);
    }, i);
    await page.waitForFunction((i) => document.querySelector('.ts-canvas').dataset.activeStep === String(i), i);
    const found = await page.evaluate(async () => (await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'],
    })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
    assert.deepEqual(found, [], `step ${i + 1}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the page without JavaScript has the theme too', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}design/`);
  const seen = await page.evaluate(() => ({
    page: getComputedStyle(document.body).backgroundColor,
    text: getComputedStyle(document.querySelector('.ts-static h1')).color,
    font: getComputedStyle(document.querySelector('.ts-static')).fontFamily,
  }));
  assert.equal(seen.page, 'rgb(16, 24, 32)');
  assert.equal(seen.text, 'rgb(242, 242, 242)');
  assert.match(seen.font, /^"Probe Sans [0-9a-f]{8}", system-ui, sans-serif$/);
  await context.close();
});

// A city's page that embeds the story as a <twin-story> element often has
// the same house font as the story: the story's faces, which the element
// adds to the page's document, must not join the page's family of that name
// (docs/embed.md). The page's "Probe Sans" here is DejaVu Serif, the
// story's DejaVu Sans: the page's paragraph keeps its width once the story
// and its fonts have loaded, and the story's headings use the story's font.
test('in a <twin-story> element the story\'s font faces leave a page font of the same name alone', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const host = `${server.url}host/`;
  await page.route(`${host}**`, (route) => {
    const url = route.request().url();
    if (url.endsWith('.ttf')) return route.fulfill({ contentType: 'font/ttf', body: fs.readFileSync(path.join(FONTS, 'DejaVuSerif.ttf')) });
    return route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><style>
@font-face { font-family: "Probe Sans"; src: url(house.ttf) format("truetype"); font-weight: 400; font-style: normal; }
body { font: 18px/1.5 "Probe Sans", serif; margin: 0 auto; max-width: 60rem; }
#p { display: inline-block; }
</style></head><body><main><h1>Host</h1><p id="p">The page's own paragraph, in the city's house font.</p>
<twin-story src="../design/"><a href="../design/">Design</a></twin-story></main></body></html>`,
    });
  });
  await page.goto(host);
  await page.evaluate(() => document.fonts.ready);
  const width = () => page.evaluate(() => document.getElementById('p').getBoundingClientRect().width);
  const before = await width();
  assert.ok(await page.evaluate(() => document.fonts.check('400 18px "Probe Sans"')), 'the page\'s own face is loaded');
  await page.evaluate((src) => {
    const s = document.createElement('script');
    s.type = 'module';
    s.src = src;
    document.body.append(s);
  }, `${server.url}design/element.js`);
  await page.waitForFunction(() => document.querySelector('twin-story')?.shadowRoot?.querySelector('.ts-canvas')?.dataset.activeStep === '0');
  await page.waitForFunction(() => [...document.fonts].filter((f) => f.status === 'loaded').length >= 3);
  await page.evaluate(() => document.fonts.ready);
  const seen = await page.evaluate(() => {
    const h2 = document.querySelector('twin-story').shadowRoot.querySelector('.ts-card h2');
    const family = getComputedStyle(h2).fontFamily.split(',')[0];
    return {
      family,
      loaded: document.fonts.check(`700 16px ${family}`),
      pageFaces: [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'Probe Sans').length,
    };
  });
  assert.match(seen.family, /^"?Probe Sans [0-9a-f]{8}"?$/);
  assert.ok(seen.loaded, 'the story\'s bold face is loaded');
  assert.equal(seen.pageFaces, 1, 'the page\'s family "Probe Sans" has only the page\'s face');
  assert.equal(await width(), before, 'the page\'s paragraph keeps its font');
  assert.deepEqual(problems, []);
  await context.close();
});
