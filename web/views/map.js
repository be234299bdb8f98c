// Heat map: enterprises per H3 cell from /api/v1/heat (GeoJSON) as a fill layer over offline boundaries (no tiles),
// with layers for parks and zones, carrier platforms with space, logistics hubs and — when zoomed in — enterprise
// markers clustered by H3 cell (/api/v1/markers for the view). The legend's classes are computed from the returned
// values and drive the layer's colours, so they always match. Every figure opens the records it counts.
// URL: #/map?region=&tier=&cluster=&chain=&node=&local=&weight=&res=&layers=&at=zoom/lat/lon

import { t, nm, num, lang } from '../i18n.js';
import { getJson, h, errorBox, loading, listHref, demoBadge, isDemoData } from '../api.js';
import { regionName, hrefEnterprise, hrefPark, hrefRegion, enterpriseLink, countLink, mapLocale } from '../ui.js';

const PALETTE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];
const AREAS = {
  320300: [[116.35, 33.72], [118.67, 34.97]],
  320000: [[116.3, 30.7], [121.95, 35.2]],
  CN: [[73.5, 18], [135, 53.6]],
  all: [[-170, -50], [179, 75]],
};
const SCOPES = ['320300', 'CN', 'all'];
const WEIGHTS = ['count', 'revenue', 'employees', 'capital'];
const RESOLUTIONS = [3, 4, 5, 6, 7, 8, 9];
/** The grid that suits an area: fine for the city, coarse for the world (a world at level 7 is tens of MB). */
const AREA_RES = { 320300: '7', 320000: '6', CN: '5', all: '3' };
const LAYERS = ['heat', 'markers', 'parks', 'carriers', 'hubs'];
const PARAMS = ['region', 'tier', 'cluster', 'chain', 'node', 'local', 'weight', 'res', 'layers'];
const DEFAULTS = { region: '320300', weight: 'count', res: '7', layers: LAYERS.join(',') };
const HEAT_FILTERS = ['tier', 'cluster', 'chain', 'node', 'region', 'local'];
/** Enterprise markers appear from this zoom on; below it the heat cells tell the story. */
export const MARKER_MIN_ZOOM = 9;
const MARKER_LIMIT = 1500;
const MARKER_DEBOUNCE_MS = 250;
const CELL_RECORDS = 20;
const COLORS = { park: '#2b8a3e', carrier: '#e8590c', hub: '#862e9c', marker: '#1c3f6e' };

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

// ---------------------------------------------------------------------------------------------------------------
// Icons drawn on a canvas (no sprite or glyph files: everything works offline)

const PR = 2;

function canvas(w, hgt) {
  const c = document.createElement('canvas');
  c.width = w * PR;
  c.height = hgt * PR;
  const g = c.getContext('2d');
  g.scale(PR, PR);
  return { c, g };
}

/** The symbol of a point layer: park = square, carrier = triangle, hub = diamond. */
export function drawSymbol(kind, size = 18) {
  const { c, g } = canvas(size, size);
  const s = size;
  g.fillStyle = COLORS[kind];
  g.strokeStyle = '#fff';
  g.lineWidth = 2;
  g.beginPath();
  if (kind === 'park') {
    g.rect(2, 2, s - 4, s - 4);
  } else if (kind === 'carrier') {
    g.moveTo(s / 2, 1.5); g.lineTo(s - 1.5, s - 2); g.lineTo(1.5, s - 2); g.closePath();
  } else {
    g.moveTo(s / 2, 1); g.lineTo(s - 1, s / 2); g.lineTo(s / 2, s - 1); g.lineTo(1, s / 2); g.closePath();
  }
  g.fill();
  g.stroke();
  return c;
}

function imageData(c) {
  return c.getContext('2d').getImageData(0, 0, c.width, c.height);
}

/** A count label (white, bold) for a cluster circle. */
function labelImage(text) {
  const probe = document.createElement('canvas').getContext('2d');
  const font = '700 11px system-ui, sans-serif';
  probe.font = font;
  const w = Math.ceil(probe.measureText(text).width) + 2;
  const { c, g } = canvas(w, 14);
  g.font = font;
  g.fillStyle = '#fff';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(text, w / 2, 7.5);
  return c;
}

function compact(n) {
  return new Intl.NumberFormat(lang() === 'en' ? 'en' : 'zh-CN', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** Circle radius in pixels from a marker's count: 5 for one enterprise, growing with the logarithm, at most 24. */
export function markerRadius(count) {
  return count <= 1 ? 5 : Math.min(24, 10 + 2.4 * Math.log2(count));
}

/**
 * Markers as features sized by count; where two circles would overlap on screen both shrink until they touch at most,
 * so the map never shows a pile of overlapping dots. A label is kept only where it fits its circle.
 */
export function markerFeatures(markers, project) {
  const items = markers.map((m, i) => {
    const p = project([m.lon, m.lat]);
    const text = m.count > 1 ? compact(m.count) : '';
    return { m, i, x: p.x, y: p.y, r: markerRadius(m.count), text };
  });
  const cell = 50;
  const grid = new Map();
  for (const it of items) {
    const k = `${Math.floor(it.x / cell)},${Math.floor(it.y / cell)}`;
    if (!grid.has(k)) grid.set(k, []);
    grid.get(k).push(it);
  }
  for (const it of items) {
    const gx = Math.floor(it.x / cell);
    const gy = Math.floor(it.y / cell);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
      for (const o of grid.get(`${gx + dx},${gy + dy}`) || []) {
        if (o.i <= it.i) continue;
        const d = Math.hypot(it.x - o.x, it.y - o.y);
        const room = d - 1;
        const need = it.r + o.r;
        if (need > room) {
          // Share the room in proportion, but never below 4 px: the smaller circle keeps its minimum.
          let a = (it.r * room) / need;
          let b = (o.r * room) / need;
          if (a < 4) { a = Math.min(it.r, 4); b = Math.max(4, room - a); } else if (b < 4) { b = Math.min(o.r, 4); a = Math.max(4, room - b); }
          it.r = Math.min(it.r, a);
          o.r = Math.min(o.r, b);
        }
      }
    }
  }
  return items.map(({ m, r, text }) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [m.lon, m.lat] },
    properties: {
      count: m.count, cell: m.cell, id: m.id ?? -1, name: m.name || '', r: Math.floor(r * 10) / 10,
      label: text && 2 * r >= Math.max(16, text.length * 6.5 + 4) ? `cnt:${text}` : '',
    },
  }));
}

/** The map's style; heat cells that have already arrived go in at once (no second pass through the worker). */
function baseStyle(heat = null, classes = []) {
  const geo = (f) => new URL(`/geo/${f}`, location.href).href;
  const empty = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
  return {
    version: 8,
    sources: {
      world: { type: 'geojson', data: geo('world_countries.geojson') },
      provinces: { type: 'geojson', data: geo('china_provinces.geojson') },
      districts: { type: 'geojson', data: geo('xuzhou_districts.geojson') },
      heat: heat ? { type: 'geojson', data: heat } : empty,
      places: { ...empty },
      markers: { ...empty },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe9ef' } },
      { id: 'world-fill', type: 'fill', source: 'world', paint: { 'fill-color': '#f3f1ea' } },
      { id: 'world-line', type: 'line', source: 'world', paint: { 'line-color': '#b9b3a6', 'line-width': 0.6 } },
      { id: 'provinces-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': '#faf8f2' } },
      { id: 'provinces-line', type: 'line', source: 'provinces', paint: { 'line-color': '#a59d8f', 'line-width': 0.8 } },
      { id: 'districts-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6 } },
      { id: 'heat-fill', type: 'fill', source: 'heat', paint: { 'fill-color': heat ? fillExpression(classes) : PALETTE[0], 'fill-opacity': 0.8, 'fill-outline-color': 'rgba(80,40,20,0.35)' } },
      { id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#3d4752', 'line-width': 1.4 } },
      { id: 'heat-selected', type: 'line', source: 'heat', filter: ['==', ['get', 'key'], ''], paint: { 'line-color': '#111', 'line-width': 3 } },
      {
        id: 'markers-circle', type: 'circle', source: 'markers',
        paint: { 'circle-radius': ['get', 'r'], 'circle-color': COLORS.marker, 'circle-opacity': 0.85, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 },
      },
      {
        id: 'markers-label', type: 'symbol', source: 'markers', filter: ['!=', ['get', 'label'], ''],
        layout: { 'icon-image': ['get', 'label'], 'icon-allow-overlap': true, 'icon-ignore-placement': true },
      },
      {
        id: 'places-symbol', type: 'symbol', source: 'places',
        layout: {
          'icon-image': ['get', 'kind'], 'icon-allow-overlap': true, 'icon-ignore-placement': true,
          'icon-size': ['interpolate', ['linear'], ['zoom'], 5, 0.7, 10, 1, 14, 1.25],
          'symbol-sort-key': ['match', ['get', 'kind'], 'park', 2, 'hub', 1, 0],
        },
      },
    ],
  };
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const state = { ...DEFAULTS };
  for (const k of PARAMS) if (ctx.params.get(k) !== null) state[k] = ctx.params.get(k);
  if (!WEIGHTS.includes(state.weight)) state.weight = 'count';
  if (!RESOLUTIONS.includes(Number(state.res))) state.res = '7';
  if (!state.region) state.region = DEFAULTS.region;
  const layersOn = new Set(String(state.layers).split(',').filter((l) => LAYERS.includes(l)));
  const at = /^(\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(ctx.params.get('at') || '');
  let view = at ? { zoom: Number(at[1]), center: [Number(at[3]), Number(at[2])] } : null;

  const busy = loading();
  root.append(busy);
  // MapLibre is the largest file of the app: ask for it while the taxonomy comes.
  const maplibreModule = import('../vendor/maplibre-gl/maplibre-gl.mjs');
  maplibreModule.catch(() => {});
  let tax, demo;
  try {
    [tax, demo] = await Promise.all([getJson('/api/v1/taxonomy', { signal, cached: true }), isDemoData(signal)]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  ctx.setTitle(t('map_heading'));

  const filters = h('form', { class: 'filters', id: 'filters', onsubmit: (e) => e.preventDefault() });
  const status = h('p', { class: 'map-status', id: 'map-status', role: 'status' });
  const mapBox = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('map_heading') });
  const legend = h('section', { class: 'legend', id: 'legend', 'aria-labelledby': 'legend-h' });
  const layerBox = h('fieldset', { class: 'layers', id: 'layers' });
  const info = h('section', { class: 'cell-info', id: 'cell-info', 'aria-live': 'polite' });
  const table = h('section', { class: 'top-cells', id: 'top-cells' });
  const bounds = () => AREAS[state.region] || AREAS[320300];
  const scopeBox = h('div', { class: 'scopes', role: 'group', 'aria-label': t('scope') });
  const fitBtn = h('button', { type: 'button', class: 'btn small', id: 'fit-area', onclick: () => map && map.fitBounds(bounds(), { padding: 10 }) }, t('fit_area'));
  busy.replaceWith(
    h('div', { class: 'view-head' }, h('h1', {}, t('map_heading')), demoBadge(demo) || '', scopeBox, fitBtn),
    filters, status,
    h('div', { class: 'map-wrap' }, mapBox, layerBox, legend),
    info, table);

  let map = null;
  let maplibre = null;
  let mapReady = null;
  let heat = null; // the last GeoJSON
  let classes = [];
  let fetchCtl = null;
  let places = { parks: [], carriers: [], hubs: [] };
  let placesState = 'loading';
  let markers = null; // the last /markers answer drawn
  let markerCtl = null;
  let markerTimer = null;
  let popup = null;
  const regionNames = new Map(); // names of region filters outside the presets (a district, a country)

  function heatFilters() {
    const f = {};
    for (const k of HEAT_FILTERS) if (state[k] && state[k] !== 'all') f[k] = state[k];
    return f;
  }

  function writeUrl() {
    const urlState = {};
    for (const k of PARAMS) if (state[k] && !(k in DEFAULTS && state[k] === DEFAULTS[k])) urlState[k] = state[k];
    const layers = LAYERS.filter((l) => layersOn.has(l)).join(',');
    urlState.layers = layers === DEFAULTS.layers ? '' : layers || 'none';
    if (map && mapReady === true) {
      const c = map.getCenter();
      urlState.at = `${map.getZoom().toFixed(2)}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
    } else if (view) urlState.at = `${view.zoom}/${view.center[1]}/${view.center[0]}`;
    ctx.setParams(urlState);
  }

  function drawScopes() {
    scopeBox.replaceChildren(...SCOPES.map((s) => h('button', {
      type: 'button', class: 'btn small scope', 'aria-pressed': String(state.region === s), dataset: { scope: s }, id: `scope-${s}`,
      onclick: () => { state.region = s; state.res = AREA_RES[s]; if (map) map.fitBounds(AREAS[s], { padding: 10 }); update(); },
    }, t(`scope_${s}`))));
  }

  /** Rebuild the controls; a control that had the keyboard focus gets it back (same id). */
  function drawFilters() {
    const focused = document.activeElement && (filters.contains(document.activeElement) || scopeBox.contains(document.activeElement))
      ? document.activeElement.id : null;
    buildFilters();
    if (focused) document.getElementById(focused)?.focus();
  }

  function buildFilters() {
    const tiers = [['', t('f_all')], ...tax.tiers.map((x) => [x.id, nm(x)])];
    const clusters = [['', t('f_all')], ...tax.clusters.filter((c) => !state.tier || c.tier === state.tier).map((c) => [c.id, nm(c)])];
    const chains = [['', t('f_all')], ...tax.chains.filter((ch) => {
      if (state.cluster) return ch.cluster === state.cluster;
      if (state.tier) return tax.clusters.some((c) => c.id === ch.cluster && c.tier === state.tier);
      return true;
    }).map((ch) => [ch.id, nm(ch)])];
    const regions = Object.keys(AREAS).map((r) => [r, t(`region_${r}`)]);
    if (!AREAS[state.region]) regions.unshift([state.region, regionNames.get(state.region) || state.region]);
    const set = (k) => (v) => {
      state[k] = v;
      if (k === 'region' && AREA_RES[v]) state.res = AREA_RES[v];
      if (k === 'region' && map && AREAS[v]) map.fitBounds(AREAS[v], { padding: 10 });
      if (k === 'tier') { delete state.cluster; delete state.chain; delete state.node; }
      if (k === 'cluster') { delete state.chain; delete state.node; }
      if (k === 'chain') delete state.node;
      update();
    };
    const node = state.node ? tax.nodes.find((n) => n.id === state.node) : null;
    filters.replaceChildren(...[
      select('f-region', t('f_region'), regions, state.region, set('region')),
      select('f-tier', t('f_tier'), tiers, state.tier, set('tier')),
      select('f-cluster', t('f_cluster'), clusters, state.cluster, set('cluster')),
      select('f-chain', t('f_chain'), chains, state.chain, set('chain')),
      select('f-local', t('f_local'), [['', t('f_local_all')], ['true', t('f_local_true')], ['false', t('f_local_false')]], state.local, set('local')),
      select('f-weight', t('f_weight'), WEIGHTS.map((w) => [w, t(`w_${w}`)]), state.weight, set('weight')),
      select('f-res', t('f_res'), RESOLUTIONS.map((r) => [String(r), t('res_label', { n: r })]), state.res, set('res')),
      state.node ? h('p', { class: 'chip-filter', id: 'f-node' }, `${t('node')}${t('colon')}${node ? nm(node) : state.node}`,
        h('button', { type: 'button', class: 'chip-x', 'aria-label': t('remove_filter', { f: node ? nm(node) : state.node }), onclick: () => { delete state.node; update(); } }, '×')) : null,
      h('button', { type: 'button', class: 'btn', id: 'f-reset', onclick: () => {
        for (const k of PARAMS) if (k !== 'layers') delete state[k];
        Object.assign(state, { ...DEFAULTS, layers: state.layers });
        update();
      } }, t('f_reset'))].filter(Boolean));
    drawScopes();
  }

  /** The layer switches are built once (so focus and state survive); counts and hints are updated in place. */
  function drawLayerToggles() {
    const icon = (kind) => {
      if (kind === 'heat') return h('span', { class: 'chip', style: { background: `linear-gradient(90deg, ${PALETTE[0]}, ${PALETTE[4]})` }, 'aria-hidden': 'true' });
      if (kind === 'markers') return h('span', { class: 'dot', style: { background: COLORS.marker }, 'aria-hidden': 'true' });
      return h('img', { class: 'sym', alt: '', width: 16, height: 16, src: drawSymbol(kind === 'parks' ? 'park' : kind === 'carriers' ? 'carrier' : 'hub').toDataURL() });
    };
    if (!layerBox.firstChild) {
      layerBox.append(h('legend', {}, t('layers')), ...LAYERS.map((l) => h('label', { class: 'layer', for: `layer-${l}` },
        h('input', { type: 'checkbox', id: `layer-${l}`, checked: layersOn.has(l), onchange: (e) => {
          if (e.target.checked) layersOn.add(l); else layersOn.delete(l);
          applyLayers();
          writeUrl();
          drawLayerToggles();
          if (l === 'markers') scheduleMarkers(0);
        } }),
        icon(l), h('span', {}, t(`layer_${l}`)), h('small', { class: 'muted n', id: `layer-${l}-n` }),
        l === 'markers' ? h('small', { class: 'muted hint', id: 'layer-markers-hint' }) : null)));
    }
    const counts = { parks: places.parks.length, carriers: places.carriers.length, hubs: places.hubs.length };
    for (const l of Object.keys(counts)) layerBox.querySelector(`#layer-${l}-n`).textContent = placesState === 'ok' ? ` ${num(counts[l])}` : '';
    const zoomed = map && mapReady === true && map.getZoom() >= MARKER_MIN_ZOOM;
    const hint = layerBox.querySelector('#layer-markers-hint');
    hint.textContent = !zoomed && layersOn.has('markers') ? t('markers_zoom_hint', { z: MARKER_MIN_ZOOM }) : '';
    hint.hidden = !hint.textContent;
  }

  function query() {
    const q = new URLSearchParams({ group: 'h3', res: state.res, weight: state.weight, format: 'geojson', ...heatFilters() });
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

  /** The panel of a heat cell or a marker cluster: its figures and the records it counts, each to its profile. */
  async function showCell(sel) {
    if (!sel) { info.replaceChildren(); info.removeAttribute('data-cell'); return; }
    const { key, count, value, kind } = sel;
    const filtersWithCell = { ...heatFilters(), cell: key };
    const list = h('div', { id: 'cell-records', class: 'cell-records' }, h('p', { class: 'loading' }, t('loading')));
    info.dataset.cell = key;
    info.replaceChildren(h('div', { class: 'cell-head' }, h('h2', {}, kind === 'marker' ? t('marker_cluster') : t('cell'), ' ', h('code', {}, key)),
      h('button', { type: 'button', class: 'btn small', id: 'cell-close', onclick: () => { showCell(null); if (map && mapReady === true) map.setFilter('heat-selected', ['==', ['get', 'key'], '']); } }, t('close'))),
    h('dl', { class: 'kv' },
      h('div', {}, h('dt', {}, t('cell_count')), h('dd', { id: 'cell-count' }, countLink(count, filtersWithCell))),
      value !== undefined && value !== null
        ? h('div', {}, h('dt', {}, `${t('cell_value')}（${t(`w_${state.weight}`)}）`), h('dd', { id: 'cell-value' }, num(value, 1))) : null),
    list);
    if (kind !== 'marker' && map && mapReady === true) map.setFilter('heat-selected', ['==', ['get', 'key'], key]);
    try {
      const page = await getJson(`/api/v1/enterprises?${new URLSearchParams({ ...filtersWithCell, limit: String(CELL_RECORDS) })}`, { signal });
      if (info.dataset.cell !== key) return;
      list.replaceChildren(h('h3', {}, t('cell_records', { n: num(page.total) })),
        h('ol', { class: 'link-list records' }, page.items.map((e) => h('li', { dataset: { id: String(e.id) } }, enterpriseLink(e),
          h('small', { class: 'muted' }, ` · ${e.region ? regionName(e.region) : ''}`)))),
        page.total > page.items.length
          ? h('p', {}, h('a', { href: listHref(filtersWithCell), id: 'cell-all' }, t('see_all_n', { n: num(page.total) }))) : null);
      list.dataset.total = String(page.total);
    } catch (e) {
      if (e.name === 'AbortError') return;
      list.replaceChildren(errorBox(e));
    }
  }

  function drawTable() {
    const feats = [...(heat?.features || [])].sort((a, b) => b.properties.value - a.properties.value).slice(0, 10);
    if (!feats.length) { table.replaceChildren(); return; }
    table.replaceChildren(h('h2', {}, t('top_cells')), h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('cell')), h('th', { scope: 'col', class: 'num' }, t('cell_count')), h('th', { scope: 'col', class: 'num' }, t('cell_value')))),
      h('tbody', {}, feats.map((f) => h('tr', {},
        h('td', {}, h('button', { type: 'button', class: 'linkish', onclick: () => {
          showCell({ key: f.properties.key, count: f.properties.count, value: f.properties.value });
          if (map && mapReady === true) map.easeTo({ center: centroid(f), zoom: Math.max(map.getZoom(), 9) });
          info.scrollIntoView({ block: 'nearest' });
        } }, f.properties.key)),
        h('td', { class: 'num' }, countLink(f.properties.count, { ...heatFilters(), cell: f.properties.key })),
        h('td', { class: 'num' }, num(f.properties.value, 1))))))));
  }

  function drawStatus(total) {
    status.replaceChildren(t('map_summary_pre', { cells: num(heat.features.length) }),
      countLink(total, heatFilters(), { id: 'map-total' }), t('map_summary_post'));
  }

  async function update() {
    drawFilters();
    writeUrl();
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
    drawStatus(total);
    drawLegend();
    drawTable();
    showCell(null);
    if (map && mapReady === true) paint();
    root.dataset.heat = 'ok';
    root.dataset.cells = String(heat.features.length);
    scheduleMarkers(0);
  }

  function paint() {
    map.getSource('heat').setData(heat || { type: 'FeatureCollection', features: [] });
    map.setPaintProperty('heat-fill', 'fill-color', fillExpression(classes));
    map.setFilter('heat-selected', ['==', ['get', 'key'], '']);
  }

  // ---- points: parks and zones, carriers with space, logistics hubs -------------------------------------------

  async function loadPlaces() {
    try {
      const [parks, hubs] = await Promise.all([getJson('/api/v1/parks', { signal, cached: true }), getJson('/api/v1/hubs', { signal, cached: true })]);
      places = {
        parks: parks.items.filter((p) => p.kind === 'park'),
        carriers: parks.items.filter((p) => p.kind !== 'park' && p.has_space),
        hubs: hubs.items.filter((x) => Number.isFinite(x.lat) && Number.isFinite(x.lon)),
      };
      placesState = 'ok';
    } catch (e) {
      if (e.name === 'AbortError') return;
      console.error(e);
      placesState = 'error';
    }
    drawLayerToggles();
    if (map && mapReady === true) paintPlaces();
  }

  function placeFeatures() {
    const pt = (x, kind, layer) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [x.lon, x.lat] }, properties: { id: x.id, kind, layer, name: nm(x) } });
    return [
      ...(layersOn.has('parks') ? places.parks.filter((p) => Number.isFinite(p.lat)).map((p) => pt(p, 'park', 'parks')) : []),
      ...(layersOn.has('carriers') ? places.carriers.filter((p) => Number.isFinite(p.lat)).map((p) => pt(p, 'carrier', 'carriers')) : []),
      ...(layersOn.has('hubs') ? places.hubs.map((x) => pt(x, 'hub', 'hubs')) : []),
    ];
  }

  function paintPlaces() {
    const feats = placeFeatures();
    map.getSource('places').setData({ type: 'FeatureCollection', features: feats });
    root.dataset.places = String(feats.length);
  }

  function applyLayers() {
    if (!map || mapReady !== true) return;
    const vis = (on) => (on ? 'visible' : 'none');
    map.setLayoutProperty('heat-fill', 'visibility', vis(layersOn.has('heat')));
    map.setLayoutProperty('heat-selected', 'visibility', vis(layersOn.has('heat')));
    const showMarkers = layersOn.has('markers') && map.getZoom() >= MARKER_MIN_ZOOM;
    map.setLayoutProperty('markers-circle', 'visibility', vis(showMarkers));
    map.setLayoutProperty('markers-label', 'visibility', vis(showMarkers));
    map.setPaintProperty('heat-fill', 'fill-opacity', showMarkers ? 0.45 : 0.8);
    paintPlaces();
  }

  // ---- enterprise markers for the view (debounced, stale requests aborted) --------------------------------------

  function scheduleMarkers(delay = MARKER_DEBOUNCE_MS) {
    clearTimeout(markerTimer);
    markerTimer = setTimeout(loadMarkers, delay);
  }

  function clearMarkers(state) {
    if (markerCtl) markerCtl.abort();
    markers = null;
    if (map && mapReady === true) map.getSource('markers').setData({ type: 'FeatureCollection', features: [] });
    root.dataset.markers = '0';
    root.dataset.markersState = state;
  }

  async function loadMarkers() {
    if (!map || mapReady !== true) return;
    applyLayers();
    drawLayerToggles();
    if (!layersOn.has('markers') || map.getZoom() < MARKER_MIN_ZOOM) { clearMarkers(layersOn.has('markers') ? 'zoom' : 'off'); return; }
    if (markerCtl) markerCtl.abort();
    markerCtl = new AbortController();
    const mine = markerCtl;
    signal.addEventListener('abort', () => mine.abort(), { once: true });
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -85, 85), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -85, 85)]
      .map((v) => v.toFixed(5)).join(',');
    const zoom = map.getZoom().toFixed(2);
    const q = new URLSearchParams({ bbox, zoom, limit: String(MARKER_LIMIT), ...heatFilters() });
    root.dataset.markersState = 'loading';
    let d;
    try {
      d = await getJson(`/api/v1/markers?${q}`, { signal: mine.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      root.dataset.markersState = 'error';
      status.append(' · ', h('span', { class: 'error-inline' }, t('markers_failed', { msg: e.message })));
      return;
    }
    markers = d;
    const feats = markerFeatures(d.markers, (ll) => map.project(ll));
    // Count labels are images drawn here, before the layer needs them (no glyph files offline).
    for (const f of feats) {
      const id = f.properties.label;
      if (id && !map.hasImage(id)) map.addImage(id, imageData(labelImage(id.slice(4))), { pixelRatio: PR });
    }
    map.getSource('markers').setData({ type: 'FeatureCollection', features: feats });
    root.dataset.markers = String(feats.length);
    root.dataset.markersQuery = q.toString();
    root.dataset.markersState = 'ok';
    const note = document.getElementById('markers-note');
    const text = t(d.truncated ? 'markers_truncated' : 'markers_summary', { n: num(d.markers.length), count: num(d.markers.reduce((s, m) => s + m.count, 0)) });
    if (note) note.textContent = text;
    else status.append(h('span', { id: 'markers-note', class: 'muted' }, ` · ${text}`));
  }

  // ---- clicks -----------------------------------------------------------------------------------------------------

  function openPopup(lngLat, content) {
    popup.setLngLat(lngLat).setDOMContent(h('div', { class: 'popup' }, content)).addTo(map);
  }

  function onClick(ev) {
    const pick = (layers) => {
      const ids = layers.filter((l) => map.getLayer(l) && map.getLayoutProperty(l, 'visibility') !== 'none');
      return ids.length ? map.queryRenderedFeatures(ev.point, { layers: ids })[0] : null;
    };
    const place = pick(['places-symbol']);
    if (place) {
      const p = place.properties;
      if (p.kind === 'hub') {
        const hub = places.hubs.find((x) => x.id === p.id);
        openPopup(ev.lngLat, [h('strong', {}, nm(hub) || p.name), h('br'), t(`hub_${hub?.kind}`) === `hub_${hub?.kind}` ? hub?.kind : t(`hub_${hub?.kind}`),
          hub?.note ? h('p', { class: 'muted small' }, hub.note) : null]);
        return;
      }
      ctx.navigate(hrefPark(p.id));
      return;
    }
    const marker = pick(['markers-circle']);
    if (marker) {
      const p = marker.properties;
      if (p.count === 1 && p.id >= 0) {
        openPopup(ev.lngLat, [h('a', { href: hrefEnterprise(p.id), class: 'popup-link' }, p.name || `#${p.id}`)]);
        return;
      }
      showCell({ key: p.cell, count: p.count, kind: 'marker' });
      openPopup(ev.lngLat, [h('strong', {}, t('cell_count'), ': ', num(p.count)), h('br'),
        h('button', { type: 'button', class: 'linkish', onclick: () => { popup.remove(); map.easeTo({ center: ev.lngLat, zoom: Math.min(map.getZoom() + 2, 16) }); } }, t('zoom_in_here'))]);
      return;
    }
    const cell = pick(['heat-fill']);
    const district = map.queryRenderedFeatures(ev.point, { layers: ['districts-fill'] })[0];
    if (cell) {
      const p = cell.properties;
      showCell({ key: p.key, count: p.count, value: p.value });
      openPopup(ev.lngLat, [h('strong', {}, t('cell_count'), ': ', num(p.count)), h('br'),
        `${t('cell_value')}: ${num(p.value, 1)}`,
        h('br'), h('a', { href: listHref({ ...heatFilters(), cell: p.key }) }, t('see_records')),
        district ? [h('br'), h('a', { href: hrefRegion(district.properties.code) }, district.properties[lang() === 'en' ? 'name_en' : 'name_zh'] || district.properties.name_zh, ' →')] : null]);
      return;
    }
    if (district) {
      ctx.navigate(hrefRegion(district.properties.code));
      return;
    }
    const province = map.queryRenderedFeatures(ev.point, { layers: ['provinces-fill'] })[0];
    if (province) {
      openPopup(ev.lngLat, [h('a', { href: hrefRegion(province.properties.code) }, province.properties.name_zh, ' →')]);
    }
  }

  async function startMap() {
    let painted = null; // the heat cells the style was created with
    try {
      maplibre = await maplibreModule;
      if (signal.aborted) return;
      painted = heat;
      map = new maplibre.Map({
        container: mapBox,
        style: baseStyle(painted, classes),
        ...(view ? { center: view.center, zoom: view.zoom } : { bounds: bounds(), fitBoundsOptions: { padding: 10 } }),
        attributionControl: { compact: true, customAttribution: t('map_attr') },
        dragRotate: false,
        pitchWithRotate: false,
        locale: mapLocale(),
      });
    } catch (e) {
      console.error(e);
      mapReady = false;
      mapBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('map_no_webgl')));
      root.dataset.map = 'unavailable';
      return;
    }
    map.addControl(new maplibre.NavigationControl({ showCompass: false }), 'top-right');
    map.on('error', (ev) => console.error('map', ev.error || ev));
    map.on('load', () => {
      for (const kind of ['park', 'carrier', 'hub']) map.addImage(kind, imageData(drawSymbol(kind)), { pixelRatio: PR });
      mapReady = true;
      // Start with the attribution folded (the (i) button opens it), so it does not cover the map on a phone.
      const attrib = mapBox.querySelector('.maplibregl-ctrl-attrib');
      if (attrib) attrib.classList.remove('maplibregl-compact-show');
      root.dataset.map = 'ready';
      if (heat && heat !== painted) paint();
      applyLayers();
      drawLayerToggles();
      scheduleMarkers(0);
    });
    map.on('moveend', () => {
      if (mapReady !== true) return;
      writeUrl();
      scheduleMarkers();
    });
    map.on('movestart', () => clearTimeout(markerTimer));
    popup = new maplibre.Popup({ closeButton: true, maxWidth: '260px' });
    map.on('click', onClick);
    for (const l of ['heat-fill', 'markers-circle', 'places-symbol', 'districts-fill']) {
      map.on('mouseenter', l, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', l, () => { map.getCanvas().style.cursor = ''; });
    }
  }

  drawFilters();
  drawLayerToggles();
  if (!AREAS[state.region]) {
    getJson(`/api/v1/regions/${encodeURIComponent(state.region)}`, { signal, cached: true }).then((r) => {
      regionNames.set(state.region, regionName(r.region));
      drawFilters();
    }).catch(() => {});
  }
  const started = startMap();
  loadPlaces();
  await update();
  await started;
  root.dataset.ready = 'ok';
  // Tests and tools read the map from here.
  window.__chainscopeMap = map;
  return () => {
    if (fetchCtl) fetchCtl.abort();
    if (markerCtl) markerCtl.abort();
    clearTimeout(markerTimer);
    if (map) map.remove();
    window.__chainscopeMap = null;
  };
}
