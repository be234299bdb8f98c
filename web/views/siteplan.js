// 选址方案 Site plan #/siteplan?node=|cluster=&land_ha=&floor_m2=&building=&budget_yuan_m2=&logistics=&w_fit=…: where a
// project of a chain node could go. The form asks /api/v1/siteplan; the ranked parks and carriers come with their parts
// explained (partners nearby, space against the need, price against the budget, nearest hubs, talent), numbered on a
// map over the offline boundaries, and as a one-page printable plan. The server's 400s are shown at the field they name.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, demoBadge, isDemoData } from '../api.js';
import {
  hrefPark, hrefEnterprise, stackedBar, barLegend, slider, formField, clearFieldErrors, showFieldError, nodeOptions, km, percent,
  PART_COLORS, emptyNote, baseSources, baseLayers, mapLocale, dateText,
} from '../ui.js';
import { kindLabel } from './park.js';

export const SITE_PARTS = ['fit', 'partners', 'space', 'cost', 'logistics', 'talent'];
/** The API's default weights (GET /api/v1/siteplan documents them). */
export const SITE_DEFAULTS = { fit: 2, partners: 2, space: 2, cost: 1.5, logistics: 1, talent: 1 };
const BUILDINGS = ['park', 'standard_factory', 'incubator', 'maker_space', 'accelerator', 'office'];
const LOGISTICS = ['port', 'rail_freight', 'airport', 'sea_rail'];
const NUMBERS = ['land_ha', 'floor_m2', 'budget_yuan_m2'];
const PRINT_TOP = 5;

const siteColor = (k) => PART_COLORS[SITE_PARTS.indexOf(k)];
const partLabel = (k) => t(k === 'logistics' ? 'sp_logistics_part' : `sp_${k}`);
const hubKind = (k) => {
  const s = t(`hub_${k}`);
  return s === `hub_${k}` ? k : s;
};

/** The request in the URL: only what was given. */
function readRequest(params) {
  const r = {};
  for (const k of ['node', 'cluster', 'building', 'logistics', 'limit', ...NUMBERS]) if (params.get(k)) r[k] = params.get(k);
  for (const k of SITE_PARTS) if (params.has(`w_${k}`)) r[`w_${k}`] = params.get(`w_${k}`);
  return r;
}

function sitePoints(site, weights) {
  const sum = SITE_PARTS.reduce((s, k) => s + (weights[k] || 0), 0) || 1;
  return SITE_PARTS.map((k) => {
    const p = site.parts[k] || { used: 0, known: false, weight: weights[k] };
    const w = p.weight ?? weights[k] ?? 0;
    return { key: k, label: partLabel(k), color: siteColor(k), points: (100 * w * (p.used || 0)) / sum, known: Boolean(p.known), part: p, weight: w };
  });
}

/** One part of a site's score in plain words. */
function partText(k, part, req, tax) {
  const ev = part.evidence || {};
  switch (k) {
    case 'fit': {
      const names = (ev.lead_clusters || []).map((id) => nm(tax.clusters.find((c) => c.id === id)) || id).join(t('list_sep'));
      if (!names) return t('spx_fit_none');
      return { long: t(ev.matches ? 'spx_fit_yes' : 'spx_fit_no', { c: names }), short: t(ev.matches ? 'spx_fit_yes_short' : 'spx_fit_no_short') };
    }
    case 'partners': {
      const words = t('spx_partners', { r: num(ev.reach_km ?? 0), s: num(ev.suppliers ?? 0), c: num(ev.customers ?? 0), n: num(ev.same_node ?? 0) });
      // The largest of them by name, each to its profile.
      // (On screen only: the printed plan keeps to one page with the counts.)
      const named = (label, list) => (list || []).length
        ? [h('span', { class: 'partners-named no-print' }, h('br'), t(label), t('colon'),
          list.map((e, i) => [i ? t('list_sep') : '', h('a', { href: hrefEnterprise(e.id), class: 'partner' }, e.name || `#${e.id}`)]))]
        : [];
      const links = [...named('spx_top_suppliers', ev.top_suppliers), ...named('spx_top_customers', ev.top_customers)];
      return links.length ? { nodes: [words, ...links] } : words;
    }
    case 'space': {
      const out = [];
      if (req.floor_m2 != null || ev.floor_available_m2 != null) {
        out.push(t('spx_floor', {
          a: ev.floor_available_m2 == null ? t('unknown') : `${num(ev.floor_available_m2)} ${t('unit_m2')}`,
          n: req.floor_m2 == null ? '–' : `${num(req.floor_m2)} ${t('unit_m2')}`,
        }));
      }
      if (req.land_ha != null || ev.land_available_ha != null) {
        out.push(t('spx_land', {
          a: ev.land_available_ha == null ? t('unknown') : `${num(ev.land_available_ha, 1)} ${t('unit_ha')}`,
          n: req.land_ha == null ? '–' : `${num(req.land_ha, 1)} ${t('unit_ha')}`,
        }));
      }
      return out.join('; ') || t('spx_space_none');
    }
    case 'cost': {
      const unit = req.floor_m2 != null ? t('unit_yuan_m2_month') : t('unit_yuan_m2');
      if (ev.price == null) return t('spx_cost_none');
      const price = `${num(ev.price, 1)} ${unit}`;
      return req.budget_yuan_m2 == null ? t('spx_cost_nobudget', { p: price }) : t('spx_cost', { p: price, b: `${num(req.budget_yuan_m2, 1)} ${unit}` });
    }
    case 'logistics': {
      const hubs = ev.hubs || [];
      if (!hubs.length) return (req.logistics || []).length ? t('spx_hubs_none') : t('spx_hubs_unasked');
      return {
        long: t('spx_hubs', { list: hubs.map((x) => `${tx({ zh: x.name_zh, en: x.name_en })} (${hubKind(x.kind)}) ${km(x.distance_km)}`).join(t('list_sep')) }),
        short: hubs.map((x) => `${hubKind(x.kind)} ${km(x.distance_km)}`).join(t('list_sep')),
      };
    }
    case 'talent':
      return t('spx_talent', { r: num(ev.reach_km ?? 0), n: num(ev.employees_near ?? 0) });
    default:
      return JSON.stringify(ev);
  }
}

/** A part's words: a long form on screen and, where it has one, a short form on the printed page. */
function evText(text) {
  if (typeof text === 'string') return h('div', { class: 'ev-text' }, text);
  if (text.nodes) return h('div', { class: 'ev-text' }, text.nodes);
  return h('div', { class: 'ev-text' }, h('span', { class: 'ev-long' }, text.long), h('span', { class: 'ev-short' }, text.short));
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let tax, demo, parks;
  try {
    [tax, demo, parks] = await Promise.all([
      getJson('/api/v1/taxonomy', { signal, cached: true }), isDemoData(signal),
      getJson('/api/v1/parks', { signal, cached: true }).catch((e) => { if (e.name === 'AbortError') throw e; return { items: [] }; }),
    ]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  ctx.setTitle(t('sp_heading'));
  const req = readRequest(ctx.params);
  const nodeOf = (id) => tax.nodes.find((n) => n.id === id);
  const clusterOfNode = (id) => {
    const n = nodeOf(id);
    const ch = n && tax.chains.find((c) => c.id === n.chain);
    return ch ? ch.cluster : '';
  };
  const weights = { ...SITE_DEFAULTS };
  for (const k of SITE_PARTS) {
    const v = Number(req[`w_${k}`]);
    if (req[`w_${k}`] !== undefined && Number.isFinite(v)) weights[k] = Math.min(10, Math.max(0, v));
  }

  // ---- the form
  const clusterSel = h('select', { id: 'sp-cluster', name: 'cluster' },
    h('option', { value: '' }, t('sp_choose_cluster')),
    tax.clusters.map((c) => h('option', { value: c.id, selected: c.id === (req.cluster || clusterOfNode(req.node)) }, nm(c))));
  const nodeSel = h('select', { id: 'sp-node', name: 'node' });
  const fillNodes = () => {
    const cl = clusterSel.value;
    const keep = nodeSel.value || req.node || '';
    const chains = tax.chains.filter((c) => !cl || c.cluster === cl);
    nodeSel.replaceChildren(h('option', { value: '' }, cl ? t('sp_any_node') : t('sp_choose_node')),
      ...chains.map((c) => nodeOptions(tax, keep, { chain: c.id })).flat().filter(Boolean));
    if (req.node && !nodeOf(req.node) && keep === req.node) nodeSel.append(h('option', { value: req.node, selected: true }, req.node));
  };
  fillNodes();
  clusterSel.addEventListener('change', () => { nodeSel.value = ''; fillNodes(); });
  const numberInput = (id, name, step) => h('input', {
    type: 'number', id, name, inputmode: 'decimal', step, value: req[name] ?? '', autocomplete: 'off',
  });
  const building = h('select', { id: 'sp-building', name: 'building' },
    h('option', { value: '' }, t('sp_any_building')),
    BUILDINGS.map((b) => h('option', { value: b, selected: b === req.building }, kindLabel(b))));
  if (req.building && !BUILDINGS.includes(req.building)) building.append(h('option', { value: req.building, selected: true }, req.building));
  const wanted = (req.logistics || '').split(',').filter(Boolean);
  const logistics = h('fieldset', { class: 'field form-field checks', dataset: { param: 'logistics' } },
    h('legend', {}, t('sp_logistics')),
    h('div', { class: 'check-row' }, LOGISTICS.map((k) => h('label', { class: 'check', for: `sp-log-${k}` },
      h('input', { type: 'checkbox', id: `sp-log-${k}`, name: 'logistics', value: k, checked: wanted.includes(k) }), hubKind(k)))),
    h('p', { class: 'field-error', id: 'sp-logistics-err', role: 'alert', hidden: true }));
  const sliders = {};
  const weightBox = h('fieldset', { class: 'weights' },
    h('legend', {}, t('sp_importance')),
    h('div', { class: 'field', dataset: { param: 'weights' } },
      h('div', { class: 'sliders' }, SITE_PARTS.map((k) => {
        const s = slider(`sp-w-${k}`, partLabel(k), weights[k], { color: siteColor(k) });
        sliders[k] = s.querySelector('input');
        return s;
      })),
      h('p', { class: 'field-error', id: 'sp-weights-err', role: 'alert', hidden: true })));
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'sp-submit' }, t('sp_submit'));
  const form = h('form', { class: 'sp-form', id: 'siteplan-form', novalidate: true, onsubmit: onSubmit },
    h('div', { class: 'filters' },
      formField('cluster', 'sp-cluster', t('f_cluster'), clusterSel),
      formField('node', 'sp-node', t('sp_node'), nodeSel),
      formField('land_ha', 'sp-land', t('sp_land'), numberInput('sp-land', 'land_ha', '0.1'), { hint: t('sp_need_hint') }),
      formField('floor_m2', 'sp-floor', t('sp_floor'), numberInput('sp-floor', 'floor_m2', '100')),
      formField('building', 'sp-building', t('sp_building'), building),
      formField('budget_yuan_m2', 'sp-budget', t('sp_budget'), numberInput('sp-budget', 'budget_yuan_m2', '0.5'), { hint: t('sp_budget_hint') })),
    logistics, weightBox,
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, submit));

  function formRequest() {
    const out = {};
    if (nodeSel.value) out.node = nodeSel.value;
    else if (clusterSel.value) out.cluster = clusterSel.value;
    const val = (id) => form.querySelector(`#${id}`);
    for (const [id, k] of [['sp-land', 'land_ha'], ['sp-floor', 'floor_m2'], ['sp-budget', 'budget_yuan_m2']]) {
      const el = val(id);
      // A number the browser could not read is sent as typed, so the server names the field.
      const raw = el.validity && el.validity.badInput ? 'NaN' : el.value.trim();
      if (raw) out[k] = raw;
    }
    if (building.value) out.building = building.value;
    const logs = LOGISTICS.filter((k) => form.querySelector(`#sp-log-${k}`).checked);
    if (logs.length) out.logistics = logs.join(',');
    for (const k of SITE_PARTS) if (Number(sliders[k].value) !== SITE_DEFAULTS[k]) out[`w_${k}`] = sliders[k].value;
    if (req.limit) out.limit = req.limit;
    return out;
  }

  function onSubmit(ev) {
    ev.preventDefault();
    const hash = makeHash('siteplan', [], formRequest());
    if (hash === location.hash) run();
    else ctx.navigate(hash);
  }

  const head = h('div', { class: 'view-head' }, h('h1', {}, t('sp_heading')), demoBadge(demo));
  const intro = h('p', { class: 'muted intro no-print' }, t('sp_intro'));
  const results = h('div', { id: 'sp-results' });
  busy.replaceWith(head, intro, form, results);

  // ---- the plan
  let map = null;
  async function run() {
    clearFieldErrors(form);
    if (map) { map.remove(); map = null; }
    const cur = formRequest();
    const q = new URLSearchParams(cur).toString();
    if (!q) {
      results.replaceChildren(h('p', { class: 'note', id: 'sp-idle' }, t('sp_idle')));
      root.dataset.siteplan = 'idle';
      return;
    }
    root.dataset.siteplan = 'loading';
    results.replaceChildren(loading());
    let d;
    try {
      d = await getJson(`/api/v1/siteplan?${q}`, { signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      const aliases = Object.fromEntries(SITE_PARTS.map((k) => [`w_${k}`, 'weights']));
      const shown = showFieldError(form, e, aliases);
      results.replaceChildren(shown ? h('p', { class: 'error', role: 'alert', id: 'sp-error' }, t('sp_fix_input')) : errorBox(e, () => run()));
      root.dataset.siteplan = 'error';
      root.dataset.siteplanError = e.parameter || '';
      return;
    }
    if (signal.aborted) return;
    drawPlan(d, q);
    root.dataset.siteplan = 'ok';
    root.dataset.siteplanQuery = q;
  }

  function requestSummary(r) {
    const parts = [];
    const node = r.node ? nodeOf(r.node) : null;
    if (node) parts.push([t('sp_node'), nm(node)]);
    else if (r.cluster) parts.push([t('f_cluster'), nm(tax.clusters.find((c) => c.id === r.cluster)) || r.cluster]);
    if (r.land_ha != null) parts.push([t('sp_land'), `${num(r.land_ha, 1)} ${t('unit_ha')}`]);
    if (r.floor_m2 != null) parts.push([t('sp_floor'), `${num(r.floor_m2)} ${t('unit_m2')}`]);
    parts.push([t('sp_building'), r.building ? kindLabel(r.building) : t('sp_any_building')]);
    parts.push([t('sp_budget'), r.budget_yuan_m2 != null ? `${num(r.budget_yuan_m2, 1)} ${r.floor_m2 != null ? t('unit_yuan_m2_month') : t('unit_yuan_m2')}` : '–']);
    parts.push([t('sp_logistics'), (r.logistics || []).length ? r.logistics.map(hubKind).join(t('list_sep')) : '–']);
    parts.push([t('sp_importance'), SITE_PARTS.map((k) => `${partLabel(k)} ${num(r.weights ? r.weights[k] : weights[k], 1)}`).join(t('list_sep'))]);
    return h('dl', { class: 'kv sp-request', id: 'sp-request' }, parts.map(([a, b]) => h('div', {}, h('dt', {}, a), h('dd', {}, b))));
  }

  function drawPlan(d, q) {
    const r = d.request || {};
    const sites = d.sites || [];
    const printBtn = h('button', { type: 'button', class: 'btn', id: 'sp-print', onclick: () => window.print() }, t('sp_print'));
    const printHead = h('div', { class: 'print-only print-head' },
      h('p', { id: 'sp-date' }, `${t('app_title')} · ${t('sp_printed_on', { d: dateText(new Date().toISOString().slice(0, 10)) })}`),
      demo || sites.some((s) => s.park.synthetic) ? h('p', { class: 'demo-note' }, t('demo_data'), t('colon'), t('demo_note')) : null);
    const summary = h('section', { class: 'panel', id: 'sp-summary', 'aria-labelledby': 'sp-summary-h' },
      h('h2', { id: 'sp-summary-h' }, t('sp_request')), requestSummary(r),
      h('p', { class: 'list-summary' }, h('strong', { id: 'sp-count', dataset: { count: String(sites.length) } }, t('sp_n_sites', { n: num(sites.length) })),
        h('span', { class: 'no-print' }, ' · ', h('a', { href: `/api/v1/siteplan?${q}`, class: 'api-link' }, 'JSON'))));
    const mapBox = h('div', { class: 'sp-map no-print', id: 'sp-map', role: 'region', 'aria-label': t('sp_map') });
    const legend = barLegend(SITE_PARTS.map((k) => ({ key: k, label: partLabel(k), color: siteColor(k) })), { id: 'sp-legend' });
    const list = h('ol', { class: 'sites', id: 'sp-sites' }, sites.map((s, i) => siteItem(s, i, r)));
    // Nothing fits: said first, with the carriers of one park that together have the floor space.
    const nothing = d.nothing_fits
      ? h('section', { class: 'panel warn', id: 'sp-nothing-fits', role: 'status' },
        h('p', {}, h('strong', {}, tx({ zh: d.message_zh, en: d.message_en }))),
        (d.combined || []).length
          ? h('ul', { class: 'link-list', id: 'sp-combined' }, d.combined.map((c) => h('li', { dataset: { park: c.park.id } },
            h('a', { href: hrefPark(c.park.id) }, tx({ zh: c.park.name_zh, en: c.park.name_en })), ' — ',
            t('sp_combined', { n: num(c.carriers.length), m2: num(c.floor_total_m2) }), ': ',
            c.carriers.map((x) => tx({ zh: x.name_zh, en: x.name_en })).join('、'))))
          : h('p', { class: 'small muted' }, t('sp_no_combination')))
      : null;
    const seaRail = (d.sea_rail_routes || []).length
      ? h('section', { class: 'panel', id: 'sp-searail', 'aria-labelledby': 'sp-searail-h' }, h('h2', { id: 'sp-searail-h' }, t('sp_sea_rail')),
        h('ul', { class: 'link-list' }, d.sea_rail_routes.map((x) => h('li', { dataset: { id: x.id } }, h('strong', {}, tx({ zh: x.name_zh, en: x.name_en })),
          x.note ? [h('br'), h('span', { class: 'small' }, x.note)] : null))))
      : null;
    const rule = h('section', { class: 'panel rule', id: 'sp-rule', 'aria-labelledby': 'sp-rule-h' }, h('h2', { id: 'sp-rule-h' }, t('rule')),
      h('p', {}, tx({ zh: d.rule_zh, en: d.rule_en })));
    results.replaceChildren(printHead, h('div', { class: 'actions no-print' }, printBtn, h('span', { class: 'muted small' }, t('sp_print_hint', { n: PRINT_TOP }))),
      summary, nothing || '', ...(sites.length ? [mapBox, legend, list] : [emptyNote(t('sp_none'))]), seaRail || '', rule);
    if (sites.length) drawMap(mapBox, sites);
  }

  function siteItem(s, i, r) {
    const p = s.park;
    const pts = sitePoints(s, r.weights || weights);
    const host = p.park_id && p.park_id !== p.id ? h('a', { href: hrefPark(p.park_id), class: 'small' }, t('sp_in_park', { p: nm((parks.items || []).find((x) => x.id === p.park_id)) || p.park_id })) : null;
    return h('li', { class: `site${s.no_space || s.too_small ? ' no-space' : ''}${i >= PRINT_TOP ? ' beyond-print' : ''}`,
      dataset: { id: p.id, score: String(s.score), noSpace: s.no_space ? '1' : '0', tooSmall: s.too_small ? '1' : '0' } },
      h('div', { class: 'site-head' },
        h('span', { class: 'pin-num', 'aria-hidden': 'true' }, String(i + 1)),
        h('div', { class: 'site-title' },
          h('h3', {}, h('a', { href: hrefPark(p.id), class: 'site-link' }, nm(p) || p.id)),
          h('p', { class: 'small muted' }, kindLabel(p.kind), host ? [' · ', host] : null)),
        s.no_space ? h('span', { class: 'badge s-missing no-space-badge' }, t('sp_no_space')) : null,
        !s.no_space && s.too_small && s.shortfall
          ? h('span', { class: 'badge s-weak too-small-badge', dataset: { need: String(s.shortfall.need), have: String(s.shortfall.have) } },
            t(s.shortfall.unit === 'ha' ? 'sp_too_small_ha' : 'sp_too_small_m2', { have: num(s.shortfall.have), need: num(s.shortfall.need) }))
          : null,
        p.synthetic ? h('span', { class: 'demo small-demo', title: t('demo_record') }, t('demo_data')) : null),
      h('div', { class: 'site-score' },
        h('div', { class: 'score-line' }, h('strong', { class: 'score-num' }, num(s.score, 1)),
          h('span', { class: 'small muted known', title: t('known_hint') }, t('known_share', { p: percent(s.known) }))),
        stackedBar(pts, { score: s.score })),
      h('ul', { class: 'ev-list' }, pts.map((x) => h('li', { dataset: { part: x.key, known: x.known ? '1' : '0' } },
        h('span', { class: `seg-swatch${x.known ? '' : ' unknown'}`, style: { '--c': x.color }, 'aria-hidden': 'true' }),
        h('strong', {}, x.label), ' ', h('span', { class: 'muted small' }, t('part_points', { p: num(x.points, 1), v: x.part.value == null ? t('unknown') : num(x.part.value, 2), w: num(x.weight, 1) })),
        evText(partText(x.key, x.part, r, tax))))));
  }

  async function drawMap(box, sites) {
    const pts = sites.map((s, i) => ({ s, i })).filter(({ s }) => Number.isFinite(s.park.lat) && Number.isFinite(s.park.lon));
    if (!pts.length) {
      box.replaceChildren(emptyNote(t('no_location')));
      return;
    }
    try {
      const maplibregl = await import('../vendor/maplibre-gl/maplibre-gl.mjs');
      if (signal.aborted || !box.isConnected) return;
      map = new maplibregl.Map({
        container: box,
        style: { version: 8, sources: baseSources(), layers: baseLayers() },
        center: [pts[0].s.park.lon, pts[0].s.park.lat],
        zoom: 10,
        attributionControl: { compact: true, customAttribution: t('map_attr') },
        dragRotate: false,
        pitchWithRotate: false,
        locale: mapLocale(),
      });
      map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
      map.on('error', (ev) => console.error('map', ev.error || ev));
      // Numbered pins as links: the first sites on top, each opens its park.
      for (const { s, i } of [...pts].reverse()) {
        const el = h('a', {
          href: hrefPark(s.park.id), class: `site-pin${s.no_space ? ' no-space' : ''}`, dataset: { rank: String(i + 1), id: s.park.id },
          'aria-label': `${i + 1}. ${nm(s.park)}${s.no_space ? ` (${t('sp_no_space')})` : ''}`, title: `${i + 1}. ${nm(s.park)}`,
        }, String(i + 1));
        new maplibregl.Marker({ element: el, anchor: 'center' }).setLngLat([s.park.lon, s.park.lat]).addTo(map);
      }
      const lons = pts.map(({ s }) => s.park.lon);
      const lats = pts.map(({ s }) => s.park.lat);
      map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 36, maxZoom: 13, duration: 0 });
      map.on('load', () => {
        const attrib = box.querySelector('.maplibregl-ctrl-attrib');
        if (attrib) attrib.classList.remove('maplibregl-compact-show');
        box.dataset.map = 'ready';
        box.dataset.pins = String(pts.length);
      });
    } catch (e) {
      console.error(e);
      box.replaceChildren(h('p', { class: 'muted' }, t('map_no_webgl_short')));
      box.dataset.map = 'unavailable';
    }
  }

  await run();
  root.dataset.ready = 'ok';
  return () => { if (map) map.remove(); };
}
