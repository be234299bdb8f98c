// Chain map: one chain's nodes from upstream to downstream (by `layer`), coloured by strength class from
// /api/v1/chains/{id}/strength, with the rule text; selecting a node shows its location quotients and counts (each
// linking to the enterprises it counts), its yearly trend, its top countries and provinces and its local enterprises.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, h, errorBox, loading, tierColor, listHref, demoBadge, isDemoData } from '../api.js';
import { countLink, enterpriseTable, chartBlock, drawChart, dataTable, countryName, regionName, emptyNote, CHART_COLORS } from '../ui.js';

const HOME = '320300';
const TOP_REGIONS = 8;

export const CLASS_COLORS = { missing: '#d9480f', weak: '#f59f00', present: '#4c8fd6', strong: '#2b8a3e' };
const CLASSES = ['missing', 'weak', 'present', 'strong'];
const REFERENCES = ['province', 'country', 'world'];

function fmtLq(v) {
  return v === null || v === undefined ? '–' : num(v, 2);
}

/** Node positions: x = the layer's column (upstream on the left), y in [0, 1] spread evenly within the column. */
function layout(nodes) {
  const layers = [...new Set(nodes.map((n) => n.layer ?? 0))].sort((a, b) => a - b);
  const out = new Map();
  for (const [li, layer] of layers.entries()) {
    const inLayer = nodes.filter((n) => (n.layer ?? 0) === layer);
    inLayer.forEach((n, i) => out.set(n.id, [li, (i + 0.5) / inLayer.length]));
  }
  return { layers: layers.length, pos: out };
}

/** The largest number of nodes in one layer. */
function tallest(nodes) {
  const per = new Map();
  for (const n of nodes) per.set(n.layer ?? 0, (per.get(n.layer ?? 0) || 0) + 1);
  return Math.max(1, ...per.values());
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let tax, demo;
  try {
    [tax, demo] = await Promise.all([getJson('/api/v1/taxonomy', { signal, cached: true }), isDemoData(signal)]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  let chainId = ctx.rest[0];
  if (!chainId) {
    chainId = tax.chains[0] && tax.chains[0].id;
    if (chainId) ctx.setParams({}, [chainId]);
  }
  const chain = tax.chains.find((c) => c.id === chainId);
  const reference = REFERENCES.includes(ctx.params.get('reference')) ? ctx.params.get('reference') : 'country';

  const picker = h('label', { class: 'field', for: 'chain-pick' }, h('span', {}, t('chain_pick')),
    h('select', { id: 'chain-pick', onchange: (e) => ctx.navigate(`#/chain/${encodeURIComponent(e.target.value)}?reference=${reference}`) },
      chain ? null : h('option', { value: '', selected: true }, '—'),
      tax.clusters.map((cl) => h('optgroup', { label: nm(cl) },
        tax.chains.filter((c) => c.cluster === cl.id).map((c) => h('option', { value: c.id, selected: c.id === chainId }, nm(c)))))));
  const refPick = h('label', { class: 'field', for: 'chain-ref' }, h('span', {}, t('chain_reference')),
    h('select', { id: 'chain-ref', onchange: (e) => ctx.navigate(`#/chain/${encodeURIComponent(chainId)}?reference=${e.target.value}`) },
      REFERENCES.map((r) => h('option', { value: r, selected: r === reference }, t(`ref_${r}`)))));
  const head = h('div', { class: 'view-head' }, h('h1', {}, t('chain_heading')));
  const controls = h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, picker, refPick);
  if (!chain) {
    busy.replaceWith(head, controls, h('div', { class: 'error', role: 'alert' }, t('error_fetch', { msg: `no chain '${chainId ?? ''}'` })));
    root.dataset.ready = 'error';
    return null;
  }

  let strength;
  try {
    strength = await getJson(`/api/v1/chains/${encodeURIComponent(chainId)}/strength?reference=${reference}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(head, controls, errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }

  const cluster = tax.clusters.find((c) => c.id === chain.cluster);
  const color = tierColor(tax, cluster && cluster.tier);
  const nodes = tax.nodes.filter((n) => n.chain === chainId);
  const byId = new Map(strength.nodes.map((s) => [s.node, s]));
  const counts = Object.fromEntries(CLASSES.map((c) => [c, 0]));
  for (const n of nodes) counts[byId.get(n.id)?.class || 'missing'] += 1;

  const chartBox = h('div', { class: 'chain-chart', id: 'chain-chart', role: 'img', 'aria-label': `${nm(chain)} · ${t('chain_nodes', { n: nodes.length })}` });
  const detail = h('section', { class: 'panel node-detail', id: 'node-detail', 'aria-live': 'polite' });
  const legend = h('ul', { class: 'strength-legend', id: 'strength-legend' }, CLASSES.map((c) => h('li', { dataset: { class: c, count: counts[c] } },
    h('span', { class: 'chip', style: { background: CLASS_COLORS[c] }, 'aria-hidden': 'true' }), `${t(`s_${c}`)} ${counts[c]}`)));
  const rule = h('section', { class: 'panel rule', id: 'rule' }, h('h2', {}, t('rule')), h('p', {}, tx(strength.rule && strength.rule.text)),
    strength.rule && strength.rule.lq ? h('p', { class: 'muted' }, tx(strength.rule.lq)) : null);

  const rows = nodes.map((n) => {
    const s = byId.get(n.id) || {};
    return h('tr', { dataset: { node: n.id, class: s.class || 'missing' } },
      h('td', {}, h('button', { type: 'button', class: 'linkish', onclick: () => select(n.id) }, nm(n))),
      h('td', {}, t(n.position || 'midstream')),
      h('td', {}, h('span', { class: `badge s-${s.class || 'missing'}` }, t(`s_${s.class || 'missing'}`))),
      h('td', { class: 'num' }, countLink(s.local?.count ?? 0, { node: n.id, region: strength.home_region || HOME })),
      h('td', { class: 'num' }, fmtLq(s.lq_count)));
  });
  const table = h('section', { class: 'panel' }, h('h2', {}, t('nodes_table')), h('div', { class: 'scroll' }, h('table', { id: 'nodes-table' },
    h('thead', {}, h('tr', {}, [t('node'), t('position'), t('class'), t('local_count'), t('lq_count')].map((x, i) => h('th', { scope: 'col', class: i >= 3 ? 'num' : null }, x)))),
    h('tbody', {}, rows))));

  busy.replaceWith(
    h('div', { class: 'view-head', style: { '--tier': color } }, h('h1', {}, h('span', { class: 'swatch', 'aria-hidden': 'true' }), nm(chain)),
      h('span', { class: 'muted' }, `${nm(cluster)} · ${t('chain_nodes', { n: nodes.length })}`), demoBadge(demo) || ''),
    controls, legend, chartBox, detail, rule, table);

  let chart = null;

  let extrasCtl = null;
  let trendDispose = null;
  const home = strength.home_region || HOME;
  const refRegion = strength.reference_region || null;

  function select(id) {
    const n = nodes.find((x) => x.id === id);
    const s = byId.get(id);
    for (const r of rows) r.classList.toggle('selected', r.dataset.node === id);
    if (extrasCtl) extrasCtl.abort();
    if (trendDispose) { trendDispose(); trendDispose = null; }
    if (!n) { detail.replaceChildren(h('p', { class: 'muted' }, t('node_pick_hint'))); return; }
    const refs = (list) => (list && list.length ? list.map((r) => nm(tax.nodes.find((x) => x.id === r.node)) || r.node).join(t('list_sep')) : t('none'));
    const trend = h('div', { class: 'node-extra', id: 'node-trend' }, h('h3', {}, t('node_trend')), h('p', { class: 'loading' }, t('loading')));
    const regions = h('div', { class: 'node-extra', id: 'node-regions' }, h('h3', {}, t('node_top_regions')), h('p', { class: 'loading' }, t('loading')));
    const locals = h('div', { class: 'node-extra', id: 'node-locals' }, h('h3', {}, t('node_local_enterprises')), h('p', { class: 'loading' }, t('loading')));
    detail.replaceChildren(h('h2', {}, t('node_detail'), t('colon'), nm(n)),
      h('dl', { class: 'kv' },
        h('div', {}, h('dt', {}, t('class')), h('dd', {}, h('span', { class: `badge s-${s?.class || 'missing'}` }, t(`s_${s?.class || 'missing'}`)))),
        h('div', {}, h('dt', {}, t('lq_count')), h('dd', { id: 'node-lq' }, fmtLq(s?.lq_count))),
        h('div', {}, h('dt', {}, t('lq_employees')), h('dd', {}, fmtLq(s?.lq_employees))),
        h('div', {}, h('dt', {}, t('local_count')), h('dd', { id: 'node-local' }, countLink(s?.local?.count ?? 0, { node: id, region: home }))),
        h('div', {}, h('dt', {}, t('reference_count')), h('dd', { id: 'node-ref' }, countLink(s?.reference?.count ?? 0, { node: id, region: refRegion || '' }))),
        h('div', {}, h('dt', {}, t('world_count')), h('dd', { id: 'node-world' }, countLink(s?.world_count ?? 0, { node: id }))),
        h('div', {}, h('dt', {}, t('leaders')), h('dd', { id: 'node-leaders' }, countLink(s?.leaders?.length ?? 0, { node: id, region: home, flags: 'chain_leader' })))),
      s?.reason ? h('p', {}, h('strong', {}, t('reason'), t('colon')), tx(s.reason)) : null,
      h('p', { class: 'muted' }, `${t('suppliers_of')}${t('colon')}${refs(s?.upstream)}`),
      h('p', { class: 'muted' }, `${t('customers_of')}${t('colon')}${refs(s?.downstream)}`),
      h('div', { class: 'node-extras' }, trend, regions, locals));
    ctx.setParams({ reference: reference === 'country' ? '' : reference, node: id });
    if (chart) chart.dispatchAction({ type: 'highlight', seriesIndex: 0, name: id });
    extrasCtl = new AbortController();
    const mine = extrasCtl;
    signal.addEventListener('abort', () => mine.abort(), { once: true });
    loadExtras(n, { trend, regions, locals }, mine.signal);
  }

  async function loadExtras(n, boxes, sig) {
    const id = n.id;
    const fail = (box, e) => { if (e.name !== 'AbortError') box.replaceChildren(box.firstChild, errorBox(e)); };
    // Trend: new establishments per year and the running count, worldwide.
    const trendJob = getJson(`/api/v1/trends?node=${encodeURIComponent(id)}`, { signal: sig }).then(async (tr) => {
      const series = (tr.series || []).find((x) => x.node === id) || (tr.series || [])[0];
      const pts = series ? series.points || [] : [];
      if (!pts.length) { boxes.trend.replaceChildren(boxes.trend.firstChild, emptyNote(t('no_series'))); return; }
      const table = dataTable([{ label: t('year') }, { label: t('new_establishments'), num: true }, { label: t('running_count'), num: true }],
        pts.map((p) => [String(p.year), num(p.new), num(p.count)]));
      const block = chartBlock('node-trend-chart', t('node_trend_chart', { name: nm(n) }), table, 220);
      block.box.dataset.points = String(pts.length);
      boxes.trend.replaceChildren(boxes.trend.firstChild, block.wrap,
        series.unknown_founded ? h('p', { class: 'muted small' }, t('unknown_founded', { n: num(series.unknown_founded) })) : '');
      if (sig.aborted) return;
      const { dispose } = await drawChart(block.box, {
        color: CHART_COLORS,
        tooltip: { trigger: 'axis' },
        legend: { top: 0, data: [t('running_count'), t('new_establishments')] },
        grid: { left: 8, right: 8, top: 32, bottom: 4, containLabel: true },
        xAxis: { type: 'category', data: pts.map((p) => String(p.year)) },
        yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', minInterval: 1, splitLine: { show: false } }],
        series: [
          { name: t('running_count'), type: 'line', data: pts.map((p) => p.count), symbolSize: 5 },
          { name: t('new_establishments'), type: 'line', yAxisIndex: 1, data: pts.map((p) => p.new), symbolSize: 5, lineStyle: { type: 'dashed' } },
        ],
      });
      if (sig.aborted) dispose(); else trendDispose = dispose;
    }).catch((e) => fail(boxes.trend, e));
    // Top countries and Chinese provinces by enterprises on the node.
    const regionJob = Promise.all([
      getJson(`/api/v1/heat?group=admin&level=country&node=${encodeURIComponent(id)}`, { signal: sig }),
      getJson(`/api/v1/heat?group=admin&level=province&node=${encodeURIComponent(id)}`, { signal: sig }),
      getJson('/api/v1/regions/CN', { signal: sig, cached: true }).catch(() => null),
    ]).then(([countries, provinces, cn]) => {
      const provName = new Map(((cn && cn.children) || []).map((c) => [c.code, regionName(c)]));
      const top = (cells) => [...(cells || [])].sort((a, b) => b.count - a.count).slice(0, TOP_REGIONS);
      const list = (cid, title, cells, name) => h('div', { class: 'top-regions' }, h('h4', {}, title),
        cells.length ? h('ol', { id: cid }, cells.map((c) => h('li', { dataset: { key: c.key, count: String(c.count) } },
          h('span', { class: 'rname' }, name(c.key)), ' ', countLink(c.count, { node: id, region: c.key }))))
          : emptyNote(t('none')));
      boxes.regions.replaceChildren(boxes.regions.firstChild, h('div', { class: 'two-lists' },
        list('node-countries', t('top_countries'), top(countries.cells), (k) => countryName(k)),
        list('node-provinces', t('top_provinces'), top(provinces.cells), (k) => provName.get(k) || k)));
    }).catch((e) => fail(boxes.regions, e));
    // Local enterprises on the node (home city), largest first.
    const localJob = getJson(`/api/v1/enterprises?${new URLSearchParams({ node: id, region: home, limit: '10' })}`, { signal: sig }).then((page) => {
      boxes.locals.replaceChildren(boxes.locals.firstChild,
        page.items.length ? enterpriseTable(page.items, { id: 'node-locals-table', caption: t('node_local_enterprises'), nodes: false }) : emptyNote(t('none')),
        h('p', {}, h('a', { href: listHref({ node: id, region: home }), id: 'node-locals-all', dataset: { total: String(page.total) } },
          t('see_all_n', { n: num(page.total) }))));
    }).catch((e) => fail(boxes.locals, e));
    await Promise.all([trendJob, regionJob, localJob]);
    if (!sig.aborted) detail.dataset.extras = id;
  }

  const echarts = await import('../vendor/echarts/echarts.esm.min.mjs');
  if (signal.aborted) return null;
  const draw = () => {
    const width = chartBox.clientWidth || 360;
    const wide = width >= 640;
    chartBox.style.height = `${Math.max(360, tallest(nodes) * (wide ? 58 : 76) + 40)}px`;
    if (!chart) chart = echarts.init(chartBox, null, { renderer: 'canvas' });
    else chart.resize();
    const { layers, pos } = layout(nodes);
    const colW = width / Math.max(1, layers);
    const ids = new Set(nodes.map((n) => n.id));
    const data = nodes.map((n) => {
      const s = byId.get(n.id);
      const cls = s?.class || 'missing';
      const [x, y] = pos.get(n.id);
      return {
        id: n.id, name: n.id, value: [x, y], count: s?.local?.count ?? 0,
        symbolSize: (wide ? 14 : 10) + Math.min(wide ? 22 : 14, Math.sqrt(s?.local?.count ?? 0) * (wide ? 2 : 1.4)),
        itemStyle: { color: CLASS_COLORS[cls], borderColor: '#fff', borderWidth: 1.5 },
        label: { show: true, formatter: nm(n), position: 'bottom', distance: 3, fontSize: wide ? 12 : 11, lineHeight: wide ? 14 : 13, color: '#1f2933', width: Math.max(56, Math.min(150, colW - 10)), overflow: 'break', align: 'center' },
        cls,
      };
    });
    const links = nodes.flatMap((n) => (n.supplies || []).filter((to) => ids.has(to)).map((to) => ({ source: n.id, target: to })));
    chart.setOption({
      animation: false,
      tooltip: { formatter: (p) => (p.dataType === 'node' ? `${nm(nodes.find((x) => x.id === p.data.id))}<br>${t(`s_${p.data.cls}`)} · ${t('local_count')} ${num(p.data.count)}` : '') },
      // A hidden cartesian grid places the nodes: unlike the graph's own view it does not keep the data's aspect ratio.
      grid: { left: 0, right: 0, top: 14, bottom: 34 },
      xAxis: { type: 'value', min: -0.5, max: layers - 0.5, show: false },
      yAxis: { type: 'value', min: 0, max: 1, inverse: true, show: false },
      series: [{
        type: 'graph', layout: 'none', coordinateSystem: 'cartesian2d', data, links,
        edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 7,
        lineStyle: { color: '#8a94a0', width: 1, curveness: 0.1, opacity: wide ? 0.5 : 0.35 },
        nodeScaleRatio: 0,
        emphasis: { focus: 'adjacency', lineStyle: { width: 2.5 } },
      }],
    }, true);
    chartBox.dataset.nodes = String(data.length);
    chartBox.dataset.links = String(links.length);
  };
  draw();
  chart.on('click', (p) => { if (p.dataType === 'node') select(p.data.id); });
  const onResize = () => draw();
  window.addEventListener('resize', onResize);
  window.__chainscopeChart = chart;
  select(ctx.params.get('node') || '');
  root.dataset.ready = 'ok';
  return () => {
    window.removeEventListener('resize', onResize);
    if (extrasCtl) extrasCtl.abort();
    if (trendDispose) trendDispose();
    chart.dispose();
    window.__chainscopeChart = null;
  };
}
