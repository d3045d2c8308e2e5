// First screens of two builds, alternating: cold and warm, by address.
import { chromium } from 'playwright';
import { startServer } from './serve.mjs';
const builds = { old: await startServer(0, '/tmp/probe/dist-old'), new: await startServer(0, '/tmp/probe/dist-new') };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const usable = (page, sel) => page.waitForFunction((s) => (document.querySelector(s) ? performance.now() : false), sel, { polling: 'raf', timeout: 30000 }).then((h) => h.jsonValue());
const routes = (process.env.ROUTES ? JSON.parse(process.env.ROUTES) : [['/', '#main h1'], ['/complaints', '.complaints.list'], ['/reports', '.reports']]);
const out = {};
for (let i = 0; i < Number(process.env.N || 5); i++) {
  for (const [name, s] of Object.entries(builds)) {
    for (const [route, sel] of routes) {
      const ctx = await browser.newContext({ locale: 'zh-CN' });
      const page = await ctx.newPage();
      await page.goto(s.url + route);
      const cold = await usable(page, sel);
      await page.reload();
      const warm = await usable(page, sel);
      await ctx.close();
      const k = `${name} ${route}`;
      (out[k] ||= { cold: [], warm: [] });
      out[k].cold.push(cold); out[k].warm.push(warm);
    }
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(0);
for (const [k, v] of Object.entries(out)) console.log(k.padEnd(20), 'cold', med(v.cold), 'warm', med(v.warm), '|', v.cold.map((x) => x.toFixed(0)).join(' '), '/', v.warm.map((x) => x.toFixed(0)).join(' '));
await browser.close(); for (const s of Object.values(builds)) await s.stop();
