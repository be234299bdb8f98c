// 年度任务 Annual targets #/targets?year=Y: the year's task of signed projects (项目数) and agreed investment
// (协议投资额, 万元) for the city (全市), each 板块, each tier and each cluster (/api/v1/targets), next to the year's
// progress as the dashboard counts it (/api/v1/dashboard?year=Y: signed, completion %). Administrators edit the
// numbers inline and save every changed one with one PUT /api/v1/targets (the server checks every row before it
// stores any; a refused row is marked where it is); the dashboard's figures are then read again, so the completion
// shown is the new targets'. Leaders and officers read the same table without inputs. A sum check compares the
// 板块 targets with the city's (a warning only: zones and districts need not add up to the city's task).

import { t, nm, num } from '../i18n.js';
import { getJson, sendJson, h, errorBox, loading, makeHash } from '../api.js';
import { money, panel, pct, progressBar, projectCountLink, loadBoards, dateText, todayIso } from '../ui.js';
import { account } from '../session.js';

const METRICS = ['projects', 'amount'];
const GROUPS = ['city', 'region', 'tier', 'cluster'];

const keyOf = (scope, key, metric) => `${scope}|${key}|${metric}`;
const idOf = (scope, key, metric) => `tg-${scope}-${key}-${metric}`.replace(/[^\w-]/g, '_');
const isNum = (v) => v !== null && v !== undefined && Number.isFinite(v);

/** 万元 also in 亿元 (the unit the tasks are spoken of in). */
const inYi = (v) => (isNum(v) ? t('tg_in_yi', { v: num(v / 1e4, 2) }) : '');

export async function render(root, ctx) {
  const { signal } = ctx;
  const me = account();
  const editable = Boolean(me && me.role === 'admin');
  const raw = (ctx.params.get('year') || '').trim();
  const asked = Number(raw);
  const askedOk = /^\d{4}$/.test(raw) && asked >= 1990 && asked <= 2100;
  const busy = loading();
  root.append(busy);
  const dashPath = (y) => `/api/v1/dashboard?year=${y}`;
  let dash;
  let all;
  let tax;
  let boards;
  let stats;
  try {
    [dash, all, tax, boards, stats] = await Promise.all([
      getJson(askedOk ? dashPath(asked) : '/api/v1/dashboard', { signal }),
      getJson('/api/v1/targets', { signal }),
      getJson('/api/v1/taxonomy', { signal, cached: true }),
      loadBoards(signal).catch((e) => { if (e.name === 'AbortError') throw e; return []; }),
      getJson('/api/v1/stats', { signal, cached: true }).catch((e) => { if (e.name === 'AbortError') throw e; return null; }),
    ]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('tg_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  const year = dash.year;
  ctx.setTitle(`${t('tg_heading')} ${year}`);
  if (!askedOk) ctx.setParams({ year: String(year) });

  // The city's target is stored under one key (the prefecture's code): the one the data uses, else the home city's.
  const cityOf = (items) => items.find((x) => x.scope === 'city' && x.year === year)
    || [...items].filter((x) => x.scope === 'city').sort((a, b) => b.year - a.year)[0];
  const cityKey = (cityOf(all.items || []) || {}).key || (stats && stats.home_region) || '320300';

  // The rows: 全市, the 板块 (the city's districts, counties and zones, then any other the data names), tiers, clusters.
  const names = new Map();
  const regionKeys = [];
  for (const b of boards) {
    regionKeys.push(b.code);
    names.set(`region|${b.code}`, b);
  }
  const moreRegion = (key, named) => {
    if (!regionKeys.includes(key)) regionKeys.push(key);
    if (named && (named.name_zh || named.name_en) && !names.has(`region|${key}`)) names.set(`region|${key}`, named);
  };
  for (const r of dash.league || []) moreRegion(r.progress.key, r.progress);
  for (const x of all.items || []) if (x.scope === 'region' && x.year === year) moreRegion(x.key, null);
  const tiers = [...(tax.tiers || [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const clusters = tiers.flatMap((tier) => (tax.clusters || []).filter((c) => c.tier === tier.id).sort((a, b) => (a.order ?? 0) - (b.order ?? 0)));
  for (const tier of tiers) names.set(`tier|${tier.id}`, tier);
  for (const c of clusters) names.set(`cluster|${c.id}`, c);
  const rows = [
    { scope: 'city', key: cityKey },
    ...regionKeys.map((key) => ({ scope: 'region', key })),
    ...tiers.map((x) => ({ scope: 'tier', key: x.id })),
    ...clusters.map((x) => ({ scope: 'cluster', key: x.id })),
  ];
  const rowName = (r) => (r.scope === 'city' ? t('tg_city') : nm(names.get(`${r.scope}|${r.key}`)) || r.key);

  // Stored values and the dashboard's progress, read again after a save.
  let stored = new Map();
  let progress = new Map();
  function take(items, d) {
    stored = new Map();
    for (const x of items) {
      if (x.year !== year) continue;
      // A city target under another key (older data) is still the city's, as the dashboard reads it: the first one.
      const k = keyOf(x.scope, x.scope === 'city' ? cityKey : x.key, x.metric);
      if (x.scope !== 'city' || x.key === cityKey || !stored.has(k)) stored.set(k, x.value);
    }
    progress = new Map();
    progress.set(`city|${cityKey}`, d.city);
    for (const r of d.league || []) progress.set(`region|${r.progress.key}`, r.progress);
    for (const x of d.by_tier || []) progress.set(`tier|${x.key}`, x);
    for (const x of d.by_cluster || []) progress.set(`cluster|${x.key}`, x);
    dash = d;
  }
  take(all.items || [], dash);

  // ---- the table
  const inputs = new Map(); // keyOf → <input>
  const rowEls = new Map(); // scope|key → <tr>
  const body = h('table', { class: 'tg-table', id: 'tg-table', dataset: { year: String(year), mode: editable ? 'edit' : 'read' } });
  const sums = {};
  const sumWarn = h('p', { class: 'tg-sum-warn', id: 'tg-sum-warn', role: 'status' });
  const status = h('p', { class: 'mk-status', id: 'tg-status', role: 'status' });
  const changedNote = h('span', { class: 'small muted', id: 'tg-changed-n', 'aria-live': 'polite' });
  const save = editable ? h('button', { type: 'button', class: 'btn primary', id: 'tg-save', disabled: true }, t('tg_save')) : null;
  const saveError = h('p', { class: 'form-error error-inline', id: 'tg-save-error', role: 'alert', hidden: true });
  const filters = { signed_from: `${year}-01-01` };

  /** The value an input holds: a number, null (empty) or NaN (not a number). */
  const valueOf = (input) => {
    if (input.validity && input.validity.badInput) return NaN;
    const s = input.value.trim();
    if (s === '') return null;
    const v = Number(s);
    return Number.isFinite(v) ? v : NaN;
  };
  const changed = (k) => {
    const input = inputs.get(k);
    if (!input) return false;
    const v = valueOf(input);
    const was = stored.has(k) ? stored.get(k) : null;
    if (v === null) return was !== null;
    return Number.isNaN(v) || v !== was;
  };
  /** The value a target has on screen: the input's (while editing), else the stored one. */
  const current = (k) => {
    const input = inputs.get(k);
    if (input) {
      const v = valueOf(input);
      return Number.isNaN(v) ? null : v;
    }
    return stored.has(k) ? stored.get(k) : null;
  };

  function cell(r, metric) {
    const k = keyOf(r.scope, r.key, metric);
    const was = stored.has(k) ? stored.get(k) : null;
    const label = `${rowName(r)} ${t(metric === 'projects' ? 'tg_col_projects' : 'tg_col_amount')}`;
    const yi = metric === 'amount' ? h('span', { class: 'small muted tg-yi', id: `${idOf(r.scope, r.key, metric)}-yi` }, inYi(was)) : null;
    const sum = r.scope === 'city' ? (sums[metric] = h('span', { class: 'small tg-sum', id: `tg-sum-${metric}` })) : null;
    const head = t(metric === 'projects' ? 'tg_col_projects' : 'tg_col_amount');
    if (!editable) {
      return h('td', { class: 'num c-target', dataset: { label: head, metric } },
        h('span', { class: 'tg-value', id: idOf(r.scope, r.key, metric), dataset: { value: was === null ? '' : String(was) } }, was === null ? '—' : num(was, 2)),
        yi, sum);
    }
    const input = h('input', {
      type: 'number', inputmode: 'decimal', step: 'any', min: '0', id: idOf(r.scope, r.key, metric), class: 'tg-input',
      value: was === null ? '' : String(was), 'aria-label': label, dataset: { scope: r.scope, key: r.key, metric },
      oninput: () => {
        if (yi) {
          const v = valueOf(input);
          yi.textContent = inYi(Number.isNaN(v) ? null : v);
        }
        input.removeAttribute('aria-invalid');
        mark(r);
        sumCheck();
      },
    });
    inputs.set(k, input);
    return h('td', { class: 'num c-target', dataset: { label: head, metric } }, input, yi, sum);
  }

  function row(r) {
    const p = progress.get(`${r.scope}|${r.key}`) || null;
    const f = r.scope === 'city' ? { ...filters, signed_to: dash.through } : { ...filters, signed_to: dash.through, [r.scope]: r.key };
    const name = rowName(r);
    const tr = h('tr', { class: `tg-row tg-${r.scope}`, dataset: { scope: r.scope, key: r.key } },
      h('th', { scope: 'row', class: 'name' }, h('span', { class: 'tg-name' }, name),
        r.scope === 'city' ? h('span', { class: 'small muted tg-code' }, ` ${r.key}`) : null,
        h('span', { class: 'badge tg-changed-badge', hidden: true }, t('tg_changed')),
        h('span', { class: 'tg-err', id: idOf(r.scope, r.key, 'error') })),
      cell(r, 'projects'),
      cell(r, 'amount'),
      h('td', { class: 'num c-signed', dataset: { label: t('tg_col_signed') } },
        p ? projectCountLink(p.signed, f, { class: 'count-link tg-signed' }) : h('span', { class: 'tg-signed' }, '0'),
        h('span', { class: 'small muted tg-amount' }, money(p ? p.amount : 0))),
      h('td', { class: 'c-completion', dataset: { label: t('tg_col_completion') } },
        h('span', { class: 'bar-line' }, progressBar(p ? p.completion_pct : null, { label: name }),
          h('span', { class: 'bar-pct tg-pct', dataset: { pct: p && isNum(p.completion_pct) ? String(p.completion_pct) : '' } }, pct(p ? p.completion_pct : null))),
        h('span', { class: 'small muted tg-amount-pct', dataset: { pct: p && isNum(p.amount_completion_pct) ? String(p.amount_completion_pct) : '' } },
          t('tg_amount_pct', { p: pct(p ? p.amount_completion_pct : null) }))));
    rowEls.set(`${r.scope}|${r.key}`, tr);
    return tr;
  }

  /** A group of rows (板块, tiers, clusters) under its heading; the city's row alone. */
  const group = (scope, mine) => h('tbody', { class: `tg-body tg-body-${scope}`, dataset: { group: scope } },
    scope === 'city' ? null : h('tr', { class: 'tg-group' },
      h('th', { scope: 'rowgroup', colspan: '5' }, t(`tg_group_${scope}`), ' ', h('span', { class: 'small muted' }, `(${num(mine.length)})`))),
    mine.map(row));

  function mark(r) {
    const tr = rowEls.get(`${r.scope}|${r.key}`);
    if (!tr) return;
    let any = false;
    for (const m of METRICS) {
      const c = changed(keyOf(r.scope, r.key, m));
      inputs.get(keyOf(r.scope, r.key, m))?.classList.toggle('tg-dirty', c);
      any = any || c;
    }
    if (any) tr.dataset.changed = '1';
    else delete tr.dataset.changed;
    tr.querySelector('.tg-changed-badge').hidden = !any;
    if (!any) clearRowError(tr);
    counts();
  }
  function counts() {
    if (!editable) return;
    const n = body.querySelectorAll('tr[data-changed="1"]').length;
    changedNote.textContent = n ? t('tg_changed_n', { n: num(n) }) : t('tg_none_changed');
    changedNote.dataset.changed = String(n);
    save.disabled = n === 0;
  }
  function sumCheck() {
    const warn = [];
    for (const m of METRICS) {
      let sum = 0;
      let any = false;
      for (const key of regionKeys) {
        const v = current(keyOf('region', key, m));
        if (v !== null) { sum += v; any = true; }
      }
      const city = current(keyOf('city', cityKey, m));
      const off = any && city !== null && Math.abs(sum - city) > 1e-6;
      const el = sums[m];
      if (el) {
        el.textContent = any ? t('tg_sum', { v: m === 'amount' ? `${num(sum, 2)} ${t('unit_wan')}` : num(sum, 2) }) : '';
        el.dataset.sum = any ? String(sum) : '';
        el.classList.toggle('warn', off);
        el.title = off ? t('tg_sum_differs') : '';
      }
      if (off) {
        warn.push(t('tg_sum_warn', {
          what: t(m === 'projects' ? 'tg_col_projects' : 'tg_col_amount'),
          sum: m === 'amount' ? money(sum) : num(sum, 2), city: m === 'amount' ? money(city) : num(city, 2),
        }));
      }
    }
    sumWarn.textContent = warn.length ? `⚠ ${warn.join(' ')}` : '';
    sumWarn.dataset.warn = warn.length ? METRICS.filter((m) => sums[m] && sums[m].classList.contains('warn')).join(' ') : '';
  }
  function clearRowError(tr) {
    tr.removeAttribute('aria-invalid');
    tr.querySelector('.tg-err').textContent = '';
    for (const i of tr.querySelectorAll('input[aria-invalid]')) i.removeAttribute('aria-invalid');
  }
  function rowError(r, metric, message) {
    const tr = rowEls.get(`${r.scope}|${r.key}`);
    if (!tr) return null;
    tr.setAttribute('aria-invalid', 'true');
    tr.querySelector('.tg-err').textContent = message;
    const input = metric ? inputs.get(keyOf(r.scope, r.key, metric)) : null;
    if (input) input.setAttribute('aria-invalid', 'true');
    return input;
  }

  function draw() {
    inputs.clear();
    rowEls.clear();
    body.replaceChildren(
      h('caption', { class: 'sr-only' }, t('tg_caption', { y: year })),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('tg_col_unit')),
        h('th', { scope: 'col', class: 'num' }, t('tg_col_projects')),
        h('th', { scope: 'col', class: 'num' }, t('tg_col_amount'), ' ', h('span', { class: 'small' }, `(${t('unit_wan')})`)),
        h('th', { scope: 'col', class: 'num' }, t('tg_col_signed')),
        h('th', { scope: 'col' }, t('tg_col_completion')))),
      ...GROUPS.map((scope) => group(scope, rows.filter((r) => r.scope === scope))));
    sumCheck();
    counts();
    throughNote.textContent = t('tg_through', { y: year, d: dateText(dash.through) });
  }

  // ---- saving: every changed value in one PUT; a refused row (items[i]) is marked where it is
  async function onSave() {
    saveError.hidden = true;
    status.textContent = '';
    for (const tr of body.querySelectorAll('tr[aria-invalid]')) clearRowError(tr);
    const items = [];
    const refs = [];
    let firstBad = null;
    for (const r of rows) {
      for (const m of METRICS) {
        const k = keyOf(r.scope, r.key, m);
        if (!changed(k)) continue;
        const v = valueOf(inputs.get(k));
        if (Number.isNaN(v)) {
          const input = rowError(r, m, t('tg_not_number'));
          firstBad = firstBad || input;
          continue;
        }
        // An emptied field removes the stored target (the server deletes on null); 0 is a target of zero.
        items.push({ scope: r.scope, key: r.key, metric: m, value: v });
        refs.push({ r, m });
      }
    }
    if (firstBad) {
      saveError.hidden = false;
      saveError.textContent = t('tg_fix_rows');
      root.dataset.saved = 'error';
      firstBad.focus();
      return;
    }
    if (!items.length) return;
    save.disabled = true;
    root.dataset.saved = 'saving';
    let written;
    let removed = 0;
    try {
      const reply = await sendJson('PUT', '/api/v1/targets', { year, items }, { signal });
      written = reply.written || {};
      removed = reply.removed || 0;
    } catch (e) {
      if (e.name === 'AbortError') return;
      const m = /^items\[(\d+)\]$/.exec(e.parameter || '');
      const ref = m ? refs[Number(m[1])] : null;
      const input = ref ? rowError(ref.r, ref.m, e.detail) : null;
      saveError.hidden = false;
      saveError.textContent = `${t('error_title')}${t('colon')}${ref ? `${rowName(ref.r)} · ` : ''}${e.detail}`;
      root.dataset.saved = 'error';
      counts();
      if (input) input.focus();
      return;
    }
    const note = t('tg_saved', { y: year, i: num(written.inserted || 0), u: num(written.updated || 0), n: num(written.unchanged || 0), r: num(removed) });
    status.dataset.removed = String(removed);
    status.dataset.inserted = String(written.inserted || 0);
    status.dataset.updated = String(written.updated || 0);
    status.dataset.unchanged = String(written.unchanged || 0);
    // The dashboard counts with the new targets: read it (and the targets) again and redraw the table.
    try {
      const [d, tg] = await Promise.all([getJson(dashPath(year), { signal }), getJson(`/api/v1/targets?year=${year}`, { signal })]);
      if (signal.aborted) return;
      take(tg.items || [], d);
      draw();
      status.textContent = note;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = `${note} ${t('tg_saved_stale', { msg: e.detail || e.message })}`;
    }
    root.dataset.saved = 'ok';
  }
  if (save) save.addEventListener('click', onSave);

  // ---- the page
  const thisYear = Number(String(dash.today || todayIso()).slice(0, 4));
  const years = [...new Set([...(dash.years || []), thisYear + 1, year])].sort((a, b) => a - b);
  const yearSel = h('label', { class: 'field', for: 'tg-year' }, h('span', {}, t('tg_year')),
    h('select', {
      id: 'tg-year',
      onchange: (e) => {
        if (body.querySelector('tr[data-changed="1"]') && !window.confirm(t('tg_discard'))) {
          e.target.value = String(year);
          return;
        }
        ctx.navigate(makeHash('targets', [], { year: e.target.value }));
      },
    }, years.map((y) => h('option', { value: String(y), selected: y === year }, String(y)))));
  const throughNote = h('p', { class: 'muted small', id: 'tg-through', dataset: { through: dash.through } });
  const table = h('div', { class: 'scroll tg-scroll' }, body);
  draw();
  busy.replaceWith(...[
    h('div', { class: 'view-head' }, h('h1', {}, t('tg_heading_y', { y: year }))),
    h('p', { class: 'muted intro' }, t(editable ? 'tg_intro' : 'tg_intro_read')),
    editable ? null : h('p', { class: 'note', id: 'tg-read-only' }, t('tg_read_only')),
    h('div', { class: 'filters tg-filters' }, yearSel,
      h('a', { class: 'btn', id: 'tg-dashboard', href: makeHash('dashboard', [], { year: String(year) }) }, t('tg_on_dashboard', { y: year }))),
    panel('tg-panel', t('tg_panel', { y: year }), throughNote, sumWarn, table,
      editable ? h('div', { class: 'actions tg-actions' }, save, changedNote) : null,
      saveError, status)].filter(Boolean));
  root.dataset.mode = editable ? 'edit' : 'read';
  return null;
}
