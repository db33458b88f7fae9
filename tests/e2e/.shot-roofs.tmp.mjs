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
    if (process.env.PROBE) console.log(await page.evaluate((pts) => { const c = document.querySelector('.ts-canvas'); const r = c.getBoundingClientRect(); const g = c.getContext('2d'); return pts.map(([x, y]) => [...g.getImageData(Math.round((x - r.left) * c.width / r.width), Math.round((y - r.top) * c.height / r.height), 1, 1).data].join(' ')); }, JSON.parse(process.env.PROBE)));
    const ms = await page.evaluate(() => document.querySelector('.ts-canvas').dataset.frameMs);
    console.log(id, 'frame ms', ms);
  }
  console.log('problems', problems);
} finally {
  await browser.close();
  server.stop();
}
