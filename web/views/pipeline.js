// 项目库 Project pipeline #/pipeline?view=board|table&{stage,region,tier,cluster,other,band,q,signed_from,signed_to,
// overdue,event,officer}&sort=&offset=: the projects of /api/v1/projects as a board (one column per stage, its count and
// amount, the latest cards) or as a sortable, paged table, with the same filters, an XLSX export of the same query and
// a form that creates a project and opens it.

import { t, nm, num } from '../i18n.js';
import { getJson, sendJson, h, errorBox, loading, makeHash, demoBadge, isDemoData } from '../api.js';
import {
  money, pager, emptyNote, formField, clearFieldErrors, showFieldError, STAGES, BANDS, CHANNELS, hrefProject,
  stageLabel, bandLabel, channelLabel, classText, overdueBadge, tasksBadge, loadBoards, boardOptions, classOptions, classValue,
  projectTable,
} from '../ui.js';
import { account, accountName, isWriter } from '../session.js';

/** The filters of /api/v1/projects the URL carries, in the order the chips list them. */
export const PIPELINE_FILTERS = ['stage', 'region', 'tier', 'cluster', 'other', 'band', 'q', 'signed_from', 'signed_to', 'overdue', 'event', 'officer',
  'stage_on', 'reached', 'reached_from', 'reached_to', 'tasks_of', 'mine'];
const SORTS = ['recent', 'amount', 'signed', 'name'];
const LIMIT = 50;
const CARDS = 8;
const BOARD_STAGES = STAGES.filter((s) => s !== 'dropped');

function select(id, param, label, options, value, onchange) {
  return h('label', { class: 'field', for: id, dataset: { param } }, h('span', {}, label),
    h('select', { id, name: param, onchange: (e) => onchange(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text))));
}

export async function render(root, ctx) {
  const { signal } = ctx;
  // stage_on filters by the stage on a past day; the board's columns are today's stages, so it shows as a table.
  const view = ctx.params.get('view') === 'table' || (ctx.params.get('stage_on') || '').trim() ? 'table' : 'board';
  const filters = {};
  for (const k of PIPELINE_FILTERS) {
    const v = (ctx.params.get(k) || '').trim();
    if (v) filters[k] = v;
  }
  const sort = SORTS.includes(ctx.params.get('sort')) ? ctx.params.get('sort') : 'recent';
  const offset = Math.max(0, Math.floor(Number(ctx.params.get('offset')) || 0));
  const state = { view: view === 'table' ? 'table' : '', ...filters, sort: sort === 'recent' ? '' : sort, offset: offset ? String(offset) : '' };
  const hashWith = (change) => makeHash('pipeline', [], { ...state, offset: '', ...change });

  const busy = loading();
  root.append(busy);
  let tax, boards, demo;
  try {
    [tax, boards, demo] = await Promise.all([getJson('/api/v1/taxonomy', { signal, cached: true }), loadBoards(signal), isDemoData(signal)]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('pl_heading'));

  // ---- filters: every change is a new URL (the first page)
  const me = account();
  const myDept = me && me.role === 'department' && me.department ? me.department : '';
  const go = (k) => (v) => {
    const change = { [k]: v };
    if (k === 'tier') change.cluster = '';
    if ((k === 'tier' || k === 'cluster') && v) change.other = '';
    if (k === 'other' && v === 'true') Object.assign(change, { tier: '', cluster: '' });
    ctx.navigate(hashWith(change));
  };
  const clusters = tax.clusters.filter((c) => !filters.tier || c.tier === filters.tier);
  const form = h('form', { class: 'filters pl-filters', id: 'pl-filters', 'aria-label': t('pl_filters'),
    onsubmit: (e) => {
      e.preventDefault();
      const fd = new FormData(e.target);
      ctx.navigate(hashWith({ q: String(fd.get('q') || '').trim(), signed_from: fd.get('signed_from') || '', signed_to: fd.get('signed_to') || '' }));
    } },
  select('pl-stage', 'stage', t('stage'), [['', t('f_all')], ...STAGES.map((s) => [s, stageLabel(s)])], filters.stage, go('stage')),
  h('label', { class: 'field', for: 'pl-region', dataset: { param: 'region' } }, h('span', {}, t('pl_board')),
    h('select', { id: 'pl-region', name: 'region', onchange: (e) => go('region')(e.target.value) }, boardOptions(boards, filters.region, { empty: t('f_all') }))),
  select('pl-tier', 'tier', t('f_tier'), [['', t('f_all')], ...tax.tiers.map((x) => [x.id, nm(x)])], filters.tier, go('tier')),
  select('pl-cluster', 'cluster', t('f_cluster'), [['', t('f_all')], ...clusters.map((c) => [c.id, nm(c)]),
    ...(filters.cluster && !clusters.some((c) => c.id === filters.cluster) ? [[filters.cluster, filters.cluster]] : [])], filters.cluster, go('cluster')),
  select('pl-other', 'other', t('pl_system'), [['', t('f_all')], ['false', t('pl_in_system')], ['true', t('pl_other_system')]], filters.other, go('other')),
  select('pl-band', 'band', t('pl_band'), [['', t('f_all')], ...BANDS.map((b) => [b, bandLabel(b)])], filters.band, go('band')),
  h('label', { class: 'field', for: 'pl-q', dataset: { param: 'q' } }, h('span', {}, t('pl_text')),
    h('input', { type: 'search', id: 'pl-q', name: 'q', value: filters.q || '', placeholder: t('pl_text_hint'), enterkeyhint: 'search',
      onchange: (e) => go('q')(e.target.value.trim()) })),
  h('label', { class: 'field', for: 'pl-from', dataset: { param: 'signed_from' } }, h('span', {}, t('pl_signed_from')),
    h('input', { type: 'date', id: 'pl-from', name: 'signed_from', value: filters.signed_from || '', onchange: (e) => go('signed_from')(e.target.value) })),
  h('label', { class: 'field', for: 'pl-to', dataset: { param: 'signed_to' } }, h('span', {}, t('pl_signed_to')),
    h('input', { type: 'date', id: 'pl-to', name: 'signed_to', value: filters.signed_to || '', onchange: (e) => go('signed_to')(e.target.value) })),
  h('label', { class: 'check', for: 'pl-overdue' },
    h('input', { type: 'checkbox', id: 'pl-overdue', name: 'overdue', checked: filters.overdue === 'true', onchange: (e) => go('overdue')(e.target.checked ? 'true' : '') }),
    t('pl_overdue_only')),
  // Officers: the projects of their own 板块.
  me && me.role === 'officer' ? h('label', { class: 'check', for: 'pl-mine' },
    h('input', { type: 'checkbox', id: 'pl-mine', name: 'mine', checked: filters.mine === 'true', onchange: (e) => go('mine')(e.target.checked ? 'true' : '') }),
    t('pl_mine_only')) : null,
  // Department staff: the projects with open 全兜办 items of their bureau.
  myDept ? h('label', { class: 'check', for: 'pl-tasks-mine' },
    h('input', { type: 'checkbox', id: 'pl-tasks-mine', name: 'tasks_of', checked: filters.tasks_of === myDept, onchange: (e) => go('tasks_of')(e.target.checked ? myDept : '') }),
    t('pl_tasks_mine')) : null,
  h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }));

  // The filters the form has no control for (from a drill-down link), as removable chips.
  const hidden = ['event', 'officer', 'stage_on', 'reached', 'reached_from', 'reached_to', ...(myDept ? [] : ['tasks_of'])].filter((k) => filters[k]);
  const chips = hidden.length ? h('ul', { class: 'chips', id: 'pl-chips', 'aria-label': t('active_filters') },
    hidden.map((k) => h('li', { class: 'chip-filter', dataset: { key: k } }, `${t(`pl_f_${k}`)}${t('colon')}${k === 'reached' ? stageLabel(filters[k]) : filters[k]}`,
      h('a', { href: hashWith({ [k]: '' }), class: 'chip-x', 'aria-label': t('remove_filter', { f: `${t(`pl_f_${k}`)} ${filters[k]}` }) }, '×')))) : null;

  const apiQuery = (extra = {}) => new URLSearchParams({ ...filters, ...extra }).toString();
  const xlsx = h('a', { class: 'btn', id: 'pl-xlsx', download: 'projects.xlsx', href: `/api/v1/projects?${apiQuery({ sort, format: 'xlsx' })}` }, t('export_xlsx'));
  const toggle = h('nav', { class: 'presets', 'aria-label': t('pl_view') },
    [['board', t('pl_board_view')], ['table', t('pl_table_view')]].map(([v, label]) => h('a', {
      class: 'btn preset', id: `pl-view-${v}`, href: makeHash('pipeline', [], { ...state, view: v === 'table' ? 'table' : '', offset: '' }),
      'aria-current': v === view ? 'true' : null,
    }, label)));
  const head = h('div', { class: 'view-head' }, h('h1', {}, t('pl_heading')), demoBadge(demo));
  const summary = h('p', { class: 'list-summary', id: 'pl-summary', role: 'status' });
  const results = h('div', { id: 'pl-results' });
  const newPanel = isWriter() ? newProjectPanel(tax, boards, filters, ctx) : null;

  busy.replaceWith(...[head, h('p', { class: 'muted intro' }, t('pl_intro')), form, chips, h('div', { class: 'actions' }, toggle, xlsx,
    h('span', { class: 'muted small' }, t('export_xlsx_hint'))), summary, results, newPanel].filter(Boolean));

  const showError = (e) => {
    const param = e && e.parameter;
    if (param && form.querySelector(`[data-param="${CSS.escape(param)}"]`)) showFieldError(form, e, {}, { focus: false });
    results.replaceChildren(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
  };
  const summaryLine = (d) => summary.replaceChildren(
    h('strong', { id: 'pl-total', dataset: { total: String(d.total) } }, t('pl_n_projects', { n: num(d.total) })),
    ' · ', t('pl_total_amount', { a: money(d.amount) }),
    ' · ', h('a', { href: `/api/v1/projects?${apiQuery({ sort, limit: String(LIMIT), offset: String(offset) })}`, class: 'api-link' }, 'JSON'));

  if (view === 'table') {
    let d;
    try {
      d = await getJson(`/api/v1/projects?${apiQuery({ sort, limit: String(LIMIT), offset: String(offset) })}`, { signal });
    } catch (e) {
      if (e.name === 'AbortError') return null;
      showError(e);
      return null;
    }
    if (signal.aborted) return null;
    summaryLine(d);
    const onSort = (key) => ctx.navigate(hashWith({ sort: key === 'recent' ? '' : key }));
    results.replaceChildren(
      d.items.length ? projectTable(d.items, { id: 'pl-table', caption: t('pl_heading'), sort, onSort }) : emptyNote(t('pl_empty')),
      pager({ total: d.total, offset: d.offset, limit: d.limit, id: 'pl-pager', hrefFor: (o) => hashWith({ offset: o ? String(o) : '' }) }));
    root.dataset.total = String(d.total);
    root.dataset.ready = 'ok';
    return null;
  }

  // ---- the board: the filtered counts by stage, then the latest cards of each column
  let base;
  try {
    base = await getJson(`/api/v1/projects?${apiQuery({ limit: '1' })}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    showError(e);
    return null;
  }
  if (signal.aborted) return null;
  summaryLine(base);
  const byStage = Object.fromEntries(base.stages.map((s) => [s.stage, s]));
  const columns = {};
  const column = (stage, { link = true } = {}) => {
    const s = byStage[stage] || { count: 0, amount: 0 };
    const list = h('ol', { class: 'pl-cards', 'aria-label': stageLabel(stage) });
    const more = s.count > CARDS ? h('p', { class: 'pl-more' }, h('a', { href: makeHash('pipeline', [], { ...filters, stage, view: 'table' }) }, t('pl_see_all_n', { n: num(s.count) }))) : null;
    const headEl = h('div', { class: 'pl-col-head' },
      h('h2', { id: `pl-col-${stage}-h` }, stageLabel(stage)),
      link ? h('a', { class: 'pl-count count-link', href: makeHash('pipeline', [], { ...filters, stage, view: 'table' }), dataset: { count: String(s.count) },
        'aria-label': t('pl_stage_count_label', { stage: stageLabel(stage), n: num(s.count) }) }, num(s.count))
        : h('span', { class: 'pl-count', dataset: { count: String(s.count) } }, num(s.count)),
      h('span', { class: 'pl-amount small muted' }, money(s.amount)));
    columns[stage] = list;
    return { headEl, list, more, count: s.count };
  };
  const cols = BOARD_STAGES.map((stage) => {
    const c = column(stage);
    return h('section', { class: 'pl-col', dataset: { stage }, 'aria-labelledby': `pl-col-${stage}-h` }, c.headEl, c.count ? c.list : emptyNote(t('pl_none')), c.more);
  });
  const dropped = column('dropped', { link: false });
  const droppedBox = h('details', { class: 'pl-col pl-dropped', dataset: { stage: 'dropped' }, id: 'pl-dropped' },
    h('summary', {}, dropped.headEl), dropped.count ? dropped.list : emptyNote(t('pl_none')), dropped.more);
  results.replaceChildren(h('div', { class: 'pl-board', id: 'pl-board' }, cols, droppedBox));

  const fill = async (stage) => {
    if (!(byStage[stage] && byStage[stage].count)) return;
    const d = await getJson(`/api/v1/projects?${apiQuery({ stage, limit: String(CARDS) })}`, { signal });
    columns[stage].replaceChildren(...d.items.map(card));
  };
  let droppedLoaded = false;
  droppedBox.addEventListener('toggle', () => {
    if (!droppedBox.open || droppedLoaded) return;
    droppedLoaded = true;
    fill('dropped').catch((e) => { if (e.name !== 'AbortError') columns.dropped.replaceChildren(h('li', {}, errorBox(e))); });
  });
  try {
    await Promise.all(BOARD_STAGES.map(fill));
  } catch (e) {
    if (e.name === 'AbortError') return null;
    showError(e);
    return null;
  }
  if (signal.aborted) return null;
  root.dataset.total = String(base.total);
  root.dataset.ready = 'ok';
  return null;
}

function card(p) {
  return h('li', { class: 'pl-card', dataset: { id: p.id } },
    h('a', { href: hrefProject(p.id), class: 'pl-card-name' }, p.name || p.id), ' ', overdueBadge(p), ' ', tasksBadge(p),
    p.investor ? h('p', { class: 'small muted' }, p.investor) : null,
    h('p', { class: 'pl-card-meta small' }, [p.region ? nm(p.region) : null, classText(p.class), p.amount != null ? money(p.amount) : null]
      .filter(Boolean).map((x, i) => [i ? ' · ' : '', x])));
}

/** The form that creates a project (at 线索) and opens it; the server's 400 shows at the field it names. */
function newProjectPanel(tax, boards, filters, ctx) {
  const input = (id, name, attrs = {}) => h('input', { id, name, autocomplete: 'off', ...attrs });
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'pl-new-submit' }, t('pl_new_submit'));
  const cls = filters.cluster ? { cluster: filters.cluster } : filters.other === 'true' ? {} : null;
  const form = h('form', { id: 'pl-new-form', class: 'pl-new-form', novalidate: true },
    formField('name', 'pl-new-name', t('pl_col_name'), input('pl-new-name', 'name', { type: 'text', maxlength: '200', required: true })),
    h('div', { class: 'filters' },
      formField('region_code', 'pl-new-region', t('pl_board'), h('select', { id: 'pl-new-region', name: 'region_code', required: true },
        boardOptions(boards, filters.region || '', { empty: t('pl_choose_board') }))),
      formField('class', 'pl-new-class', t('pl_class'), h('select', { id: 'pl-new-class', name: 'class' },
        classOptions(tax, cls, { empty: t('pl_choose_class') }))),
      formField('amount', 'pl-new-amount', t('pl_amount_wan'), input('pl-new-amount', 'amount', { type: 'number', min: '0', step: 'any', inputmode: 'decimal' })),
      formField('investor', 'pl-new-investor', t('pl_investor'), input('pl-new-investor', 'investor', { type: 'text', maxlength: '200' })),
      formField('officer', 'pl-new-officer', t('pl_officer'), input('pl-new-officer', 'officer', { type: 'text', maxlength: '60', value: accountName(account()) })),
      formField('channel', 'pl-new-channel', t('pl_channel'), h('select', { id: 'pl-new-channel', name: 'channel' },
        CHANNELS.map((c) => h('option', { value: c, selected: c === 'chain' }, channelLabel(c)))))),
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const fd = new FormData(form);
    const body = {};
    for (const k of ['name', 'region_code', 'investor', 'officer', 'channel']) {
      const v = String(fd.get(k) ?? '').trim();
      if (v) body[k] = v;
    }
    if (!body.name) body.name = '';
    if (!body.region_code) body.region_code = '';
    const c = classValue(fd.get('class'));
    if (c.cluster) body.cluster = c.cluster;
    if (c.other_category) body.other_category = c.other_category;
    const amount = String(fd.get('amount') ?? '').trim();
    if (amount) body.amount = Number(amount);
    else if (form.querySelector('#pl-new-amount').validity.badInput) body.amount = 'invalid';
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const p = await sendJson('POST', '/api/v1/projects', body, { signal: ctx.signal });
      form.dataset.created = p.id;
      ctx.navigate(hrefProject(p.id));
    } catch (e) {
      if (e.name === 'AbortError') return;
      showFieldError(form, e, { cluster: 'class', other_category: 'class', node: 'class', body: '__none__' });
      form.dataset.error = e.parameter || e.code || 'error';
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return h('section', { class: 'panel', id: 'pl-new', 'aria-labelledby': 'pl-new-h' },
    h('details', { id: 'pl-new-details', open: ctx.params.get('new') === '1' },
      h('summary', { class: 'pl-new-summary' }, h('h2', { id: 'pl-new-h' }, t('pl_new'))),
      h('p', { class: 'muted small' }, t('pl_new_hint')), form));
}
