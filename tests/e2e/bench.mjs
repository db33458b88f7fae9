// Browser benchmark (not a test): serves a story with the real CLI, drives
// headless Chromium through every step and prints
//  - time from navigation to the first step fully drawn,
//  - frame times (p50 / p95 / max) of the paint work during a scripted scroll,
//    and the frame intervals the page actually achieved,
//  - the player's transfer size (wasm + JS, gzip).
// Usage: node bench.mjs [--points N ...]   (default: the real Hamburg story,
// then synthetic stories with 100,000 and 1,000,000 points)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, startServer, launch } from './lib.mjs';

const args = process.argv.slice(2);
const sizes = [];
for (let i = 0; i < args.length; i++) if (args[i] === '--points') sizes.push(Number(args[++i]));
const runs = sizes.length ? sizes.map((n) => ({ points: n })) : [{ points: 0 }, { points: 100_000 }, { points: 1_000_000 }];

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** A story with N synthetic points over Hamburg's quarters. */
function syntheticStory(n) {
  const dir = path.join(ROOT, 'target', 'bench-stories', `points-${n}`);
  const story = path.join(dir, `points-${n}`);
  fs.mkdirSync(path.join(story, 'data'), { recursive: true });
  const csv = path.join(story, 'data', 'points.csv');
  if (!fs.existsSync(csv)) {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines = ['lat,lon'];
    for (let i = 0; i < n; i++) lines.push(`${(53.395 + rnd() * 0.3444).toFixed(6)},${(9.7301 + rnd() * 0.5952).toFixed(6)}`);
    fs.writeFileSync(csv, lines.join('\n') + '\n');
  }
  fs.copyFileSync(path.join(ROOT, 'stories/spielplaetze/data/quarters.geojson'), path.join(story, 'data', 'quarters.geojson'));
  fs.writeFileSync(path.join(story, 'story.md'), `---
title: ${n} Punkte
layers:
  quarters:
    source: { type: geojson, url: data/quarters.geojson }
    style: { fill: "#d5dde6", stroke: "#ffffff" }
  points:
    source: { type: csv, url: data/points.csv }
    style: { fill: "#e4572e", radius: 1.5, stroke-width: 0 }
---

## Überblick

\`\`\`step
view: { fit: quarters }
show: [quarters, points]
transition: jump
\`\`\`

Alle Punkte.

## Altona

\`\`\`step
view: { center: [9.93, 53.55], zoom: 12.5 }
show: [quarters, points]
\`\`\`

Näher heran.

## Zurück

\`\`\`step
view: { fit: quarters }
show: [quarters, points]
\`\`\`

Und wieder hinaus.
`);
  return { dir, slug: `points-${n}` };
}

const player = path.join(ROOT, 'target/player');
const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(player, f)), { level: 9 }).length;
const wasmGz = gz('twinstory_player_bg.wasm');
const jsGz = gz('twinstory_player.js');
console.log(`player transfer (gzip -9): wasm ${wasmGz} B + JS ${jsGz} B = ${wasmGz + jsGz} B`);

const browser = await launch();
for (const run of runs) {
  const { dir, slug } = run.points ? syntheticStory(run.points) : { dir: path.join(ROOT, 'stories'), slug: 'spielplaetze' };
  const server = await startServer(dir, ['--no-watch']);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const t0 = Date.now();
  await page.goto(`${server.url}${slug}/`);
  await page.waitForFunction(() => {
    const c = document.querySelector('.ts-canvas');
    return c && c.dataset.loading === '0' && c.dataset.moving === 'false' && Number(c.dataset.frames) > 0;
  }, null, { timeout: 300_000 });
  const firstDrawn = await page.evaluate(() => performance.now());
  const wall = Date.now() - t0;
  // Scripted scroll through every step, waiting for each flight to end.
  const steps = await page.locator('.ts-step').count();
  await page.evaluate(() => { window.__twinstory.frameMs.length = 0; window.__intervals = []; let last = performance.now(); const loop = (t) => { window.__intervals.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(loop); }; requestAnimationFrame(loop); });
  for (let i = 1; i < steps; i++) {
    await page.evaluate((i) => { const el = document.querySelectorAll('.ts-step')[i]; window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - innerHeight * 0.4); }, i);
    await page.waitForFunction((i) => { const c = document.querySelector('.ts-canvas'); return c.dataset.activeStep === String(i) && c.dataset.moving === 'false'; }, i, { timeout: 300_000 });
  }
  const { frames, intervals } = await page.evaluate(() => { window.__stop = true; return { frames: window.__twinstory.frameMs, intervals: window.__intervals.slice(2) }; });
  const label = run.points ? `${run.points.toLocaleString('en')} synthetic points + 181 quarters` : 'Hamburg (181 quarters, 608 playgrounds, 59 schools)';
  console.log(`\n${label}`);
  console.log(`  first step drawn: ${firstDrawn.toFixed(0)} ms after navigation start (wall ${wall} ms)`);
  console.log(`  paint per frame (ms): p50 ${pct(frames, 50).toFixed(1)} / p95 ${pct(frames, 95).toFixed(1)} / max ${Math.max(...frames).toFixed(1)} over ${frames.length} frames`);
  console.log(`  frame interval (ms): p50 ${pct(intervals, 50).toFixed(1)} / p95 ${pct(intervals, 95).toFixed(1)} / max ${Math.max(...intervals).toFixed(1)}`);
  await page.close();
  server.stop();
}
await browser.close();
