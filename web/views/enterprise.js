// Enterprise profile #/enterprise/{id}: identity, location with a small map, chain nodes (to the chain map), yearly
// metrics as a chart, suppliers and customers (to their profiles), provenance.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, demoBadge } from '../api.js';
import { account } from '../session.js';
import { loadPolicies, enterpriseMatches } from './policies.js';
import {
  money, dateText, entName, regionName, countryName, hrefNode, hrefChain, hrefRegion, hrefEnterprise, flagBadges,
  breadcrumbs, panel, kv, chartBlock, drawChart, dataTable, miniMap, CHART_COLORS, emptyNote,
} from '../ui.js';

function partnerList(id, list) {
  if (!list || !list.length) return emptyNote(t('none'));
  return h('ul', { class: 'link-list', id }, list.map((p) => h('li', { dataset: { ref: p.ref || '', id: p.id ?? '' } },
    p.id !== null && p.id !== undefined
      ? h('a', { href: hrefEnterprise(p.id) }, p.name || p.ref || `#${p.id}`)
      : h('span', {}, p.name || p.ref, ' ', h('small', { class: 'muted' }, t('not_in_data'))))));
}

function membershipsBlock(list) {
  if (!list || !list.length) return emptyNote(t('no_nodes'));
  const byChain = new Map();
  for (const m of list) {
    if (!byChain.has(m.chain)) byChain.set(m.chain, { m, nodes: [] });
    byChain.get(m.chain).nodes.push(m);
  }
  return h('div', { id: 'ent-nodes' }, [...byChain.entries()].map(([chain, { m, nodes }]) => h('div', { class: 'chain-group' },
    h('h3', {}, h('a', { href: hrefChain(chain) }, tx({ zh: m.chain_name_zh, en: m.chain_name_en }) || chain)),
    h('ul', { class: 'link-list' }, nodes.map((n) => h('li', { dataset: { node: n.node } },
      h('a', { href: hrefNode(chain, n.node) }, nm(n)), ' ',
      h('span', { class: `pos pos-${n.position || 'midstream'}` }, t(n.position || 'midstream')), ' ',
      h('small', { class: 'muted' }, `${t(`src_${n.source}`) === `src_${n.source}` ? n.source : t(`src_${n.source}`)}${n.confidence < 1 ? ` · ${num(n.confidence * 100)}%` : ''}`)))))));
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const id = ctx.rest[0];
  const busy = loading();
  root.append(busy);
  let e;
  try {
    e = await getJson(`/api/v1/enterprises/${encodeURIComponent(id || '')}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('enterprise'))), errorBox(err, () => ctx.reload()),
      h('p', {}, h('a', { href: '#/list' }, t('list_heading'))));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(entName(e));
  const cleanups = [];

  const path = [...(e.region_path || [])].reverse();
  const crumbs = breadcrumbs([
    ...path.map((r) => ({ text: regionName(r), href: hrefRegion(r.code) })),
    { text: entName(e) },
  ]);
  const other = entName(e) === e.name ? e.name_en : e.name;
  const head = h('div', { class: 'view-head profile-head' },
    h('div', {}, h('p', { class: 'kind' }, t('enterprise')), h('h1', { id: 'ent-name' }, entName(e)),
      other ? h('p', { class: 'muted alt-name' }, other) : null),
    flagBadges(e.flags), demoBadge(e.synthetic));

  const identity = panel('ent-identity', t('identity'), kv([
    [t('uscc'), e.uscc ? h('code', {}, e.uscc) : null],
    [t('lei'), e.lei ? h('code', {}, e.lei) : null],
    [t('ext_id'), e.ext_id ? h('code', {}, e.ext_id) : null],
    [t('industry_code'), e.industry_code ? `${e.industry_code}${e.industry_version ? ` (GB/T 4754-${e.industry_version})` : ''}` : null],
    [t('col_founded'), dateText(e.founded), { id: 'ent-founded' }],
    [t('registered_capital'), money(e.registered_capital), { id: 'ent-capital' }],
    [t('col_revenue'), money(e.revenue), { id: 'ent-revenue' }],
    [t('col_employees'), num(e.employees), { id: 'ent-employees' }],
    [t('parent'), e.parent ? h('code', {}, e.parent) : null],
  ]), e.products ? h('p', {}, h('strong', {}, t('products'), t('colon')), e.products) : null,
  e.scope ? h('p', { class: 'scope' }, h('strong', {}, t('scope'), t('colon')), e.scope) : null);

  const mapBox = h('div', { class: 'mini-map', id: 'ent-map', role: 'region', 'aria-label': t('location') });
  const country = e.country && e.country !== 'CN' ? countryName(e.country) : null;
  const where = [e.region && e.region.level !== 'country' ? regionName(e.region) : null, country].filter(Boolean).join(' · ');
  const location = panel('ent-location', t('location'),
    kv([
      [t('address'), e.address],
      [t('col_region'), e.region ? h('a', { href: hrefRegion(e.region.code), id: 'ent-region' }, where || regionName(e.region)) : null],
      [t('coordinates'), Number.isFinite(e.lat) ? `${num(e.lat, 4)}, ${num(e.lon, 4)}` : null],
      [t('coord_precision'), e.coord_precision ? t(`prec_${e.coord_precision}`) : null],
    ]),
    mapBox);

  const nodes = panel('ent-chain', t('chain_nodes_of'), membershipsBlock(e.memberships));

  // Yearly metrics: revenue as bars (left axis), employees as a line (right axis).
  const series = [...(e.series || [])].sort((a, b) => a.year - b.year);
  let metrics;
  let chartBox = null;
  if (series.length) {
    const table = dataTable([{ label: t('year') }, { label: t('col_revenue'), num: true }, { label: t('col_employees'), num: true }],
      series.map((p) => [String(p.year), money(p.revenue), num(p.employees)]), { id: 'ent-series-table' });
    const block = chartBlock('ent-chart', t('metrics_chart', { name: entName(e) }), table, 280);
    chartBox = block.box;
    chartBox.dataset.points = String(series.length);
    metrics = panel('ent-metrics', t('metrics'), block.wrap);
  } else {
    metrics = panel('ent-metrics', t('metrics'), emptyNote(t('no_series')));
  }

  const partners = h('div', { class: 'two' },
    panel('ent-suppliers', `${t('suppliers')} (${num((e.suppliers || []).length)})`, partnerList('suppliers-list', e.suppliers)),
    panel('ent-customers', `${t('customers')} (${num((e.customers || []).length)})`, partnerList('customers-list', e.customers)));

  const prov = h('p', { class: 'provenance muted', id: 'ent-provenance' }, t('provenance'), t('colon'),
    `${e.provenance?.source || '–'}${e.provenance?.as_of ? ` · ${t('as_of')} ${e.provenance.as_of}` : ''}`);

  // 可享政策: for officers, leaders and administrators, and for the enterprise's own account.
  const me = account();
  const seesPolicies = me && (['admin', 'leader', 'officer'].includes(me.role) || (me.role === 'enterprise' && me.enterprise_id === e.id));
  const policies = seesPolicies ? panel('ent-policies', t('ent_policies'), loading()) : null;
  const fileFor = me && ['admin', 'officer'].includes(me.role)
    ? h('p', { class: 'actions' }, h('a', { class: 'btn', id: 'ent-file-ticket', href: makeHash('tickets', [], { new: '1', enterprise: String(e.id) }) }, t('ent_file_ticket')))
    : null;

  busy.replaceWith(crumbs, head, e.synthetic ? h('p', { class: 'demo-note' }, t('demo_record')) : '',
    h('div', { class: 'two' }, identity, location), policies || '', fileFor || '', nodes, metrics, partners, prov);

  if (policies) {
    try {
      const [list, mine] = await Promise.all([loadPolicies(signal), getJson(`/api/v1/enterprises/${encodeURIComponent(e.id)}/policies`, { signal })]);
      const byId = new Map(list.items.map((p) => [p.id, p]));
      policies.replaceChildren(policies.firstChild, h('p', { class: 'small muted' }, t('ent_policies_hint')),
        enterpriseMatches(mine.items, byId, { id: 'ent-policy-list' }));
      policies.dataset.n = String(mine.items.filter((m) => m.eligible || m.status === 'possible').length);
    } catch (err) {
      if (err.name === 'AbortError') return null;
      policies.replaceChildren(policies.firstChild, errorBox(err));
    }
    if (signal.aborted) return null;
  }

  if (chartBox) {
    const { dispose } = await drawChart(chartBox, {
      color: CHART_COLORS,
      tooltip: { trigger: 'axis', valueFormatter: undefined },
      legend: { top: 0, data: [t('col_revenue'), t('col_employees')] },
      grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: series.map((p) => String(p.year)) },
      yAxis: [
        { type: 'value', name: t('unit_wan'), nameTextStyle: { align: 'left' }, axisLabel: { formatter: (v) => num(v) } },
        { type: 'value', name: t('unit_people'), splitLine: { show: false }, axisLabel: { formatter: (v) => num(v) } },
      ],
      series: [
        { name: t('col_revenue'), type: 'bar', data: series.map((p) => p.revenue ?? null), tooltip: { valueFormatter: (v) => money(v) } },
        { name: t('col_employees'), type: 'line', yAxisIndex: 1, data: series.map((p) => p.employees ?? null), symbolSize: 6, tooltip: { valueFormatter: (v) => num(v) } },
      ],
    });
    cleanups.push(dispose);
  }
  const mapHref = Number.isFinite(e.lat)
    ? makeHash('map', [], { region: e.flags?.local ? '320300' : e.country === 'CN' ? 'CN' : 'all', at: `12/${e.lat.toFixed(4)}/${e.lon.toFixed(4)}` })
    : null;
  cleanups.push(await miniMap(mapBox, { points: [{ lat: e.lat, lon: e.lon, kind: 'main' }], zoom: e.region?.level === 'country' ? 4 : 9.5, href: mapHref }));
  root.dataset.ready = 'ok';
  return () => cleanups.forEach((f) => f());
}
