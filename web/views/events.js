// 活动 Events #/events?year= and #/event/{id}: the signing events (投资洽谈会, 对接会 …) of a year with what was signed
// at each — signed projects, the 343 share, the tier split, the others, the 板块 that signed — and one event's page with
// the same figures (each opens the projects it counts) and its projects. A form records a new event.

import { t, nm, num } from '../i18n.js';
import { getJson, sendJson, h, errorBox, loading, makeHash, demoBadge } from '../api.js';
import { isWriter } from '../session.js';
import {
  money, dateText, breadcrumbs, panel, kv, emptyNote, formField, clearFieldErrors, showFieldError, hrefEvent, pct, figure,
  projectCountLink, projectTable, loadBoards,
} from '../ui.js';

export const EVENT_KINDS = ['fair', 'matchmaking', 'forum', 'visit', 'other'];

export const kindLabel = (k) => {
  const s = t(`evk_${k}`);
  return s === `evk_${k}` ? k : s;
};

export async function render(root, ctx) {
  if (ctx.rest[0]) return renderEvent(root, ctx, ctx.rest[0]);
  return renderList(root, ctx);
}

/** The names of 板块, joined. */
const regionNames = (list) => (list || []).map((r) => nm(r) || r.code).join(t('list_sep'));

/** The figures of an event (from /api/v1/events): each count opens the projects behind it. */
export function eventFigures(e, { idPrefix = 'ev' } = {}) {
  const f = { event: e.id };
  return h('div', { class: 'figures ev-figures' },
    figure(t('ov_signed'), projectCountLink(e.signed, f, { id: `${idPrefix}-signed` })),
    figure(t('ev_in_system'), projectCountLink(e.in_system, { ...f, other: 'false' }, { id: `${idPrefix}-in-system` }),
      h('span', { id: `${idPrefix}-in-system-pct` }, pct(e.in_system_pct))),
    ...(e.by_tier || []).map((tier) => figure(nm(tier), projectCountLink(tier.count, { ...f, tier: tier.id }, { id: `${idPrefix}-tier-${tier.id}` }),
      null, { class: 'figure fig-tier', dataset: { tier: tier.id } })),
    figure(t('ov_other'), projectCountLink(e.other, { ...f, other: 'true' }, { id: `${idPrefix}-other` }),
      h('span', { id: `${idPrefix}-other-pct` }, pct(e.other_pct))),
    figure(t('ev_signing_regions'), h('span', { id: `${idPrefix}-regions`, dataset: { count: String(e.signing_region_count) } }, num(e.signing_region_count))),
    figure(t('pl_amount'), h('span', { id: `${idPrefix}-amount` }, money(e.amount))));
}

// ---------------------------------------------------------------------------------------------------------------
// The list of a year

async function renderList(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let all, boards;
  try {
    [all, boards] = await Promise.all([getJson('/api/v1/events', { signal }), loadBoards(signal)]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  const years = [...new Set(all.items.map((e) => Number(String(e.date).slice(0, 4))))].filter(Boolean).sort((a, b) => b - a);
  const asked = Number(ctx.params.get('year'));
  const year = years.includes(asked) ? asked : asked || years[0] || new Date().getFullYear();
  let d;
  try {
    d = await getJson(`/api/v1/events?year=${year}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('ev_heading'));
  ctx.setParams({ year: String(year) });
  const yearOptions = years.includes(year) ? years : [year, ...years];
  const head = h('div', { class: 'view-head' }, h('h1', {}, t('ev_heading')), demoBadge(d.items.some((e) => e.synthetic)));
  const form = h('form', { class: 'filters', id: 'ev-filters', onsubmit: (e) => e.preventDefault() },
    h('label', { class: 'field', for: 'ev-year' }, h('span', {}, t('year')),
      h('select', { id: 'ev-year', onchange: (e) => ctx.navigate(makeHash('events', [], { year: e.target.value })) },
        yearOptions.map((y) => h('option', { value: String(y), selected: y === year }, String(y))))));
  const summary = h('p', { class: 'list-summary' }, h('strong', { id: 'ev-total', dataset: { total: String(d.total) } }, t('ev_n_events', { n: num(d.total), y: year })),
    ' · ', h('a', { href: makeHash('dashboard', [], { year: String(year) }) }, t('ev_year_dashboard', { y: year })));
  // The fair first, then the others as the API orders them (latest first).
  const items = [...d.items.filter((e) => e.kind === 'fair'), ...d.items.filter((e) => e.kind !== 'fair')];
  const table = items.length ? h('div', { class: 'scroll' }, h('table', { id: 'ev-table', class: 'ev-table' },
    h('caption', { class: 'sr-only' }, t('ev_heading')),
    h('thead', {}, h('tr', {}, [[t('ev_date')], [t('ev_name')], [t('ov_signed'), 1], [t('ev_in_system'), 1], [t('ov_other'), 1], [t('ev_signing_regions'), 1], [t('pl_amount'), 1]]
      .map(([c, n]) => h('th', { scope: 'col', class: n ? 'num' : null }, c)))),
    h('tbody', {}, items.map((e) => h('tr', { dataset: { id: e.id, kind: e.kind } },
      h('td', { class: 'num', dataset: { label: t('ev_date') } }, e.date),
      h('td', { class: 'name' }, h('a', { href: hrefEvent(e.id), class: 'ev-link' }, nm(e)), ' ', h('span', { class: `badge ev-kind k-${e.kind}` }, kindLabel(e.kind)),
        e.city ? h('div', { class: 'small muted' }, [e.city, e.theme].filter(Boolean).join(' · ')) : null),
      h('td', { class: 'num c-signed', dataset: { label: t('ov_signed') } }, projectCountLink(e.signed, { event: e.id })),
      h('td', { class: 'num', dataset: { label: t('ev_in_system') } }, projectCountLink(e.in_system, { event: e.id, other: 'false' }), ` (${pct(e.in_system_pct)})`),
      h('td', { class: 'num', dataset: { label: t('ov_other') } }, projectCountLink(e.other, { event: e.id, other: 'true' }), ` (${pct(e.other_pct)})`),
      h('td', { class: 'num', dataset: { label: t('ev_signing_regions') } }, num(e.signing_region_count)),
      h('td', { class: 'num', dataset: { label: t('pl_amount') } }, money(e.amount))))))) : emptyNote(t('ev_none'));
  busy.replaceWith(head, h('p', { class: 'muted intro' }, t('ev_intro')), form, summary, table, isWriter() ? newEventPanel(boards, year, ctx) : '');
  root.dataset.total = String(d.total);
  root.dataset.ready = 'ok';
  return null;
}

/** The form that records an event and opens it. */
function newEventPanel(boards, year, ctx) {
  const input = (id, name, attrs = {}) => h('input', { id, name, autocomplete: 'off', ...attrs });
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'ev-new-submit' }, t('ev_new_submit'));
  const form = h('form', { id: 'ev-new-form', novalidate: true },
    h('div', { class: 'filters' },
      formField('name_zh', 'ev-new-name', t('ev_name_zh'), input('ev-new-name', 'name_zh', { type: 'text', maxlength: '200' })),
      formField('name_en', 'ev-new-name-en', t('ev_name_en'), input('ev-new-name-en', 'name_en', { type: 'text', maxlength: '200', lang: 'en' })),
      formField('date', 'ev-new-date', t('ev_date'), input('ev-new-date', 'date', { type: 'date' })),
      formField('kind', 'ev-new-kind', t('ev_kind'), h('select', { id: 'ev-new-kind', name: 'kind' },
        EVENT_KINDS.map((k) => h('option', { value: k, selected: k === 'matchmaking' }, kindLabel(k))))),
      formField('city', 'ev-new-city', t('ev_city'), input('ev-new-city', 'city', { type: 'text', maxlength: '60' })),
      formField('theme', 'ev-new-theme', t('ev_theme'), input('ev-new-theme', 'theme', { type: 'text', maxlength: '200' })),
      formField('organiser', 'ev-new-organiser', t('ev_organiser'), input('ev-new-organiser', 'organiser', { type: 'text', maxlength: '200' }))),
    h('fieldset', { class: 'field form-field checks', dataset: { param: 'regions' } },
      h('legend', {}, t('ev_participating')),
      h('div', { class: 'check-row' }, boards.map((b) => h('label', { class: 'check', for: `ev-new-r-${b.code}` },
        h('input', { type: 'checkbox', name: 'regions', id: `ev-new-r-${b.code}`, value: b.code }), nm(b)))),
      h('p', { class: 'field-error', id: 'ev-new-regions-err', role: 'alert', hidden: true })),
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const fd = new FormData(form);
    const body = {};
    for (const k of ['name_zh', 'name_en', 'date', 'kind', 'city', 'theme', 'organiser']) {
      const v = String(fd.get(k) ?? '').trim();
      if (v) body[k] = v;
    }
    if (form.querySelector('#ev-new-date').validity.badInput) body.date = 'invalid';
    const regions = fd.getAll('regions').map(String);
    if (regions.length) body.regions = regions;
    submit.disabled = true;
    try {
      const e = await sendJson('POST', '/api/v1/events', body, { signal: ctx.signal });
      form.dataset.created = e.id;
      ctx.navigate(hrefEvent(e.id));
    } catch (e) {
      if (e.name === 'AbortError') return;
      showFieldError(form, e, { body: '__none__' });
      form.dataset.error = e.parameter || e.code || 'error';
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'panel', id: 'ev-new', 'aria-labelledby': 'ev-new-h' },
    h('details', { id: 'ev-new-details' }, h('summary', {}, h('h2', { id: 'ev-new-h' }, t('ev_new'))),
      h('p', { class: 'muted small' }, t('ev_new_hint', { y: year })), form));
}

// ---------------------------------------------------------------------------------------------------------------
// One event

async function renderEvent(root, ctx, id) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let e;
  try {
    e = await getJson(`/api/v1/events/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError') return null;
    busy.replaceWith(breadcrumbs([{ text: t('ev_heading'), href: '#/events' }, { text: id }]),
      h('div', { class: 'view-head' }, h('h1', {}, t('ev_event'))), errorBox(err, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(nm(e));
  const year = String(e.date).slice(0, 4);
  const crumbs = breadcrumbs([{ text: t('ev_heading'), href: makeHash('events', [], { year }) }, { text: nm(e) }]);
  const head = h('div', { class: 'view-head profile-head' },
    h('div', {}, h('p', { class: 'kind' }, kindLabel(e.kind)), h('h1', { id: 'ev-title' }, nm(e))),
    demoBadge(e.synthetic || (e.projects || []).some((p) => p.synthetic)));
  const facts = kv([
    [t('ev_date'), dateText(e.date)],
    [t('ev_city'), e.city],
    [t('ev_theme'), e.theme],
    [t('ev_organiser'), e.organiser],
  ]);
  const figures = panel('ev-figures', t('ev_results'), eventFigures(e),
    h('p', { class: 'small', id: 'ev-region-names' }, h('strong', {}, t('ev_signing_regions'), t('colon')),
      e.signing_regions.length ? regionNames(e.signing_regions) : t('none')),
    (e.participating_regions || []).length ? h('p', { class: 'small muted' }, `${t('ev_participating')}${t('colon')}${regionNames(e.participating_regions)}`) : null);
  const projects = e.projects || [];
  const list = panel('ev-projects', t('ev_projects_n', { n: num(projects.length) }),
    projects.length ? projectTable(projects, { id: 'ev-projects-table', caption: t('ev_projects_n', { n: num(projects.length) }) }) : emptyNote(t('pl_empty')));
  busy.replaceWith(crumbs, head, h('section', { class: 'panel', 'aria-label': t('ev_event') }, facts), figures, list);
  root.dataset.ready = 'ok';
  return null;
}
