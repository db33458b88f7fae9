// End-to-end: feature labels in the example story. The schools step labels
// the schools with their names: labels appear, never overlap, stay inside
// the map and out of the text column, fade out with their layer in the
// next step, and the page stays free of console problems.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, settled } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots');
const SCHOOLS = new Set(
  fs.readFileSync(path.join(ROOT, 'stories/spielplaetze/data/schools.csv'), 'utf8')
    .split('\n').slice(1)
    // The second field; names with commas are quoted.
    .map((l) => l.match(/^[^,]*,("(?:[^"]|"")*"|[^,]*)/)?.[1].replace(/^"|"$/g, '').replace(/""/g, '"'))
    .filter(Boolean),
);
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

/** Scrolls so that step `id` is the active one, as a reader would. */
async function scrollTo(page, id) {
  await page.evaluate((id) => {
    const el = document.getElementById(id);
    const top = el.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - window.innerHeight * 0.4);
  }, id);
  const i = await page.evaluate((id) => [...document.querySelectorAll('.ts-step')].findIndex((s) => s.id === id), id);
  await settled(page, i);
}

/** The shown labels (text and rect), the map's rect and the active card's rect. */
function layout(page) {
  return page.evaluate(() => {
    const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const labels = [...document.querySelectorAll('.ts-label')]
      .filter((l) => !l.hidden && getComputedStyle(l).display !== 'none')
      .map((l) => ({ text: l.textContent, ...box(l.getBoundingClientRect()), opacity: Number(getComputedStyle(l).opacity) }));
    const card = document.querySelector('.ts-step.is-active .ts-card') || document.querySelector('.ts-step.is-active');
    return {
      labels,
      map: box(document.querySelector('.ts-canvas').getBoundingClientRect()),
      card: card ? box(card.getBoundingClientRect()) : null,
    };
  });
}

const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

for (const [name, viewport, dpr] of [
  ['desktop', { width: 1280, height: 800 }, 1],
  ['phone', { width: 390, height: 800 }, 2],
]) {
  test(`schools are labelled without overlaps (${name})`, async () => {
    const page = await browser.newPage({ viewport, deviceScaleFactor: dpr });
    const problems = watchConsole(page);
    await page.goto(`${server.url}spielplaetze/`);
    await page.waitForSelector('.ts-step');
    await settled(page, 0);
    assert.equal((await layout(page)).labels.length, 0, 'the first step has no labels');

    await scrollTo(page, 'schulen');
    const { labels, map, card } = await layout(page);
    await page.screenshot({ path: path.join(SHOTS, `labels-${name}.png`) });
    // A phone's map is the upper half of the window: room for few labels.
    assert.ok(labels.length >= (name === 'desktop' ? 10 : 1), `${labels.length} labels shown`);
    assert.ok(labels.length < SCHOOLS.size, 'not every school fits at city scale');
    const aria = await page.locator('.ts-labels').getAttribute('aria-hidden');
    assert.equal(aria, 'true', 'labels are hidden from screen readers (the data table is their accessible form)');
    for (const [i, l] of labels.entries()) {
      assert.ok(SCHOOLS.has(l.text), `"${l.text}" is a school's name`);
      assert.equal(l.opacity, 1);
      assert.ok(l.left >= map.left && l.right <= map.right && l.top >= map.top && l.bottom <= map.bottom,
        `"${l.text}" stays inside the map: ${JSON.stringify(l)}`);
      // Desktop: the cards are beside the data. Phones: the map takes the
      // upper half of the window and the cards scroll below (and under) it.
      const seen = name === 'desktop' ? card : { ...card, top: Math.max(card.top, map.bottom) };
      assert.ok(!overlap(l, seen), `"${l.text}" stays out of the text column: ${JSON.stringify(l)} / ${JSON.stringify(card)}`);
      for (const m of labels.slice(i + 1)) {
        assert.ok(!overlap(l, m), `"${l.text}" and "${m.text}" do not overlap`);
      }
    }
    // The labels take no pointer events: the canvas under them gets them.
    const l = labels.reduce((a, b) => (a.top <= b.top ? a : b)); // the highest: never under a card
    const under = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.className, [(l.left + l.right) / 2, (l.top + l.bottom) / 2]);
    assert.equal(under, 'ts-canvas', 'a label does not catch the pointer');

    // The next step hides the schools layer: its labels go with it.
    await scrollTo(page, 'bezirke');
    assert.equal((await layout(page)).labels.length, 0, 'labels of a hidden layer are gone');
    // And come back when the reader scrolls back.
    await scrollTo(page, 'schulen');
    assert.ok((await layout(page)).labels.length >= 1, 'labels come back');
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('labels do not flicker while the map flies', async () => {
  // A story of its own: the schools at city scale, then a flight into the
  // centre with the same labelled layer, so labels move all the way.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-labels-'));
  fs.mkdirSync(path.join(dir, 'flight', 'data'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'stories/spielplaetze/data/schools.csv'), path.join(dir, 'flight', 'data', 'schools.csv'));
  fs.writeFileSync(path.join(dir, 'flight', 'story.md'), `---
title: Labels in flight
lang: de
layers:
  schools:
    source: { type: csv, url: data/schools.csv }
    style: { fill: "#2a6f97", radius: 5, label: "{name}" }
---

# Labels in flight

## Stadt

\`\`\`step
id: stadt
view: { fit: schools }
show: [schools]
transition: jump
\`\`\`

Alle Schulen.

## Zentrum

\`\`\`step
id: zentrum
view: { center: [10.0, 53.56], zoom: 12.5 }
show: [schools]
transition: fly
\`\`\`

Näher dran.
`);
  const site = await startServer(dir, ['--no-watch']);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const problems = watchConsole(page);
  try {
    await page.goto(`${site.url}flight/`);
    await page.waitForSelector('.ts-step');
    await settled(page, 0);
    // Record every frame's labels (text → transform) during the flight.
    await page.evaluate(() => {
      window.__frames = [];
      const rec = () => {
        const shown = {};
        for (const l of document.querySelectorAll('.ts-label')) if (!l.hidden) shown[l.textContent] = l.style.transform;
        window.__frames.push(shown);
        if (window.__frames.length < 600) requestAnimationFrame(rec);
      };
      requestAnimationFrame(rec);
    });
    await scrollTo(page, 'zentrum');
    const frames = await page.evaluate(() => window.__frames);
    assert.ok(frames.length > 10, `${frames.length} frames recorded`);
    // Per label: the frames where it appears or goes.
    const changes = new Map();
    frames.forEach((f, i) => {
      for (const name of new Set([...changes.keys(), ...Object.keys(f)])) {
        const c = changes.get(name) || [];
        const on = name in f;
        if (c.length % 2 === (on ? 0 : 1)) c.push(i);
        changes.set(name, c);
      }
    });
    // Flicker: back within a few frames of going, or back more than twice
    // (once is fair: a flight may zoom out before it zooms in).
    const flickering = [...changes].filter(([, c]) => {
      const blink = c.some((at, k) => k % 2 === 1 && c[k + 1] !== undefined && c[k + 1] - at < 5);
      return blink || c.length > 5;
    }).map(([n, c]) => `${n}: ${c.join(' ')}`);
    assert.deepEqual(flickering, [], 'no label blinks on and off');
    const comebacks = [...changes.values()].reduce((n, c) => n + Math.max(0, Math.floor((c.length - 1) / 2)), 0);
    console.log(`# ${frames.length} frames, ${changes.size} labels seen, ${comebacks} came back after going`);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    site.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
