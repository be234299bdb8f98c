// Building blocks shared by the profile, list and search views: links to records, figures that link to the records
// behind them, enterprise tables, pagers, charts (ECharts) and small maps (MapLibre). One visual language for all.

import { t, nm, num, lang } from './i18n.js';
import { h, makeHash, listHref, getJson } from './api.js';

// ---------------------------------------------------------------------------------------------------------------
// Values

/** An amount in 万元 (10k CNY), the unit of the data: 亿元 from 10,000 万元 up; CNY with k/m/bn in English. */
export function money(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (lang() === 'en') {
    const yuan = v * 1e4;
    if (Math.abs(yuan) >= 1e9) return `CNY ${num(yuan / 1e9, 2)} bn`;
    if (Math.abs(yuan) >= 1e6) return `CNY ${num(yuan / 1e6, 1)} m`;
    return `CNY ${num(yuan / 1e3, 0)} k`;
  }
  if (Math.abs(v) >= 1e4) return `${num(v / 1e4, 2)} 亿元`;
  return `${num(v, 0)} 万元`;
}

/** A figure with its unit, or '–'. */
export function withUnit(v, unitKey, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return `${num(v, digits)} ${t(unitKey)}`;
}

/** '2018-04-22' as it reads in the current language (the API's dates are ISO). */
export function dateText(s) {
  if (!s) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  return lang() === 'en' ? s.slice(0, 10) : `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

let displayNames = {};
/** A country's name from its ISO code, in the current language (the browser knows them offline). */
export function countryName(code) {
  if (!code) return '';
  const l = lang();
  try {
    if (!displayNames[l]) displayNames[l] = new Intl.DisplayNames([l === 'en' ? 'en' : 'zh-CN'], { type: 'region' });
    return displayNames[l].of(code) || code;
  } catch {
    return code;
  }
}

/** An enterprise's name in the current language (the registered Chinese name first in Chinese). */
export function entName(e) {
  if (!e) return '';
  return lang() === 'en' ? e.name_en || e.name || '' : e.name || e.name_en || '';
}

/** A region's name; countries without names fall back to the browser's. */
export function regionName(r) {
  if (!r) return '';
  return nm(r) || (r.level === 'country' ? countryName(r.code) : r.code);
}

// ---------------------------------------------------------------------------------------------------------------
// Links

export const hrefEnterprise = (id) => makeHash('enterprise', [String(id)]);
export const hrefPark = (id) => makeHash('park', [String(id)]);
export const hrefRegion = (code) => makeHash('region', [String(code)]);
export const hrefNode = (chain, node) => makeHash('chain', [chain], { node });
export const hrefChain = (chain) => makeHash('chain', [chain]);

export function enterpriseLink(e, attrs = {}) {
  return h('a', { href: hrefEnterprise(e.id), class: 'ent-link', ...attrs }, entName(e) || `#${e.id}`);
}

export function regionLink(r, attrs = {}) {
  if (!r || !r.code) return '–';
  return h('a', { href: hrefRegion(r.code), ...attrs }, regionName(r));
}

export function parkLink(p, attrs = {}) {
  return h('a', { href: hrefPark(p.id), ...attrs }, nm(p) || p.id);
}

/** A count that opens the list of the records it counts. */
export function countLink(n, filters, attrs = {}) {
  if (n === null || n === undefined) return '–';
  return h('a', {
    href: listHref(filters), class: 'count-link', title: t('see_records'), 'aria-label': t('see_records_n', { n: num(n) }),
    dataset: { count: String(n) }, ...attrs,
  }, num(n));
}

/** The yes/no flags of an enterprise as small badges. */
export function flagBadges(flags) {
  if (!flags) return null;
  const order = ['chain_leader', 'listed', 'srdi', 'high_tech', 'local'];
  const on = order.filter((k) => flags[k]);
  if (!on.length) return null;
  return h('span', { class: 'flags' }, on.map((k) => h('span', { class: `flag flag-${k}` }, t(`flag_${k}`))));
}

export function breadcrumbs(items) {
  return h('nav', { class: 'crumbs', 'aria-label': t('breadcrumbs') },
    h('ol', {}, items.map((it, i) => h('li', {},
      i === items.length - 1 || !it.href ? h('span', { 'aria-current': i === items.length - 1 ? 'page' : null }, it.text)
        : h('a', { href: it.href }, it.text)))));
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks

export function panel(id, title, ...children) {
  return h('section', { class: 'panel', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}

/** A definition list of [label, value, ddAttrs] rows; rows with value null/undefined are left out. */
export function kv(rows, attrs = {}) {
  return h('dl', { class: 'kv', ...attrs }, rows.filter((r) => r && r[1] !== null && r[1] !== undefined && r[1] !== '')
    .map(([label, value, dd = {}]) => h('div', {}, h('dt', {}, label), h('dd', dd, value))));
}

/** Nodes of an enterprise summary as links to the chain map (at most `max`, then "+n"). */
export function nodeLinks(nodes, max = 3) {
  const list = nodes || [];
  if (!list.length) return h('span', { class: 'muted' }, t('none'));
  const shown = list.slice(0, max);
  return h('span', { class: 'node-links' }, shown.map((n, i) => [i ? t('list_sep') : '',
    h('a', { href: hrefNode(n.chain, n.id) }, nm(n))]), list.length > max ? h('span', { class: 'muted' }, ` +${list.length - max}`) : null);
}

/** A table of enterprise summaries: name, region, nodes, revenue, employees, founded. */
export function enterpriseTable(items, { id, caption, sort, onSort, nodes = true } = {}) {
  const cols = [
    { key: 'name', label: t('col_name') },
    { key: 'region', label: t('col_region') },
    nodes ? { key: 'nodes', label: t('col_nodes') } : null,
    { key: 'revenue', label: t('col_revenue'), num: true, sortable: true },
    { key: 'employees', label: t('col_employees'), num: true, sortable: true },
    { key: 'founded', label: t('col_founded'), num: true, sortable: true },
  ].filter(Boolean);
  const head = h('tr', {}, cols.map((c) => {
    const active = sort && c.key === sort;
    const th = h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': c.sortable && onSort ? (active ? 'descending' : 'none') : null });
    if (c.sortable && onSort) {
      th.append(h('button', { type: 'button', class: `sort${active ? ' active' : ''}`, dataset: { sort: c.key },
        'aria-label': t('sort_by', { col: c.label }), onclick: () => onSort(c.key) }, c.label, h('span', { 'aria-hidden': 'true' }, active ? ' ▼' : ' ↕')));
    } else th.append(c.label);
    return th;
  }));
  const rows = items.map((e) => h('tr', { dataset: { id: String(e.id), synthetic: e.synthetic ? '1' : '0' } },
    h('td', { class: 'name' }, enterpriseLink(e), flagBadges({ ...e.flags, local: false })),
    h('td', { class: 'c-region', dataset: { label: t('col_region') } }, e.region ? regionLink(e.region) : countryName(e.country)),
    nodes ? h('td', { class: 'c-nodes', dataset: { label: t('col_nodes') } }, nodeLinks(e.nodes)) : null,
    h('td', { class: 'num', dataset: { label: t('col_revenue') } }, money(e.revenue)),
    h('td', { class: 'num', dataset: { label: t('col_employees') } }, num(e.employees)),
    h('td', { class: 'num', dataset: { label: t('col_founded') } }, e.founded ? String(e.founded).slice(0, 4) : '–')));
  return h('div', { class: 'scroll' }, h('table', { id, class: 'ent-table' },
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, head), h('tbody', {}, rows)));
}

/** "1–50 of 1,531" with previous/next links. */
export function pager({ total, offset, limit, hrefFor, id = 'pager' }) {
  const from = total ? offset + 1 : 0;
  const to = Math.min(total, offset + limit);
  const prev = offset > 0 ? Math.max(0, offset - limit) : null;
  const next = offset + limit < total ? offset + limit : null;
  const last = total > 0 ? Math.floor((total - 1) / limit) * limit : 0;
  const link = (o, text, rel, key) => (o === null
    ? h('span', { class: 'btn small disabled', 'aria-disabled': 'true' }, text)
    : h('a', { class: 'btn small', href: hrefFor(o), rel, dataset: { page: key } }, text));
  return h('nav', { class: 'pager', id, 'aria-label': t('pagination') },
    link(offset > 0 ? 0 : null, t('page_first'), null, 'first'),
    link(prev, t('page_prev'), 'prev', 'prev'),
    h('span', { class: 'range', role: 'status' }, t('page_range', { from: num(from), to: num(to), total: num(total) })),
    link(next, t('page_next'), 'next', 'next'),
    link(offset < last ? last : null, t('page_last'), null, 'last'));
}

export function emptyNote(text) {
  return h('p', { class: 'muted empty' }, text);
}

// ---------------------------------------------------------------------------------------------------------------
// Charts

let echartsMod = null;
export async function loadECharts() {
  if (!echartsMod) echartsMod = import('./vendor/echarts/echarts.esm.min.mjs');
  return echartsMod;
}

export const CHART_COLORS = ['#1864ab', '#e8590c', '#2b8a3e', '#862e9c'];

/**
 * A chart box with a data table for screen readers and keyboard users (a <details> under the chart).
 * Returns {box, wrap}; call drawChart(box, option) once it is in the document.
 */
export function chartBlock(id, label, table, height = 260) {
  const box = h('div', { class: 'chart', id, role: 'img', 'aria-label': label, style: { height: `${height}px` } });
  const wrap = h('div', { class: 'chart-wrap' }, box,
    table ? h('details', { class: 'chart-table' }, h('summary', {}, t('show_table')), h('div', { class: 'scroll' }, table)) : null);
  return { box, wrap };
}

/** Draw an ECharts option into a box; returns a dispose function that also stops following window resizes. */
export async function drawChart(box, option) {
  const echarts = await loadECharts();
  const chart = echarts.init(box, null, { renderer: 'canvas' });
  chart.setOption({ animation: false, textStyle: { fontFamily: getComputedStyle(document.documentElement).fontFamily }, ...option });
  const onResize = () => chart.resize();
  window.addEventListener('resize', onResize);
  box.__chart = chart;
  return { chart, dispose: () => { window.removeEventListener('resize', onResize); chart.dispose(); } };
}

/** A plain data table: columns [{label, num}] and rows of cells. */
export function dataTable(columns, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((cell, i) => h('td', { class: columns[i] && columns[i].num ? 'num' : null }, cell))))));
}

// ---------------------------------------------------------------------------------------------------------------
// Small maps

/** Offline base layers: world countries, China's provinces and Xuzhou's districts (no tiles, no glyphs). */
export function baseSources() {
  const geo = (f) => new URL(`/geo/${f}`, location.href).href;
  return {
    world: { type: 'geojson', data: geo('world_countries.geojson') },
    provinces: { type: 'geojson', data: geo('china_provinces.geojson') },
    districts: { type: 'geojson', data: geo('xuzhou_districts.geojson') },
  };
}

export function baseLayers() {
  return [
    { id: 'background', type: 'background', paint: { 'background-color': '#dfe9ef' } },
    { id: 'world-fill', type: 'fill', source: 'world', paint: { 'fill-color': '#f3f1ea' } },
    { id: 'world-line', type: 'line', source: 'world', paint: { 'line-color': '#b9b3a6', 'line-width': 0.6 } },
    { id: 'provinces-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': '#faf8f2' } },
    { id: 'provinces-line', type: 'line', source: 'provinces', paint: { 'line-color': '#a59d8f', 'line-width': 0.8 } },
    { id: 'districts-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6 } },
    { id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#3d4752', 'line-width': 1.2 } },
  ];
}

/** A polygon approximating a circle of `km` around [lon, lat]. */
export function circlePolygon([lon, lat], km, steps = 64) {
  const ring = [];
  const dLat = km / 110.574;
  const dLon = km / (111.32 * Math.cos((lat * Math.PI) / 180));
  for (let i = 0; i <= steps; i++) {
    const a = (i / steps) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
}

export function mapLocale() {
  return {
    'NavigationControl.ZoomIn': t('ml_zoom_in'), 'NavigationControl.ZoomOut': t('ml_zoom_out'),
    'AttributionControl.ToggleAttribution': t('ml_attribution'), 'Popup.Close': t('ml_close'),
  };
}

/**
 * A small, static-feeling map of a few points (the record first), optionally with a radius ring. Never throws: without
 * WebGL it says so in the box. Returns a cleanup function.
 * points: [{lon, lat, kind: 'main'|'other', label}]
 */
export async function miniMap(box, { points, zoom = 11, ring = null, href = null }) {
  const pts = (points || []).filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
  if (!pts.length) {
    box.replaceChildren(h('p', { class: 'muted' }, t('no_location')));
    return () => {};
  }
  let map;
  try {
    const maplibregl = await import('./vendor/maplibre-gl/maplibre-gl.mjs');
    const features = pts.map((p) => ({ type: 'Feature', properties: { kind: p.kind || 'main' }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } }));
    map = new maplibregl.Map({
      container: box,
      style: {
        version: 8,
        sources: {
          ...baseSources(),
          ring: { type: 'geojson', data: { type: 'FeatureCollection', features: ring ? [circlePolygon([pts[0].lon, pts[0].lat], ring)] : [] } },
          points: { type: 'geojson', data: { type: 'FeatureCollection', features } },
        },
        layers: [...baseLayers(),
          { id: 'ring-fill', type: 'fill', source: 'ring', paint: { 'fill-color': '#1864ab', 'fill-opacity': 0.08 } },
          { id: 'ring-line', type: 'line', source: 'ring', paint: { 'line-color': '#1864ab', 'line-width': 1.5, 'line-dasharray': [2, 2] } },
          { id: 'points-other', type: 'circle', source: 'points', filter: ['==', ['get', 'kind'], 'other'], paint: { 'circle-radius': 5, 'circle-color': '#0c8599', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } },
          { id: 'points-main', type: 'circle', source: 'points', filter: ['==', ['get', 'kind'], 'main'], paint: { 'circle-radius': 8, 'circle-color': '#c92a2a', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
        ],
      },
      center: [pts[0].lon, pts[0].lat],
      zoom,
      attributionControl: { compact: true, customAttribution: t('map_attr') },
      dragRotate: false,
      pitchWithRotate: false,
      cooperativeGestures: false,
      locale: mapLocale(),
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('error', (ev) => console.error('map', ev.error || ev));
    if (ring || pts.length > 1) {
      const lons = pts.map((p) => p.lon);
      const lats = pts.map((p) => p.lat);
      if (ring) {
        const c = circlePolygon([pts[0].lon, pts[0].lat], ring).geometry.coordinates[0];
        lons.push(...c.map((x) => x[0]));
        lats.push(...c.map((x) => x[1]));
      }
      map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 24, maxZoom: 14, duration: 0 });
    }
    map.on('load', () => {
      const attrib = box.querySelector('.maplibregl-ctrl-attrib');
      if (attrib) attrib.classList.remove('maplibregl-compact-show');
      box.dataset.map = 'ready';
    });
  } catch (e) {
    console.error(e);
    box.replaceChildren(h('p', { class: 'muted' }, t('map_no_webgl_short')));
    box.dataset.map = 'unavailable';
    return () => {};
  }
  if (href) box.after(h('p', { class: 'map-more' }, h('a', { href }, t('open_on_map'))));
  return () => map.remove();
}

// ---------------------------------------------------------------------------------------------------------------
// Scores: stacked bars of weighted parts, their legend, weight sliders, form fields that show the server's errors

/** One colour per part of a score, in the order the parts are listed. */
export const PART_COLORS = ['#1864ab', '#e8590c', '#2b8a3e', '#862e9c', '#c2255c', '#0c8599'];

/**
 * A score as a bar of 0–100 made of its parts: each part is as wide as the points it adds (weight × value over the sum
 * of the weights), in its own colour; a part without evidence (it counts the mean) is hatched grey.
 * parts: [{key, label, color, points, known}]
 */
export function stackedBar(parts, { score, id } = {}) {
  const total = score ?? parts.reduce((s, p) => s + p.points, 0);
  const words = parts.map((p) => `${p.label} ${num(p.points, 1)}${p.known ? '' : ` (${t('part_unknown')})`}`).join(t('list_sep'));
  return h('div', { class: 'stack', id, role: 'img', 'aria-label': `${t('score')} ${num(total, 1)}${t('colon')}${words}` },
    parts.filter((p) => p.points > 0).map((p) => h('span', {
      class: `seg${p.known ? '' : ' unknown'}`, dataset: { part: p.key, points: p.points.toFixed(3) },
      style: { width: `${Math.max(0, Math.min(100, p.points))}%`, '--c': p.color },
      title: `${p.label}${t('colon')}${num(p.points, 1)}${p.known ? '' : ` · ${t('part_unknown')}`}`,
    })));
}

/** The legend of a stacked bar: a swatch per part, and the hatched swatch of a part without evidence. */
export function barLegend(parts, { id } = {}) {
  return h('ul', { class: 'bar-legend', id, 'aria-label': t('legend') },
    parts.map((p) => h('li', { dataset: { part: p.key } }, h('span', { class: 'seg-swatch', style: { '--c': p.color }, 'aria-hidden': 'true' }), p.label)),
    h('li', { dataset: { part: 'unknown' } }, h('span', { class: 'seg-swatch unknown', 'aria-hidden': 'true' }), t('part_unknown_legend')));
}

/** A range input with its label and the value beside it; oninput(value) on every move. */
export function slider(id, label, value, { min = 0, max = 10, step = 0.5, oninput, color } = {}) {
  const out = h('output', { for: id, id: `${id}-out`, class: 'slider-value' }, num(value, 1));
  const input = h('input', {
    type: 'range', id, name: id, min, max, step, value: String(value),
    oninput: (e) => {
      const v = Number(e.target.value);
      out.textContent = num(v, 1);
      if (oninput) oninput(v);
    },
  });
  return h('div', { class: 'slider' },
    h('label', { for: id }, color ? h('span', { class: 'seg-swatch', style: { '--c': color }, 'aria-hidden': 'true' }) : null, label),
    input, out);
}

/**
 * A form field whose errors come from the server: the wrapper carries the API parameter it sends (data-param), so an
 * error naming that parameter is shown right under it.
 */
export function formField(param, id, label, control, { hint } = {}) {
  const hintEl = hint ? h('small', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field form-field', dataset: { param } },
    h('label', { for: id }, label), control, hintEl,
    h('p', { class: 'field-error', id: `${id}-err`, role: 'alert', hidden: true }));
}

export function clearFieldErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const hint = el.getAttribute('aria-describedby') || '';
    el.setAttribute('aria-describedby', hint.split(' ').filter((x) => x && !x.endsWith('-err')).join(' '));
    if (!el.getAttribute('aria-describedby')) el.removeAttribute('aria-describedby');
  }
  const top = form.querySelector('.form-error');
  if (top) { top.hidden = true; top.textContent = ''; }
}

/**
 * Show an API error next to the field it names (data-param = err.parameter, or one of `aliases[err.parameter]`),
 * focus that field and keep whatever the user typed; an error naming no field goes to the form's .form-error.
 * Returns the parameter shown, or null.
 */
export function showFieldError(form, err, aliases = {}, { focus = true } = {}) {
  const name = err && err.parameter;
  const target = name ? aliases[name] || name : null;
  const wrap = target ? form.querySelector(`[data-param="${CSS.escape(target)}"]`) : null;
  const text = err && err.detail ? err.detail : String(err && err.message ? err.message : err);
  if (!wrap) {
    const top = form.querySelector('.form-error');
    if (top) { top.hidden = false; top.textContent = `${t('error_title')}${t('colon')}${text}`; }
    return null;
  }
  const p = wrap.querySelector('.field-error');
  p.hidden = false;
  p.textContent = text;
  const control = wrap.querySelector('input:not([type=hidden]), select, textarea, button');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!ids.includes(p.id)) ids.push(p.id);
    control.setAttribute('aria-describedby', ids.join(' '));
    if (focus) control.focus();
  }
  return target;
}

/**
 * One write of a versioned record (a project, a request) from `form`: the form is busy meanwhile; `request` sends it and
 * redraws from the answer. A 409 version conflict puts a box in the form — `title`, the server's detail and a button
 * (`#{id}-reload`) that calls `reload`, which keeps what was typed; any other error goes to `failed(e)`. The outcome is
 * left on `state` as data-last-write (ok, or the error code). Resolves true when the write went through.
 */
export async function versionedWrite(form, { scope, state, id, title, request, reload, failed }) {
  clearFieldErrors(form);
  for (const box of scope.querySelectorAll('.conflict')) box.remove();
  form.setAttribute('aria-busy', 'true');
  for (const b of form.querySelectorAll('button')) b.disabled = true;
  try {
    await request();
    state.dataset.lastWrite = 'ok';
    return true;
  } catch (e) {
    if (e.name === 'AbortError') return false;
    for (const b of form.querySelectorAll('button')) b.disabled = false;
    state.dataset.lastWrite = e.code || 'error';
    if (e.status === 409 && e.code === 'version_conflict') {
      const box = h('div', { class: 'error conflict', role: 'alert', id },
        h('strong', {}, title), ' ', h('span', { class: 'error-msg' }, e.detail),
        h('button', { type: 'button', class: 'btn', id: `${id}-reload`, onclick: reload }, t('pj_reload')));
      form.append(box);
      box.querySelector('button').focus();
    } else {
      failed(e);
    }
    return false;
  } finally {
    form.removeAttribute('aria-busy');
  }
}

/** Options of a node picker: the chains of each cluster as groups, their nodes inside. */
export function nodeOptions(tax, selected, { empty = null, chain = null } = {}) {
  const groups = tax.chains.filter((c) => !chain || c.id === chain).map((c) => h('optgroup', { label: nm(c) },
    tax.nodes.filter((n) => n.chain === c.id).map((n) => h('option', { value: n.id, selected: n.id === selected }, nm(n)))));
  return [empty ? h('option', { value: '', selected: !selected }, empty) : null, ...groups];
}

/** A distance in km, rounded as people say it. */
export function km(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${num(v, v < 10 ? 1 : 0)} ${t('unit_km')}`;
}

export function percent(v, digits = 0) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${num(v * 100, digits)}%`;
}

// ---------------------------------------------------------------------------------------------------------------
// The project pipeline (项目库): stages, 板块, classes, progress against targets, project tables

/** The stages of a project, in order; 终止 (dropped) last. */
export const STAGES = ['lead', 'contact', 'negotiating', 'signed', 'registered', 'started', 'producing', 'dropped'];
/** The size bands of the agreed amount, as the API names them. */
export const BANDS = ['lt1', '1-3', '3-10', '10-20', '20-50', 'ge50'];
export const CHANNELS = ['chain', 'team', 'investor', 'fund', 'agency', 'other'];
/** Categories of projects outside the 343 system (the API's other_category values). */
export const OTHER_CATEGORIES = ['smart-manufacturing', 'modern-service'];

export const hrefProject = (id) => makeHash('project', [String(id)]);
export const hrefEvent = (id) => makeHash('event', [String(id)]);
/** The project list with filters (the keys of /api/v1/projects). */
export const hrefPipeline = (filters = {}, extra = {}) => makeHash('pipeline', [], { ...filters, ...extra });

/** A label for a keyed value with a fallback to the key itself when no string exists. */
function labelOr(key, fallback) {
  const s = t(key);
  return s === key ? fallback : s;
}

export const stageLabel = (stage) => labelOr(`stage_${stage}`, stage || '–');
export const bandLabel = (band) => labelOr(`band_${band}`, band || '–');
export const channelLabel = (c) => labelOr(`channel_${c}`, c || '–');
export const otherCategoryLabel = (c) => labelOr(`oc_${c}`, c || t('oc_other'));

/** A percentage the API already rounded (80.9 → "80.9%"); null (no target, nothing to divide) → "—". */
export function pct(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const f = new Intl.NumberFormat(lang() === 'en' ? 'en' : 'zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return `${f.format(v)}%`;
}

/** A project's stage as a coloured badge. */
export function stageBadge(stage, attrs = {}) {
  return h('span', { class: `stage-badge st-${stage}`, dataset: { stage }, ...attrs }, stageLabel(stage));
}

/** What a project is: tier · cluster (· node) inside the 343 system, or its other category. */
export function classText(cls) {
  if (!cls) return '–';
  if (cls.cluster) return [nm(cls.cluster), cls.node ? nm(cls.node) : null].filter(Boolean).join(' · ');
  return `${t('pl_other_short')} · ${otherCategoryLabel(cls.other_category)}`;
}

/** The red mark of a project that is late: 开工 overdue, or overdue checklist items. */
export function overdueBadge(p) {
  if (!p) return null;
  if (p.start_overdue) return h('span', { class: 'badge late', title: t('pl_start_overdue_hint') }, t('pl_start_overdue'));
  if (p.checklist_overdue) return h('span', { class: 'badge late' }, t('pl_tasks_overdue_n', { n: num(p.checklist_overdue) }));
  return null;
}

/** A department's open checklist items in a project (when the list was asked with tasks_of), overdue ones counted. */
export function tasksBadge(p) {
  const k = p && p.tasks_of;
  if (!k || !k.open) return null;
  return h('span', { class: `badge todo-badge${k.overdue ? ' late-todo' : ''}`, dataset: { open: String(k.open), overdue: String(k.overdue) } },
    k.overdue ? t('pl_tasks_of_late', { n: num(k.open), o: num(k.overdue) }) : t('pl_tasks_of', { n: num(k.open) }));
}

/** The 板块 of the home city (districts, counties and development zones), from the region API, cached. */
export async function loadBoards(signal) {
  const r = await getJson('/api/v1/regions/320300', { signal, cached: true });
  return (r.children || []).filter((c) => c.level === 'county' || c.level === 'zone');
}

/** <option>s of the 板块 select: districts and counties, then zones. */
export function boardOptions(boards, selected, { empty = null } = {}) {
  const opt = (b) => h('option', { value: b.code, selected: b.code === selected }, nm(b) || b.code);
  const counties = boards.filter((b) => b.level === 'county');
  const zones = boards.filter((b) => b.level !== 'county');
  const out = [empty ? h('option', { value: '', selected: !selected }, empty) : null,
    h('optgroup', { label: t('pl_counties') }, counties.map(opt)),
    zones.length ? h('optgroup', { label: t('pl_zones') }, zones.map(opt)) : null];
  if (selected && !boards.some((b) => b.code === selected)) out.push(h('option', { value: selected, selected: true }, selected));
  return out;
}

/**
 * <option>s of the class select: the clusters of each tier, then the categories outside the system. Values are
 * `cluster:<id>` and `other:<category>`; classValue() reads one back.
 */
export function classOptions(tax, cls, { empty = null } = {}) {
  const sel = cls && cls.cluster ? `cluster:${cls.cluster}` : cls && cls.other ? `other:${cls.other}` : '';
  const tiers = [...tax.tiers].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  return [empty ? h('option', { value: '', selected: !sel }, empty) : null,
    ...tiers.map((tier) => h('optgroup', { label: nm(tier) }, tax.clusters.filter((c) => c.tier === tier.id)
      .map((c) => h('option', { value: `cluster:${c.id}`, selected: sel === `cluster:${c.id}` }, nm(c))))),
    h('optgroup', { label: t('pl_other_system') }, OTHER_CATEGORIES.map((c) => h('option', { value: `other:${c}`, selected: sel === `other:${c}` }, otherCategoryLabel(c))))];
}

/** The select's value as API fields: {cluster, other_category} (one of them null). */
export function classValue(v) {
  const [kind, id] = String(v || '').split(':');
  if (kind === 'cluster' && id) return { cluster: id, other_category: null };
  if (kind === 'other' && id) return { cluster: null, other_category: id };
  return { cluster: null, other_category: null };
}

/** A progress bar of a completion percentage (the API's), capped at the track's end; "—" without a target. */
export function progressBar(value, { label = '', id } = {}) {
  const known = value !== null && value !== undefined && Number.isFinite(value);
  const width = known ? Math.max(0, Math.min(100, value)) : 0;
  return h('span', { class: `pbar${known && value >= 100 ? ' done' : ''}${known ? '' : ' none'}`, id, role: 'img', 'aria-label': `${label} ${pct(value)}`.trim() },
    h('span', { class: 'pbar-fill', style: { width: `${width}%` } }));
}

/** A change with its arrow: ↑ up (green), ↓ down (red), → none; null → "—". `unit` follows the number. */
export function changeMark(v, { unit = '', digits = 1, title } = {}) {
  if (v === null || v === undefined || !Number.isFinite(v)) return h('span', { class: 'chg none' }, '—');
  const dir = v > 0 ? 'up' : v < 0 ? 'down' : 'same';
  const arrow = { up: '↑', down: '↓', same: '→' }[dir];
  return h('span', { class: `chg ${dir}`, dataset: { change: String(v) }, title, 'aria-label': `${t(`chg_${dir}`)} ${num(Math.abs(v), digits)}${unit}` },
    h('span', { 'aria-hidden': 'true' }, arrow), ` ${num(Math.abs(v), digits)}${unit}`);
}

/** A headline figure: the value large, its label, an optional line under it. */
export function figure(label, value, extra = null, attrs = {}) {
  return h('div', { class: 'figure', ...attrs }, h('span', { class: 'fig-value' }, value), h('span', { class: 'fig-label' }, label),
    extra ? h('span', { class: 'fig-extra' }, extra) : null);
}

/** A number that opens the project list behind it (the filters of /api/v1/projects). */
export function projectCountLink(n, filters, attrs = {}) {
  if (n === null || n === undefined) return '–';
  return h('a', { href: hrefPipeline(filters), class: 'count-link', title: t('pl_see_projects'), dataset: { count: String(n) }, ...attrs }, num(n));
}

const PROJECT_SORTS = { name: 'name', amount: 'amount', signed: 'signed', recent: 'recent' };

/**
 * A table of project summaries: name and investor, stage, 板块, class, amount, signing date, officer, last move.
 * `onSort(key)` makes the sortable columns buttons (the API's sorts: name ↑, amount ↓, signed ↓, recent ↓).
 */
export function projectTable(items, { id, caption, sort, onSort, officer = true } = {}) {
  const cols = [
    { key: 'name', label: t('pl_col_name'), sortable: true },
    { key: 'stage', label: t('stage') },
    { key: 'region', label: t('pl_board') },
    { key: 'class', label: t('pl_class') },
    { key: 'amount', label: t('pl_amount'), num: true, sortable: true },
    { key: 'signed', label: t('pl_signed_on'), num: true, sortable: true },
    officer ? { key: 'officer', label: t('pl_officer') } : null,
    { key: 'recent', label: t('pl_last_move'), num: true, sortable: true },
  ].filter(Boolean);
  const head = h('tr', {}, cols.map((c) => {
    const active = sort && PROJECT_SORTS[c.key] === sort;
    const dir = c.key === 'name' ? 'ascending' : 'descending';
    const th = h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': c.sortable && onSort ? (active ? dir : 'none') : null });
    if (c.sortable && onSort) {
      th.append(h('button', { type: 'button', class: `sort${active ? ' active' : ''}`, dataset: { sort: c.key },
        'aria-label': t('sort_by', { col: c.label }), onclick: () => onSort(c.key) }, c.label,
      h('span', { 'aria-hidden': 'true' }, active ? (dir === 'ascending' ? ' ▲' : ' ▼') : ' ↕')));
    } else th.append(c.label);
    return th;
  }));
  const rows = items.map((p) => h('tr', { dataset: { id: p.id, stage: p.stage, synthetic: p.synthetic ? '1' : '0' } },
    h('td', { class: 'name' }, h('a', { href: hrefProject(p.id), class: 'proj-link' }, p.name || p.id), ' ', overdueBadge(p), ' ', tasksBadge(p),
      p.investor ? h('div', { class: 'small muted investor' }, p.investor) : null),
    h('td', { class: 'c-stage', dataset: { label: t('stage') } }, stageBadge(p.stage)),
    h('td', { class: 'c-region', dataset: { label: t('pl_board') } }, p.region ? nm(p.region) || p.region.code : '–'),
    h('td', { class: 'c-class', dataset: { label: t('pl_class') } }, classText(p.class)),
    h('td', { class: 'num', dataset: { label: t('pl_amount') } }, money(p.amount)),
    h('td', { class: 'num', dataset: { label: t('pl_signed_on') } }, p.signed_on || '–'),
    officer ? h('td', { class: 'c-officer', dataset: { label: t('pl_officer') } }, p.officer || '–') : null,
    h('td', { class: 'num', dataset: { label: t('pl_last_move') } }, p.last_move || '–')));
  return h('div', { class: 'scroll' }, h('table', { id, class: 'proj-table' },
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, head), h('tbody', {}, rows)));
}

/** Today in the browser, as YYYY-MM-DD (a fallback: the project page uses the server's `today`). */
export function todayIso() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
