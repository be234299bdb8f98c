// Park profile #/park/{id}: a development zone or a carrier platform (standard factory, incubator, …) with its lead
// industries, space and prices, host park, carriers with available space, and the enterprises around it by node.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, h, errorBox, loading, listHref, demoBadge, tierColor, makeHash } from '../api.js';
import {
  money, regionName, hrefNode, hrefPark, hrefRegion, parkLink, breadcrumbs, panel, kv, enterpriseTable, miniMap,
  emptyNote, dataTable, withUnit,
} from '../ui.js';

export function kindLabel(kind) {
  const key = `kind_${kind}`;
  const s = t(key);
  return s === key ? kind : s;
}

function specs(p) {
  return kv([
    [t('park_kind'), kindLabel(p.kind)],
    [t('park_level'), p.level ? (t(`level_${p.level}`) === `level_${p.level}` ? p.level : t(`level_${p.level}`)) : null],
    [t('address'), p.address],
    [t('land_area'), p.land_area_ha !== null && p.land_area_ha !== undefined ? withUnit(p.land_area_ha, 'unit_ha', 1) : null],
    [t('land_available'), p.land_available_ha !== null && p.land_available_ha !== undefined ? withUnit(p.land_available_ha, 'unit_ha', 1) : null],
    [t('floor_area'), p.floor_area_m2 !== null && p.floor_area_m2 !== undefined ? withUnit(p.floor_area_m2, 'unit_m2') : null],
    [t('floor_available'), p.floor_available_m2 !== null && p.floor_available_m2 !== undefined ? withUnit(p.floor_available_m2, 'unit_m2') : null, { id: 'park-floor-available' }],
    [t('price_land'), p.price_land_yuan_m2 != null ? withUnit(p.price_land_yuan_m2, 'unit_yuan_m2') : null],
    [t('rent'), p.rent_yuan_m2_month != null ? withUnit(p.rent_yuan_m2_month, 'unit_yuan_m2_month', 1) : null],
    [t('price_sale'), p.price_sale_yuan_m2 != null ? withUnit(p.price_sale_yuan_m2, 'unit_yuan_m2') : null],
    [t('floor_load'), p.floor_load_kn_m2 != null ? withUnit(p.floor_load_kn_m2, 'unit_kn_m2', 1) : null],
    [t('clear_height'), p.clear_height_m != null ? withUnit(p.clear_height_m, 'unit_m', 1) : null],
    [t('has_space'), h('span', { class: `badge ${p.has_space ? 's-strong' : 'neutral'}` }, p.has_space ? t('yes') : t('no'))],
  ]);
}

function carriersTable(carriers) {
  const sorted = [...carriers].sort((a, b) => (b.has_space - a.has_space) || ((b.floor_available_m2 || 0) - (a.floor_available_m2 || 0)));
  return h('div', { class: 'scroll' }, dataTable([
    { label: t('col_name') }, { label: t('park_kind') }, { label: `${t('floor_available')} (${t('unit_m2')})`, num: true },
    { label: `${t('floor_area')} (${t('unit_m2')})`, num: true }, { label: `${t('rent')} (${t('unit_yuan_m2_month')})`, num: true },
    { label: `${t('price_sale')} (${t('unit_yuan_m2')})`, num: true }, { label: t('has_space') },
  ], sorted.map((c) => [
    parkLink(c), kindLabel(c.kind),
    c.floor_available_m2 != null ? num(c.floor_available_m2) : '–', c.floor_area_m2 != null ? num(c.floor_area_m2) : '–',
    c.rent_yuan_m2_month != null ? num(c.rent_yuan_m2_month, 1) : '–', c.price_sale_yuan_m2 != null ? num(c.price_sale_yuan_m2) : '–',
    h('span', { class: `badge ${c.has_space ? 's-strong' : 'neutral'}` }, c.has_space ? t('yes') : t('no')),
  ]), { id: 'carriers-table' }));
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const id = ctx.rest[0] || '';
  const busy = loading();
  root.append(busy);
  let d, tax;
  try {
    [d, tax] = await Promise.all([
      getJson(`/api/v1/parks/${encodeURIComponent(id)}`, { signal }),
      getJson('/api/v1/taxonomy', { signal, cached: true }),
    ]);
  } catch (err) {
    if (err.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('park'))), errorBox(err, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  const p = d.park;
  ctx.setTitle(nm(p));
  const region = d.region;

  const crumbs = breadcrumbs([
    region ? { text: regionName(region), href: hrefRegion(region.code) } : null,
    d.host ? { text: nm(d.host), href: hrefPark(d.host.id) } : null,
    { text: nm(p) },
  ].filter(Boolean));
  const other = nm(p) === p.name_zh ? p.name_en : p.name_zh;
  const head = h('div', { class: 'view-head profile-head' },
    h('div', {}, h('p', { class: 'kind' }, kindLabel(p.kind)), h('h1', { id: 'park-name' }, nm(p)),
      other ? h('p', { class: 'muted alt-name' }, other) : null),
    p.has_space ? h('span', { class: 'badge s-strong' }, t('space_available')) : null,
    demoBadge(p.synthetic));

  // Lead industries: the clusters, each linking to its enterprises in the park's district.
  const lead = (p.lead_clusters || []).map((cid) => tax.clusters.find((c) => c.id === cid) || { id: cid, name_zh: cid });
  const leadBlock = panel('park-lead', t('lead_industries'), lead.length
    ? h('ul', { class: 'tag-list', id: 'park-lead-list' }, lead.map((c) => h('li', { style: { '--tier': tierColor(tax, c.tier) }, dataset: { cluster: c.id } },
      h('span', { class: 'swatch', 'aria-hidden': 'true' }), h('a', { href: listHref({ cluster: c.id, region: p.region_code }) }, nm(c)))))
    : emptyNote(t('none')));

  const mapBox = h('div', { class: 'mini-map', id: 'park-map', role: 'region', 'aria-label': t('location') });
  const info = panel('park-info', t('park_facts'), specs(p), p.specs ? h('p', {}, h('strong', {}, t('specs'), t('colon')), p.specs) : null,
    region ? h('p', {}, h('strong', {}, t('col_region'), t('colon')), h('a', { href: hrefRegion(region.code), id: 'park-region' }, regionName(region))) : null,
    d.host ? h('p', {}, h('strong', {}, t('host_park'), t('colon')), h('a', { href: hrefPark(d.host.id), id: 'park-host' }, nm(d.host))) : null);

  const carriers = d.carriers || [];
  const withSpace = carriers.filter((c) => c.has_space);
  const carriersBlock = p.kind === 'park' || carriers.length
    ? panel('park-carriers', t('carriers_in_park', { n: num(carriers.length), s: num(withSpace.length) }),
      carriers.length ? carriersTable(carriers) : emptyNote(t('no_carriers')))
    : null;

  const res = d.residents || { by_node: [], top: [], total: 0 };
  const byNode = res.by_node || [];
  const residents = panel('park-residents', t('residents'),
    h('p', { class: 'muted' }, tx({ zh: res.rule_zh, en: res.rule_en }), res.radius_km ? ` (${t('radius')} ${num(res.radius_km, 1)} km)` : ''),
    h('p', {}, h('strong', { id: 'residents-total', dataset: { total: String(res.total ?? 0) } }, t('n_enterprises', { n: num(res.total ?? 0) }))),
    byNode.length ? h('details', { class: 'by-node', open: byNode.length <= 15 }, h('summary', {}, t('residents_by_node', { n: num(byNode.length) })),
      h('div', { class: 'scroll' }, dataTable([{ label: t('node') }, { label: t('f_chain') }, { label: t('cell_count'), num: true }],
        byNode.map((n) => [h('a', { href: hrefNode(n.chain, n.node) }, nm(n)), nm(tax.chains.find((c) => c.id === n.chain)) || n.chain, num(n.count)]),
        { id: 'residents-nodes' }))) : null,
    (res.top || []).length ? [h('h3', {}, t('residents_top')), enterpriseTable(res.top, { id: 'residents-top', caption: t('residents_top') })] : null);

  busy.replaceWith(crumbs, head, p.synthetic ? h('p', { class: 'demo-note' }, t('demo_record')) : '',
    h('div', { class: 'two' }, info, h('div', {}, leadBlock, panel('park-where', t('location'), mapBox))), carriersBlock || '', residents,
    p.provenance ? h('p', { class: 'provenance muted' }, t('provenance'), t('colon'), `${p.provenance.source || '–'}${p.provenance.as_of ? ` · ${t('as_of')} ${p.provenance.as_of}` : ''}`) : '');

  const points = [{ lat: p.lat, lon: p.lon, kind: 'main' }, ...carriers.map((c) => ({ lat: c.lat, lon: c.lon, kind: 'other' }))];
  const href = Number.isFinite(p.lat) ? makeHash('map', [], { at: `13/${p.lat.toFixed(4)}/${p.lon.toFixed(4)}` }) : null;
  const stop = await miniMap(mapBox, { points, zoom: 12, ring: res.radius_km || null, href });
  root.dataset.ready = 'ok';
  return stop;
}
