// The chain map (#/chain/<id>): the graph against the taxonomy and the strength API, picking a node or another chain,
// and a node's detail (trend, top countries and provinces, local enterprises).

import { join } from 'node:path';

export default function chainTests(ctx) {
  const { test, base, tax, SHOTS, MOBILE, DESKTOP, assert, eq, digits, api, newPage, ready, closePage } = ctx;

  test(60, 'chain cm: one graph node per taxonomy node, coloured by strength class, rule text, node click', async () => {
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
    await page.waitForFunction(() => location.hash.includes('reference=province') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#chain-chart', 'data-nodes')), nodes.length, 'nodes after changing the reference');
    await closePage(page);
  });

  test(70, 'chain at 390 px and picking another chain', async () => {
    const page = await newPage(MOBILE);
    await page.goto(`${base}/#/chain/cm`);
    await ready(page, 'chain');
    await page.screenshot({ path: join(SHOTS, 'chain-cm-390.png'), fullPage: true });
    const other = tax.chains.find((c) => c.id !== 'cm');
    await page.selectOption('#chain-pick', other.id);
    await page.waitForFunction((id) => location.hash.startsWith(`#/chain/${id}`) && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), other.id);
    eq(Number(await page.getAttribute('#chain-chart', 'data-nodes')), tax.nodes.filter((n) => n.chain === other.id).length, `${other.id} nodes`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow})`);
    await closePage(page);
  });

  test(160, 'chain node detail: trend chart = API series, top countries and provinces = heat API, local enterprises', async () => {
    const node = 'cm.crane';
    const [tr, countries, provinces, locals] = await Promise.all([
      api(`/api/v1/trends?node=${node}`),
      api(`/api/v1/heat?group=admin&level=country&node=${node}`),
      api(`/api/v1/heat?group=admin&level=province&node=${node}`),
      api(`/api/v1/enterprises?node=${node}&region=320300&limit=10`),
    ]);
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/chain/cm?node=${node}`);
    eq(await ready(page, 'chain'), 'ok', 'chain ready');
    await page.waitForFunction((n) => document.getElementById('node-detail').dataset.extras === n, node, { timeout: 20000 });
    const pts = tr.series[0].points;
    eq(Number(await page.getAttribute('#node-trend-chart', 'data-points')), pts.length, 'trend points = API series');
    const lines = await page.evaluate(() => document.getElementById('node-trend-chart').__chart.getOption().series.map((s) => s.data));
    eq(lines[0], pts.map((p) => p.count), 'running count line');
    eq(lines[1], pts.map((p) => p.new), 'new establishments line');
    const top = (cells) => [...cells].sort((a, b) => b.count - a.count).slice(0, 8).map((c) => [c.key, c.count]);
    eq(await page.$$eval('#node-countries li', (ls) => ls.map((l) => [l.dataset.key, Number(l.dataset.count)])), top(countries.cells), 'top countries');
    eq(await page.$$eval('#node-provinces li', (ls) => ls.map((l) => [l.dataset.key, Number(l.dataset.count)])), top(provinces.cells), 'top provinces');
    eq(await page.$$eval('#node-locals-table tbody tr', (trs) => trs.map((t) => Number(t.dataset.id))), locals.items.map((e) => e.id), 'local enterprises');
    eq(Number(await page.getAttribute('#node-locals-all', 'data-total')), locals.total, 'local total');
    const strength = await api('/api/v1/chains/cm/strength?reference=country');
    eq(locals.total, strength.nodes.find((s) => s.node === node).local.count, 'API: local list total = strength local count');
    // The local count opens the same list.
    await page.click('#node-local a');
    await page.waitForFunction(() => location.hash.startsWith('#/list') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), locals.total, 'list from the node count');
    await closePage(page);
  });
}
