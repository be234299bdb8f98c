// 领导驾驶舱 Dashboard #/dashboard?year=&month=YYYY-MM (&screen=1: the big screen, 大屏): the year's signings against
// the annual task, the 343 share, the tier split and the others; the 赛马榜 league of 板块 with the change since last
// month; progress by tier and cluster; a monthly chart; size bands; stages; what is late (开工 and checklist items);
// the year's events; a map of the 板块 (./dashmap.js). Every figure is the API's (/api/v1/dashboard) and opens the
// projects it counts (开工/投产/终止 by reached=&reached_from=&reached_to=, the stages by stage=&stage_on=).
// The builders are exported: the report (#/report) prints the same blocks for its year to date.

import { t, nm, num, lang, tx } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, demoBadge } from '../api.js';
import {
  money, panel, emptyNote, chartBlock, drawChart, dataTable, CHART_COLORS, pct, figure, progressBar, changeMark,
  projectCountLink, hrefProject, hrefEvent, hrefPipeline, stageLabel, bandLabel, dateText,
} from '../ui.js';
import { kindLabel } from './events.js';
import { dashMap } from './dashmap.js';

const REFRESH_MS = 60000;
const OVERDUE_SHOWN = 15;

/** The filters of the projects signed in the dashboard's year up to its day. */
export const ytd = (d) => ({ signed_from: `${d.year}-01-01`, signed_to: d.through });
/** The filters of the projects that reached `stage` (started, producing, dropped) in the year up to its day. */
export const reachedYtd = (d, stage) => ({ reached: stage, reached_from: `${d.year}-01-01`, reached_to: d.through });
const regionName = (r) => nm(r) || r.key || r.code || '';
const L = (zh, en) => (lang() === 'en' ? en : zh);

// ---------------------------------------------------------------------------------------------------------------
// Blocks

/** Signed vs the task, amount vs its target, the 343 share, the tier split, the others, what started. */
export function headline(d, { prefix = 'dash', tiers = true } = {}) {
  const c = d.city;
  const f = ytd(d);
  return h('div', { class: 'figures headline', id: `${prefix}-headline` },
    figure(t('ov_signed'), projectCountLink(c.signed, f, { id: `${prefix}-signed` }),
      h('span', {}, t('db_of_task'), ' ', h('span', { id: `${prefix}-target` }, c.target_projects == null ? '—' : num(c.target_projects))),
      { class: 'figure fig-main' }),
    figure(t('ov_completion'), h('span', { id: `${prefix}-completion` }, pct(c.completion_pct)), progressBar(c.completion_pct, { label: t('ov_completion') }),
      { class: 'figure fig-main' }),
    figure(t('db_amount'), h('span', { id: `${prefix}-amount` }, money(c.amount)),
      h('span', {}, t('db_of_target'), ' ', money(c.target_amount), ' · ', h('span', { id: `${prefix}-amount-pct` }, pct(c.amount_completion_pct))),
      { class: 'figure fig-amount' }),
    figure(t('ov_in_system'), projectCountLink(c.in_system, { ...f, other: 'false' }, { id: `${prefix}-in-system` }),
      h('span', {}, t('db_share'), ' ', h('span', { id: `${prefix}-in-system-pct` }, pct(c.in_system_pct)))),
    ...(tiers ? (d.by_tier || []).map((x) => figure(nm(x), projectCountLink(x.signed, { ...f, tier: x.key }, { id: `${prefix}-tier-${x.key}` }), null,
      { class: 'figure fig-tier', dataset: { tier: x.key } })) : []),
    figure(t('ov_other'), projectCountLink(d.other, { ...f, other: 'true' }, { id: `${prefix}-other` }),
      h('span', {}, t('db_share'), ' ', h('span', { id: `${prefix}-other-pct` }, pct(d.other_pct)))),
    figure(t('db_started'), projectCountLink(d.started, reachedYtd(d, 'started'), { id: `${prefix}-started` })),
    figure(t('db_producing'), projectCountLink(d.producing, reachedYtd(d, 'producing'), { id: `${prefix}-producing` })),
    figure(t('db_dropped'), projectCountLink(d.dropped, reachedYtd(d, 'dropped'), { id: `${prefix}-dropped` })));
}

/** 赛马榜: the 板块 ranked by completion, with the change since the end of last month. */
export function leagueTable(d, { id = 'dash-league' } = {}) {
  const f = ytd(d);
  if (!(d.league || []).length) return emptyNote(t('db_no_league'));
  return h('div', { class: 'scroll' }, h('table', { id, class: 'league' },
    h('caption', { class: 'sr-only' }, t('db_league')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'num' }, t('rank')), h('th', { scope: 'col' }, t('pl_board')),
      h('th', { scope: 'col', class: 'num' }, t('db_signed_target')), h('th', { scope: 'col' }, t('ov_completion')),
      h('th', { scope: 'col', class: 'num' }, t('db_change')), h('th', { scope: 'col', class: 'num' }, t('ov_in_system_pct')))),
    h('tbody', {}, d.league.map((r) => {
      const p = r.progress;
      return h('tr', { dataset: { region: p.key, rank: String(r.rank) } },
        h('td', { class: 'num rank' }, h('strong', {}, String(r.rank)), ' ',
          changeMark(r.rank_change, { digits: 0, title: r.prev_rank != null ? t('db_prev_rank', { r: r.prev_rank }) : t('db_no_prev') })),
        h('td', { class: 'name' }, h('a', { href: hrefPipeline({ region: p.key, ...f }), class: 'league-link' }, regionName(p))),
        h('td', { class: 'num', dataset: { label: t('db_signed_target') } },
          projectCountLink(p.signed, { region: p.key, ...f }, { class: 'count-link league-signed' }), ' / ', p.target_projects == null ? '—' : num(p.target_projects)),
        h('td', { class: 'c-bar', dataset: { label: t('ov_completion') } },
          h('span', { class: 'bar-line' }, progressBar(p.completion_pct, { label: regionName(p) }), h('span', { class: 'bar-pct league-pct' }, pct(p.completion_pct)))),
        h('td', { class: 'num', dataset: { label: t('db_change') } }, changeMark(r.completion_change, { unit: t('db_pp') })),
        h('td', { class: 'num', dataset: { label: t('ov_in_system_pct') } }, pct(p.in_system_pct)));
    }))));
}

/** Progress bars of tiers or clusters: signed / target, completion. */
export function progressList(rows, kind, d, { id } = {}) {
  const f = ytd(d);
  return h('ul', { class: 'progress-list', id }, (rows || []).map((x) => h('li', { dataset: { key: x.key } },
    h('span', { class: 'pl-name' }, nm(x)),
    progressBar(x.completion_pct, { label: nm(x) }),
    h('span', { class: 'bar-pct' }, pct(x.completion_pct)),
    h('span', { class: 'small pl-of' }, projectCountLink(x.signed, { [kind]: x.key, ...f }), ' / ', x.target_projects == null ? '—' : num(x.target_projects)))));
}

/** The months as a table: signed, started, cumulative, completion, 343 share. */
export function monthsTable(d, attrs = {}) {
  const monthLabel = (m) => (lang() === 'en' ? `${d.year}-${String(m.month).padStart(2, '0')}` : `${m.month}月`);
  return dataTable([
    { label: t('db_month') }, { label: t('db_month_signed'), num: true }, { label: t('db_month_started'), num: true },
    { label: t('db_cumulative'), num: true }, { label: t('ov_completion'), num: true }, { label: t('ov_in_system_pct'), num: true },
  ], (d.months || []).map((m) => [monthLabel(m),
    projectCountLink(m.signed, { signed_from: `${d.year}-${String(m.month).padStart(2, '0')}-01`, signed_to: m.to }),
    num(m.started), num(m.cumulative), pct(m.completion_pct), pct(m.in_system_pct)]), attrs);
}

/** Monthly signed bars with the cumulative completion line (ECharts); its table under it. */
function monthsChart(d, { dark = false } = {}) {
  const months = d.months || [];
  const { box, wrap } = chartBlock('dash-months-chart', t('db_months_label', { y: d.year }), monthsTable(d, { id: 'dash-months' }), dark ? 320 : 280);
  const fg = dark ? '#dbe6f0' : '#52606d';
  const option = {
    color: [CHART_COLORS[0], CHART_COLORS[1], CHART_COLORS[2]],
    grid: { left: 44, right: 48, top: 36, bottom: 28 },
    legend: { top: 0, textStyle: { color: fg } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: months.map((m) => (lang() === 'en' ? String(m.month) : `${m.month}月`)), axisLabel: { color: fg } },
    yAxis: [
      { type: 'value', name: t('db_month_signed'), nameTextStyle: { color: fg }, axisLabel: { color: fg }, splitLine: { lineStyle: { color: dark ? '#2a3f55' : '#e4e7eb' } } },
      { type: 'value', name: '%', nameTextStyle: { color: fg }, axisLabel: { color: fg }, splitLine: { show: false } },
    ],
    series: [
      { name: t('db_month_signed'), type: 'bar', data: months.map((m) => m.signed) },
      { name: t('db_month_started'), type: 'bar', data: months.map((m) => m.started) },
      { name: t('db_cumulative_completion'), type: 'line', yAxisIndex: 1, data: months.map((m) => m.completion_pct), label: { show: true, color: fg, formatter: (p) => (p.value == null ? '' : `${p.value}%`) } },
    ],
  };
  return { wrap, draw: () => (months.length ? drawChart(box, option) : null) };
}

function bandsList(d) {
  const f = ytd(d);
  const max = Math.max(1, ...(d.bands || []).map((b) => b.count));
  return h('ul', { class: 'bars', id: 'dash-bands' }, (d.bands || []).map((b) => h('li', { dataset: { band: b.band } },
    h('span', {}, bandLabel(b.band)),
    h('span', { class: 'bar-track' }, h('span', { class: 'bar-fill', style: { width: `${(100 * b.count) / max}%` } })),
    h('span', { class: 'bar-value' }, projectCountLink(b.count, { band: b.band, ...f })))));
}

/**
 * The stages as known on the dashboard's day; each opens the projects at that stage on that day (stage_on), as a
 * table: the board's columns are today's stages.
 */
function stagesFunnel(d, current) {
  const max = Math.max(1, ...(d.stages || []).map((s) => s.count));
  return h('div', {},
    h('ul', { class: 'bars funnel', id: 'dash-stages' }, (d.stages || []).map((s) => h('li', { dataset: { stage: s.stage } },
      h('span', {}, stageLabel(s.stage)),
      h('span', { class: 'bar-track' }, h('span', { class: `bar-fill st-fill-${s.stage}`, style: { width: `${(100 * s.count) / max}%` } })),
      h('span', { class: 'bar-value' }, projectCountLink(s.count, { stage: s.stage, stage_on: d.through, view: 'table' }))))),
    h('p', { class: 'small muted', id: 'dash-stages-note' }, current ? t('db_stages_now')
      : L(`截至 ${dateText(d.through)} 各阶段项目数（全部年份）；点击数字查看当日处于该阶段的项目。`,
        `Projects at each stage on ${dateText(d.through)} (all years); a figure opens the projects at that stage on that day.`)));
}

/** Signed, not started on time (签约未按期开工): each links to its project. */
export function overdueStartsTable(d, { all = false, id = 'dash-overdue-starts' } = {}) {
  const rows = d.overdue_starts || [];
  if (!rows.length) return emptyNote(t('db_no_overdue_starts'));
  const shown = all ? rows : rows.slice(0, OVERDUE_SHOWN);
  const table = (list) => h('div', { class: 'scroll' }, h('table', { class: 'late-table', id },
    h('thead', {}, h('tr', {}, [[t('pl_col_name')], [t('pl_board')], [t('pl_signed_on'), 1], [t('pj_start_due'), 1], [t('db_days_over'), 1], [t('pj_blockers')]]
      .map(([c, n]) => h('th', { scope: 'col', class: n ? 'num' : null }, c)))),
    h('tbody', {}, list.map((o) => h('tr', { dataset: { id: o.id } },
      h('td', { class: 'name' }, h('a', { href: hrefProject(o.id) }, o.name)),
      h('td', { dataset: { label: t('pl_board') } }, o.region ? regionName(o.region) : o.region_code),
      h('td', { class: 'num', dataset: { label: t('pl_signed_on') } }, o.signed_on),
      h('td', { class: 'num', dataset: { label: t('pj_start_due') } }, o.due, ' ', h('span', { class: 'small muted' }, o.agreed ? t('pj_due_agreed_short') : t('pj_due_default_short'))),
      h('td', { class: 'num late-text', dataset: { label: t('db_days_over') } }, t('pj_days_over', { n: num(o.days_over) })),
      h('td', { class: 'small', dataset: { label: t('pj_blockers') } }, (o.blockers || []).join(t('list_sep')) || '–'))))));
  const out = [h('p', { class: 'small' }, h('strong', { class: 'late-text', id: `${id}-n`, dataset: { count: String(rows.length) } }, t('db_n_overdue_starts', { n: num(rows.length) }))), table(shown)];
  if (!all && rows.length > shown.length) {
    const more = h('details', { class: 'more-rows' }, h('summary', {}, t('pl_see_all_n', { n: num(rows.length) })));
    more.addEventListener('toggle', () => { if (more.open && more.children.length === 1) more.append(table(rows.slice(OVERDUE_SHOWN))); }, { once: false });
    out.push(more);
  }
  return out;
}

/**
 * Overdue checklist items (as of today): first who is behind — the count per department with its oldest item — then
 * the items, the longest overdue first, each linking to its project. The dashboard shows the first few and the rest
 * on request (the rows are there, hidden); a report (`all`) shows every one.
 */
export function overdueTasksTable(d, { all = false, id = 'dash-overdue-tasks' } = {}) {
  const rows = d.overdue_tasks || [];
  if (!rows.length) return emptyNote(t('db_no_overdue_tasks'));
  const byDept = new Map();
  for (const o of rows) {
    const k = o.department || '–';
    const e = byDept.get(k) || { n: 0, oldest: 0, en: o.department_en || '' };
    e.n += 1;
    e.oldest = Math.max(e.oldest, o.days_over || 0);
    byDept.set(k, e);
  }
  const depts = [...byDept.entries()].sort((a, b) => b[1].n - a[1].n || b[1].oldest - a[1].oldest || a[0].localeCompare(b[0]));
  const max = depts[0][1].n;
  const summary = h('ul', { class: 'bars late-depts', id: `${id}-by-dept`, 'aria-label': t('db_overdue_by_dept') }, depts.map(([name, e]) =>
    h('li', { dataset: { department: name, count: String(e.n) } },
      h('span', {}, tx({ zh: name, en: e.en })),
      h('span', { class: 'bar-track' }, h('span', { class: 'bar-fill late-fill', style: { width: `${(100 * e.n) / max}%` } })),
      h('span', { class: 'bar-value' }, t('db_overdue_dept_n', { n: num(e.n), d: num(e.oldest) })))));
  const hidden = all ? 0 : Math.max(0, rows.length - OVERDUE_SHOWN);
  const table = h('table', { class: `late-table${hidden ? ' folded' : ''}`, id },
    h('thead', {}, h('tr', {}, [[t('pj_task')], [t('pl_col_name')], [t('pj_department')], [t('pj_due'), 1], [t('db_days_over'), 1]]
      .map(([c, n]) => h('th', { scope: 'col', class: n ? 'num' : null }, c)))),
    h('tbody', {}, rows.map((o, i) => h('tr', { dataset: { id: o.project_id, task: o.task_id }, class: i >= OVERDUE_SHOWN && hidden ? 'extra' : null },
      h('td', {}, o.title_zh),
      h('td', { class: 'name' }, h('a', { href: hrefProject(o.project_id) }, o.project_name)),
      h('td', { dataset: { label: t('pj_department') } }, tx({ zh: o.department, en: o.department_en || '' })),
      h('td', { class: 'num', dataset: { label: t('pj_due') } }, o.due),
      h('td', { class: 'num late-text', dataset: { label: t('db_days_over') } }, t('pj_days_over', { n: num(o.days_over) }))))));
  const out = [
    h('p', { class: 'small' }, h('strong', { class: 'late-text', id: `${id}-n`, dataset: { count: String(rows.length) } },
      t('db_n_overdue_tasks', { n: num(rows.length), k: num(depts.length) }))),
    summary,
    h('div', { class: 'scroll' }, table),
  ];
  if (hidden) {
    const btn = h('button', { type: 'button', class: 'btn', id: `${id}-all`, 'aria-controls': id, 'aria-expanded': 'false' },
      t('pl_see_all_n', { n: num(rows.length) }));
    btn.addEventListener('click', () => {
      const open = table.classList.toggle('folded') === false;
      btn.setAttribute('aria-expanded', String(open));
      btn.textContent = open ? t('db_show_fewer') : t('pl_see_all_n', { n: num(rows.length) });
    });
    out.push(h('p', { class: 'more-rows' }, btn));
  }
  return out;
}

/** The year's events so far, the fair first, with their figures. */
export function eventsTable(d) {
  const evs = [...(d.events || [])];
  if (!evs.length) return emptyNote(t('db_no_events'));
  const ordered = [...evs.filter((e) => e.kind === 'fair'), ...evs.filter((e) => e.kind !== 'fair').reverse()];
  return h('div', { class: 'scroll' }, h('table', { id: 'dash-events', class: 'ev-table' },
    h('thead', {}, h('tr', {}, [[t('ev_date')], [t('ev_name')], [t('ov_signed'), 1], [t('ev_in_system'), 1], [t('ov_other'), 1], [t('ev_signing_regions'), 1]]
      .map(([c, n]) => h('th', { scope: 'col', class: n ? 'num' : null }, c)))),
    h('tbody', {}, ordered.map((e) => h('tr', { dataset: { id: e.id, kind: e.kind } },
      h('td', { class: 'num', dataset: { label: t('ev_date') } }, e.date),
      h('td', { class: 'name' }, h('a', { href: hrefEvent(e.id) }, nm(e)), ' ', h('span', { class: `badge ev-kind k-${e.kind}` }, kindLabel(e.kind))),
      h('td', { class: 'num', dataset: { label: t('ov_signed') } }, projectCountLink(e.signed, { event: e.id })),
      h('td', { class: 'num', dataset: { label: t('ev_in_system') } }, num(e.in_system), ` (${pct(e.in_system_pct)})`),
      h('td', { class: 'num', dataset: { label: t('ov_other') } }, num(e.other), ` (${pct(e.other_pct)})`),
      h('td', { class: 'num', dataset: { label: t('ev_signing_regions') } }, num(e.signing_region_count)))))));
}

// ---------------------------------------------------------------------------------------------------------------
// The view

export async function render(root, ctx) {
  const { signal } = ctx;
  const screen = ctx.params.get('screen') === '1';
  const yearParam = (ctx.params.get('year') || '').trim();
  const monthParam = (ctx.params.get('month') || '').trim();
  const query = new URLSearchParams();
  if (yearParam) query.set('year', yearParam);
  if (monthParam) query.set('month', monthParam);
  const apiPath = `/api/v1/dashboard${query.toString() ? `?${query}` : ''}`;
  const state = { year: yearParam, month: monthParam };
  if (screen) document.body.classList.add('screen-mode');
  const cleanups = [() => document.body.classList.remove('screen-mode')];
  const cleanup = () => { for (const f of cleanups) try { f(); } catch (e) { console.error(e); } };

  const busy = loading();
  root.append(busy);
  let d;
  try {
    d = await getJson(apiPath, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return cleanup;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('db_heading'))), errorBox(e, () => ctx.reload()),
      h('p', {}, h('a', { href: '#/dashboard' }, t('db_default'))));
    root.dataset.ready = 'error';
    return cleanup;
  }
  if (signal.aborted) return cleanup;
  ctx.setTitle(screen ? t('db_screen_title') : t('db_heading'));

  const body = h('div', { id: 'dash' });
  busy.replaceWith(body);
  let charts = [];
  const disposeCharts = () => { for (const c of charts) c.dispose(); charts = []; };
  cleanups.push(disposeCharts);

  const draw = async () => {
    disposeCharts();
    body.replaceChildren(...(screen ? screenLayout(d, ctx, state) : pageLayout(d, ctx, state)));
    root.dataset.through = d.through;
    const boxes = [...body.querySelectorAll('.chart')].filter((b) => b.__draw);
    const drawn = await Promise.all(boxes.map((b) => b.__draw().catch((e) => { console.error(e); return null; })));
    for (const c of drawn) if (c) charts.push(c);
  };
  await draw();
  root.dataset.ready = 'ok';

  if (screen) {
    let refreshes = 0;
    const timer = setInterval(async () => {
      try {
        const next = await getJson(apiPath, { signal });
        if (signal.aborted) return;
        d = next;
        await draw();
        refreshes += 1;
        root.dataset.refreshed = String(refreshes);
      } catch (e) {
        if (e.name !== 'AbortError') console.warn('refresh failed', e);
      }
    }, REFRESH_MS);
    cleanups.push(() => clearInterval(timer));
  }
  return cleanup;
}

function selectors(d, ctx, state, screen) {
  const go = (change) => ctx.navigate(makeHash('dashboard', [], { ...state, ...change, screen: screen ? '1' : '' }));
  const years = (d.years || []).includes(d.year) ? d.years : [...(d.years || []), d.year].sort();
  const todayYm = String(d.today || '').slice(0, 7);
  const months = Array.from({ length: 12 }, (_, i) => `${d.year}-${String(i + 1).padStart(2, '0')}`).filter((m) => !todayYm || m <= todayYm);
  const through = String(d.through).slice(0, 7);
  return h('form', { class: 'filters dash-select', id: 'dash-select', onsubmit: (e) => e.preventDefault(), 'aria-label': t('db_period') },
    h('label', { class: 'field', for: 'dash-year' }, h('span', {}, t('year')),
      h('select', { id: 'dash-year', onchange: (e) => go({ year: e.target.value, month: '' }) },
        [...years].reverse().map((y) => h('option', { value: String(y), selected: y === d.year }, String(y))))),
    h('label', { class: 'field', for: 'dash-month' }, h('span', {}, t('db_through_month')),
      h('select', { id: 'dash-month', onchange: (e) => go({ year: String(d.year), month: e.target.value }) },
        h('option', { value: '', selected: !state.month }, t('db_latest')),
        months.map((m) => h('option', { value: m, selected: state.month === m || (!!state.month && through === m) }, lang() === 'en' ? m : `${Number(m.slice(5))}月`)))));
}

function pageLayout(d, ctx, state) {
  const current = !state.month && d.year === Number(String(d.today).slice(0, 4));
  const chart = monthsChart(d);
  chart.wrap.querySelector('.chart').__draw = chart.draw;
  const map = dashMap(d, { navigate: (href) => ctx.navigate(href) });
  map.box.__draw = map.draw;
  const anyDemo = (d.events || []).some((e) => e.synthetic);
  const head = h('div', { class: 'view-head' }, h('h1', {}, t('db_heading')), demoBadge(anyDemo),
    h('a', { class: 'btn', id: 'dash-screen-link', href: makeHash('dashboard', [], { ...state, screen: '1' }) }, t('db_screen')),
    h('a', { class: 'btn', id: 'dash-report-link', href: makeHash('report', [], { period: String(d.through).slice(0, 7) }) }, t('db_to_report')));
  return [head,
    h('p', { class: 'muted', id: 'dash-through', dataset: { through: d.through } }, t('db_through', { y: d.year, d: dateText(d.through) })),
    selectors(d, ctx, state, false),
    panel('dash-head', t('db_headline', { y: d.year }), headline(d)),
    panel('dash-league-panel', t('db_league'), h('p', { class: 'small muted' }, t('db_league_hint')), leagueTable(d)),
    panel('dash-map-panel', L('板块地图', 'Map of the districts and zones'), map.wrap),
    h('div', { class: 'two' },
      panel('dash-tiers-panel', t('db_by_tier'), progressList(d.by_tier, 'tier', d, { id: 'dash-tiers' })),
      panel('dash-clusters-panel', t('db_by_cluster'), progressList(d.by_cluster, 'cluster', d, { id: 'dash-clusters' }))),
    panel('dash-months-panel', t('db_months'), chart.wrap),
    h('div', { class: 'two' },
      panel('dash-bands-panel', t('db_bands'), bandsList(d)),
      panel('dash-stages-panel', t('db_stages'), stagesFunnel(d, current))),
    h('section', { class: 'panel late-panel', id: 'dash-late', 'aria-labelledby': 'dash-late-h' },
      h('h2', { id: 'dash-late-h' }, t('db_overdue_starts')), overdueStartsTable(d),
      h('h3', {}, t('db_overdue_tasks')), overdueTasksTable(d)),
    panel('dash-events-panel', t('db_events', { y: d.year }), eventsTable(d))];
}

/** The big screen: dark, large, no navigation; the headline, the league, tiers, the months, what is late. */
function screenLayout(d, ctx, state) {
  const chart = monthsChart(d, { dark: true });
  chart.wrap.querySelector('.chart').__draw = chart.draw;
  const map = dashMap(d, { dark: true, height: 420, navigate: (href) => ctx.navigate(href) });
  map.box.__draw = map.draw;
  const late = (d.overdue_starts || []).length;
  return [
    h('div', { class: 'screen-head' },
      h('h1', {}, t('db_screen_title')),
      h('p', { class: 'screen-sub', id: 'dash-through', dataset: { through: d.through } }, t('db_through', { y: d.year, d: dateText(d.through) })),
      selectors(d, ctx, state, true),
      h('a', { class: 'btn screen-exit', id: 'dash-screen-exit', href: makeHash('dashboard', [], state) }, t('db_screen_exit'))),
    h('div', { class: 'screen-grid' },
      h('section', { class: 'screen-box screen-headline', 'aria-label': t('db_headline', { y: d.year }) }, headline(d, { tiers: true })),
      h('section', { class: 'screen-box screen-league', 'aria-labelledby': 'scr-league-h' }, h('h2', { id: 'scr-league-h' }, t('db_league')), leagueTable(d)),
      h('section', { class: 'screen-box screen-map', id: 'dash-map-panel', 'aria-labelledby': 'scr-map-h' }, h('h2', { id: 'scr-map-h' }, L('板块地图', 'Map of the districts and zones')), map.wrap),
      h('section', { class: 'screen-box', 'aria-labelledby': 'scr-tier-h' }, h('h2', { id: 'scr-tier-h' }, t('db_by_tier')), progressList(d.by_tier, 'tier', d, { id: 'dash-tiers' }),
        h('h2', {}, t('db_by_cluster')), progressList(d.by_cluster, 'cluster', d, { id: 'dash-clusters' })),
      h('section', { class: 'screen-box screen-months', 'aria-labelledby': 'scr-months-h' }, h('h2', { id: 'scr-months-h' }, t('db_months')), chart.wrap),
      h('section', { class: 'screen-box screen-late', 'aria-labelledby': 'scr-late-h' }, h('h2', { id: 'scr-late-h' }, t('db_overdue_starts')),
        h('p', { class: 'screen-big late-text', id: 'dash-late-n' }, num(late)),
        h('p', {}, t('db_overdue_tasks'), t('colon'), h('strong', { id: 'dash-late-tasks-n' }, num((d.overdue_tasks || []).length)))),
      d.fair ? h('section', { class: 'screen-box', 'aria-labelledby': 'scr-fair-h' }, h('h2', { id: 'scr-fair-h' }, nm(d.fair)),
        h('p', {}, t('ov_signed'), ' ', h('strong', { class: 'screen-big' }, num(d.fair.signed)), ' · ', t('ev_in_system'), ' ', num(d.fair.in_system), ` (${pct(d.fair.in_system_pct)})`)) : null),
    h('p', { class: 'screen-foot small' }, t('db_screen_refresh'))];
}
