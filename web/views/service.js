// 服务看板 Service dashboard #/service: the enterprise-service loop in figures (/api/v1/service/dashboard, over the
// requests the account may see): open, overdue and seriously overdue, the average time to accept (working hours
// from a 派单 to its 签收) and to close (working days from filing to 办结), the return rate, 发回重办 and the
// satisfaction of the ratings; the same figures by department and by 板块; the overdue requests in red.

import { t, nm, num } from '../i18n.js';
import { getJson, h, errorBox, loading } from '../api.js';
import { panel, figure, emptyNote, pct, todayIso } from '../ui.js';
import { ticketTabs, ticketTable, loadCatalogue, timeText, fillEnterpriseNames } from './tickets.js';

const fmt = (v, digits = 1) => (v === null || v === undefined ? '—' : num(v, digits));

export async function render(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let d, cat;
  try {
    [d, cat] = await Promise.all([getJson('/api/v1/service/dashboard', { signal }), loadCatalogue(signal)]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(ticketTabs('service') || '', h('div', { class: 'view-head' }, h('h1', {}, t('sv_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('sv_heading'));
  const s = d.total;
  const head = h('div', { class: 'view-head' }, h('h1', {}, t('sv_heading')),
    h('span', { class: 'small muted', id: 'sv-at' }, t('sv_at', { t: timeText(d.at) })));

  const figs = h('div', { class: 'figures headline sv-figures', id: 'sv-figures' },
    figure(t('sv_tickets'), h('span', { id: 'sv-tickets', dataset: { n: String(s.tickets) } }, num(s.tickets))),
    figure(t('sv_open'), h('span', { id: 'sv-open', dataset: { n: String(s.open) } }, num(s.open))),
    figure(t('sv_overdue'), h('span', { id: 'sv-overdue', class: s.overdue ? 'late-text' : null, dataset: { n: String(s.overdue) } }, num(s.overdue)),
      s.serious ? h('span', { class: 'late-text', id: 'sv-serious' }, t('sv_serious_n', { n: num(s.serious) })) : null),
    figure(t('sv_closed'), h('span', { id: 'sv-closed', dataset: { n: String(s.closed) } }, num(s.closed))),
    figure(t('sv_accept_hours'), h('span', { id: 'sv-accept-hours' }, s.avg_accept_hours == null ? '—' : t('sv_hours', { n: fmt(s.avg_accept_hours) }))),
    figure(t('sv_close_days'), h('span', { id: 'sv-close-days' }, s.avg_close_days == null ? '—' : t('sv_days', { n: fmt(s.avg_close_days) }))),
    figure(t('sv_return_rate'), h('span', { id: 'sv-return-rate' }, pct(s.return_rate_pct)), t('sv_returns_of', { r: num(s.returns), d: num(s.dispatches) })),
    figure(t('sv_reopened'), h('span', { id: 'sv-reopened', dataset: { n: String(s.reopened) } }, num(s.reopened))),
    figure(t('sv_satisfied'), h('span', { id: 'sv-satisfied' }, pct(s.satisfied_pct)),
      t('sv_ratings_split', { n: num(s.ratings), a: num(s.satisfied), b: num(s.basically_satisfied), c: num(s.dissatisfied) })));

  const cols = [
    ['tickets', t('sv_tickets')], ['open', t('sv_open')], ['overdue', t('sv_overdue')], ['returns', t('sv_returns')],
    ['return_rate_pct', t('sv_return_rate')], ['avg_accept_hours', t('sv_accept_hours_short')], ['avg_close_days', t('sv_close_days_short')],
    ['reopened', t('sv_reopened')], ['satisfied_pct', t('sv_satisfied')],
  ];
  const cell = (st, k) => {
    const v = st[k];
    if (k.endsWith('_pct')) return pct(v);
    if (k.startsWith('avg_')) return fmt(v);
    return num(v);
  };
  const table = (id, rows, nameOf) => (rows.length ? h('div', { class: 'scroll' }, h('table', { id, class: 'sv-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, id === 'sv-by-dept' ? t('tk_department') : t('pl_board')),
      cols.map(([, label]) => h('th', { scope: 'col', class: 'num' }, label)))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { key: r.id || r.code }, class: r.stats.overdue ? 'late' : null },
      h('td', { class: 'name' }, nameOf(r)),
      cols.map(([k, label]) => h('td', { class: `num c-${k}`, dataset: { label, value: String(r.stats[k] ?? '') } }, cell(r.stats, k))))))))
    : emptyNote(t('sv_none')));

  const byDept = panel('sv-dept', t('sv_by_department'), table('sv-by-dept', d.by_department,
    (r) => (r.id === 'unassigned' ? t('tk_unassigned') : nm(r) || r.id)));
  const byRegion = panel('sv-region', t('sv_by_region'), table('sv-by-region', d.by_region, (r) => nm(r) || r.code));
  const overdue = h('section', { class: 'panel late-panel', id: 'sv-overdue-panel', 'aria-labelledby': 'sv-overdue-h' },
    h('h2', { id: 'sv-overdue-h' }, t('sv_overdue_list', { n: num(d.overdue.length) })),
    d.overdue.length ? ticketTable(d.overdue, cat, new Map(), todayIso(), { id: 'sv-overdue-table', caption: t('sv_overdue_list', { n: d.overdue.length }) })
      : emptyNote(t('sv_no_overdue')));

  busy.replaceWith(...[ticketTabs('service'), head, h('p', { class: 'muted intro' }, t('sv_intro')), panel('sv-total', t('sv_total'), figs),
    overdue, byDept, byRegion, h('p', { class: 'small muted' }, t('sv_rules'))].filter(Boolean));
  root.dataset.tickets = String(s.tickets);
  fillEnterpriseNames(root, signal).catch(() => {});
  return null;
}
