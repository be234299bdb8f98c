// Region profile #/region/{code}: breadcrumbs up the hierarchy, children, clusters, top nodes, chain leaders, parks,
// projects by stage and new establishments per year. Every enterprise count opens the list of those enterprises.

import { t, nm, num } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, demoBadge, tierColor } from '../api.js';
import {
  money, regionName, hrefNode, hrefRegion, parkLink, breadcrumbs, panel, kv, enterpriseTable, countLink, emptyNote,
  chartBlock, drawChart, dataTable, CHART_COLORS,
} from '../ui.js';
import { kindLabel } from './park.js';

const STAGES = ['lead', 'contact', 'negotiating', 'signed', 'registered', 'started', 'producing', 'dropped'];

export function levelLabel(level) {
  const key = `lvl_${level}`;
  const s = t(key);
  return s === key ? level : s;
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const asked = ctx.rest[0] || '';
  const busy = loading();
  root.append(busy);
  let d, tax;
  try {
    [d, tax] = await Promise.all([
      getJson(`/api/v1/regions/${encodeURIComponent(asked)}`, { signal }),
      getJson('/api/v1/taxonomy', { signal, cached: true }),
    ]);
  } catch (err) {
    if (err.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('region'))), errorBox(err, () => ctx.reload()),
      h('p', {}, h('a', { href: '#/region/320300' }, t('region_320300'))));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  const r = d.region;
  const code = r.code; // a retired code resolves to its successor: the lists filter by the successor
  const f = { region: code };
  ctx.setTitle(regionName(r));
  const cleanups = [];

  const crumbs = breadcrumbs([
    ...[...(d.ancestors || [])].reverse().map((a) => ({ text: regionName(a), href: hrefRegion(a.code) })),
    { text: regionName(r) },
  ]);
  const ent = d.enterprises || {};
  const head = h('div', { class: 'view-head profile-head' },
    h('div', {}, h('p', { class: 'kind' }, levelLabel(r.level), r.zone_level ? ` · ${t(`level_${r.zone_level}`)}` : ''),
      h('h1', { id: 'region-name' }, regionName(r)),
      h('p', { class: 'muted alt-name' }, [nm(r) === r.name_zh ? r.name_en : r.name_zh, h('code', {}, code)].filter(Boolean).map((x, i) => [i ? ' · ' : '', x]))),
    demoBadge(ent.synthetic > 0) || '',
    Number.isFinite(r.lat) ? h('a', { class: 'btn small', id: 'region-on-map', href: makeHash('map', [], {
      region: r.level === 'country' && r.code !== 'CN' ? 'all' : code,
      at: `${{ country: 4, province: 6, prefecture: 8, county: 9.5, zone: 11 }[r.level] ?? 8}/${r.lat.toFixed(4)}/${r.lon.toFixed(4)}`,
    }) }, t('ov_on_map')) : '');
  const retired = d.retired || (d.asked && d.asked !== code)
    ? h('p', { class: 'note', id: 'region-retired' }, t('region_retired', { asked: d.asked, name: regionName(r), code })) : null;

  const figures = h('section', { class: 'panel', 'aria-label': t('ov_counts') }, h('div', { class: 'figures', id: 'region-figures' },
    h('div', { class: 'figure' }, h('span', { class: 'fig-value', id: 'region-total' }, countLink(ent.total, f)), h('span', { class: 'fig-label' }, t('enterprises'))),
    h('div', { class: 'figure' }, h('span', { class: 'fig-value', id: 'region-synthetic' }, countLink(ent.synthetic, { ...f, synthetic: 'true' })), h('span', { class: 'fig-label' }, t('of_which_demo'))),
    h('div', { class: 'figure' }, h('span', { class: 'fig-value' }, money(ent.revenue)), h('span', { class: 'fig-label' }, t('col_revenue'))),
    h('div', { class: 'figure' }, h('span', { class: 'fig-value' }, num(ent.employees)), h('span', { class: 'fig-label' }, t('col_employees'))),
    r.lead_clusters && r.lead_clusters.length ? h('div', { class: 'figure' }, h('span', { class: 'fig-extra' },
      r.lead_clusters.map((c) => nm(tax.clusters.find((x) => x.id === c)) || c).join(t('list_sep'))), h('span', { class: 'fig-label' }, t('lead_industries'))) : null));

  const children = d.children || [];
  const childBlock = children.length ? panel('region-children', t('children', { n: num(children.length) }),
    h('div', { class: 'scroll' }, dataTable([{ label: t('col_name') }, { label: t('level') }, { label: t('enterprises'), num: true }],
      children.map((c) => [h('a', { href: hrefRegion(c.code) }, regionName(c)), levelLabel(c.level), countLink(c.enterprises, { region: c.code })]),
      { id: 'children-table' }))) : null;

  const clusters = (d.clusters || []).filter((c) => c.count > 0);
  const maxC = Math.max(1, ...clusters.map((c) => c.count));
  const clusterBlock = panel('region-clusters', t('clusters_here'), clusters.length
    ? h('ul', { class: 'bars', id: 'clusters-list' }, clusters.map((c) => h('li', { style: { '--tier': tierColor(tax, c.tier) }, dataset: { cluster: c.cluster } },
      h('span', { class: 'bar-label' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), nm(c)),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill', style: { width: `${(100 * c.count) / maxC}%` } })),
      h('span', { class: 'bar-value' }, countLink(c.count, { ...f, cluster: c.cluster })))))
    : emptyNote(t('none')));

  const nodes = d.nodes || [];
  const nodeBlock = panel('region-nodes', t('top_nodes'), nodes.length
    ? h('div', { class: 'scroll' }, dataTable([{ label: t('node') }, { label: t('f_chain') }, { label: t('enterprises'), num: true }],
      nodes.map((n) => [h('a', { href: hrefNode(n.chain, n.node) }, nm(n)), nm(tax.chains.find((c) => c.id === n.chain)) || n.chain,
        countLink(n.count, { ...f, node: n.node })]), { id: 'nodes-top' }))
    : emptyNote(t('none')));

  const years = [...(d.founded_by_year || [])].sort((a, b) => a.year - b.year);
  let yearBlock;
  let yearBox = null;
  if (years.length) {
    const table = dataTable([{ label: t('year') }, { label: t('new_establishments'), num: true }],
      years.map((y) => [String(y.year), countLink(y.count, { ...f, founded_from: y.year, founded_to: y.year })]), { id: 'years-table' });
    const block = chartBlock('region-years', t('new_per_year_chart', { name: regionName(r) }), table, 240);
    yearBox = block.box;
    yearBox.dataset.points = String(years.length);
    yearBlock = panel('region-founded', t('new_per_year'), h('p', { class: 'muted small' }, t('bar_click_hint')), block.wrap);
  } else yearBlock = panel('region-founded', t('new_per_year'), emptyNote(t('no_series')));

  const leaders = d.leaders || [];
  const leaderBlock = panel('region-leaders', `${t('chain_leaders')} (${num(leaders.length)})`, leaders.length
    ? [enterpriseTable(leaders, { id: 'leaders-table', caption: t('chain_leaders') }),
      h('p', {}, h('a', { href: makeHash('list', [], { ...f, flags: 'chain_leader' }) }, t('all_leaders')))]
    : emptyNote(t('none')));

  const parks = d.parks || [];
  const zones = parks.filter((p) => p.kind === 'park');
  const carriers = parks.filter((p) => p.kind !== 'park');
  const parkBlock = parks.length ? panel('region-parks', t('parks_here', { p: num(zones.length), c: num(carriers.length) }),
    zones.length ? h('ul', { class: 'link-list cols', id: 'parks-list' }, zones.map((p) => h('li', {}, parkLink(p),
      p.level ? h('small', { class: 'muted' }, ` · ${t(`level_${p.level}`)}`) : null))) : null,
    carriers.length ? h('details', {}, h('summary', {}, t('carriers_here', { n: num(carriers.length), s: num(carriers.filter((c) => c.has_space).length) })),
      h('ul', { class: 'link-list cols', id: 'carriers-list' }, carriers.map((p) => h('li', {}, parkLink(p), h('small', { class: 'muted' }, ` · ${kindLabel(p.kind)}`),
        p.has_space ? h('span', { class: 'badge s-strong' }, t('space_available')) : null)))) : null) : null;

  const projects = d.projects || [];
  const byStage = new Map(projects.map((p) => [p.stage, p]));
  const projectBlock = projects.length ? panel('region-projects', t('projects_by_stage'),
    h('div', { class: 'scroll' }, dataTable([{ label: t('stage') }, { label: t('projects'), num: true }, { label: t('amount'), num: true }],
      [...STAGES.filter((s) => byStage.has(s)), ...projects.map((p) => p.stage).filter((s) => !STAGES.includes(s))].map((s) => {
        const p = byStage.get(s);
        return [t(`stage_${s}`) === `stage_${s}` ? s : t(`stage_${s}`), num(p.count), money(p.amount)];
      }), { id: 'projects-table' })),
    h('p', { class: 'muted small' }, t('projects_note'))) : null;

  busy.replaceWith(crumbs, head, retired || '', figures, h('div', { class: 'two' }, clusterBlock, nodeBlock), yearBlock, childBlock || '',
    leaderBlock, h('div', { class: 'two' }, parkBlock || '', projectBlock || ''));

  if (yearBox) {
    const { chart, dispose } = await drawChart(yearBox, {
      color: CHART_COLORS,
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 8, top: 16, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: years.map((y) => String(y.year)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: t('new_establishments'), type: 'bar', data: years.map((y) => y.count), cursor: 'pointer' }],
    });
    chart.on('click', (p) => {
      const y = years[p.dataIndex];
      if (y) ctx.navigate(makeHash('list', [], { ...f, founded_from: y.year, founded_to: y.year }));
    });
    cleanups.push(dispose);
  }
  root.dataset.ready = 'ok';
  return () => cleanups.forEach((fn) => fn());
}
