import { launch, startServer, goToStep, watchConsole, ROOT } from './lib.mjs';
import path from 'node:path';
const server = await startServer(path.join(ROOT, 'stories'), ['--no-watch']);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto(server.url + (process.env.SLUG || 'neustadt-3d') + '/', { waitUntil: 'load' });
  await page.waitForSelector('.ts-step', { timeout: 60000 });
  console.log(await page.evaluate(() => [...document.querySelectorAll('.ts-step')].map((e) => e.id).join(',')));
  for (const id of (process.env.STEPS || 'neustadt,von-norden,hoechste,baeume').split(',')) {
    await goToStep(page, id);
    await page.waitForTimeout(300);
    await page.locator('.ts-canvas').screenshot({ path: `/tmp/shots/${id}.png` });
    const ms = await page.evaluate(() => document.querySelector('.ts-canvas').dataset.frameMs);
    console.log(id, 'frame ms', ms);
  }
  console.log('problems', problems);
} finally {
  await browser.close();
  server.stop();
}
