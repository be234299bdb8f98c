// The records behind a figure: #/list?{filters}&sort=&offset=&limit= pages through /api/v1/enterprises with the same
// filters as the heat map. Every count elsewhere in the app links here with the filters that produce it.

import { t, nm, num } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, pickFilters, demoBadge, isDemoData, FILTER_KEYS } from '../api.js';
import { enterpriseTable, pager, regionName, countryName } from '../ui.js';

const SORTS = ['revenue', 'employees', 'capital', 'founded'];
const LIMITS = [20, 50, 100, 200];
const FLAGS = ['chain_leader', 'listed', 'srdi', 'high_tech'];
const AREAS = ['320300', '320000', 'CN'];

function select(id, label, options, value, onchange) {
  return h('label', { class: 'field', for: id }, h('span', {}, label),
    h('select', { id, name: id, onchange: (e) => onchange(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text))));
}

/** A readable name for a region code: the API's profile, cached; the code itself when unknown. */
async function regionLabel(code, signal) {
  try {
    const r = await getJson(`/api/v1/regions/${encodeURIComponent(code)}`, { signal, cached: true });
    return regionName(r.region);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    return /^[A-Z]{2}$/.test(code) ? countryName(code) : code;
  }
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const filters = pickFilters(ctx.params);
  const sort = SORTS.includes(ctx.params.get('sort')) ? ctx.params.get('sort') : 'revenue';
  const limit = LIMITS.includes(Number(ctx.params.get('limit'))) ? Number(ctx.params.get('limit')) : 50;
  const offset = Math.max(0, Math.floor(Number(ctx.params.get('offset')) || 0));
  const state = { ...filters, sort: sort === 'revenue' ? '' : sort, limit: limit === 50 ? '' : String(limit), offset: offset ? String(offset) : '' };
  const hashWith = (change) => {
    const next = { ...state, offset: '', ...change };
    return makeHash('list', [], next);
  };

  const busy = loading();
  root.append(busy);
  const q = new URLSearchParams({ ...filters, sort, limit: String(limit), offset: String(offset) });
  const apiPath = `/api/v1/enterprises?${q}`;
  let tax, page, areaName, xuzhou, demo;
  try {
    [tax, page, areaName, xuzhou, demo] = await Promise.all([
      getJson('/api/v1/taxonomy', { signal, cached: true }),
      getJson(apiPath, { signal }).catch((e) => e),
      filters.region ? regionLabel(filters.region, signal) : null,
      getJson('/api/v1/regions/320300', { signal, cached: true }).catch(() => null),
      isDemoData(signal),
    ]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;

  // Filter controls: every change is a new URL (a new page of records, from the first).
  const go = (k) => (v) => {
    const change = { [k]: v };
    if (k === 'tier') Object.assign(change, { cluster: '', chain: '', node: '' });
    if (k === 'cluster') Object.assign(change, { chain: '', node: '' });
    if (k === 'chain') change.node = '';
    ctx.navigate(hashWith(change));
  };
  const tiers = [['', t('f_all')], ...tax.tiers.map((x) => [x.id, nm(x)])];
  const clusters = [['', t('f_all')], ...tax.clusters.filter((c) => !filters.tier || c.tier === filters.tier).map((c) => [c.id, nm(c)])];
  if (filters.cluster && !clusters.some(([v]) => v === filters.cluster)) clusters.push([filters.cluster, filters.cluster]);
  const chains = [['', t('f_all')], ...tax.chains.filter((ch) => {
    if (filters.cluster) return ch.cluster === filters.cluster;
    if (filters.tier) return tax.clusters.some((c) => c.id === ch.cluster && c.tier === filters.tier);
    return true;
  }).map((ch) => [ch.id, nm(ch)])];
  if (filters.chain && !chains.some(([v]) => v === filters.chain)) chains.push([filters.chain, filters.chain]);
  const regions = [['', t('region_all')], ...AREAS.map((r) => [r, t(`region_${r}`)]),
    ...((xuzhou && xuzhou.children) || []).filter((c) => c.level === 'county').map((c) => [c.code, `· ${regionName(c)}`])];
  if (filters.region && !regions.some(([v]) => v === filters.region)) regions.push([filters.region, areaName || filters.region]);
  const flagValue = filters.flags && FLAGS.includes(filters.flags) ? filters.flags : (filters.flags || '');
  const flagOptions = [['', t('f_all')], ...FLAGS.map((f) => [f, t(`flag_${f}`)])];
  if (flagValue && !FLAGS.includes(flagValue)) flagOptions.push([flagValue, flagValue]);
  const form = h('form', { class: 'filters', id: 'list-filters', onsubmit: (e) => e.preventDefault() },
    select('l-tier', t('f_tier'), tiers, filters.tier, go('tier')),
    select('l-cluster', t('f_cluster'), clusters, filters.cluster, go('cluster')),
    select('l-chain', t('f_chain'), chains, filters.chain, go('chain')),
    select('l-region', t('f_region'), regions, filters.region, go('region')),
    select('l-local', t('f_local'), [['', t('f_local_all')], ['true', t('f_local_true')], ['false', t('f_local_false')]], filters.local, go('local')),
    select('l-flags', t('f_flags'), flagOptions, flagValue, go('flags')),
    select('l-sort', t('f_sort'), SORTS.map((s) => [s, t(`sort_${s}`)]), sort, (v) => ctx.navigate(hashWith({ sort: v === 'revenue' ? '' : v }))),
    select('l-limit', t('f_page_size'), LIMITS.map((n) => [String(n), String(n)]), String(limit), (v) => ctx.navigate(hashWith({ limit: v === '50' ? '' : v }))));

  // The active filters in words, each removable.
  const label = (k, v) => {
    const find = (list, id) => nm((list || []).find((x) => x.id === id)) || id;
    switch (k) {
      case 'tier': return `${t('f_tier')}${t('colon')}${find(tax.tiers, v)}`;
      case 'cluster': return `${t('f_cluster')}${t('colon')}${find(tax.clusters, v)}`;
      case 'chain': return `${t('f_chain')}${t('colon')}${find(tax.chains, v)}`;
      case 'node': return `${t('node')}${t('colon')}${v.split(',').map((id) => find(tax.nodes, id)).join(t('list_sep'))}`;
      case 'region': return `${t('f_region')}${t('colon')}${areaName || v}`;
      case 'local': return v === 'true' ? t('f_local_true') : t('f_local_false');
      case 'flags': return v.split(',').map((f) => t(`flag_${f}`)).join(' + ');
      case 'synthetic': return v === 'true' ? t('only_demo') : t('only_real');
      case 'cell': return `${t('cell')} ${v}`;
      case 'employees_min': return `${t('w_employees')} ≥ ${num(Number(v))}`;
      case 'employees_max': return `${t('w_employees')} ≤ ${num(Number(v))}`;
      case 'founded_from': return t('founded_from_y', { y: v });
      case 'founded_to': return t('founded_to_y', { y: v });
      default: return `${k}=${v}`;
    }
  };
  const active = FILTER_KEYS.filter((k) => filters[k]);
  const chips = h('ul', { class: 'chips', id: 'list-chips', 'aria-label': t('active_filters') },
    active.length ? active.map((k) => h('li', { class: 'chip-filter', dataset: { key: k } }, label(k, filters[k]),
      h('a', { href: hashWith({ [k]: '' }), class: 'chip-x', 'aria-label': t('remove_filter', { f: label(k, filters[k]) }) }, '×')))
      : h('li', { class: 'muted' }, t('no_filters')));

  const head = h('div', { class: 'view-head' }, h('h1', {}, t('list_heading')));
  ctx.setTitle(t('list_heading'));
  if (page instanceof Error) {
    if (page.name === 'AbortError') return null;
    busy.replaceWith(head, form, chips, errorBox(page, () => ctx.reload()), h('p', {}, h('a', { href: '#/list' }, t('f_reset'))));
    root.dataset.ready = 'error';
    return null;
  }
  if (demo || page.items.some((e) => e.synthetic)) head.append(demoBadge(true));
  const mapFilters = {};
  for (const k of ['tier', 'cluster', 'chain', 'node', 'region', 'local']) if (filters[k]) mapFilters[k] = filters[k];
  if (!filters.region) mapFilters.region = 'all';
  const summary = h('p', { class: 'list-summary' },
    h('strong', { id: 'list-total', dataset: { total: String(page.total) } }, t('n_enterprises', { n: num(page.total) })),
    ' · ', h('a', { href: makeHash('map', [], mapFilters) }, t('ov_on_map')),
    ' · ', h('a', { href: apiPath, class: 'api-link' }, 'JSON'));
  const onSort = (key) => ctx.navigate(hashWith({ sort: key === 'revenue' ? '' : key }));
  const body = page.items.length
    ? enterpriseTable(page.items, { id: 'list-table', caption: t('list_heading'), sort, onSort })
    : h('p', { class: 'muted empty', id: 'list-empty' }, t('list_empty'));
  const nav = pager({ total: page.total, offset: page.offset, limit: page.limit, hrefFor: (o) => hashWith({ offset: o ? String(o) : '' }) });
  busy.replaceWith(head, form, chips, summary, body, nav);
  root.dataset.total = String(page.total);
  root.dataset.ready = 'ok';
  return null;
}
