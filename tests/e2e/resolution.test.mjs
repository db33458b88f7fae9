// End-to-end: on a phone (390x844 CSS px, device pixel ratio 3) frames
// drawn while the camera flies may use fewer pixels (MotionResolution in
// crates/scene), never fewer than one per CSS pixel; the frame at rest is
// drawn at the full ratio, in the same animation frame as the camera stops,
// and is the same picture as a reader who jumped there sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, firstStepReady, canvasStats } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer(path.join(ROOT, 'stories'), ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 };

test('a phone flight draws between one and three device pixels per CSS pixel and rests at three', async () => {
  const page = await browser.newPage(PHONE);
  const problems = watchConsole(page);
  await page.goto(`${server.url}spielplaetze/`);
  await firstStepReady(page);
  const css = await page.evaluate(() => {
    const c = document.querySelector('.ts-canvas');
    return { width: c.clientWidth, height: c.clientHeight, backing: c.width };
  });
  assert.equal(css.backing, css.width * 3, 'the first step rests at the full ratio');

  // Every animation frame until the flight to step 2 ends: the canvas'
  // backing width and whether the camera was still moving.
  await page.evaluate(() => {
    window.__frames = [];
    const c = document.querySelector('.ts-canvas');
    let seen = c.dataset.frames;
    const loop = (t) => {
      if (c.dataset.frames !== seen) {
        seen = c.dataset.frames;
        window.__frames.push({ t, width: c.width, height: c.height, moving: c.dataset.moving, step: c.dataset.activeStep });
      }
      if (c.dataset.activeStep === '2' && c.dataset.moving === 'false') window.__done = true;
      else requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    const el = document.querySelectorAll('.ts-step')[2];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - innerHeight * 0.4);
  });
  // The recording loop stops at the first frame that shows step 2 at rest.
  await page.waitForFunction(() => window.__done === true, null, { timeout: 60_000 });
  const frames = await page.evaluate(() => window.__frames);
  const moving = frames.filter((f) => f.moving === 'true');
  assert.ok(moving.length >= 5, `the camera flew (${moving.length} moving frames)`);
  for (const f of moving) {
    // Whole quarters of the ratio, from 1 to 3 device pixels per CSS pixel.
    const ratio = f.width / css.width;
    assert.ok(ratio >= 1 - 1e-9 && ratio <= 3 + 1e-9, `a moving frame at ratio ${ratio}`);
    assert.ok(Math.abs(ratio * 4 - Math.round(ratio * 4)) < 0.02, `ratio ${ratio} is a quarter step`);
  }
  const resting = frames.at(-1);
  assert.equal(resting.moving, 'false');
  assert.equal(resting.width, css.width * 3, 'the resting frame is drawn at the full ratio');
  assert.equal(resting.height, css.height * 3);
  const reduced = moving.filter((f) => f.width < css.width * 3).length;
  console.log(`# ${moving.length} moving frames, ${reduced} drawn below the full ratio; widths ${[...new Set(moving.map((f) => f.width))].join(', ')}`);

  // Jump = read: a reader who opens the step directly sees the same picture.
  const read = await canvasStats(page);
  const jumped = await browser.newPage(PHONE);
  await jumped.goto(`${server.url}spielplaetze/#${await page.evaluate(() => document.querySelectorAll('.ts-step')[2].id)}`);
  await jumped.waitForFunction(() => {
    const c = document.querySelector('.ts-canvas');
    return c && c.dataset.loading === '0' && c.dataset.activeStep === '2' && c.dataset.moving === 'false';
  }, null, { timeout: 60_000 });
  const direct = await canvasStats(jumped);
  assert.equal(direct.width, read.width);
  assert.equal(direct.hash, read.hash, 'the resting picture does not depend on the frames before it');
  assert.deepEqual(problems, []);
  await jumped.close();
  await page.close();
});
