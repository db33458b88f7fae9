// End-to-end: the author's preview. `twinstory serve` on a copy of the
// example story; the test edits story.md as an author would and watches the
// open page reload, show an error overlay for a broken save while the last
// good version keeps playing, and recover once the mistake is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { ROOT, startServer, launch, watchConsole } from './lib.mjs';

let server;
let browser;
let dir;
let storyMd;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-live-'));
  fs.cpSync(path.join(ROOT, 'stories', 'spielplaetze'), path.join(dir, 'spielplaetze'), { recursive: true });
  storyMd = path.join(dir, 'spielplaetze', 'story.md');
  server = await startServer(path.join(dir, 'spielplaetze'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function edit(from, to) {
  const text = fs.readFileSync(storyMd, 'utf8');
  assert.ok(text.includes(from), `story.md contains ${from}`);
  fs.writeFileSync(storyMd, text.replace(from, to));
}

test('saving story.md reloads the page; errors show in an overlay over the last good version', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 750 } });
  const problems = watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('.ts-step');
  const title = await page.locator('.ts-header h1').innerText();

  // A good change: the page reloads by itself and shows it.
  const reloaded = page.waitForEvent('load', { timeout: 20_000 });
  edit(`title: ${title}`, `title: ${title} (neu)`);
  await reloaded;
  await page.waitForFunction((t) => document.querySelector('.ts-header h1')?.textContent === t, `${title} (neu)`,
    { timeout: 20_000 });

  // A broken change: the terminal and the page say what is wrong; the story keeps playing.
  edit('show: [quarters]\n', 'show: [quater]\n');
  const overlay = page.locator('#ts-live-overlay[role=alert]');
  await overlay.waitFor({ timeout: 20_000 });
  const text = await overlay.innerText();
  assert.match(text, /quater/, 'the overlay names the mistake');
  assert.match(text, /quarters/, 'and suggests the fix');
  assert.match(text, /story\.md:\d+:\d+/, 'with its line and column');
  assert.equal(await page.locator('.ts-header h1').innerText(), `${title} (neu)`, 'the last good version is still shown');
  assert.ok(await page.locator('.ts-canvas').count() === 1, 'the map is still there');
  assert.match(server.stderr(), /quater/, 'the terminal shows the error too');

  // Fixed: the overlay goes and the page reloads with the fix.
  const again = page.waitForEvent('load', { timeout: 20_000 });
  edit('show: [quater]\n', 'show: [quarters]\n');
  await again;
  await page.waitForSelector('.ts-step');
  assert.equal(await page.locator('#ts-live-overlay').count(), 0);

  // Reloads abort the open event stream; that is the only noise allowed.
  const real = problems.filter((p) => !p.includes('/_twinstory/events'));
  assert.deepEqual(real, [], 'the console stayed clean');
  await page.close();
});

// A good local citizen: the server answers only its own name, bounds what it
// reads, survives many idle connections, and deletes only its own builds.

/** Starts `twinstory serve` directly (the tests need its process id). */
function spawnServe(storyDir, out, extra = []) {
  const bin = process.env.TWINSTORY_BIN || path.join(ROOT, 'target/release/twinstory');
  const child = spawn(bin, ['serve', storyDir, '--port', '0', '--out', out, ...extra], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`twinstory serve did not start:\n${stderr}`)), 60_000);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], port: Number(m[1]), pid: child.pid, stop: () => child.kill('SIGTERM'), stderr: () => stderr });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`twinstory serve exited with ${code}:\n${stderr}`)); });
  });
}

/** Resident memory of a process in KiB. */
function rssKiB(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(m[1]);
}

/** One GET with the given Host header; resolves to { status, headers, body }. */
function get(port, target, host = `127.0.0.1:${port}`) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, headers: { Host: host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.end();
  });
}

test('serve answers only 127.0.0.1 and localhost, and sends the strict CSP', async () => {
  const port = Number(new URL(server.url).port);
  const ok = await get(port, '/');
  assert.equal(ok.status, 200);
  const csp = ok.headers['content-security-policy'];
  assert.match(csp, /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/);
  assert.equal((await get(port, '/', `localhost:${port}`)).status, 200);
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`]) {
    const r = await get(port, '/', host);
    assert.equal(r.status, 403, `Host ${JSON.stringify(host)} is refused`);
    assert.doesNotMatch(r.body, /<html/i);
  }
});

test('an endless request line is cut off early without memory growth', async () => {
  const dirOut = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstory-serve-out-'));
  const s = await spawnServe(path.join(dir, 'spielplaetze'), path.join(dirOut, 'out'), ['--no-watch']);
  try {
    const before = rssKiB(s.pid);
    const sent = await new Promise((resolve) => {
      const sock = net.connect(s.port, '127.0.0.1');
      let total = 0;
      let answer = '';
      const chunk = Buffer.alloc(64 * 1024, 'a');
      sock.on('data', (d) => { answer += d; });
      const done = () => resolve({ total, answer });
      sock.on('close', done);
      sock.on('error', () => {});
      sock.on('connect', function pump() {
        while (total < 20 * 1024 * 1024) {
          total += chunk.length;
          if (!sock.write(chunk)) { sock.once('drain', pump); return; }
        }
      });
    });
    // The answer may be lost to the reset that closing an unread socket sends.
    if (sent.answer) assert.match(sent.answer, /^HTTP\/1\.1 414 /, 'answered 414');
    assert.ok(sent.total < 12 * 1024 * 1024, `closed after ${sent.total} bytes, long before 20 MB`);
    const after = rssKiB(s.pid);
    assert.ok(after - before < 5 * 1024, `RSS ${before} → ${after} KiB`);
    assert.equal((await get(s.port, '/')).status, 200, 'still serving');
  } finally {
    s.stop();
    fs.rmSync(dirOut, { recursive: true, force: true });
  }
});

test('2,000 idle connections do not stop the server answering', async () => {
  const port = Number(new URL(server.url).port);
  const idle = [];
  await Promise.all(Array.from({ length: 2000 }, () => new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('error', () => {});
    sock.on('connect', resolve);
    sock.on('close', resolve);
    idle.push(sock);
  })));
  try {
    const start = Date.now();
    const r = await get(port, '/');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - start < 3000, `answered in ${Date.now() - start} ms`);
  } finally {
    for (const s of idle) s.destroy();
  }
  assert.equal((await get(port, '/')).status, 200, 'still serving afterwards');
});

test('builds inside the watched folder do not loop, and foreign build-* folders stay', async () => {
  const story = path.join(dir, 'spielplaetze');
  const out = path.join(story, 'preview');
  fs.mkdirSync(path.join(out, 'build-foo'), { recursive: true });
  fs.writeFileSync(path.join(out, 'build-foo', 'keep.txt'), 'mine');
  fs.mkdirSync(path.join(out, 'build-1'), { recursive: true });
  fs.writeFileSync(path.join(out, 'build-1', 'keep.txt'), 'mine too');
  const s = await spawnServe(story, out);
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const rebuilds = (s.stderr().match(/change detected/g) || []).length;
    assert.equal(rebuilds, 0, `no rebuild without a change:\n${s.stderr()}`);
    assert.equal((await get(s.port, '/')).status, 200);
    // A real change rebuilds once; the previous build of this server goes.
    const md = path.join(story, 'story.md');
    fs.appendFileSync(md, '\n');
    const deadline = Date.now() + 15_000;
    while (!/built .* → .*build-\d+/.test(s.stderr().split('change detected')[1] || '') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((s.stderr().match(/change detected/g) || []).length, 1, `one rebuild:\n${s.stderr()}`);
    assert.equal(fs.readFileSync(path.join(out, 'build-foo', 'keep.txt'), 'utf8'), 'mine');
    assert.equal(fs.readFileSync(path.join(out, 'build-1', 'keep.txt'), 'utf8'), 'mine too');
    const ours = fs.readdirSync(out).filter((n) => fs.existsSync(path.join(out, n, '.twinstory-site')));
    assert.equal(ours.length, 1, `only the served build is kept: ${ours}`);
  } finally {
    s.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
});
