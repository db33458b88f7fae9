// throwaway: node .shot.tmp.mjs <baseurl> <out-prefix> <stepid>...
import { launch, settled } from './lib.mjs';
const [base, out, ...ids] = process.argv.slice(2);
const browser = await launch({ webgl: true });
for (const [name, vp] of [['desk', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  const ctx = await browser.newContext({ viewport: vp, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('console:', m.text()); });
  await page.goto(base);
  await page.waitForSelector('.ts-step');
  for (const id of ids) {
    const i = await page.evaluate((id) => [...document.querySelectorAll('.ts-step')].findIndex((e) => e.id === id), id);
    if (i < 0) { console.log('no step', id); continue; }
    await page.evaluate((i) => { const el = document.querySelectorAll('.ts-step')[i]; window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.4); }, i);
    await settled(page, i);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}-${id}-${name}.png` });
  }
  await ctx.close();
}
await browser.close();
