// Makes the example stories' video "Ein Flug um die Neustadt" / "A flight
// around the Neustadt": a circle around the buildings and street trees of the
// story "Die Neustadt in 3D", drawn by our own player.
//
// It writes a throw-away story beside the real one's data with one step per
// frame (the same view, the bearing turned a little further each step,
// `transition: jump`), serves it with `twinstory serve --no-watch`, scrolls
// headless Chromium from step to step, copies the map's canvas after each has
// settled, and encodes the frames with ffmpeg (H.264 in MP4, no sound track)
// plus a poster picture from the first frame. Run from the repository's root
// after building the CLI and the player:
//
//   node scripts/example-media-neustadt-video.mjs
//
// Needs ffmpeg (Debian: apt-get install ffmpeg) and tests/e2e/node_modules.
// Writes stories/neustadt-3d/media/ and stories/neustadt-in-3d/media/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startServer, launch, settled } from '../tests/e2e/lib.mjs';

const FRAMES = Number(process.env.FLIGHT_FRAMES || 120); // 3° a frame: one full circle
const FPS = 24; // 5 seconds
const WIDTH = 960;
const HEIGHT = 540;
// About the middle of the buildings' box (EPSG:25832 564865–565040 E,
// 5933474–5933708 N; a little north of it, where the buildings' mass is).
const VIEW = { center: [9.9803, 53.5476], zoom: 16.5, pitch: 50 };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-video-'));
const story = path.join(work, 'stories', 'flug');
fs.mkdirSync(path.join(story, 'data'), { recursive: true });
for (const f of ['neustadt-lod3-buildings.city.json', 'street-trees.geojson']) {
  fs.copyFileSync(path.join(ROOT, 'stories/neustadt-3d/data', f), path.join(story, 'data', f));
}
// The grey buildings and the street trees as the story's step "Einmal
// rundherum" / "Once around" shows them (its layers gebaeude_grau, baeume).
let md = `---
title: Flug
lang: de
layout: overlay
theme: { map-background: "#eef1f4" }
layers:
  gebaeude_grau:
    source: { type: cityjson, url: data/neustadt-lod3-buildings.city.json }
    style: { fill: "#d5d9de", stroke: "#4d4d4d", stroke-width: 1, extrude: model }
  baeume:
    source: { type: geojson, url: data/street-trees.geojson }
    style: { fill: "#2e7d32", stroke: none, extrude: height }
---
`;
for (let i = 0; i < FRAMES; i++) {
  const bearing = Math.round((i * 360 / FRAMES) * 100) / 100;
  md += `
## Bild ${i + 1}

\`\`\`step
view: { center: [${VIEW.center.join(', ')}], zoom: ${VIEW.zoom}, pitch: ${VIEW.pitch}, bearing: ${bearing} }
show: [gebaeude_grau, baeume]
transition: jump
\`\`\`

Bild ${i + 1}.
`;
}
fs.writeFileSync(path.join(story, 'story.md'), md);

const frames = path.join(work, 'frames');
fs.mkdirSync(frames);
const server = await startServer(path.join(work, 'stories'), ['--no-watch']);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${server.url}flug/`);
  await page.waitForSelector('.ts-step');
  for (let i = 0; i < FRAMES; i++) {
    await page.evaluate((i) => {
      const el = document.querySelectorAll('.ts-step')[i];
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
    }, i);
    await settled(page, i);
    // The map's canvas alone: no cards, legend or buttons over it.
    const png = await page.evaluate(() => {
      const c = document.querySelector('.ts-canvas');
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d');
      ctx.fillStyle = '#eef1f4';
      ctx.fillRect(0, 0, copy.width, copy.height);
      ctx.drawImage(c, 0, 0);
      return copy.toDataURL('image/png').split(',')[1];
    });
    fs.writeFileSync(path.join(frames, `f${String(i).padStart(4, '0')}.png`), Buffer.from(png, 'base64'));
  }
} finally {
  await browser.close();
  server.stop();
}

if (process.env.FLIGHT_FRAMES) {
  // A trial with fewer frames: keep them to look at, write no media.
  console.log(`frames in ${frames}`);
  process.exit(0);
}
for (const slug of ['neustadt-3d', 'neustadt-in-3d']) {
  const media = path.join(ROOT, 'stories', slug, 'media');
  fs.mkdirSync(media, { recursive: true });
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-framerate', String(FPS), '-i', path.join(frames, 'f%04d.png'),
    '-c:v', 'libx264', '-preset', 'veryslow', '-crf', '26', '-pix_fmt', 'yuv420p', '-an',
    '-movflags', '+faststart', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact',
    path.join(media, 'flug-neustadt.mp4')]);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', path.join(frames, 'f0000.png'),
    '-q:v', '4', '-map_metadata', '-1', path.join(media, 'flug-neustadt.jpg')]);
  for (const f of ['flug-neustadt.mp4', 'flug-neustadt.jpg']) {
    console.log(`${path.join('stories', slug, 'media', f)}: ${fs.statSync(path.join(media, f)).size} B`);
  }
}
fs.rmSync(work, { recursive: true, force: true });
