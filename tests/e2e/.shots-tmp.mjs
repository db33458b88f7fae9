import path from 'node:path';
import { ROOT, startServer, launch, watchConsole } from './lib.mjs';
const slugs = process.argv.slice(2);
const server = await startServer(undefined, ['--no-watch']);
const browser = await launch();
try {
  for (const [name, viewport] of [['d', { width: 1280, height: 800 }], ['p', { width: 390, height: 844 }]]) {
    for (const slug of slugs) {
      const page = await browser.newPage({ viewport });
      const problems = watchConsole(page);
      await page.goto(`${server.url}${slug}/`);
      await page.waitForSelector('.ts-step');
      await page.screenshot({ path: `/tmp/sa-shots/${slug}-${name}-0.png` });
      const n = await page.locator('.ts-step').count();
      for (let i = 0; i < n; i++) {
        await page.evaluate((i) => {
          const el = document.querySelectorAll('.ts-step')[i];
          window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.45);
        }, i);
        await page.waitForFunction((i) => { const c = document.querySelector('.ts-canvas'); return c.dataset.activeStep === String(i) && c.dataset.moving === 'false' && c.dataset.loading === '0'; }, i, { timeout: 30000 });
        await page.waitForTimeout(300);
        await page.screenshot({ path: `/tmp/sa-shots/${slug}-${name}-${i + 1}.png` });
      }
      console.log(slug, name, n, problems);
      await page.close();
    }
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/sa-shots/index-d.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/sa-shots/index-p.png`, fullPage: true });
} finally { await browser.close(); server.stop(); }
