// Browser tests: start the real `chainscope serve` on a free loopback port with a temporary data directory, drive
// Debian's Chromium with Playwright and check that what the app draws matches what the API returns.
// Usage: node e2e/run.mjs   (CHAINSCOPE_BIN overrides target/debug/chainscope; CHROMIUM overrides /usr/bin/chromium)
// Ends with "N passed, M failed"; exits non-zero when a test failed.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const BIN = process.env.CHAINSCOPE_BIN || join(repo, 'target', 'debug', 'chainscope');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(here, 'screenshots');
const MOBILE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitFor(fn, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function eq(actual, expected, msg) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg}: expected ${e}, got ${a}`);
}

const digits = (s) => Number(String(s).replace(/[^\d.-]/g, ''));

// ---------------------------------------------------------------------------------------------------------------

if (!existsSync(BIN)) {
  console.error(`no binary at ${BIN}: run cargo build -p chainscope-cli first`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
mkdirSync(SHOTS, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'chainscope-e2e-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(BIN, ['--data-dir', dataDir, 'serve', '--bind', '127.0.0.1', '--port', String(port)], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
});
let serverLog = '';
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });
let browser;
const results = [];

async function cleanup() {
  try { if (browser) await browser.close(); } catch { /* ignore */ }
  if (server.exitCode === null) server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}

const api = async (path) => {
  const r = await fetch(base + path);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
};

async function newPage(viewport = MOBILE, lang = 'zh') {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang === 'en' ? 'en-US' : 'zh-CN' });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) page.problems.push(`external request: ${r.url()}`);
  });
  return page;
}

async function ready(page, view) {
  await page.waitForFunction((v) => {
    const m = document.getElementById('view');
    return m && m.dataset.view === v && m.dataset.ready;
  }, view, { timeout: 30000 });
  return page.evaluate(() => document.getElementById('view').dataset.ready);
}

async function closePage(page, { allowProblems = false } = {}) {
  const problems = page.problems.filter((p) => !/Failed to load resource.*(404|500)/.test(p) || !allowProblems);
  await page.context().close();
  if (!allowProblems) assert(problems.length === 0, `browser problems:\n  ${problems.join('\n  ')}`);
}

async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name}\n  ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 4).join('\n  ')}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

try {
  await waitFor(async () => (await fetch(`${base}/api/v1/health`)).ok, 180000, `the server on ${base}`).catch((e) => {
    throw new Error(`${e.message}\n${serverLog}`);
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const stats = await api('/api/v1/stats');
  const tax = await api('/api/v1/taxonomy');

  await test('serving: index, files with content types and cache headers, JSON 404', async () => {
    let r = await fetch(`${base}/`);
    eq(r.status, 200, 'GET /');
    assert(r.headers.get('content-type').startsWith('text/html'), 'index is HTML');
    assert(r.headers.get('cache-control') === 'no-cache', 'index is revalidated');
    assert((r.headers.get('content-security-policy') || '').includes("default-src 'self'"), 'CSP keeps the page offline');
    const etag = r.headers.get('etag');
    r = await fetch(`${base}/`, { headers: { 'If-None-Match': etag } });
    eq(r.status, 304, 'conditional GET');
    r = await fetch(`${base}/vendor/maplibre-gl/maplibre-gl.mjs`);
    assert(r.headers.get('content-type').startsWith('text/javascript'), 'module content type');
    assert(/max-age=\d+/.test(r.headers.get('cache-control')), 'vendor files are cached');
    r = await fetch(`${base}/geo/xuzhou_districts.geojson`);
    eq(r.headers.get('content-type'), 'application/geo+json', 'boundary content type');
    eq((await r.json()).features.length, 10, 'Xuzhou districts');
    for (const p of ['/nope.html', '/views/nope.js', '/api/v2/x', '/geo/china_prefectures.geojson']) {
      r = await fetch(base + p);
      eq(r.status, 404, p);
      eq((await r.json()).error.code, 'not_found', `${p} JSON error`);
    }
    r = await fetch(`${base}/summary`);
    assert((await r.text()).includes('工程机械'), '/summary still lists the clusters');
  });

  await test('overview: ten cluster cards in three tiers with the API counts, demo mark, fair and Q1–Q3', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    eq(await ready(page, 'overview'), 'ok', 'overview ready');
    assert(page.url().endsWith('#/overview'), `redirected to #/overview, got ${page.url()}`);
    eq(await page.getAttribute('html', 'lang'), 'zh-CN', 'Chinese by default');
    const clusters = stats.tiers.flatMap((t) => t.clusters);
    eq(clusters.length, 10, 'the API has ten clusters');
    eq(await page.locator('.card').count(), clusters.length, 'one card per cluster');
    eq(await page.locator('section.tier').count(), stats.tiers.length, 'one section per tier');
    for (const cl of clusters) {
      const card = page.locator(`.card[data-cluster="${cl.id}"]`);
      eq(digits(await card.locator('.n-ent').textContent()), cl.enterprises, `${cl.id} enterprises`);
      eq(digits(await card.locator('.n-local').textContent()), cl.local_enterprises, `${cl.id} local`);
      eq(digits(await card.locator('.n-proj').textContent()), cl.projects, `${cl.id} projects`);
    }
    for (const tier of tax.tiers) {
      const border = await page.locator(`section.tier[data-tier="${tier.id}"] .card`).first()
        .evaluate((el) => getComputedStyle(el).borderTopColor);
      const hex = tier.color.replace('#', '');
      const rgb = `rgb(${parseInt(hex.slice(0, 2), 16)}, ${parseInt(hex.slice(2, 4), 16)}, ${parseInt(hex.slice(4, 6), 16)})`;
      eq(border, rgb, `${tier.id} cards use the tier colour`);
    }
    eq(await page.locator('.demo').count(), stats.demo_data ? 1 : 0, 'demo mark');
    if (stats.demo_data) eq((await page.locator('.demo').textContent()).trim(), '演示数据', 'demo mark text');
    const fair = stats.events.find((e) => e.kind === 'fair' && e.date.startsWith('2022'));
    if (fair) assert((await page.locator('#fair').textContent()).includes(String(fair.signed)), 'fair: signed projects shown');
    const y = stats.years.find((x) => x.year === 2022);
    const q = y && y.cumulative.find((c) => c.through === 'Q1-Q3');
    if (q) assert((await page.locator('#q13').textContent()).includes(String(q.signed)), 'Q1–Q3: signed shown');
    await page.screenshot({ path: join(SHOTS, 'overview-zh-390.png'), fullPage: true });
    // Keyboard: the first Tab reaches the skip link, the next ones the navigation.
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.className), 'skip', 'first Tab stop');
    await closePage(page);
  });

  await test('language: the switch turns the UI to English, survives a reload, and back', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/overview`);
    await ready(page, 'overview');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en' && document.getElementById('view').dataset.ready === 'ok');
    eq((await page.locator('#nav a[data-route="overview"]').textContent()).trim(), 'Overview', 'nav in English');
    eq((await page.locator('.card').count()), 10, 'cards after the switch');
    const cm = stats.tiers.flatMap((t) => t.clusters)[0];
    if (cm.name_en) eq((await page.locator(`.card[data-cluster="${cm.id}"] h3`).textContent()).trim(), cm.name_en, 'English cluster name');
    if (stats.demo_data) eq((await page.locator('.demo').textContent()).trim(), 'Demo data', 'demo mark in English');
    await page.screenshot({ path: join(SHOTS, 'overview-en-390.png'), fullPage: true });
    await page.reload();
    await ready(page, 'overview');
    eq(await page.getAttribute('html', 'lang'), 'en', 'language kept after reload');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    eq((await page.locator('#nav a[data-route="overview"]').textContent()).trim(), '概览', 'back to Chinese');
    await closePage(page);
  });

  // The legend's classes must partition the API's values, and the layer must be coloured by the same breaks.
  async function checkHeat(page, query) {
    const geo = await api(`/api/v1/heat?${query}&format=geojson`);
    eq(Number(await page.evaluate(() => document.getElementById('view').dataset.cells)), geo.features.length, 'cells drawn = cells returned');
    const classes = await page.$$eval('#legend li.class', (els) => els.map((e) => ({ ...e.dataset })));
    if (!geo.features.length) {
      eq(classes.length, 0, 'no classes without cells');
      return { geo, classes };
    }
    assert(classes.length >= 1 && classes.length <= 5, `1–5 legend classes, got ${classes.length}`);
    const values = geo.features.map((f) => f.properties.value);
    let total = 0;
    for (const c of classes) {
      const lo = Number(c.lo);
      const next = c.next === '' ? Infinity : Number(c.next);
      const n = values.filter((v) => v >= lo && v < next).length;
      eq(Number(c.cells), n, `legend class ${c.lo}–${c.next || c.max} count`);
      total += n;
    }
    eq(total, values.length, 'classes cover every value');
    eq(Math.min(...values), Number(classes[0].lo), 'first class starts at the minimum');
    eq(Math.max(...values), Number(classes[0].max), 'last class ends at the maximum');
    const mapState = await page.evaluate(() => document.getElementById('view').dataset.map);
    if (mapState === 'ready') {
      const drawn = await page.evaluate(() => {
        const m = window.__chainscopeMap;
        return { fill: m.getPaintProperty('heat-fill', 'fill-color'), n: m.getSource('heat').serialize().data.features?.length };
      });
      if (classes.length > 1) {
        const breaks = drawn.fill.slice(3).filter((_, i) => i % 2 === 0);
        eq(breaks, classes.slice(1).map((c) => Number(c.lo)), 'layer breaks = legend breaks');
        const colours = [drawn.fill[2], ...drawn.fill.slice(3).filter((_, i) => i % 2 === 1)];
        eq(colours, classes.map((c) => c.color), 'layer colours = legend colours');
      }
    }
    return { geo, classes };
  }

  await test('map: heat cells, legend classes matching the values, filter in the URL, cell click', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/map`);
    eq(await ready(page, 'map'), 'ok', 'map ready');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    await page.waitForFunction(() => document.getElementById('view').dataset.map, null, { timeout: 20000 }).catch(() => {});
    const mapState = await page.evaluate(() => document.getElementById('view').dataset.map);
    assert(mapState === 'ready', `MapLibre drew the map (state ${mapState})`);
    await checkHeat(page, 'group=h3&res=7&weight=count&region=320300');
    await page.waitForFunction(() => window.__chainscopeMap && window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, 'map-all-1280.png') });

    // Filter: one cluster, local enterprises only.
    const cluster = tax.clusters[0].id;
    await page.selectOption('#f-cluster', cluster);
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-local', 'true');
    await page.waitForFunction((c) => location.hash.includes(`cluster=${c}`) && location.hash.includes('local=true') && document.getElementById('view').dataset.heat === 'ok', cluster);
    const { geo } = await checkHeat(page, `group=h3&res=7&weight=count&region=320300&cluster=${cluster}&local=true`);
    assert(geo.features.length > 0, 'the filtered map is not empty');
    const summary = await page.textContent('#map-status');
    const total = geo.features.reduce((s, f) => s + f.properties.count, 0);
    assert(summary.replace(/,/g, '').includes(String(total)), `status shows ${total} enterprises: ${summary}`);

    // Clicking the hottest cell on the map shows its count.
    const top = [...geo.features].sort((a, b) => b.properties.value - a.properties.value)[0];
    await page.waitForFunction(() => window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    const px = await page.evaluate((f) => {
      const m = window.__chainscopeMap;
      const ring = f.geometry.coordinates[0].slice(0, -1);
      const c = ring.reduce((a, p) => [a[0] + p[0] / ring.length, a[1] + p[1] / ring.length], [0, 0]);
      m.jumpTo({ center: c, zoom: 10 });
      return new Promise((ok) => m.once('idle', () => {
        const p = m.project(c);
        const r = m.getCanvas().getBoundingClientRect();
        ok({ x: r.left + p.x, y: r.top + p.y });
      }));
    }, top);
    await page.mouse.click(px.x, px.y);
    await page.waitForSelector('.maplibregl-popup', { timeout: 5000 });
    eq(digits(await page.textContent('#cell-count')), top.properties.count, 'clicked cell count');
    assert((await page.textContent('.maplibregl-popup')).includes(String(top.properties.count)), 'popup shows the count');
    await page.screenshot({ path: join(SHOTS, 'map-filtered-click-1280.png') });

    // The URL restores the filters.
    const hash = await page.evaluate(() => location.hash);
    await page.goto(`${base}/${hash}`);
    await page.reload();
    await ready(page, 'map');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    eq(await page.inputValue('#f-cluster'), cluster, 'cluster restored from the URL');
    eq(await page.inputValue('#f-local'), 'true', 'local restored from the URL');
    await checkHeat(page, `group=h3&res=7&weight=count&region=320300&cluster=${cluster}&local=true`);

    // Weight and resolution change the classes, not the agreement.
    await page.selectOption('#f-weight', 'employees');
    await page.waitForFunction(() => location.hash.includes('weight=employees') && document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-res', '6');
    await page.waitForFunction(() => location.hash.includes('res=6') && document.getElementById('view').dataset.heat === 'ok');
    await checkHeat(page, `group=h3&res=6&weight=employees&region=320300&cluster=${cluster}&local=true`);

    // A wider area: all of China, coarser cells, no cluster.
    await page.click('#f-reset');
    await page.waitForFunction(() => !location.hash.includes('cluster=') && document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-region', 'CN');
    await page.waitForFunction(() => location.hash.includes('region=CN') && document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-res', '5');
    await page.waitForFunction(() => location.hash.includes('res=5') && document.getElementById('view').dataset.heat === 'ok');
    await checkHeat(page, 'group=h3&res=5&weight=count&region=CN');
    await page.waitForFunction(() => window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, 'map-china-1280.png') });
    await closePage(page);
  });

  await test('map at 390 px: legend and top cells readable, English', async () => {
    const page = await newPage(MOBILE);
    await page.goto(`${base}/#/overview`);
    await ready(page, 'overview');
    await page.click('#lang');
    await page.goto(`${base}/#/map?tier=${tax.tiers[0].id}`);
    await page.reload();
    await ready(page, 'map');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    await checkHeat(page, `group=h3&res=7&weight=count&region=320300&tier=${tax.tiers[0].id}`);
    eq((await page.locator('#legend h2').textContent()).startsWith('Legend'), true, 'legend in English');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow})`);
    await page.waitForFunction(() => window.__chainscopeMap && window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, 'map-en-390.png'), fullPage: true });
    await closePage(page);
  });

  await test('chain cm: one graph node per taxonomy node, coloured by strength class, rule text, node click', async () => {
    const strength = await api('/api/v1/chains/cm/strength?reference=country');
    const nodes = tax.nodes.filter((n) => n.chain === 'cm');
    assert(nodes.length > 0, 'chain cm has nodes');
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/chain/cm`);
    eq(await ready(page, 'chain'), 'ok', 'chain ready');
    eq(Number(await page.getAttribute('#chain-chart', 'data-nodes')), nodes.length, 'graph nodes = taxonomy nodes');
    const series = await page.evaluate(() => {
      const s = window.__chainscopeChart.getOption().series[0];
      return { ids: s.data.map((d) => d.id), colours: Object.fromEntries(s.data.map((d) => [d.id, d.itemStyle.color])), links: s.links.length };
    });
    eq([...series.ids].sort(), nodes.map((n) => n.id).sort(), 'graph node ids');
    const edges = nodes.flatMap((n) => (n.supplies || []).filter((to) => nodes.some((m) => m.id === to)));
    eq(series.links, edges.length, 'graph edges = supply edges within the chain');
    const colourOf = await page.$$eval('#strength-legend li', (els) => Object.fromEntries(els.map((e) => [e.dataset.class, getComputedStyle(e.querySelector('.chip')).backgroundColor])));
    const hexToRgb = (hx) => `rgb(${parseInt(hx.slice(1, 3), 16)}, ${parseInt(hx.slice(3, 5), 16)}, ${parseInt(hx.slice(5, 7), 16)})`;
    for (const s of strength.nodes) {
      eq(hexToRgb(series.colours[s.node]), colourOf[s.class], `${s.node} coloured as ${s.class}`);
    }
    for (const cls of ['missing', 'weak', 'present', 'strong']) {
      eq(Number(await page.getAttribute(`#strength-legend li[data-class="${cls}"]`, 'data-count')), strength.nodes.filter((s) => s.class === cls).length, `${cls} count`);
    }
    assert((await page.textContent('#rule')).includes(strength.rule.text.zh), 'the rule text is shown');
    eq(await page.locator('#nodes-table tbody tr').count(), nodes.length, 'table rows');
    await page.screenshot({ path: join(SHOTS, 'chain-cm-1280.png'), fullPage: true });

    // Click a node in the chart: its LQ and local count appear.
    const target = [...strength.nodes].sort((a, b) => b.local.count - a.local.count)[0];
    const px = await page.evaluate((id) => {
      const c = window.__chainscopeChart;
      const s = c.getOption().series[0];
      const d = s.data.find((x) => x.id === id);
      const p = c.convertToPixel({ seriesIndex: 0 }, d.value);
      const r = c.getDom().getBoundingClientRect();
      return { x: r.left + p[0], y: r.top + p[1] };
    }, target.node);
    await page.mouse.click(px.x, px.y);
    await page.waitForFunction(() => location.hash.includes('node='));
    eq(digits(await page.textContent('#node-local')), target.local.count, 'clicked node: local count');
    const lq = target.lq_count === null ? '–' : target.lq_count.toFixed(2);
    eq((await page.textContent('#node-lq')).trim(), lq, 'clicked node: LQ');
    assert(page.url().includes(`node=${encodeURIComponent(target.node)}`), 'node kept in the URL');
    await page.screenshot({ path: join(SHOTS, 'chain-cm-node-1280.png'), fullPage: true });

    // Keyboard: the table's node buttons select too; the reference selector reloads with the other reference.
    await page.focus('#nodes-table tbody tr:first-child button');
    await page.keyboard.press('Enter');
    eq((await page.textContent('#node-detail h2')).includes(nodes[0].name_zh), true, 'keyboard selection');
    await page.selectOption('#chain-ref', 'province');
    await page.waitForFunction(() => location.hash.includes('reference=province') && document.getElementById('view').dataset.ready === 'ok');
    eq(Number(await page.getAttribute('#chain-chart', 'data-nodes')), nodes.length, 'nodes after changing the reference');
    await closePage(page);
  });

  await test('chain at 390 px and picking another chain', async () => {
    const page = await newPage(MOBILE);
    await page.goto(`${base}/#/chain/cm`);
    await ready(page, 'chain');
    await page.screenshot({ path: join(SHOTS, 'chain-cm-390.png'), fullPage: true });
    const other = tax.chains.find((c) => c.id !== 'cm');
    await page.selectOption('#chain-pick', other.id);
    await page.waitForFunction((id) => location.hash.startsWith(`#/chain/${id}`) && document.getElementById('view').dataset.ready === 'ok', other.id);
    eq(Number(await page.getAttribute('#chain-chart', 'data-nodes')), tax.nodes.filter((n) => n.chain === other.id).length, `${other.id} nodes`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow})`);
    await closePage(page);
  });

  await test('errors: failed or refused fetches show a message, never a blank page', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/chain/nope`);
    eq(await ready(page, 'chain'), 'error', 'unknown chain');
    assert(await page.locator('#view [role=alert]').isVisible(), 'message for an unknown chain');
    await page.route('**/api/v1/stats', (r) => r.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"boom","message":"server exploded"}}' }));
    await page.goto(`${base}/#/overview`);
    await page.reload();
    eq(await ready(page, 'overview'), 'error', 'overview with a failing API');
    assert((await page.textContent('.error')).includes('server exploded'), 'the server message is shown');
    await page.screenshot({ path: join(SHOTS, 'error-overview-390.png'), fullPage: true });
    await page.unroute('**/api/v1/stats');
    await page.click('.error button');
    await page.waitForFunction(() => document.getElementById('view').dataset.ready === 'ok');
    eq(await page.locator('.card').count(), 10, 'retry after the API recovers');
    await page.route('**/api/v1/heat*', (r) => r.abort());
    await page.goto(`${base}/#/map`);
    await ready(page, 'map');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'error');
    assert(await page.locator('#map-status .error').isVisible(), 'message when the heat request fails');
    await page.goto(`${base}/#/nowhere`);
    eq(await ready(page, 'nowhere'), 'error', 'unknown route');
    await closePage(page, { allowProblems: true });
  });
} catch (e) {
  results.push({ name: 'setup', ok: false });
  console.log(`not ok - setup\n  ${e && e.stack ? e.stack : e}`);
} finally {
  await cleanup();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`screenshots: ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
