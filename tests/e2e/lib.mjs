// Shared helpers for the browser tests and benchmarks: start `twinstory
// serve` on a free port, launch Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * The CLI under test: $TWINSTORY_BIN, else the suite's build
 * (target/ci/twinstory, scripts/test.sh), else a release build.
 */
export function twinstoryBin() {
  if (process.env.TWINSTORY_BIN) return process.env.TWINSTORY_BIN;
  const built = ['target/ci/twinstory', 'target/release/twinstory'].map((f) => path.join(ROOT, f));
  return built.find((f) => fs.existsSync(f)) ?? built[0];
}

/** Starts `twinstory serve <storiesDir> --port 0`; resolves to { url, stop }. */
export function startServer(storiesDir = path.join(ROOT, 'stories'), extraArgs = []) {
  const bin = twinstoryBin();
  const out = path.join(ROOT, 'target', `e2e-site-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  // The player just built (target/player), not an older one built into the binary.
  const env = { ...process.env, TWINSTORY_PLAYER: process.env.TWINSTORY_PLAYER || path.join(ROOT, 'target/player') };
  const child = spawn(bin, ['serve', storiesDir, '--port', '0', '--out', out, ...extraArgs], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env,
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`twinstory serve did not start:\n${stderr}`)), 60_000);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        // The built site goes with the server: nothing is left in target/.
        const stop = () => { child.kill('SIGTERM'); fs.rmSync(out, { recursive: true, force: true }); };
        resolve({ url: m[0], stop, out, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`twinstory serve exited with ${code}:\n${stderr}`)); });
  });
}

/**
 * WebGL on the CPU (ANGLE on SwiftShader) instead of `--disable-gpu`, which
 * turns WebGL off: for pages that need it (the MapLibre benchmark page).
 */
export const WEBGL_ARGS = [
  ...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu'),
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/** Launches headless Chromium (never a downloaded browser); `webgl` picks WEBGL_ARGS. */
export async function launch({ webgl = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: webgl ? WEBGL_ARGS : CHROMIUM_ARGS,
  });
}

/** Collects console errors/warnings and page errors of a page. */
export function watchConsole(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText;
    // Chromium aborts the favicon's request when a reload or navigation
    // overtakes it: not a problem of the page.
    if (why === 'net::ERR_ABORTED' && /\/icon-[0-9a-f]+\.svg$/.test(req.url())) return;
    // Chromium also ends a video's or audio's request itself once it has
    // read what `preload="metadata"` asks for, or when the page goes away.
    if (why === 'net::ERR_ABORTED' && /\/media\/[^/]+-[0-9a-f]{16}\.(mp4|m4v|webm|ogv|ogg|oga|opus|mp3|m4a|wav)$/.test(req.url())) return;
    // A module the player loads only when a story needs it (playback, the
    // data readers, the story compiler) is still on its way when a test
    // follows a link to the next page: Chromium ends it with the page.
    if (why === 'net::ERR_ABORTED' && /\/twinstory_(play|sources|author)(_bg)?-[0-9a-f]{16}\.(wasm|js)$/.test(req.url())) return;
    problems.push(`request failed: ${req.url()} ${why}`);
  });
  return problems;
}

/**
 * Waits until the map is idle (no flight, no fade, data loaded) at `step`:
 * the frame attributes say so, unchanged over three animation frames (a step
 * change or arriving data only shows in the frame after it).
 */
export async function settled(page, step) {
  await page.evaluate(() => { window.__settle = { key: null, seen: 0 }; });
  await page.waitForFunction((s) => {
    const c = document.querySelector('.ts-canvas');
    const idle = c && c.dataset.activeStep === String(s) && c.dataset.moving === 'false' && c.dataset.loading === '0';
    const key = idle ? c.dataset.camera : null;
    const st = window.__settle;
    st.seen = key !== null && key === st.key ? st.seen + 1 : 0;
    st.key = key;
    return st.seen >= 3;
  }, step, { timeout: 20_000, polling: 'raf' });
}

/**
 * Scrolls the step with `id` (or number `id`) to the reading line and waits
 * until its map is at rest (`settled`); resolves to the step's number.
 */
export async function goToStep(page, id) {
  const i = typeof id === 'number' ? id
    : await page.evaluate((id) => [...document.querySelectorAll('.ts-step')].findIndex((e) => e.id === id), id);
  if (i < 0) throw new Error(`no step #${id}`);
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4);
  }, i);
  await settled(page, i);
  return i;
}

/**
 * Starts collecting the map's frame costs (its `data-frame-ms`, the time
 * the player spent on each frame it drew) into `window.__frameMs`, newest
 * last, and those of frames drawn at rest (the camera stopped) into
 * `window.__restingMs`; returns once the observer listens.
 */
export async function recordFrameCosts(page) {
  await page.evaluate(() => {
    window.__frameMs = [];
    window.__frameObserver?.disconnect();
    const c = document.querySelector('.ts-canvas');
    window.__restingMs = [];
    window.__frameObserver = new MutationObserver(() => {
      window.__frameMs.push(Number(c.dataset.frameMs));
      if (c.dataset.moving === 'false') window.__restingMs.push(Number(c.dataset.frameMs));
    });
    window.__frameObserver.observe(c, { attributes: true, attributeFilter: ['data-frames'] });
  });
}

/**
 * Statistics of the map canvas: size, distinct colours, pixels unlike the
 * top-left (background) pixel, a hash, and how many pixels match `rgb`
 * (e.g. [0x7f, 0xb3, 0xd5]) when given. Reads a copy of the canvas, so the
 * test's readbacks do not slow the player's own canvas.
 */
export async function canvasStats(page, rgb = null) {
  return page.evaluate((rgb) => {
    const c = document.querySelector('.ts-canvas');
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let hash = 2166136261;
    let nonBackground = 0;
    let matching = 0;
    const bg = [d[0], d[1], d[2]];
    for (let i = 0; i < d.length; i += 4) {
      if (i % 64 === 0) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      if (d[i] !== bg[0] || d[i + 1] !== bg[1] || d[i + 2] !== bg[2]) nonBackground++;
      if (rgb && d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2]) matching++;
      hash = Math.imul(hash ^ d[i] ^ (d[i + 1] << 8) ^ (d[i + 2] << 16), 16777619) >>> 0;
    }
    return { width: c.width, height: c.height, colours: colours.size, nonBackground, matching, hash, pixels: d.length / 4 };
  }, rgb);
}

/**
 * Writes `markdown` as `<tmp>/<slug>/story.md` and serves it as a static
 * host would (`twinstory serve --no-watch`). Resolves to { url, dir, stop },
 * `url` being the story's page; `stop` also removes the folder.
 */
export async function serveStory(slug, markdown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `twinstory-${slug}-`));
  fs.mkdirSync(path.join(dir, slug));
  fs.writeFileSync(path.join(dir, slug, 'story.md'), markdown);
  const site = await startServer(dir, ['--no-watch']);
  return {
    url: `${site.url}${slug}/`,
    dir,
    stop: () => { site.stop(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Waits until the first step is drawn: data loaded, camera at rest. */
export async function firstStepReady(page, timeout = 30_000) {
  await page.waitForFunction(() => {
    const c = document.querySelector('.ts-canvas');
    return c && c.dataset.loading === '0' && c.dataset.moving === 'false' && c.dataset.activeStep === '0';
  }, null, { timeout });
}

/**
 * Lets the page open `?story=` URLs from `origins` besides its own, as the
 * deployer's `<meta name="twinstory-story-origins">` does: the test adds the
 * tag to each page as soon as its `<head>` exists, long before the player
 * reads it. (Rewriting the response with `page.route` instead would make
 * Chromium treat the page as public and refuse its requests to 127.0.0.1.)
 */
export async function allowStoryOrigins(page, origins) {
  await page.addInitScript((content) => {
    const add = () => {
      if (!document.head) return false;
      const meta = document.createElement('meta');
      meta.name = 'twinstory-story-origins';
      meta.content = content;
      document.head.append(meta);
      return true;
    };
    if (!add()) {
      const watch = new MutationObserver(() => { if (add()) watch.disconnect(); });
      watch.observe(document, { childList: true, subtree: true });
    }
  }, origins.join(' '));
}

// ---- PNG: a minimal encoder ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A flat-colour RGB PNG of size×size pixels. */
/** A PNG of `size` × `size` pixels all of one colour (map tiles for the tests). */
export function flatPng(size, [r, g, b]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + size * 3);
  for (let i = 0; i < size; i++) row.set([r, g, b], 1 + i * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
