// Heat map: enterprises per H3 cell from /api/v1/heat (GeoJSON) as a fill layer over offline boundaries (no tiles).
// The legend's classes are computed from the returned values and drive the layer's colours, so they always match.

import { t, nm, num } from '../i18n.js';
import { getJson, h, errorBox, loading } from '../api.js';

const PALETTE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];
const AREAS = {
  320300: [[116.35, 33.72], [118.67, 34.97]],
  320000: [[116.3, 30.7], [121.95, 35.2]],
  CN: [[73.5, 18], [135, 53.6]],
  all: [[-170, -50], [179, 75]],
};
const WEIGHTS = ['count', 'revenue', 'employees', 'capital'];
const RESOLUTIONS = [5, 6, 7, 8, 9];
const PARAMS = ['region', 'tier', 'cluster', 'chain', 'node', 'local', 'weight', 'res'];
const DEFAULTS = { region: '320300', weight: 'count', res: '7' };

/** Quantile classes over the values: breaks b0 < b1 < …; a value v is in class i when b_i <= v < b_(i+1). */
export function classify(values, k = PALETTE.length) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return [];
  const breaks = [v[0]];
  for (let i = 1; i < k; i++) {
    const q = v[Math.floor((i * v.length) / k)];
    if (q > breaks[breaks.length - 1]) breaks.push(q);
  }
  const colors = breaks.length === 1 ? [PALETTE[PALETTE.length - 1]]
    : breaks.map((_, i) => PALETTE[Math.round((i * (PALETTE.length - 1)) / (breaks.length - 1))]);
  const max = v[v.length - 1];
  const classes = breaks.map((lo, i) => ({ lo, next: i + 1 < breaks.length ? breaks[i + 1] : null, max, color: colors[i], cells: 0 }));
  for (const x of v) classes[classOf(classes, x)].cells += 1;
  return classes;
}

export function classOf(classes, x) {
  let i = 0;
  while (i + 1 < classes.length && x >= classes[i + 1].lo) i += 1;
  return i;
}

function fillExpression(classes) {
  if (!classes.length) return PALETTE[0];
  if (classes.length === 1) return classes[0].color;
  const expr = ['step', ['get', 'value'], classes[0].color];
  for (let i = 1; i < classes.length; i++) expr.push(classes[i].lo, classes[i].color);
  return expr;
}

function rangeLabel(c, integers) {
  const hi = c.next === null ? c.max : integers ? c.next - 1 : c.next;
  if (integers) return hi <= c.lo ? num(c.lo) : `${num(c.lo)}–${num(hi)}`;
  return c.next === null ? `${num(c.lo, 1)}–${num(hi, 1)}` : `${num(c.lo, 1)}–<${num(hi, 1)}`;
}

function select(id, label, options, value, onchange) {
  return h('label', { class: 'field', for: id }, h('span', {}, label),
    h('select', { id, name: id, onchange: (e) => onchange(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text))));
}

function centroid(feature) {
  const ring = feature.geometry.coordinates[0];
  const n = ring.length - 1 || 1;
  let x = 0, y = 0;
  for (let i = 0; i < n; i++) { x += ring[i][0]; y += ring[i][1]; }
  return [x / n, y / n];
}

function baseStyle() {
  const geo = (f) => new URL(`/geo/${f}`, location.href).href;
  return {
    version: 8,
    sources: {
      world: { type: 'geojson', data: geo('world_countries.geojson') },
      provinces: { type: 'geojson', data: geo('china_provinces.geojson') },
      districts: { type: 'geojson', data: geo('xuzhou_districts.geojson') },
      heat: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe9ef' } },
      { id: 'world-fill', type: 'fill', source: 'world', paint: { 'fill-color': '#f3f1ea' } },
      { id: 'world-line', type: 'line', source: 'world', paint: { 'line-color': '#b9b3a6', 'line-width': 0.6 } },
      { id: 'provinces-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': '#faf8f2' } },
      { id: 'provinces-line', type: 'line', source: 'provinces', paint: { 'line-color': '#a59d8f', 'line-width': 0.8 } },
      { id: 'districts-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6 } },
      { id: 'heat-fill', type: 'fill', source: 'heat', paint: { 'fill-color': PALETTE[0], 'fill-opacity': 0.8, 'fill-outline-color': 'rgba(80,40,20,0.35)' } },
      { id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#3d4752', 'line-width': 1.4 } },
      { id: 'heat-selected', type: 'line', source: 'heat', filter: ['==', ['get', 'key'], ''], paint: { 'line-color': '#111', 'line-width': 3 } },
    ],
  };
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const state = { ...DEFAULTS };
  for (const k of PARAMS) if (ctx.params.get(k)) state[k] = ctx.params.get(k);
  if (!WEIGHTS.includes(state.weight)) state.weight = 'count';
  if (!RESOLUTIONS.includes(Number(state.res))) state.res = '7';

  const busy = loading();
  root.append(busy);
  let tax;
  try {
    tax = await getJson('/api/v1/taxonomy', { signal, cached: true });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }

  const filters = h('form', { class: 'filters', id: 'filters', onsubmit: (e) => e.preventDefault() });
  const status = h('p', { class: 'map-status', id: 'map-status', role: 'status' });
  const mapBox = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('map_heading') });
  const legend = h('section', { class: 'legend', id: 'legend', 'aria-labelledby': 'legend-h' });
  const info = h('section', { class: 'cell-info', id: 'cell-info', 'aria-live': 'polite' });
  const table = h('section', { class: 'top-cells', id: 'top-cells' });
  const bounds = () => AREAS[state.region] || AREAS[320300];
  const fitBtn = h('button', { type: 'button', class: 'btn small', onclick: () => map && map.fitBounds(bounds(), { padding: 10 }) }, t('fit_area'));
  busy.replaceWith(
    h('div', { class: 'view-head' }, h('h1', {}, t('map_heading')), fitBtn),
    filters, status,
    h('div', { class: 'map-wrap' }, mapBox, legend),
    info, table);

  let map = null;
  let mapReady = null;
  let heat = null; // the last GeoJSON
  let classes = [];
  let fetchCtl = null;

  function drawFilters() {
    const tiers = [['', t('f_all')], ...tax.tiers.map((x) => [x.id, nm(x)])];
    const clusters = [['', t('f_all')], ...tax.clusters.filter((c) => !state.tier || c.tier === state.tier).map((c) => [c.id, nm(c)])];
    const chains = [['', t('f_all')], ...tax.chains.filter((ch) => {
      if (state.cluster) return ch.cluster === state.cluster;
      if (state.tier) return tax.clusters.some((c) => c.id === ch.cluster && c.tier === state.tier);
      return true;
    }).map((ch) => [ch.id, nm(ch)])];
    const regions = Object.keys(AREAS).map((r) => [r, t(`region_${r}`)]);
    if (!AREAS[state.region]) regions.unshift([state.region, state.region]);
    const set = (k) => (v) => {
      state[k] = v;
      if (k === 'region' && map && AREAS[v]) map.fitBounds(AREAS[v], { padding: 10 });
      if (k === 'tier') { delete state.cluster; delete state.chain; }
      if (k === 'cluster') delete state.chain;
      update();
    };
    filters.replaceChildren(
      select('f-region', t('f_region'), regions, state.region, set('region')),
      select('f-tier', t('f_tier'), tiers, state.tier, set('tier')),
      select('f-cluster', t('f_cluster'), clusters, state.cluster, set('cluster')),
      select('f-chain', t('f_chain'), chains, state.chain, set('chain')),
      select('f-local', t('f_local'), [['', t('f_local_all')], ['true', t('f_local_true')], ['false', t('f_local_false')]], state.local, set('local')),
      select('f-weight', t('f_weight'), WEIGHTS.map((w) => [w, t(`w_${w}`)]), state.weight, set('weight')),
      select('f-res', t('f_res'), RESOLUTIONS.map((r) => [String(r), t('res_label', { n: r })]), state.res, set('res')),
      h('button', { type: 'button', class: 'btn', id: 'f-reset', onclick: () => { for (const k of PARAMS) delete state[k]; Object.assign(state, DEFAULTS); update(); } }, t('f_reset')));
  }

  function query() {
    const q = new URLSearchParams({ group: 'h3', res: state.res, weight: state.weight, format: 'geojson' });
    for (const k of ['tier', 'cluster', 'chain', 'node', 'region', 'local']) if (state[k] && state[k] !== 'all') q.set(k, state[k]);
    return `/api/v1/heat?${q}`;
  }

  function drawLegend() {
    const integers = (heat?.features || []).every((f) => Number.isInteger(f.properties.value));
    legend.replaceChildren(h('h2', { id: 'legend-h' }, t('legend'), h('small', {}, ` · ${t(`w_${state.weight}`)}`)));
    if (!classes.length) {
      legend.append(h('p', { class: 'muted' }, t('legend_empty')));
      return;
    }
    legend.append(h('ol', { class: 'classes' }, classes.map((c) => h('li', {
      class: 'class', dataset: { lo: c.lo, next: c.next ?? '', max: c.max, cells: c.cells, color: c.color },
    }, h('span', { class: 'chip', style: { background: c.color }, 'aria-hidden': 'true' }),
    h('span', { class: 'range' }, rangeLabel(c, integers)),
    h('span', { class: 'cells muted' }, t('legend_cells', { n: num(c.cells) }))))));
  }

  function showCell(f) {
    if (!f) { info.replaceChildren(); return; }
    const p = f.properties;
    info.replaceChildren(h('h2', {}, t('cell'), ' ', h('code', {}, p.key)),
      h('dl', { class: 'kv' },
        h('div', {}, h('dt', {}, t('cell_count')), h('dd', { id: 'cell-count' }, num(p.count))),
        h('div', {}, h('dt', {}, `${t('cell_value')}（${t(`w_${state.weight}`)}）`), h('dd', { id: 'cell-value' }, num(p.value, 1)))));
    if (map && mapReady === true) map.setFilter('heat-selected', ['==', ['get', 'key'], p.key]);
  }

  function drawTable() {
    const feats = [...(heat?.features || [])].sort((a, b) => b.properties.value - a.properties.value).slice(0, 10);
    if (!feats.length) { table.replaceChildren(); return; }
    table.replaceChildren(h('h2', {}, t('top_cells')), h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('cell')), h('th', { scope: 'col', class: 'num' }, t('cell_count')), h('th', { scope: 'col', class: 'num' }, t('cell_value')))),
      h('tbody', {}, feats.map((f) => h('tr', {},
        h('td', {}, h('button', { type: 'button', class: 'linkish', onclick: () => { showCell(f); if (map && mapReady === true) map.easeTo({ center: centroid(f), zoom: Math.max(map.getZoom(), 9) }); } }, f.properties.key)),
        h('td', { class: 'num' }, num(f.properties.count)),
        h('td', { class: 'num' }, num(f.properties.value, 1)))))));
  }

  async function update() {
    drawFilters();
    const urlState = {};
    for (const k of PARAMS) if (state[k] && !(k in DEFAULTS && state[k] === DEFAULTS[k])) urlState[k] = state[k];
    ctx.setParams(urlState);
    if (fetchCtl) fetchCtl.abort();
    fetchCtl = new AbortController();
    const mine = fetchCtl;
    signal.addEventListener('abort', () => mine.abort(), { once: true });
    status.textContent = t('loading');
    root.dataset.heat = 'loading';
    try {
      heat = await getJson(query(), { signal: mine.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.replaceChildren(errorBox(e, update));
      root.dataset.heat = 'error';
      return;
    }
    for (const f of heat.features) f.properties.key = f.id;
    classes = classify(heat.features.map((f) => f.properties.value));
    const total = heat.features.reduce((s, f) => s + f.properties.count, 0);
    status.textContent = t('map_summary', { cells: num(heat.features.length), count: num(total) });
    drawLegend();
    drawTable();
    showCell(null);
    if (map && mapReady === true) paint();
    root.dataset.heat = 'ok';
    root.dataset.cells = String(heat.features.length);
  }

  function paint() {
    map.getSource('heat').setData(heat || { type: 'FeatureCollection', features: [] });
    map.setPaintProperty('heat-fill', 'fill-color', fillExpression(classes));
    map.setFilter('heat-selected', ['==', ['get', 'key'], '']);
  }

  async function startMap() {
    let maplibregl;
    try {
      maplibregl = await import('../vendor/maplibre-gl/maplibre-gl.mjs');
      if (signal.aborted) return;
      map = new maplibregl.Map({
        container: mapBox,
        style: baseStyle(),
        bounds: bounds(),
        fitBoundsOptions: { padding: 10 },
        attributionControl: { compact: true, customAttribution: t('map_attr') },
        dragRotate: false,
        pitchWithRotate: false,
        locale: {
          'NavigationControl.ZoomIn': t('ml_zoom_in'), 'NavigationControl.ZoomOut': t('ml_zoom_out'),
          'AttributionControl.ToggleAttribution': t('ml_attribution'), 'Popup.Close': t('ml_close'),
        },
      });
    } catch (e) {
      console.error(e);
      mapReady = false;
      mapBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('map_no_webgl')));
      root.dataset.map = 'unavailable';
      return;
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('error', (ev) => console.error('map', ev.error || ev));
    map.on('load', () => {
      mapReady = true;
      // Start with the attribution folded (the (i) button opens it), so it does not cover the map on a phone.
      const attrib = mapBox.querySelector('.maplibregl-ctrl-attrib');
      if (attrib) attrib.classList.remove('maplibregl-compact-show');
      root.dataset.map = 'ready';
      if (heat) paint();
    });
    const popup = new maplibregl.Popup({ closeButton: true, maxWidth: '240px' });
    map.on('click', 'heat-fill', (ev) => {
      const f = ev.features && ev.features[0];
      if (!f) return;
      showCell(f);
      popup.setLngLat(ev.lngLat).setDOMContent(h('div', { class: 'popup' },
        h('strong', {}, t('cell_count'), ': ', num(f.properties.count)), h('br'),
        `${t('cell_value')}: ${num(f.properties.value, 1)}`)).addTo(map);
    });
    map.on('mouseenter', 'heat-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', 'heat-fill', () => { map.getCanvas().style.cursor = ''; });
  }

  drawFilters();
  const started = startMap();
  await update();
  await started;
  root.dataset.ready = 'ok';
  // Tests and tools read the map from here.
  window.__chainscopeMap = map;
  return () => {
    if (fetchCtl) fetchCtl.abort();
    if (map) map.remove();
    window.__chainscopeMap = null;
  };
}
