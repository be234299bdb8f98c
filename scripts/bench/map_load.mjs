// Map page load benchmark: how long from navigation to the heat map view being ready, in a real browser.
//
//   node scripts/bench/map_load.mjs http://127.0.0.1:8343 [--runs 7] [--hash '#/map'] [--warm]
//
// Needs a running `chainscope serve` (for the target: a data directory with 1,000,000 generated enterprises,
//   chainscope --data-dir D generate --enterprises 1000000 --seed 7 --out F.csv
//   chainscope --data-dir D import --kind enterprises F.csv
//   chainscope --data-dir D serve)
// and Playwright (e2e/node_modules, `cd e2e && npm ci`) driving Chromium (/usr/bin/chromium or $CHROMIUM).
//
// Each run opens a fresh browser context (cold cache; --warm reuses one context, as a returning visitor would) and
// measures, from the start of navigation:
//   ready  — the view's root carries data-ready (heat cells fetched, legend and table drawn, map created)
//   map    — MapLibre has loaded its style and boundaries and drawn the heat layer (data-map="ready", map idle)
// It also times the heat request alone from Node. Prints every run, then the medians (target: ready ≤ 2 s).

import { createRequire } from 'node:module';

const require = createRequire(new URL('../../e2e/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const base = (args.find((a) => /^https?:\/\//.test(a)) || 'http://127.0.0.1:8343').replace(/\/$/, '');
const runs = Number(opt('runs', 7));
const hash = opt('hash', '#/map');
const warm = args.includes('--warm');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const stats = await (await fetch(`${base}/api/v1/stats`)).json();
console.log(`server ${base}: ${stats.counts.enterprises.toLocaleString('en')} enterprises; page ${hash}; ${runs} runs${warm ? ' (warm cache)' : ' (cold cache)'}`);

// The heat request alone (what the page asks first), from Node.
const heatUrl = `${base}/api/v1/heat?group=h3&res=7&weight=count&format=geojson&region=320300`;
const heatTimes = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = await fetch(heatUrl);
  await r.arrayBuffer();
  heatTimes.push(performance.now() - t0);
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const shared = warm ? await browser.newContext({ viewport: { width: 1280, height: 860 } }) : null;
if (shared) {
  const p = await shared.newPage();
  await p.goto(`${base}/${hash}`);
  await p.waitForSelector('#view[data-ready]', { timeout: 60000 });
  await p.close();
}
const readyTimes = [];
const mapTimes = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = shared || await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`${base}/${hash}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => {
      const m = document.getElementById('view');
      return m && m.dataset.view === 'map' && m.dataset.ready;
    }, null, { timeout: 60000, polling: 10 });
    const ready = Date.now() - t0;
    const state = await page.evaluate(() => document.getElementById('view').dataset.ready);
    if (state !== 'ok') throw new Error(`the map view ended in state ${state}`);
    await page.waitForFunction(() => {
      const m = window.__chainscopeMap;
      return document.getElementById('view').dataset.map === 'ready' && m && m.loaded() && !m.isMoving();
    }, null, { timeout: 60000, polling: 10 });
    const drawn = Date.now() - t0;
    const cells = await page.evaluate(() => document.getElementById('view').dataset.cells);
    readyTimes.push(ready);
    mapTimes.push(drawn);
    console.log(`run ${i + 1}: ready ${ready} ms, map drawn ${drawn} ms (${cells} cells)`);
    await page.close();
    if (!shared) await context.close();
  }
} finally {
  await browser.close();
}
const round = (x) => Math.round(x);
console.log(`heat request: median ${round(median(heatTimes))} ms (min ${round(Math.min(...heatTimes))}, max ${round(Math.max(...heatTimes))})`);
console.log(`map view ready: median ${round(median(readyTimes))} ms (min ${Math.min(...readyTimes)}, max ${Math.max(...readyTimes)})`);
console.log(`map drawn: median ${round(median(mapTimes))} ms (min ${Math.min(...mapTimes)}, max ${Math.max(...mapTimes)})`);
console.log(`target ready ≤ 2000 ms: ${median(readyTimes) <= 2000 ? 'met' : 'NOT met'}`);
