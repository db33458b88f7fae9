// End-to-end: a step's `view-narrow` is the view on phones (a map at most
// 720 CSS px wide), `view` elsewhere; a step without one keeps the narrow
// view in force; turning the phone (resizing) takes the view for the new width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch, watchConsole, firstStepReady } from './lib.mjs';

let server;
let browser;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-narrow-'));
  fs.mkdirSync(path.join(dir, 'phone'));
  fs.writeFileSync(path.join(dir, 'phone', 'story.md'), `---
title: Phone views
lang: en
---

# Phone views

## Wide and narrow

\`\`\`step
view: { center: [10.0, 53.55], zoom: 12 }
view-narrow: { center: [10.1, 53.6], zoom: 9 }
\`\`\`

On a phone the map shows more around.

## Narrow kept

\`\`\`step
view: { center: [10.0, 53.55], zoom: 11 }
\`\`\`

The step has its own view, which counts on phones too.

## No view

\`\`\`step
transition: jump
\`\`\`

No view: the one before holds.
`);
  server = await startServer(dir, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** The camera [lon, lat, zoom] once the map rests at step `i`. */
async function cameraAt(page, i) {
  await page.evaluate((i) => {
    const el = document.querySelectorAll('.ts-step')[i];
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.45);
  }, i);
  await page.waitForFunction((i) => {
    const c = document.querySelector('.ts-canvas');
    return c.dataset.activeStep === String(i) && c.dataset.moving === 'false';
  }, i, { timeout: 15_000 });
  return page.evaluate(() => document.querySelector('.ts-canvas').dataset.camera.split(',').slice(0, 3).map(Number));
}

const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 0.02);

for (const [name, viewport, first] of [
  ['desktop', { width: 1280, height: 800 }, [10.0, 53.55, 12]],
  ['phone', { width: 390, height: 844 }, [10.1, 53.6, 9]],
]) {
  test(`the ${name} takes its view at every step`, async () => {
    const page = await browser.newPage({ viewport });
    const problems = watchConsole(page);
    await page.goto(`${server.url}phone/`);
    await firstStepReady(page);
    const seen = [await cameraAt(page, 0), await cameraAt(page, 1), await cameraAt(page, 2)];
    // The camera's centre is where the view says, less the cards' padding on
    // the desktop: compare the zoom everywhere and the centre on the phone.
    assert.equal(seen[0][2].toFixed(2), first[2].toFixed(2), JSON.stringify(seen));
    assert.equal(seen[1][2].toFixed(2), '11.00', JSON.stringify(seen));
    assert.equal(seen[2][2].toFixed(2), '11.00', 'no view: the one before holds');
    if (name === 'phone') assert.ok(near(seen[0].slice(0, 2), first.slice(0, 2)), JSON.stringify(seen));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('turning the phone takes the view for the new width', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${server.url}phone/`);
  await firstStepReady(page);
  assert.equal((await cameraAt(page, 0))[2].toFixed(2), '9.00');
  await page.setViewportSize({ width: 1024, height: 700 });
  // The wider map at the same step: the step's \`view\`.
  await page.waitForTimeout(300);
  assert.equal((await cameraAt(page, 0))[2].toFixed(2), '12.00');
  await page.close();
});
