// Shared helpers for the browser tests and benchmarks: start `twinstory
// serve` on a free port, launch Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts `twinstory serve <storiesDir> --port 0`; resolves to { url, stop }. */
export function startServer(storiesDir = path.join(ROOT, 'stories'), extraArgs = []) {
  const bin = process.env.TWINSTORY_BIN || path.join(ROOT, 'target/release/twinstory');
  const out = path.join(ROOT, 'target', `e2e-site-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const child = spawn(bin, ['serve', storiesDir, '--port', '0', '--out', out, ...extraArgs], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
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
        resolve({ url: m[0], stop: () => child.kill('SIGTERM'), stderr: () => stderr });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`twinstory serve exited with ${code}:\n${stderr}`)); });
  });
}

/** Launches headless Chromium (never a downloaded browser). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Collects console errors/warnings and page errors of a page. */
export function watchConsole(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  return problems;
}
