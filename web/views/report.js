// 报表 Report #/report?period=2022-09|2022-Q3|2022: the monthly, quarterly or annual report of /api/v1/reports, one
// printed page per section — what was signed in the period (by tier, by 板块, the projects), the year to date at the
// period's end (the dashboard's figures for that day: headline, 赛马榜, tiers, clusters, months) and what is late.
// A print button (the print style drops the navigation) and the same figures as an XLSX workbook.

import { t, nm, num, lang } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, demoBadge } from '../api.js';
import { money, emptyNote, dateText, pct, figure, projectCountLink, projectTable, todayIso, hrefPipeline } from '../ui.js';
import { headline, leagueTable, progressList, monthsTable, overdueStartsTable, overdueTasksTable } from './dashboard.js';

const KINDS = ['month', 'quarter', 'year'];

/** '2022-09' → {kind: 'month', year: 2022, n: 9}; '2022-Q3' → quarter 3; '2022' → the year; anything else → null. */
export function parsePeriod(s) {
  const v = String(s || '').trim();
  let m = /^(\d{4})-(\d{1,2})$/.exec(v);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { kind: 'month', year: Number(m[1]), n: Number(m[2]) };
  m = /^(\d{4})-[Qq]([1-4])$/.exec(v);
  if (m) return { kind: 'quarter', year: Number(m[1]), n: Number(m[2]) };
  m = /^(\d{4})$/.exec(v);
  if (m) return { kind: 'year', year: Number(m[1]), n: 0 };
  return null;
}

export function formatPeriod(p) {
  if (p.kind === 'month') return `${p.year}-${String(p.n).padStart(2, '0')}`;
  if (p.kind === 'quarter') return `${p.year}-Q${p.n}`;
  return String(p.year);
}

function periodTitle(p) {
  if (p.kind === 'month') return t('rp_title_month', { y: p.year, m: p.n });
  if (p.kind === 'quarter') return t('rp_title_quarter', { y: p.year, q: t(`rp_q${p.n}`) });
  return t('rp_title_year', { y: p.year });
}

const section = (id, title, ...children) => h('section', { class: 'panel report-section', id, 'aria-labelledby': `${id}-h` },
  h('h2', { id: `${id}-h` }, title), ...children);

export async function render(root, ctx) {
  const { signal } = ctx;
  const asked = parsePeriod(ctx.params.get('period'));
  const period = asked || parsePeriod(todayIso().slice(0, 7));
  const key = formatPeriod(period);
  const busy = loading();
  root.append(busy);
  ctx.setTitle(t('rp_heading'));
  const controls = periodForm(period, ctx);
  let r;
  try {
    r = await getJson(`/api/v1/reports?period=${encodeURIComponent(key)}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('rp_heading'))), controls, errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  if (!asked) ctx.setParams({ period: key });
  const ip = r.in_period;
  const y = r.year_to_date;
  const xlsxHref = `/api/v1/reports?period=${encodeURIComponent(r.period)}&format=xlsx`;
  const inPeriod = { signed_from: r.from, signed_to: r.to };
  const anyDemo = (ip.projects || []).some((p) => p.synthetic);

  const head = h('div', { class: 'view-head' }, h('h1', { id: 'rp-title' }, periodTitle(period)), demoBadge(anyDemo));
  const actions = h('div', { class: 'actions no-print' },
    h('button', { type: 'button', class: 'btn primary', id: 'rp-print', onclick: () => window.print() }, t('rp_print')),
    h('a', { class: 'btn', id: 'rp-xlsx', href: xlsxHref, download: `chainscope-report-${r.period}.xlsx` }, t('export_xlsx')),
    h('a', { class: 'btn', href: makeHash('dashboard', [], { month: String(r.to).slice(0, 7) }) }, t('rp_to_dashboard')));
  const meta = h('p', { class: 'muted', id: 'rp-range', dataset: { from: r.from, to: r.to } },
    t('rp_range', { from: dateText(r.from), to: dateText(r.to) }), ' · ', t('sp_printed_on', { d: dateText(todayIso()) }));

  const s1 = section('rp-period', t('rp_in_period'),
    h('div', { class: 'figures' },
      figure(t('ov_signed'), projectCountLink(ip.signed, inPeriod, { id: 'rp-p-signed' })),
      figure(t('db_amount'), h('span', { id: 'rp-p-amount' }, money(ip.amount))),
      figure(t('ov_in_system'), projectCountLink(ip.in_system, { ...inPeriod, other: 'false' }, { id: 'rp-p-in-system' }),
        h('span', {}, t('db_share'), ' ', h('span', { id: 'rp-p-in-system-pct' }, pct(ip.in_system_pct)))),
      ...(ip.by_tier || []).map((x) => figure(nm(x), projectCountLink(x.count, { ...inPeriod, tier: x.id }, { id: `rp-p-tier-${x.id}` }))),
      figure(t('ov_other'), projectCountLink(ip.other, { ...inPeriod, other: 'true' }, { id: 'rp-p-other' }))),
    h('h3', {}, t('rp_by_region')),
    (ip.by_region || []).length ? h('div', { class: 'scroll' }, h('table', { id: 'rp-regions' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('pl_board')), h('th', { scope: 'col', class: 'num' }, t('ov_signed')), h('th', { scope: 'col', class: 'num' }, t('pl_amount')))),
      h('tbody', {}, ip.by_region.map((g) => h('tr', { dataset: { region: g.code } },
        h('td', {}, nm(g) || g.code),
        h('td', { class: 'num' }, projectCountLink(g.signed, { ...inPeriod, region: g.code })),
        h('td', { class: 'num' }, money(g.amount))))))) : emptyNote(t('rp_none_signed')));

  const s2 = section('rp-ytd', t('rp_ytd', { y: y.year, d: dateText(y.through) }), headline(y, { prefix: 'rp' }),
    h('h3', {}, t('db_league')), leagueTable(y, { id: 'rp-league' }));
  const s3 = section('rp-progress', t('rp_progress'),
    h('h3', {}, t('db_by_tier')), progressList(y.by_tier, 'tier', y, { id: 'rp-tiers' }),
    h('h3', {}, t('db_by_cluster')), progressList(y.by_cluster, 'cluster', y, { id: 'rp-clusters' }),
    h('h3', {}, t('db_months')), h('div', { class: 'scroll' }, monthsTable(y, { id: 'rp-months' })));
  const projects = ip.projects || [];
  const s4 = section('rp-projects', t('rp_projects_n', { n: num(projects.length) }),
    projects.length ? projectTable(projects, { id: 'rp-projects-table', officer: false }) : emptyNote(t('rp_none_signed')),
    projects.length ? h('p', { class: 'small no-print' }, h('a', { href: hrefPipeline({ ...inPeriod, view: 'table', sort: 'signed' }) }, t('rp_open_list'))) : null);
  const s5 = section('rp-late', t('db_overdue_starts'), overdueStartsTable(y, { all: true, id: 'rp-overdue-starts' }),
    h('h3', {}, t('db_overdue_tasks')), overdueTasksTable(y, { all: true, id: 'rp-overdue-tasks' }));

  busy.replaceWith(h('div', { class: 'report', id: 'report', dataset: { period: r.period, lang: lang() } }, head, controls, actions, meta, s1, s2, s3, s4, s5));
  root.dataset.ready = 'ok';
  return null;
}

/** Month, quarter or year, and which one: every change is a new URL. */
function periodForm(p, ctx) {
  const go = (next) => ctx.navigate(makeHash('report', [], { period: formatPeriod(next) }));
  const thisYear = Number(todayIso().slice(0, 4));
  const years = [];
  for (let y = thisYear; y >= 2019; y--) years.push(y);
  if (!years.includes(p.year)) years.push(p.year);
  const nOptions = p.kind === 'month' ? Array.from({ length: 12 }, (_, i) => [i + 1, lang() === 'en' ? String(i + 1) : `${i + 1}月`])
    : p.kind === 'quarter' ? [1, 2, 3, 4].map((q) => [q, t(`rp_q${q}`)]) : [];
  return h('form', { class: 'filters no-print', id: 'rp-form', onsubmit: (e) => e.preventDefault(), 'aria-label': t('rp_period') },
    h('label', { class: 'field', for: 'rp-kind' }, h('span', {}, t('rp_kind')),
      h('select', { id: 'rp-kind', onchange: (e) => {
        const kind = e.target.value;
        go({ kind, year: p.year, n: kind === 'month' ? (p.kind === 'quarter' ? p.n * 3 : 12) : kind === 'quarter' ? (p.kind === 'month' ? Math.ceil(p.n / 3) : 4) : 0 });
      } }, KINDS.map((k) => h('option', { value: k, selected: k === p.kind }, t(`rp_kind_${k}`))))),
    h('label', { class: 'field', for: 'rp-year' }, h('span', {}, t('year')),
      h('select', { id: 'rp-year', onchange: (e) => go({ ...p, year: Number(e.target.value) }) },
        years.map((y) => h('option', { value: String(y), selected: y === p.year }, String(y))))),
    nOptions.length ? h('label', { class: 'field', for: 'rp-n' }, h('span', {}, p.kind === 'month' ? t('db_month') : t('rp_quarter')),
      h('select', { id: 'rp-n', onchange: (e) => go({ ...p, n: Number(e.target.value) }) },
        nOptions.map(([v, text]) => h('option', { value: String(v), selected: v === p.n }, text)))) : null);
}
