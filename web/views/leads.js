// 招商目标 Leads #/leads?{tier|cluster|chain|node}&preset=&w_gap=…&include_marked=&limit=: the outside enterprises
// worth approaching for a part of the chains, ranked by /api/v1/leads. Presets (补链 / 强链 / 招大引强) set six weights;
// the sliders change them (kept in the URL and, per preset, with the signed-in account), each score is a stacked bar of its parts
// with the evidence behind each part in plain words, and the same list downloads as XLSX.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, sendJson, h, errorBox, loading, makeHash, demoBadge, isDemoData } from '../api.js';
import { account, accountName, isWriter } from '../session.js';
import {
  money, entName, regionLink, countryName, hrefEnterprise, hrefNode, stackedBar, barLegend, slider, formField,
  clearFieldErrors, showFieldError, km, percent, PART_COLORS, emptyNote, loadBoards, boardOptions, hrefProject,
} from '../ui.js';

export const PRESETS = ['gap_filling', 'strengthening', 'big_anchors', 'learned'];
export const PARTS = ['gap', 'supply', 'related', 'momentum', 'scale', 'affinity'];
const SCOPE = ['tier', 'cluster', 'chain', 'node'];
/** Record filters the URL may carry besides the part of the chains; they go to the API as they are. */
const EXTRA = ['region', 'synthetic', 'flags', 'employees_min', 'employees_max', 'founded_from', 'founded_to'];
const AREAS = ['CN', '320000'];
const LIMITS = [20, 50, 100, 200];
const DEFAULT_LIMIT = 50;
const DEBOUNCE_MS = 300;
const STORE = (preset) => `chainscope.leads.weights.${preset}`;

export const partColor = (k) => PART_COLORS[PARTS.indexOf(k)];

/** The signed-in account's saved settings (GET /api/v1/auth/preferences), read once per page load. */
let prefs = null;
let prefsOwner = null;

async function loadPrefs(signal) {
  const who = account();
  const owner = who ? who.username : null;
  if (prefs && prefsOwner === owner) return;
  prefsOwner = owner;
  prefs = {};
  if (!who) return;
  try {
    const p = await getJson('/api/v1/auth/preferences', { signal });
    if (p && typeof p === 'object' && !Array.isArray(p)) prefs = p;
  } catch { /* no saved settings: the presets' own weights apply */ }
}

function checkWeights(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const out = {};
  for (const k of PARTS) {
    const v = Number(raw[k]);
    if (!Number.isFinite(v) || v < 0 || v > 10) return null;
    out[k] = v;
  }
  return out;
}

/** The weights the signed-in user last set for a preset (kept with the account, so on every browser), or null. */
export function savedWeights(preset) {
  const mine = prefs && prefs.leads_weights ? prefs.leads_weights[preset] : null;
  if (mine) return checkWeights(mine);
  // Weights saved in this browser before accounts existed, until the user saves new ones.
  try {
    return checkWeights(JSON.parse(localStorage.getItem(STORE(preset)) || 'null'));
  } catch {
    return null;
  }
}

let saving = Promise.resolve();
function saveWeights(preset, w) {
  if (!prefs) prefs = {};
  const all = { ...(prefs.leads_weights || {}) };
  if (w) all[preset] = w;
  else delete all[preset];
  prefs = { ...prefs, leads_weights: all };
  try { localStorage.removeItem(STORE(preset)); } catch { /* private mode */ }
  if (!account()) return;
  // Sent at once (a small body), in order, so that leaving the page right after a change keeps it.
  const body = prefs;
  saving = saving.then(() => sendJson('PUT', '/api/v1/auth/preferences', body)).catch(() => {});
}

const sameWeights = (a, b) => PARTS.every((k) => Math.abs((a[k] ?? 0) - (b[k] ?? 0)) < 1e-9);

/** How the learned weights were obtained: fitted on how many past arrivals, or the preset they fell back to; and the
 * weights themselves, part by part. */
export function learnedPanel(info) {
  const fitted = info.method === 'logistic_l2';
  const windows = info.windows || [];
  const text = fitted
    ? t('leads_learned_fit', { n: num(info.arrivals), w: num(windows.length), from: windows.length ? windows[windows.length - 1].origin : '', to: windows.length ? windows[0].until : '' })
    : t('leads_learned_fallback', { n: num(info.arrivals), min: num(info.min_arrivals), p: t(`preset_${info.fallback}`) });
  return h('section', { class: 'panel learned', id: 'leads-learned', dataset: { method: info.method, arrivals: String(info.arrivals) } },
    h('p', { id: 'leads-learned-text' }, text),
    h('ul', { class: 'bar-legend learned-weights', id: 'leads-learned-weights' },
      PARTS.map((k) => h('li', { dataset: { part: k, weight: String(info.weights[k]) } },
        h('span', { class: 'seg-swatch', style: { '--c': partColor(k) }, 'aria-hidden': 'true' }), t(`lp_${k}`), t('colon'), num(info.weights[k], 1)))),
    h('p', { class: 'muted small' }, t('leads_learned_note')));
}

/** The points a part adds to a 0–100 score: weight × the value used, over the sum of the weights. */
export function partPoints(parts, weights) {
  const sum = PARTS.reduce((s, k) => s + (weights[k] || 0), 0) || 1;
  return PARTS.map((k) => {
    const p = parts[k] || { used: 0, known: false, weight: weights[k] };
    const w = p.weight ?? weights[k] ?? 0;
    return { key: k, label: t(`lp_${k}`), color: partColor(k), points: (100 * w * (p.used || 0)) / sum, known: Boolean(p.known), part: p, weight: w };
  });
}

/** The evidence of one part in plain words. */
function evidenceText(k, part, means) {
  const ev = part.evidence || {};
  const unknownNote = !part.known ? t('ev_unknown', { m: num(means && means[k] != null ? means[k] : part.used, 2) }) : '';
  let text;
  switch (k) {
    case 'gap':
      text = ev.class ? t('ev_gap', { label: tx({ zh: ev.label_zh, en: ev.label_en }) || ev.class }) : '';
      break;
    case 'supply':
      text = ev.local_enterprises_adjacent != null
        ? t('ev_supply', { n: num(ev.local_enterprises_adjacent), l: num(ev.local_leaders_adjacent ?? 0) }) : '';
      break;
    case 'related':
      text = ev.density != null ? t('ev_related', { d: num(ev.density, 2) }) : '';
      break;
    case 'momentum': {
      const g = ev.growth == null ? t('unknown') : `${ev.growth > 0 ? '+' : ''}${percent(ev.growth, 1)}`;
      text = t('ev_momentum', { g, e: ev.expansions == null ? t('unknown') : num(ev.expansions) });
      break;
    }
    case 'scale':
      text = t('ev_scale', { r: ev.revenue == null ? t('unknown') : money(ev.revenue), e: ev.employees == null ? t('unknown') : num(ev.employees) });
      break;
    case 'affinity':
      text = ev.distance_km != null ? t('ev_affinity', { km: km(ev.distance_km) }) : '';
      break;
    default:
      text = JSON.stringify(ev);
  }
  const words = [text, unknownNote].filter(Boolean).join(' · ');
  // The local chain leaders behind the supply part, by name, each to its profile.
  const leaders = k === 'supply' && Array.isArray(ev.leaders) ? ev.leaders : [];
  if (!leaders.length) return words;
  return [words, h('span', { class: 'ev-leaders' }, ' · ', t('ev_leaders_named'), t('colon'),
    leaders.map((l, i) => [i ? t('list_sep') : '', h('a', { href: hrefEnterprise(l.id), dataset: { id: String(l.id) } }, l.name || `#${l.id}`),
      l.node_name_zh ? h('span', { class: 'muted' }, `（${tx({ zh: l.node_name_zh, en: l.node_name_en })}）`) : null]))];
}

function select(param, id, label, options, value, onchange) {
  return formField(param, id, label, h('select', { id, name: param, onchange: (e) => onchange(e.target.value) },
    options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text))));
}

export async function render(root, ctx) {
  const { signal } = ctx;
  await loadPrefs(signal);
  const busy = loading();
  root.append(busy);
  let tax, demo, boards;
  try {
    [tax, demo, boards] = await Promise.all([getJson('/api/v1/taxonomy', { signal, cached: true }), isDemoData(signal),
      loadBoards(signal).catch((e) => { if (e.name === 'AbortError') throw e; return []; })]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  ctx.setTitle(t('leads_heading'));

  // The part of the chains: from the URL, else the first chain.
  const scope = {};
  for (const k of SCOPE) if (ctx.params.get(k)) scope[k] = ctx.params.get(k);
  const extra = {};
  for (const k of EXTRA) if (ctx.params.get(k)) extra[k] = ctx.params.get(k);
  if (!SCOPE.some((k) => scope[k]) && tax.chains[0]) scope.chain = tax.chains[0].id;
  const preset = PRESETS.includes(ctx.params.get('preset')) ? ctx.params.get('preset') : PRESETS[0];
  const includeMarked = ctx.params.get('include_marked') === 'true';
  const limit = LIMITS.includes(Number(ctx.params.get('limit'))) ? Number(ctx.params.get('limit')) : DEFAULT_LIMIT;

  // The preset's own weights (the API's: they do not depend on the part of the chains asked for); for `learned`, the
  // weights fitted on the city's past arrivals, with how they were obtained.
  let defaults;
  let learnedInfo = null;
  try {
    const probe = await getJson(`/api/v1/leads?tier=${encodeURIComponent(tax.tiers[0].id)}&preset=${preset}&limit=1`, { signal, cached: true });
    defaults = probe.weights;
    learnedInfo = probe.learned || null;
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('leads_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  // Weights: the URL's, else this browser's last ones for the preset, else the preset's.
  const weights = { ...defaults };
  const fromUrl = PARTS.some((k) => ctx.params.has(`w_${k}`));
  if (fromUrl) {
    const saved = savedWeights(preset) || defaults;
    for (const k of PARTS) {
      const v = Number(ctx.params.get(`w_${k}`));
      weights[k] = ctx.params.has(`w_${k}`) && Number.isFinite(v) ? Math.min(10, Math.max(0, v)) : saved[k];
    }
  } else {
    Object.assign(weights, savedWeights(preset) || {});
  }

  const state = () => {
    const out = { ...scope, ...extra, preset };
    if (!sameWeights(weights, defaults)) for (const k of PARTS) out[`w_${k}`] = String(weights[k]);
    if (includeMarked) out.include_marked = 'true';
    if (limit !== DEFAULT_LIMIT) out.limit = String(limit);
    return out;
  };
  const apiQuery = () => {
    const q = new URLSearchParams(state());
    if (!q.has('limit')) q.set('limit', String(limit));
    return q.toString();
  };
  ctx.setParams(state());
  const hashWith = (change) => makeHash('leads', [], { ...state(), ...change });

  // ---- controls
  const go = (k) => (v) => {
    const next = { tier: scope.tier || '', cluster: scope.cluster || '', chain: scope.chain || '', node: scope.node || '', [k]: v };
    if (k === 'tier') Object.assign(next, { cluster: '', chain: '', node: '' });
    if (k === 'cluster') Object.assign(next, { chain: '', node: '' });
    if (k === 'chain') next.node = '';
    ctx.navigate(makeHash('leads', [], { ...state(), ...next }));
  };
  const tiers = [['', t('f_all')], ...tax.tiers.map((x) => [x.id, nm(x)])];
  const clusters = [['', t('f_all')], ...tax.clusters.filter((c) => !scope.tier || c.tier === scope.tier).map((c) => [c.id, nm(c)])];
  const chains = [['', t('f_all')], ...tax.chains.filter((ch) => {
    if (scope.cluster) return ch.cluster === scope.cluster;
    if (scope.tier) return tax.clusters.some((c) => c.id === ch.cluster && c.tier === scope.tier);
    return true;
  }).map((ch) => [ch.id, nm(ch)])];
  const nodes = [['', t('f_all')], ...tax.nodes.filter((n) => {
    if (scope.chain) return scope.chain.split(',').includes(n.chain);
    if (scope.cluster) return tax.chains.some((c) => c.id === n.chain && c.cluster === scope.cluster);
    return true;
  }).map((n) => [n.id, nm(n)])];
  for (const [k, list] of [['tier', tiers], ['cluster', clusters], ['chain', chains], ['node', nodes]]) {
    if (scope[k] && !list.some(([v]) => v === scope[k])) list.push([scope[k], scope[k]]);
  }
  const regions = [['', t('region_all')], ...AREAS.map((r) => [r, t(`region_${r}`)])];
  if (extra.region && !regions.some(([v]) => v === extra.region)) regions.push([extra.region, extra.region]);
  const scopeForm = h('form', { class: 'filters', id: 'leads-scope', onsubmit: (e) => e.preventDefault(), 'aria-label': t('leads_scope') },
    select('tier', 'leads-tier', t('f_tier'), tiers, scope.tier, go('tier')),
    select('cluster', 'leads-cluster', t('f_cluster'), clusters, scope.cluster, go('cluster')),
    select('chain', 'leads-chain', t('f_chain'), chains, scope.chain, go('chain')),
    select('node', 'leads-node', t('node'), nodes, scope.node, go('node')),
    select('region', 'leads-region', t('leads_region'), regions, extra.region, (v) => ctx.navigate(hashWith({ region: v }))),
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }));

  const presetBar = h('div', { class: 'presets', role: 'group', 'aria-label': t('leads_preset') },
    h('span', { class: 'presets-label', 'aria-hidden': 'true' }, t('leads_preset')),
    PRESETS.map((p) => h('button', {
      type: 'button', class: 'btn preset', id: `preset-${p}`, 'aria-pressed': p === preset ? 'true' : 'false', dataset: { preset: p },
      title: t(`preset_${p}_hint`),
      onclick: () => ctx.navigate(makeHash('leads', [], { ...scope, ...extra, preset: p, include_marked: includeMarked ? 'true' : '', limit: limit !== DEFAULT_LIMIT ? String(limit) : '' })),
    }, t(`preset_${p}`))));

  const learnedNote = learnedInfo ? learnedPanel(learnedInfo) : null;

  const sliders = {};
  let timer = null;
  const onWeight = (k) => (v) => {
    weights[k] = v;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (sameWeights(weights, defaults)) saveWeights(preset, null);
      else saveWeights(preset, { ...weights });
      ctx.setParams(state());
      update();
    }, DEBOUNCE_MS);
  };
  const weightBox = h('fieldset', { class: 'weights', id: 'leads-weights' },
    h('legend', {}, t('leads_weights')),
    h('div', { class: 'field', dataset: { param: 'weights' } },
      h('div', { class: 'sliders' }, PARTS.map((k) => {
        const s = slider(`w-${k}`, t(`lp_${k}`), weights[k], { color: partColor(k), oninput: onWeight(k) });
        sliders[k] = s.querySelector('input');
        return s;
      })),
      h('p', { class: 'field-error', id: 'leads-weights-err', role: 'alert', hidden: true })),
    h('p', { class: 'weights-foot small' },
      h('button', {
        type: 'button', class: 'btn small', id: 'leads-reset-weights',
        onclick: () => {
          Object.assign(weights, defaults);
          for (const k of PARTS) {
            sliders[k].value = String(weights[k]);
            sliders[k].dispatchEvent(new Event('input'));
          }
          clearTimeout(timer);
          saveWeights(preset, null);
          ctx.setParams(state());
          update();
        },
      }, t('leads_reset_weights')), ' ', h('span', { class: 'muted' }, t('leads_weights_saved'))));

  const options = h('div', { class: 'filters leads-options' },
    h('label', { class: 'check', for: 'leads-marked' },
      h('input', {
        type: 'checkbox', id: 'leads-marked', checked: includeMarked,
        onchange: (e) => ctx.navigate(hashWith({ include_marked: e.target.checked ? 'true' : '' })),
      }), t('leads_include_marked')),
    h('label', { class: 'field', for: 'leads-limit' }, h('span', {}, t('leads_limit')),
      h('select', { id: 'leads-limit', onchange: (e) => ctx.navigate(hashWith({ limit: e.target.value === String(DEFAULT_LIMIT) ? '' : e.target.value })) },
        LIMITS.map((n) => h('option', { value: String(n), selected: n === limit }, String(n))))));

  const head = h('div', { class: 'view-head' }, h('h1', {}, t('leads_heading')), demoBadge(demo));
  const intro = h('p', { class: 'muted intro' }, t('leads_intro'));
  const xlsx = h('a', { class: 'btn', id: 'leads-xlsx', download: 'leads.xlsx', href: '#' }, t('export_xlsx'));
  const summary = h('p', { class: 'list-summary', id: 'leads-summary', role: 'status' });
  const results = h('div', { id: 'leads-results' });
  const rule = h('section', { class: 'panel rule', id: 'leads-rule', 'aria-labelledby': 'leads-rule-h' }, h('h2', { id: 'leads-rule-h' }, t('rule')));
  const legend = barLegend(PARTS.map((k) => ({ key: k, label: t(`lp_${k}`), color: partColor(k) })), { id: 'leads-legend' });

  busy.replaceWith(head, intro, scopeForm, presetBar, ...(learnedNote ? [learnedNote] : []), weightBox, options,
    h('div', { class: 'actions' }, xlsx, h('span', { class: 'muted small' }, t('export_xlsx_hint'))),
    summary, legend, results, rule);

  // ---- results
  let fetchCtl = null;
  async function update() {
    if (fetchCtl) fetchCtl.abort();
    fetchCtl = new AbortController();
    const mine = fetchCtl;
    signal.addEventListener('abort', () => mine.abort(), { once: true });
    const q = apiQuery();
    xlsx.setAttribute('href', `/api/v1/leads?${q}&format=xlsx`);
    root.dataset.leads = 'loading';
    results.setAttribute('aria-busy', 'true');
    clearFieldErrors(scopeForm);
    clearFieldErrors(weightBox);
    let d;
    try {
      d = await getJson(`/api/v1/leads?${q}`, { signal: mine.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      results.removeAttribute('aria-busy');
      const param = e.parameter || '';
      const shown = param === 'weights' || param.startsWith('w_') ? showFieldError(weightBox, e, { [param]: 'weights' }, { focus: false })
        : SCOPE.includes(param) || param === 'region' ? showFieldError(scopeForm, e, {}, { focus: false }) : null;
      summary.textContent = '';
      results.replaceChildren(shown ? emptyNote(t('leads_fix_input')) : errorBox(e, () => update()));
      root.dataset.leads = 'error';
      root.dataset.leadsQuery = q;
      return;
    }
    if (mine.signal.aborted) return;
    results.removeAttribute('aria-busy');
    summary.replaceChildren(
      h('strong', { id: 'leads-candidates', dataset: { candidates: String(d.candidates) } }, t('leads_candidates', { n: num(d.candidates) })),
      ' · ', t('leads_excluded', { p: num(d.excluded?.in_pipeline ?? 0), d: num(d.excluded?.declining ?? 0) }),
      ' · ', t('leads_shown', { n: num(d.leads.length) }));
    if (!head.querySelector('.demo') && d.leads.some((l) => l.synthetic)) head.append(demoBadge(true));
    rule.replaceChildren(h('h2', { id: 'leads-rule-h' }, t('rule')), h('p', { id: 'leads-rule-text' }, tx({ zh: d.rule_zh, en: d.rule_en })));
    results.replaceChildren(d.leads.length ? leadsTable(d) : emptyNote(t('leads_empty')));
    root.dataset.leads = 'ok';
    root.dataset.leadsQuery = q;
  }

  function leadsTable(d) {
    const body = h('tbody', {});
    d.leads.forEach((l, i) => {
      const pts = partPoints(l.parts, d.weights);
      const evId = `lead-ev-${l.id}`;
      const toggle = h('button', {
        type: 'button', class: 'btn small ev-toggle', 'aria-expanded': 'false', 'aria-controls': evId,
        onclick: () => {
          const open = toggle.getAttribute('aria-expanded') !== 'true';
          toggle.setAttribute('aria-expanded', String(open));
          evRow.hidden = !open;
          toggle.textContent = open ? t('leads_hide_evidence') : t('leads_show_evidence');
        },
      }, t('leads_show_evidence'));
      const where = l.region && l.region.code && l.region.code !== l.country ? regionLink(l.region) : countryName(l.country) || (l.region ? nm(l.region) : '');
      const marks = [
        l.in_pipeline ? h('span', { class: 'badge neutral' }, t('lead_in_pipeline')) : null,
        l.declining ? h('span', { class: 'badge s-missing' }, t('lead_declining')) : null,
      ];
      const row = h('tr', { dataset: { id: String(l.id), score: String(l.score), known: String(l.known), synthetic: l.synthetic ? '1' : '0' } },
        h('td', { class: 'num rank' }, String(i + 1)),
        h('td', { class: 'name' }, h('a', { href: hrefEnterprise(l.id), class: 'ent-link' }, entName(l) || `#${l.id}`), ' ', marks,
          h('div', { class: 'small muted' }, where)),
        h('td', { class: 'c-node', dataset: { label: t('node') } }, l.node ? h('a', { href: hrefNode(l.node.chain, l.node.id) }, nm(l.node)) : '–'),
        h('td', { class: 'c-score', dataset: { label: t('score') } },
          h('div', { class: 'score-line' }, h('strong', { class: 'score-num' }, num(l.score, 1)),
            h('span', { class: 'small muted known', title: t('known_hint') }, t('known_share', { p: percent(l.known) }))),
          stackedBar(pts, { score: l.score })),
        h('td', { class: 'c-toggle' }, toggle));
      const toProject = toProjectForm(l, `${evId}-form`);
      const evRow = h('tr', { class: 'evidence', id: evId, hidden: true },
        h('td', { colspan: '5' },
          h('ul', { class: 'ev-list' }, pts.map((p) => h('li', { dataset: { part: p.key, known: p.known ? '1' : '0' } },
            h('span', { class: `seg-swatch${p.known ? '' : ' unknown'}`, style: { '--c': p.color }, 'aria-hidden': 'true' }),
            h('strong', {}, p.label), ' ',
            h('span', { class: 'muted small' }, t('part_points', { p: num(p.points, 1), v: p.part.value == null ? t('unknown') : num(p.part.value, 2), w: num(p.weight, 1) })),
            h('div', { class: 'ev-text' }, evidenceText(p.key, p.part, d.means))))),
          h('p', { class: 'lead-actions' },
            // Leaders read the leads; only officers and administrators create projects.
            !isWriter() ? null : h('span', { class: 'tip-wrap' },
              h('button', {
                type: 'button', class: 'btn small to-project', id: `${evId}-to-project`, 'aria-expanded': 'false', 'aria-controls': `${evId}-form`,
                'aria-describedby': `${evId}-tip`,
                onclick: (e) => {
                  const open = e.currentTarget.getAttribute('aria-expanded') !== 'true';
                  e.currentTarget.setAttribute('aria-expanded', String(open));
                  toProject.hidden = !open;
                  if (open) toProject.querySelector('select').focus();
                },
              }, t('to_project')),
              h('span', { class: 'tip', role: 'tooltip', id: `${evId}-tip` }, t('to_project_tip'))),
            ' ', h('a', { href: hrefEnterprise(l.id) }, t('open_profile'))),
          toProject));
      body.append(row, evRow);
    });
    return h('div', { class: 'scroll' }, h('table', { id: 'leads-table', class: 'leads-table' },
      h('caption', { class: 'sr-only' }, t('leads_heading')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num' }, t('rank')), h('th', { scope: 'col' }, t('col_name')), h('th', { scope: 'col' }, t('node')),
        h('th', { scope: 'col' }, t('score')), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('evidence'))))),
      body));
  }

  /**
   * 转为项目: a small form (the responsible 板块, the officer) that creates a project at 线索 for the lead's enterprise;
   * the server refuses an enterprise that already has an active project (409 already_in_pipeline).
   */
  function toProjectForm(l, id) {
    const chain = l.node ? tax.chains.find((c) => c.id === l.node.chain) : null;
    const cluster = chain ? chain.cluster : null;
    const status = h('p', { class: 'mk-status', id: `${id}-status`, role: 'status' });
    const submit = h('button', { type: 'submit', class: 'btn primary small', id: `${id}-submit` }, t('to_project_submit'));
    const form = h('form', { class: 'to-project-form', id, hidden: true, novalidate: true, 'aria-label': t('to_project') },
      h('div', { class: 'filters' },
        formField('region_code', `${id}-region`, t('pl_board'), h('select', { id: `${id}-region`, name: 'region_code' },
          boardOptions(boards, boards.some((b) => b.code === extra.region) ? extra.region : '', { empty: t('pl_choose_board') }))),
        formField('officer', `${id}-officer`, t('pl_officer'), h('input', { type: 'text', id: `${id}-officer`, name: 'officer', maxlength: '60', value: accountName(account()), autocomplete: 'name' }))),
      h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
      h('div', { class: 'actions' }, submit, h('span', { class: 'small muted' }, t('to_project_hint', { name: `${l.name}项目` }))), status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      status.textContent = '';
      const fd = new FormData(form);
      const officer = String(fd.get('officer') || '').trim();
      const body = { name: `${l.name}项目`, investor_enterprise_id: l.id, region_code: String(fd.get('region_code') || ''), channel: 'chain', stage: 'lead' };
      if (cluster) body.cluster = cluster;
      if (l.node) body.node = l.node.id;
      if (officer) body.officer = officer;
      submit.disabled = true;
      try {
        const p = await sendJson('POST', '/api/v1/projects', body, { signal });
        form.dataset.created = p.id;
        status.replaceChildren(t('to_project_done', { name: p.name }), ' ', h('a', { href: hrefProject(p.id), class: 'to-project-link' }, t('to_project_open')));
        // The enterprise is in the pipeline now: one project per lead.
        for (const el of form.querySelectorAll('select, input, button')) el.disabled = true;
      } catch (e) {
        if (e.name === 'AbortError') return;
        form.dataset.error = e.code || 'error';
        if (e.code === 'already_in_pipeline') {
          const top = form.querySelector('.form-error');
          top.hidden = false;
          top.textContent = `${t('to_project_exists')} ${e.detail}`;
        } else showFieldError(form, e, { investor_enterprise_id: '__none__', name: '__none__', cluster: '__none__', node: '__none__', body: '__none__' });
        submit.disabled = false;
      }
    });
    return form;
  }

  await update();
  root.dataset.ready = 'ok';
  return () => {
    clearTimeout(timer);
    if (fetchCtl) fetchCtl.abort();
  };
}
