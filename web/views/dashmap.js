// The dashboard's map of the 板块 (领导驾驶舱 and its 大屏): Xuzhou's districts and counties drawn from the embedded
// boundary file (/geo/xuzhou_districts.geojson, offline) and coloured by the year's completion of their task; the
// development zones, which have no boundary, as points at their centre on the same scale. Hover shows the figures,
// a click opens the same project list as the 赛马榜 (the 板块's projects signed in the year to date).
// For tests the chart box #dash-map carries data-regions (板块 drawn) and data-no-target (those without a task).

import { t, nm, num, lang } from '../i18n.js';
import { h } from '../api.js';
import { chartBlock, drawChart, loadECharts, pct, hrefPipeline } from '../ui.js';

export const MAP_ID = 'dash-map';
const MAP_NAME = 'chainscope-xuzhou-districts';
const GEO_FILE = 'xuzhou_districts.geojson';
/** Completion from 0 (red) to the task met (green); above 100% is drawn as 100%. */
const SCALE = ['#e03131', '#f76707', '#fab005', '#94d82d', '#2f9e44'];

const L = (zh, en) => (lang() === 'en' ? en : zh);

// ---------------------------------------------------------------------------------------------------------------
// The boundary, fetched once from the server (the files are embedded in the binary) and registered with ECharts.

let boundary = null;
function loadBoundary() {
  if (!boundary) {
    boundary = (async () => {
      const res = await fetch(new URL(`/geo/${GEO_FILE}`, location.href).href, { headers: { Accept: 'application/geo+json, application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const geo = await res.json();
      if (!geo || !Array.isArray(geo.features) || !geo.features.length) throw new Error('empty boundary');
      return geo;
    })();
    boundary.catch(() => { boundary = null; });
  }
  return boundary;
}

// ---------------------------------------------------------------------------------------------------------------
// Geometry helpers: where to put a district's label, and how big it is.

const rings = (geom) => (!geom ? [] : geom.type === 'Polygon' ? [geom.coordinates] : geom.type === 'MultiPolygon' ? geom.coordinates : []);

function inRing(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
/** Whether [lon, lat] is inside the feature (outer rings less holes). */
function inFeature(geom, lon, lat) {
  return rings(geom).some((poly) => poly.length && inRing(poly[0], lon, lat) && !poly.slice(1).some((hole) => inRing(hole, lon, lat)));
}
function bbox(geom) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of rings(geom)) for (const [x, y] of poly[0] || []) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  return [x0, y0, x1, y1];
}
const bboxArea = (b) => (Number.isFinite(b[0]) ? (b[2] - b[0]) * (b[3] - b[1]) : 0);

// ---------------------------------------------------------------------------------------------------------------
// The 板块 to draw

/** A short name for a development zone's point: 徐州经济技术开发区 → 经开区, Xuzhou High-tech … Zone → Hi-tech Zone. */
export function zoneShortName(r) {
  if (lang() === 'en') {
    let s = String(r.name_en || r.name_zh || r.key || '');
    s = s.replace(/^Jiangsu\s+/, '').replace(/^Xuzhou\s+/, '')
      .replace(/Economic and Technological Development Zone$/, 'ETDZ')
      .replace(/High-tech Industrial Development Zone$/, 'Hi-tech Zone')
      .replace(/Economic Development Zone$/, 'EDZ')
      .replace(/^Huaihai International Port Area$/, 'Port Area');
    return s.trim() || String(r.key || '');
  }
  let s = String(r.name_zh || r.name_en || r.key || '');
  s = s.replace(/^江苏/, '').replace(/^徐州(?!$)/, '')
    .replace(/经济技术开发区$/, '经开区')
    .replace(/高新技术产业开发区$/, '高新区')
    .replace(/经济开发区$/, '经开区')
    .replace(/^淮海国际港务区$/, '港务区');
  return s || String(r.key || '');
}

/** A district's name on the map: in English without "District", "County" or "City" (the tooltip has the full name). */
const districtShortName = (r) => (lang() === 'en'
  ? String(r.name_en || r.name_zh || r.key || r.code || '').replace(/\s+(District|County|City)$/, '')
  : nm(r) || String(r.key || r.code || ''));

const hasTarget = (p) => p && p.target_projects != null && Number(p.target_projects) > 0;

/** The league's rows with what the map needs; districts of the boundary without a row are added without a task. */
export function mapRegions(d, features = []) {
  const f = { signed_from: `${d.year}-01-01`, signed_to: d.through };
  const rows = (d.league || []).map((r) => {
    const p = r.progress || {};
    return {
      code: String(p.key || ''), kind: r.kind || null, name: nm(p) || p.key, short: r.kind === 'zone' ? zoneShortName(p) : districtShortName(p),
      rank: r.rank, prevRank: r.prev_rank, rankChange: r.rank_change, change: r.completion_change,
      signed: p.signed, target: hasTarget(p) ? p.target_projects : null, pct: hasTarget(p) ? p.completion_pct : null,
      lat: r.lat, lon: r.lon, href: hrefPipeline({ region: p.key, ...f }),
    };
  });
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const polygons = [];
  for (const feat of features) {
    const props = feat.properties || {};
    const code = String(props.code || '');
    if (!code) continue;
    const row = byCode.get(code) || {
      code, kind: 'district', name: nm(props) || code, short: districtShortName({ ...props, key: code }), rank: null, prevRank: null, rankChange: null, change: null,
      signed: null, target: null, pct: null, lat: null, lon: null, href: hrefPipeline({ region: code, ...f }),
    };
    polygons.push(row);
  }
  const drawn = new Set(polygons.map((r) => r.code));
  // Zones (and any 板块 without a boundary of its own) at their centre.
  const points = rows.filter((r) => !drawn.has(r.code) && Number.isFinite(r.lat) && Number.isFinite(r.lon));
  return { polygons, points };
}

// ---------------------------------------------------------------------------------------------------------------
// The chart

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

function tooltipHtml(r) {
  if (!r) return '';
  const kind = r.kind === 'zone' ? L('功能区', 'development zone') : L('县（市、区）', 'district / county');
  const lines = [`<strong>${esc(r.name)}</strong> <span style="opacity:.75">${esc(kind)}</span>`];
  if (r.rank != null) {
    const prev = r.prevRank != null ? L(`（上月第 ${r.prevRank} 名）`, ` (last month #${r.prevRank})`) : '';
    lines.push(`${esc(t('rank'))}${L('：', ': ')}${L(`第 ${r.rank} 名`, `#${r.rank}`)}${esc(prev)}`);
  }
  lines.push(`${esc(t('db_signed_target'))}${L('：', ': ')}${r.signed == null ? '–' : num(r.signed)} / ${r.target == null ? '—' : num(r.target)}`);
  if (r.target == null) lines.push(`<em>${esc(L('无年度任务', 'no annual target'))}</em>`);
  else lines.push(`${esc(L('完成率', 'Completion'))}${L('：', ': ')}<strong>${esc(pct(r.pct))}</strong>`);
  if (r.change != null && Number.isFinite(r.change)) {
    const sign = r.change > 0 ? '+' : r.change < 0 ? '−' : '±';
    lines.push(`${esc(t('db_change'))}${L('：', ': ')}${sign}${num(Math.abs(r.change), 1)}${esc(L(' 个百分点', ' pp'))}`);
  }
  if (r.rankChange != null && Number.isFinite(r.rankChange) && r.rankChange !== 0) {
    lines.push(esc(r.rankChange > 0 ? L(`名次上升 ${r.rankChange} 位`, `up ${r.rankChange} place(s)`) : L(`名次下降 ${-r.rankChange} 位`, `down ${-r.rankChange} place(s)`)));
  }
  lines.push(`<span style="opacity:.75">${esc(L('点击查看签约项目', 'Click for the signed projects'))}</span>`);
  return lines.join('<br>');
}

/** The 板块 as a table under the chart (screen readers, keyboards), each opening its projects. */
function regionsTable(rows) {
  return h('table', { class: 'dash-map-table' },
    h('thead', {}, h('tr', {}, [L('板块', 'District / zone'), t('rank'), t('db_signed_target'), L('完成率', 'Completion')]
      .map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { region: r.code } },
      h('td', {}, h('a', { href: r.href }, r.name)),
      h('td', { class: 'num' }, r.rank == null ? '—' : String(r.rank)),
      h('td', { class: 'num' }, `${r.signed == null ? '–' : num(r.signed)} / ${r.target == null ? '—' : num(r.target)}`),
      h('td', { class: 'num' }, r.target == null ? L('无任务', 'no target') : pct(r.pct))))));
}

/**
 * The map panel's content: `{wrap, draw}`; call `draw()` once `wrap` is in the document. It resolves to an object with
 * `dispose()` (or null when nothing was drawn) and never rejects: a boundary that cannot be loaded leaves a note.
 */
export function dashMap(d, { dark = false, height = 480, navigate = (href) => { location.hash = href; } } = {}) {
  const label = L('板块完成率地图', 'Map of completion by district and zone');
  const listBox = h('div', { class: 'dash-map-list' });
  const { box, wrap } = chartBlock(MAP_ID, label, listBox, height);
  box.dataset.state = 'loading';
  const note = h('p', { class: 'small muted dash-map-note', style: { margin: '.3rem 0 0' } },
    L('颜色为年度任务完成率（100% 及以上为深绿）；灰色为无任务；圆点为功能区（无边界，按中心位置）。点击板块查看其签约项目。',
      'Colour: completion of the annual task (dark green at 100% or more); grey: no target; dots: development zones (no boundary, at their centre). Click a district or zone for its signed projects.'));
  wrap.append(note);

  const fail = (e) => {
    if (e) console.warn('dashboard map:', e);
    box.dataset.state = 'error';
    box.dataset.regions = '0';
    box.dataset.noTarget = '0';
    box.style.height = 'auto';
    box.removeAttribute('role');
    box.replaceChildren(h('p', { class: 'muted empty', id: `${MAP_ID}-error` },
      L('无法加载板块边界，地图暂不可用；请使用赛马榜。', 'The district boundaries could not be loaded; the map is not available (use the league table).')));
    return null;
  };

  const draw = async () => {
    let geo;
    try {
      geo = await loadBoundary();
    } catch (e) {
      return fail(e);
    }
    if (!box.isConnected) return null;
    const { polygons, points } = mapRegions(d, geo.features);
    const all = [...polygons, ...points];
    // Labels at the 板块's own point when it lies inside its boundary (铜山区 rings the city: its centroid does not);
    // the small urban districts get a compact label (the name; the figures are in the tooltip and the table).
    const rowOf = new Map(polygons.map((r) => [r.code, r]));
    const total = bboxArea(bbox({ type: 'MultiPolygon', coordinates: geo.features.flatMap((f) => rings(f.geometry)) }));
    const compact = new Set();
    const features = geo.features.map((f) => {
      const code = String((f.properties || {}).code || '');
      const r = rowOf.get(code);
      if (total > 0 && bboxArea(bbox(f.geometry)) / total < 0.03) compact.add(code);
      if (r && Number.isFinite(r.lon) && Number.isFinite(r.lat) && inFeature(f.geometry, r.lon, r.lat)) {
        return { ...f, properties: { ...f.properties, cp: [r.lon, r.lat] } };
      }
      return f;
    });
    try {
      (await loadECharts()).registerMap(MAP_NAME, { ...geo, features });
    } catch (e) {
      return fail(e);
    }
    if (!box.isConnected) return null;
    listBox.replaceChildren(h('div', { class: 'scroll' }, regionsTable([...all].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9)))));
    const byCode = new Map(all.map((r) => [r.code, r]));
    // Labels sit on the coloured areas: dark text with a light halo on both layouts; the legend follows the page.
    const fg = dark ? '#e6eef6' : '#1f2933';
    const labelFg = '#1f2933';
    const halo = 'rgba(255,255,255,0.85)';
    const grey = dark ? '#8796a8' : '#ced4da';
    const border = dark ? '#0d1f33' : '#ffffff';
    const clamp = (v) => Math.max(0, Math.min(100, Number(v)));
    // The box's height follows its width (the map is wider than tall), up to the layout's height.
    const fitHeight = () => {
      const want = Math.round(Math.min(height, Math.max(240, box.clientWidth * 0.75)));
      if (box.clientHeight !== want) box.style.height = `${want}px`;
    };
    const legendHeight = () => (box.clientHeight < 360 ? 60 : dark ? 120 : 100);
    const noTargetText = L('无任务', 'no target');
    const regionLabel = (code) => {
      const r = byCode.get(code);
      if (!r) return '';
      if (compact.has(code)) return r.target == null ? `{s|${r.short}}\n{s|${noTargetText}}` : `{s|${r.short}}`;
      return `{n|${r.short}}\n{v|${r.target == null ? noTargetText : pct(r.pct)}}`;
    };
    const richLabel = {
      color: labelFg, textBorderColor: halo, textBorderWidth: 2, fontSize: dark ? 13 : 12,
      rich: { n: { fontWeight: 'bold', fontSize: dark ? 13 : 12 }, v: { fontSize: dark ? 12 : 11 }, s: { fontSize: dark ? 11 : 10 } },
    };
    const withTarget = points.filter((r) => r.target != null);
    const withoutTarget = points.filter((r) => r.target == null);
    // Each zone's label away from the others (left of the westernmost, right of the easternmost, under the rest).
    const mid = points.length ? points.reduce((a, r) => a + r.lon, 0) / points.length : 0;
    const spread = points.length ? Math.max(...points.map((r) => Math.abs(r.lon - mid))) : 0;
    const side = (r) => (points.length < 2 || spread < 1e-6 ? 'right'
      : r.lon - mid > spread / 2 ? 'right' : mid - r.lon > spread / 2 ? 'left' : 'bottom');
    const pointData = (r, withValue) => ({
      name: r.code, code: r.code, label: { position: side(r) },
      value: withValue ? [r.lon, r.lat, clamp(r.pct)] : [r.lon, r.lat],
    });
    const pointLabel = { show: true, position: 'right', distance: 6, formatter: (p) => (byCode.get(p.data.code) || {}).short || '', ...richLabel, fontWeight: 'bold' };
    const option = {
      tooltip: {
        trigger: 'item', confine: true,
        formatter: (p) => tooltipHtml(byCode.get((p.data && p.data.code) || p.name)),
        ...(dark ? { backgroundColor: '#0f2236', borderColor: '#3b5670', textStyle: { color: '#e6eef6' } } : {}),
      },
      visualMap: [
        {
          type: 'continuous', min: 0, max: 100, seriesIndex: 0, calculable: false, realtime: false,
          text: ['≥100%', '0%'], orient: 'vertical', left: 8, bottom: 8, itemHeight: legendHeight(), itemWidth: 12,
          inRange: { color: SCALE }, textStyle: { color: fg },
          formatter: (v) => `${Math.round(v)}%`,
        },
        // The zones' points on the same scale (their completion is the third value); no second legend.
        { type: 'continuous', show: false, min: 0, max: 100, seriesIndex: 1, dimension: 2, inRange: { color: SCALE } },
      ],
      geo: {
        map: MAP_NAME, nameProperty: 'code', roam: false, preserveAspect: 'contain', aspectScale: 0.83, top: 10, bottom: 10, left: 10, right: 10,
        label: { show: true, formatter: (p) => regionLabel(p.name), ...richLabel },
        itemStyle: { areaColor: grey, borderColor: border, borderWidth: 1.2 },
        emphasis: { label: { show: true, formatter: (p) => regionLabel(p.name), ...richLabel }, itemStyle: { areaColor: dark ? '#8fc4ff' : '#a5d8ff', borderColor: fg, borderWidth: 2 } },
        select: { disabled: true },
        tooltip: { show: true },
      },
      series: [
        {
          type: 'map', geoIndex: 0, name: L('县（市、区）', 'Districts'),
          // Districts without a target have no value: the visual map leaves them the grey of the series.
          itemStyle: { color: grey, areaColor: grey },
          label: { show: true, formatter: (p) => regionLabel(p.name), ...richLabel },
          data: polygons.map((r) => ({ name: r.code, code: r.code, value: r.target == null ? NaN : clamp(r.pct) })),
        },
        {
          type: 'scatter', coordinateSystem: 'geo', name: L('功能区', 'Zones'), symbol: 'circle', symbolSize: dark ? 18 : 15, z: 5,
          itemStyle: { borderColor: dark ? '#ffffff' : '#1f2933', borderWidth: 2 },
          label: pointLabel, data: withTarget.map((r) => pointData(r, true)),
        },
        {
          type: 'scatter', coordinateSystem: 'geo', name: L('功能区（无任务）', 'Zones (no target)'), symbol: 'circle', symbolSize: dark ? 18 : 15, z: 5,
          itemStyle: { color: grey, borderColor: dark ? '#ffffff' : '#1f2933', borderWidth: 2 },
          label: { ...pointLabel, formatter: (p) => `${(byCode.get(p.data.code) || {}).short || ''} ${noTargetText}` },
          data: withoutTarget.map((r) => pointData(r, false)),
        },
      ],
    };
    let drawn;
    try {
      fitHeight();
      drawn = await drawChart(box, option);
    } catch (e) {
      return fail(e);
    }
    const onClick = (p) => {
      const code = (p.data && p.data.code) || p.name;
      const r = byCode.get(code);
      if (r && r.href) navigate(r.href);
    };
    drawn.chart.on('click', onClick);
    // Follow the box too (the 大屏's grid can change its width without a window resize).
    let ro = null;
    if (typeof ResizeObserver === 'function') {
      let last = box.clientWidth;
      ro = new ResizeObserver(() => {
        if (box.clientWidth === last) return;
        last = box.clientWidth;
        fitHeight();
        drawn.chart.setOption({ visualMap: [{ itemHeight: legendHeight() }] });
        drawn.chart.resize();
      });
      ro.observe(box);
    }
    box.dataset.regions = String(all.length);
    box.dataset.noTarget = String(all.filter((r) => r.target == null).length);
    box.dataset.districts = String(polygons.length);
    box.dataset.zones = String(points.length);
    box.dataset.state = 'ok';
    return { chart: drawn.chart, dispose: () => { if (ro) ro.disconnect(); drawn.chart.off('click', onClick); drawn.dispose(); } };
  };
  return { wrap, box, draw };
}
