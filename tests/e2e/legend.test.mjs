// End-to-end: what readers see when a layer cannot be styled as intended.
// A published story.json edited by hand past `validate` (a condition that no
// longer reads) must not put the author's expression or English developer
// text into a German legend: readers get one short sentence in the story's
// language, the author the exact problem in the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, firstStepReady } from './lib.mjs';

let site;
let browser;

before(async () => {
  site = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  site?.stop();
});

test('an unreadable highlight reads as one German sentence in the legend, the details go to the console', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const console = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  await page.route('**/spielplaetze/story.json', async (route) => {
    const response = await route.fetch();
    const story = await response.json();
    // `=` instead of `==`: what the checks reject as E0025.
    story.steps[0].show[0].highlight = 'name = "Wilhelmsburg"';
    await route.fulfill({ response, json: story });
  });
  await page.goto(`${site.url}spielplaetze/`);
  await firstStepReady(page);
  const legend = await page.locator('.ts-legend').first().innerText();
  const problems = await page.locator('.ts-legend-problem').allInnerTexts();
  assert.deepEqual(problems, ['„Stadtteile“ kann in diesem Schritt nicht wie vorgesehen gezeigt werden.']);
  for (const internal of ['Wilhelmsburg', '`', '==', 'name =', 'column', 'layer']) {
    assert.ok(!legend.includes(internal), `the legend shows "${internal}":\n${legend}`);
  }
  assert.ok(
    console.some((l) => l.startsWith('warning:') && l.includes('quarters') && l.includes('name = "Wilhelmsburg"')),
    `the author's details are in the console:\n${console.join('\n')}`,
  );
  await page.close();
});
