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
      loaded: document.fonts.check('700 16px "Probe Sans"') && document.fonts.check('400 16px "Probe Sans"'),
      faces: [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'Probe Sans' && f.status === 'loaded').length,
      link: getComputedStyle(document.querySelector('.ts-card a')).color,
    };
  });
  assert.deepEqual(seen.card, ['rgb(29, 43, 54)', '0px', 'none', '1px', 'rgb(242, 242, 242)']);
  assert.equal(seen.page, 'rgb(16, 24, 32)');
  assert.match(seen.font, /^"?Probe Sans"?, system-ui, sans-serif$/);
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
  assert.deepEqual(seen, { page: 'rgb(16, 24, 32)', text: 'rgb(242, 242, 242)', font: '"Probe Sans", system-ui, sans-serif' });
  await context.close();
});
