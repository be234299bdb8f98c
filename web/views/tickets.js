// 企业诉求 Service requests (企业吹哨、部门报到).
// #/tickets?state=&department=&region=&overdue=&offset=&new=1&enterprise=: the requests the account may see
// (/api/v1/tickets: an enterprise its own, a department those it holds or held, an officer their 板块, leaders and
// administrators all) with state, department, deadline and escalation — overdue rows in red — and, for enterprise
// users, officers and administrators, the form that files a request (category from the catalogue, description,
// the metadata of attached files — nothing is uploaded —, 板块).
// #/ticket/{id}: one request — its facts, the deadline and the working days left, the timeline of every step with
// its time and actor, and the steps the account may take now (签收, 退单, 延期, 答复 for the department holding it;
// 派单 after a return for officers; 评价 for the enterprise; 催办 and 督办 for officers and leaders). Every step sends
// the version read; a 409 shows the conflict with a reload that keeps what was typed.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, sendJson, h, errorBox, loading, makeHash } from '../api.js';
import {
  dateText, breadcrumbs, panel, kv, emptyNote, formField, clearFieldErrors, showFieldError, loadBoards, boardOptions,
  pager, hrefEnterprise, entName, todayIso, versionedWrite,
} from '../ui.js';
import { account, role } from '../session.js';

export const TICKET_STATES = ['filed', 'dispatched', 'returned', 'working', 'answered', 'closed'];
export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'];
const LIMIT = 50;

export const hrefTicket = (id) => makeHash('ticket', [String(id)]);

const labelOr = (key, fallback) => {
  const s = t(key);
  return s === key ? fallback : s;
};
export const stateLabel = (s) => labelOr(`tk_state_${s}`, s || '–');
export const eventLabel = (k) => labelOr(`tk_ev_${k}`, k || '–');
export const ratingLabel = (r) => labelOr(`tk_rating_${r}`, r || '–');
const kindLabel = (k) => labelOr(`tk_kind_${k}`, k || '');

export function stateBadge(s, attrs = {}) {
  return h('span', { class: `tk-state tks-${s}`, dataset: { state: s }, ...attrs }, stateLabel(s));
}

/** The escalation of an overdue request (超期 / 严重超期) as a red badge; nothing when on time. */
export function escalationBadge(tk, attrs = {}) {
  if (!tk.overdue) return null;
  const level = tk.escalation ? tk.escalation.level : 1;
  return h('span', { class: `badge late esc-${level}`, dataset: { level: String(level) }, ...attrs },
    tx(tk.escalation) || t('tk_overdue'), tk.overdue_working_days ? ` · ${t('tk_wd_over', { n: num(tk.overdue_working_days) })}` : '');
}

/** '2026-11-28T12:30:26.98' → '2026-11-28 12:30' (the server's local time). */
export function timeText(s) {
  if (!s) return '–';
  return String(s).replace('T', ' ').slice(0, 16);
}

/** The service catalogue: departments, categories (with time limits) and routing rules; public and cached. */
export async function loadCatalogue(signal) {
  return getJson('/api/v1/service/catalogue', { signal, cached: true });
}

export function departmentName(cat, id) {
  const d = cat && (cat.departments || []).find((x) => x.id === id);
  return d ? nm(d) : id || '';
}

/** The working-day calendar (holidays and make-up working days) of the years asked, as a Map date → kind. */
async function loadCalendar(years, signal) {
  const map = new Map();
  const lists = await Promise.all([...new Set(years)].map((y) => getJson(`/api/v1/calendar?year=${y}`, { signal, cached: true })
    .catch((e) => { if (e.name === 'AbortError') throw e; return { entries: [] }; })));
  for (const l of lists) for (const e of l.entries || []) map.set(e.date, e.kind);
  return map;
}

const isoDay = (d) => d.toISOString().slice(0, 10);
function isWorkingDay(iso, cal) {
  const k = cal.get(iso);
  if (k) return k === 'workday';
  const wd = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}

/** Working days in (a, b] — the server's rule: the day itself never counts; negative when b is before a. */
export function workingDaysBetween(a, b, cal) {
  if (!a || !b) return null;
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let n = 0;
  const d = new Date(`${lo}T00:00:00Z`);
  for (;;) {
    d.setUTCDate(d.getUTCDate() + 1);
    const iso = isoDay(d);
    if (iso > hi) break;
    if (isWorkingDay(iso, cal)) n += 1;
  }
  return sign * n;
}

/** The deadline in words: due today, n working days left, or overdue by n working days (red). */
function deadlineNote(tk, cal, today) {
  if (!tk.deadline) return h('span', { class: 'muted small tk-dl-none' }, tk.state === 'closed' ? '' : t('tk_clock_not_started'));
  if (tk.overdue) return h('span', { class: 'late-text tk-dl-late' }, t('tk_wd_over', { n: num(tk.overdue_working_days || 0) }));
  if (tk.state !== 'working') return null;
  const left = workingDaysBetween(today, tk.deadline, cal);
  if (left === null) return null;
  if (left <= 0) return h('span', { class: 'tk-dl-today', dataset: { left: String(left) } }, t('tk_due_today'));
  return h('span', { class: 'tk-dl-left', dataset: { left: String(left) } }, t('tk_wd_left', { n: num(left) }));
}

/** Enterprise names for ids (the public profile), cached for the page. */
export async function fillEnterpriseNames(container, signal) {
  const spans = [...container.querySelectorAll('[data-ent-name]')];
  const ids = [...new Set(spans.map((s) => s.dataset.entName))];
  await Promise.all(ids.map(async (id) => {
    try {
      const e = await getJson(`/api/v1/enterprises/${encodeURIComponent(id)}`, { signal, cached: true });
      for (const s of spans.filter((x) => x.dataset.entName === id)) s.textContent = entName(e);
    } catch (err) {
      if (err.name === 'AbortError') throw err;
    }
  }));
}

const entLink = (id, attrs = {}) => h('a', { href: hrefEnterprise(id), ...attrs }, h('span', { dataset: { entName: String(id) } }, `#${id}`));

export async function render(root, ctx) {
  if (ctx.name === 'ticket') return renderTicket(root, ctx, ctx.rest[0]);
  return renderList(root, ctx);
}

/** The tabs over the requests pages: the list, and the service dashboard for those who may see it. */
export function ticketTabs(current) {
  const r = role();
  const tabs = [['tickets', t('tk_tab_list')]];
  if (['admin', 'leader', 'officer', 'department'].includes(r)) tabs.push(['service', t('tk_tab_service')]);
  if (tabs.length < 2) return null;
  return h('nav', { class: 'tabs', id: 'tk-tabs', 'aria-label': t('tk_tabs') }, tabs.map(([k, label]) => h('a', {
    href: makeHash(k), id: `tab-${k}`, class: 'tab', 'aria-current': k === current ? 'page' : null,
  }, label)));
}

// ---------------------------------------------------------------------------------------------------------------
// The list and the form that files a request

const FILTERS = ['state', 'department', 'region', 'overdue', 'todo'];

async function renderList(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  const filters = {};
  for (const k of FILTERS) {
    const v = (ctx.params.get(k) || '').trim();
    if (v) filters[k] = v;
  }
  const offset = Math.max(0, Math.floor(Number(ctx.params.get('offset')) || 0));
  const state = { ...filters, offset: offset ? String(offset) : '' };
  const hashWith = (change) => makeHash('tickets', [], { ...state, offset: '', ...change });
  const me = account();
  const r = role();
  const files = ['enterprise', 'officer', 'admin'].includes(r);
  let cat, boards, d, cal;
  try {
    [cat, boards, d] = await Promise.all([
      loadCatalogue(signal), loadBoards(signal),
      getJson(`/api/v1/tickets${Object.keys(filters).length ? `?${new URLSearchParams(filters)}` : ''}`, { signal }),
    ]);
    const today = todayIso();
    const years = [Number(today.slice(0, 4)), ...d.items.map((x) => Number(String(x.deadline || today).slice(0, 4)))];
    cal = await loadCalendar(years, signal);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('tk_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('tk_heading'));
  const today = todayIso();

  const go = (k) => (v) => ctx.navigate(hashWith({ [k]: v }));
  const sel = (id, param, label, options, value) => h('label', { class: 'field', for: id, dataset: { param } }, h('span', {}, label),
    h('select', { id, name: param, onchange: (e) => go(param)(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text))));
  const form = h('form', { class: 'filters', id: 'tk-filters', 'aria-label': t('tk_filters'), onsubmit: (e) => e.preventDefault() },
    sel('tk-f-state', 'state', t('tk_state'), [['', t('f_all')], ...TICKET_STATES.map((s) => [s, stateLabel(s)])], filters.state),
    r === 'department' ? null : sel('tk-f-dept', 'department', t('tk_department'), [['', t('f_all')], ...(cat.departments || []).map((x) => [x.id, nm(x)])], filters.department),
    r === 'enterprise' ? null : h('label', { class: 'field', for: 'tk-f-region', dataset: { param: 'region' } }, h('span', {}, t('pl_board')),
      h('select', { id: 'tk-f-region', name: 'region', onchange: (e) => go('region')(e.target.value) }, boardOptions(boards, filters.region, { empty: t('f_all') }))),
    h('label', { class: 'check', for: 'tk-f-todo' },
      h('input', { type: 'checkbox', id: 'tk-f-todo', name: 'todo', checked: filters.todo === 'true', onchange: (e) => go('todo')(e.target.checked ? 'true' : '') }),
      t('tk_todo_only')),
    h('label', { class: 'check', for: 'tk-f-overdue' },
      h('input', { type: 'checkbox', id: 'tk-f-overdue', name: 'overdue', checked: filters.overdue === 'true', onchange: (e) => go('overdue')(e.target.checked ? 'true' : '') }),
      t('tk_overdue_only')));

  const items = d.items.slice(offset, offset + LIMIT);
  const head = h('div', { class: 'view-head' }, h('h1', {}, r === 'enterprise' ? t('tk_heading_own') : t('tk_heading')));
  const intro = h('p', { class: 'muted intro' }, t(`tk_intro_${r}`) === `tk_intro_${r}` ? t('tk_intro') : t(`tk_intro_${r}`));
  const summary = h('p', { class: 'list-summary', id: 'tk-summary', role: 'status' },
    h('strong', { id: 'tk-total', dataset: { total: String(d.total) } }, t('tk_n', { n: num(d.total) })),
    d.items.some((x) => x.overdue) ? [' · ', h('span', { class: 'late-text' }, t('tk_n_overdue', { n: num(d.items.filter((x) => x.overdue).length) }))] : null);
  const table = items.length ? ticketTable(items, cat, cal, today, { id: 'tk-table' }) : emptyNote(Object.keys(filters).length ? t('tk_none_filtered') : t('tk_none'));
  const newPanel = files ? newTicketPanel(ctx, cat, boards, me) : null;

  busy.replaceWith(...[ticketTabs('tickets'), head, intro, r === 'enterprise' ? newPanel : null, form, summary, table,
    d.total > LIMIT ? pager({ total: d.total, offset, limit: LIMIT, id: 'tk-pager', hrefFor: (o) => hashWith({ offset: o ? String(o) : '' }) }) : null,
    r === 'enterprise' ? null : newPanel].filter(Boolean));
  root.dataset.total = String(d.total);
  fillEnterpriseNames(root, signal).catch(() => {});
  return null;
}

/** The table of requests; on a phone each row reads as a card. Overdue rows are red with their escalation. */
export function ticketTable(items, cat, cal, today, { id, caption } = {}) {
  const cols = [t('tk_col_request'), t('tk_enterprise'), t('pl_board'), t('tk_state'), t('tk_department'), t('tk_deadline'), t('tk_filed_at')];
  const rows = items.map((tk) => h('tr', { dataset: { id: tk.id, state: tk.state, overdue: tk.overdue ? '1' : '0', level: String(tk.escalation ? tk.escalation.level : 0) },
    class: tk.overdue ? 'late' : null },
  h('td', { class: 'name' }, h('a', { href: hrefTicket(tk.id), class: 'tk-link' }, tx(tk.category_name) || tk.category), ' ',
    h('span', { class: 'small muted tk-id' }, tk.id), ' ', escalationBadge(tk),
    tk.waiting_for ? [' ', h('span', { class: 'badge todo-badge', dataset: { waiting: tk.waiting_for } }, t(`tk_waiting_${tk.waiting_for}`))] : null,
    h('div', { class: 'small tk-desc-short' }, shorten(tk.description, 80))),
  h('td', { dataset: { label: t('tk_enterprise') } }, entLink(tk.enterprise_id)),
  h('td', { dataset: { label: t('pl_board') } }, tk.region ? nm(tk.region) || tk.region.code : tk.region_code),
  h('td', { dataset: { label: t('tk_state') } }, stateBadge(tk.state)),
  h('td', { class: 'c-dept', dataset: { label: t('tk_department') } }, tk.department ? tx(tk.department_name) || departmentName(cat, tk.department) : h('span', { class: 'muted' }, t('tk_unassigned'))),
  h('td', { class: 'num', dataset: { label: t('tk_deadline') } }, tk.deadline ? dateText(tk.deadline) : '–', h('div', { class: 'small' }, deadlineNote(tk, cal, today))),
  h('td', { class: 'num', dataset: { label: t('tk_filed_at') } }, timeText(tk.filed_at))));
  return h('div', { class: 'scroll' }, h('table', { id, class: 'tk-table' },
    h('caption', { class: 'sr-only' }, caption || t('tk_heading')),
    h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { scope: 'col', class: i >= 5 ? 'num' : null }, c)))),
    h('tbody', {}, rows)));
}

function shorten(s, n) {
  const x = String(s || '');
  return x.length > n ? `${x.slice(0, n)}…` : x;
}

function sizeText(bytes) {
  if (bytes == null) return '';
  if (bytes >= 1048576) return `${num(bytes / 1048576, 1)} MB`;
  if (bytes >= 1024) return `${num(bytes / 1024, 0)} KB`;
  return `${num(bytes)} B`;
}

/** The form that files a request: dispatched at once by the routing rules, then its page opens. */
function newTicketPanel(ctx, cat, boards, me) {
  const r = me.role;
  const attached = [];
  const cats = cat.categories || [];
  const kinds = [...new Set(cats.map((c) => c.kind))];
  const catSelect = h('select', { id: 'tk-new-category', name: 'category', required: true },
    h('option', { value: '' }, t('tk_choose_category')),
    kinds.map((k) => h('optgroup', { label: kindLabel(k) }, cats.filter((c) => c.kind === k).map((c) => h('option', { value: c.id },
      `${nm(c)}${c.kind === 'emergency' || !c.deadline_days ? ` · ${t('tk_same_day')}` : ` · ${t('tk_limit_days', { n: c.deadline_days })}`}`)))));
  const entInput = r === 'enterprise' ? null : h('input', { type: 'number', id: 'tk-new-enterprise', name: 'enterprise_id', min: '1', step: '1', inputmode: 'numeric',
    value: ctx.params.get('enterprise') || '' });
  const entNameEl = h('span', { class: 'small muted', id: 'tk-new-enterprise-name', 'aria-live': 'polite' });
  const lookup = async () => {
    const id = entInput && entInput.value.trim();
    entNameEl.textContent = '';
    if (!id) return;
    try {
      const e = await getJson(`/api/v1/enterprises/${encodeURIComponent(id)}`, { cached: true, signal: ctx.signal });
      entNameEl.textContent = `${entName(e)}${e.region ? ` · ${nm(e.region)}` : ''}`;
    } catch (e) {
      if (e.name !== 'AbortError') entNameEl.textContent = t('tk_no_enterprise');
    }
  };
  if (entInput) {
    entInput.addEventListener('change', lookup);
    if (entInput.value) lookup();
  }
  const fileInput = h('input', { type: 'file', id: 'tk-new-files', multiple: true });
  const fileList = h('ul', { class: 'tk-files', id: 'tk-new-files-list' });
  const drawFiles = () => fileList.replaceChildren(...attached.map((f, i) => h('li', { dataset: { name: f.name } },
    h('span', { class: 'tk-file-name' }, f.name), ' ', h('span', { class: 'small muted' }, `${sizeText(f.size_bytes)} · ${f.mime}`), ' ',
    h('button', { type: 'button', class: 'btn small', 'aria-label': t('tk_remove_file_n', { n: f.name }), onclick: () => { attached.splice(i, 1); drawFiles(); } }, t('pj_remove')))));
  fileInput.addEventListener('change', () => {
    for (const f of fileInput.files) attached.push({ name: f.name, size_bytes: f.size, mime: f.type || 'application/octet-stream' });
    fileInput.value = '';
    drawFiles();
  });
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'tk-new-submit' }, t('tk_new_submit'));
  const form = h('form', { id: 'tk-new-form', class: 'tk-new-form', novalidate: true },
    h('div', { class: 'filters' },
      formField('category', 'tk-new-category', t('tk_category'), catSelect),
      entInput ? h('div', { class: 'field form-field', dataset: { param: 'enterprise_id' } },
        h('label', { for: 'tk-new-enterprise' }, t('tk_enterprise_id')), entInput, entNameEl,
        h('small', { class: 'hint' }, t('tk_enterprise_id_hint')),
        h('p', { class: 'field-error', id: 'tk-new-enterprise-err', role: 'alert', hidden: true })) : null,
      formField('region_code', 'tk-new-region', t('pl_board'), h('select', { id: 'tk-new-region', name: 'region_code' },
        boardOptions(boards, '', { empty: t('tk_region_default') })))),
    formField('description', 'tk-new-desc', t('tk_description'), h('textarea', { id: 'tk-new-desc', name: 'description', rows: '4', maxlength: '4000', required: true })),
    h('div', { class: 'field form-field', dataset: { param: 'attachments' } },
      h('label', { for: 'tk-new-files' }, t('tk_attachments')), fileInput,
      h('small', { class: 'hint', id: 'tk-new-files-hint' }, t('tk_attachments_hint')), fileList,
      h('p', { class: 'field-error', id: 'tk-new-files-err', role: 'alert', hidden: true })),
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const fd = new FormData(form);
    const body = { category: String(fd.get('category') || ''), description: String(fd.get('description') || '').trim() };
    const region = String(fd.get('region_code') || '');
    if (region) body.region_code = region;
    if (entInput) {
      const raw = entInput.value.trim();
      if (raw) body.enterprise_id = Number(raw);
    }
    if (attached.length) body.attachments = attached.map((f) => ({ ...f }));
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const tk = await sendJson('POST', '/api/v1/tickets', body, { signal: ctx.signal });
      form.dataset.created = tk.id;
      ctx.navigate(hrefTicket(tk.id));
    } catch (e) {
      if (e.name === 'AbortError') return;
      form.dataset.error = e.parameter || e.code || 'error';
      showFieldError(form, e, { body: '__none__' });
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return h('section', { class: 'panel', id: 'tk-new', 'aria-labelledby': 'tk-new-h' },
    h('details', { id: 'tk-new-details', open: r === 'enterprise' || ctx.params.get('new') === '1' },
      h('summary', { class: 'pl-new-summary' }, h('h2', { id: 'tk-new-h' }, t('tk_new'))),
      h('p', { class: 'muted small' }, r === 'enterprise' ? t('tk_new_hint_enterprise') : t('tk_new_hint')), form));
}

// ---------------------------------------------------------------------------------------------------------------
// One request

/** Whether the account works the department holding the request (by id or by its Chinese name), as the server decides. */
function holds(me, tk) {
  if (!me || !tk.department) return false;
  if (me.role === 'admin') return true;
  if (me.role !== 'department' || !me.department) return false;
  return me.department === tk.department || (tk.department_name && me.department === tk.department_name.zh);
}

async function renderTicket(root, ctx, id) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  const path = `/api/v1/tickets/${encodeURIComponent(id || '')}`;
  let tk, cat, cal;
  const today = todayIso();
  const calendarFor = (x) => loadCalendar([Number(today.slice(0, 4)), Number(String(x.deadline || today).slice(0, 4))], signal);
  try {
    [tk, cat] = await Promise.all([getJson(path, { signal }), loadCatalogue(signal)]);
    cal = await calendarFor(tk);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(breadcrumbs([{ text: t('tk_heading'), href: '#/tickets' }, { text: id || '' }]),
      h('div', { class: 'view-head' }, h('h1', {}, t('tk_kind'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  const me = account();
  const status = h('p', { class: 'mk-status', id: 'tk-status', role: 'status' });
  const page = h('div', { id: 'tk' });
  busy.replaceWith(page);

  const drawnValue = (el) => {
    if (el.tagName === 'SELECT') {
      const opt = [...el.options].find((o) => o.defaultSelected) || el.options[0];
      return opt ? opt.value : '';
    }
    return el.type === 'checkbox' || el.type === 'radio' ? el.defaultChecked : el.defaultValue;
  };
  const capture = () => {
    const out = {};
    for (const el of page.querySelectorAll('[data-keep]')) {
      const v = el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value;
      if (v !== drawnValue(el)) out[el.id] = v;
    }
    return out;
  };
  const restore = (vals) => {
    for (const [elId, v] of Object.entries(vals || {})) {
      const el = page.querySelector(`#${CSS.escape(elId)}`);
      if (!el) continue;
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = v; else el.value = v;
    }
  };

  function draw(kept = null) {
    ctx.setTitle(`${tx(tk.category_name) || tk.category} · ${tk.id}`);
    page.replaceChildren(...sections().filter(Boolean));
    restore(kept);
    root.dataset.version = String(tk.version);
    root.dataset.state = tk.state;
    fillEnterpriseNames(page, signal).catch(() => {});
  }

  async function reload(keep) {
    const kept = keep ? capture() : null;
    status.textContent = t('loading');
    try {
      tk = await getJson(path, { signal });
      cal = await calendarFor(tk);
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.replaceChildren(errorBox(e, () => reload(keep)));
      return;
    }
    status.textContent = '';
    draw(kept);
    if (kept) status.textContent = t('pj_reloaded_kept', { v: tk.version });
  }

  /** One step: the request with the version read, then the page drawn from the answer; 409 → the conflict box. */
  async function act(form, body, done) {
    await versionedWrite(form, {
      scope: page, state: root, id: 'tk-conflict', title: t('tk_conflict'), reload: () => reload(true),
      request: async () => {
        tk = await sendJson('POST', `${path}/actions`, { version: tk.version, ...body }, { signal });
        cal = await calendarFor(tk);
        draw();
        status.textContent = done || t('tk_done_step', { step: eventLabel(tk.events[tk.events.length - 1].kind), v: tk.version });
        root.dataset.lastAction = body.action;
        window.dispatchEvent(new CustomEvent('chainscope:todo')); // the navigation's 待办 count changes with the step
      },
      failed: (e) => {
        if (e.status === 422) {
          const top = form.querySelector('.form-error');
          if (top) { top.hidden = false; top.textContent = `${t('tk_refused')}${t('colon')}${e.detail}`; }
          return;
        }
        showFieldError(form, e, { body: '__none__', version: '__none__', action: '__none__' });
      },
    });
  }

  function sections() {
    const crumbs = breadcrumbs([{ text: t('tk_heading'), href: '#/tickets' }, { text: tk.id }]);
    const head = h('div', { class: 'view-head profile-head' },
      h('div', {}, h('p', { class: 'kind' }, `${t('tk_kind')} · ${tk.id}`), h('h1', { id: 'tk-title' }, tx(tk.category_name) || tk.category)),
      stateBadge(tk.state, { id: 'tk-state' }), escalationBadge(tk, { id: 'tk-escalation' }),
      h('span', { class: 'small muted', id: 'tk-version', dataset: { version: String(tk.version) } }, t('pj_version_n', { v: tk.version })));
    return [crumbs, head, status, factsPanel(), actionsPanel(), timelinePanel()];
  }

  function factsPanel() {
    const category = (cat.categories || []).find((c) => c.id === tk.category);
    const last = [...tk.events].reverse().find((e) => e.kind === 'rated');
    return h('section', { class: `panel tk-facts${tk.overdue ? ' late' : ''}`, id: 'tk-facts', 'aria-labelledby': 'tk-facts-h' },
      h('h2', { id: 'tk-facts-h' }, t('tk_facts')),
      kv([
        [t('tk_enterprise'), entLink(tk.enterprise_id, { id: 'tk-enterprise' })],
        [t('pl_board'), tk.region ? nm(tk.region) || tk.region.code : tk.region_code],
        [t('tk_category'), [tx(tk.category_name) || tk.category, category ? h('span', { class: 'small muted' }, ` · ${category.kind === 'emergency' || !category.deadline_days ? t('tk_same_day') : t('tk_limit_days', { n: category.deadline_days })}`) : null]],
        [t('tk_department'), h('span', { id: 'tk-department', dataset: { department: tk.department || '' } }, tk.department ? tx(tk.department_name) || departmentName(cat, tk.department) : t('tk_unassigned'))],
        [t('tk_filed_at'), timeText(tk.filed_at)],
        [t('tk_deadline'), h('span', { id: 'tk-deadline', dataset: { deadline: tk.deadline || '' } }, tk.deadline ? dateText(tk.deadline) : '–', ' ', deadlineNote(tk, cal, today),
          tk.extended ? h('span', { class: 'small muted' }, ` · ${t('tk_extended')}`) : null)],
        [t('tk_returns'), num(tk.returns)],
        [t('tk_reopens'), num(tk.reopens)],
        [t('tk_rating'), tk.rating ? h('span', { id: 'tk-rating', dataset: { rating: tk.rating } }, ratingLabel(tk.rating)) : null],
        [t('tk_rating_comment'), last && last.note ? last.note : null],
      ]),
      h('h3', {}, t('tk_description')),
      h('p', { class: 'tk-desc', id: 'tk-desc' }, tk.description),
      (tk.attachments || []).length ? [h('h3', {}, t('tk_attachments')),
        h('ul', { class: 'tk-files', id: 'tk-attachments' }, tk.attachments.map((f) => h('li', {},
          h('span', { class: 'tk-file-name' }, f.name), ' ', h('span', { class: 'small muted' }, `${sizeText(f.size_bytes)} · ${f.mime}`)))),
        h('p', { class: 'small muted' }, t('tk_attachments_meta_only'))] : null);
  }

  // ---- the steps the account may take now
  function actionsPanel() {
    const r = me ? me.role : null;
    const open = tk.state !== 'closed';
    const forms = [];
    const kept = (attrs) => ({ ...attrs, 'data-keep': '' });
    const formOf = (id, children, onSubmit) => {
      const f = h('form', { id, class: 'tk-action', novalidate: true }, ...children, h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }));
      f.addEventListener('submit', (ev) => { ev.preventDefault(); onSubmit(f, new FormData(f)); });
      return f;
    };
    if (holds(me, tk) && tk.state === 'dispatched') {
      forms.push(formOf('tk-accept-form', [h('h3', {}, t('tk_accept_h')), h('p', { class: 'small muted' }, t('tk_accept_hint')),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'tk-accept' }, t('tk_act_accept')))],
      (f) => act(f, { action: 'accept' })));
      forms.push(formOf('tk-return-form', [h('h3', {}, t('tk_return_h')),
        formField('reason', 'tk-return-reason', t('tk_return_reason'), h('textarea', kept({ id: 'tk-return-reason', name: 'reason', rows: '2', maxlength: '500' }))),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn', id: 'tk-return' }, t('tk_act_return')))],
      (f, fd) => act(f, { action: 'return', reason: String(fd.get('reason') || '').trim() })));
    }
    if (holds(me, tk) && tk.state === 'working') {
      forms.push(formOf('tk-answer-form', [h('h3', {}, t('tk_answer_h')),
        formField('text', 'tk-answer-text', t('tk_answer_text'), h('textarea', kept({ id: 'tk-answer-text', name: 'text', rows: '4', maxlength: '4000' }))),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'tk-answer' }, t('tk_act_answer')))],
      (f, fd) => act(f, { action: 'answer', text: String(fd.get('text') || '').trim() })));
      if (!tk.extended && tk.deadline && today <= tk.deadline) {
        forms.push(formOf('tk-extend-form', [h('h3', {}, t('tk_extend_h')), h('p', { class: 'small muted' }, t('tk_extend_hint')),
          h('div', { class: 'filters' },
            formField('reason', 'tk-extend-reason', t('tk_extend_reason'), h('input', kept({ type: 'text', id: 'tk-extend-reason', name: 'reason', maxlength: '500' }))),
            formField('days', 'tk-extend-days', t('tk_extend_days'), h('input', kept({ type: 'number', id: 'tk-extend-days', name: 'days', min: '1', max: '30', step: '1', value: '5' })))),
          h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn', id: 'tk-extend' }, t('tk_act_extend')))],
        (f, fd) => act(f, { action: 'extend', reason: String(fd.get('reason') || '').trim(), days: Number(fd.get('days')) })));
      }
    }
    if (['officer', 'admin'].includes(r) && tk.state === 'returned') {
      const lastReturn = [...tk.events].reverse().find((e) => e.kind === 'returned');
      forms.push(formOf('tk-dispatch-form', [h('h3', {}, t('tk_dispatch_h')),
        lastReturn ? h('p', { class: 'small' }, t('tk_returned_by', { d: departmentName(cat, lastReturn.department), r: lastReturn.note || '' })) : null,
        formField('department', 'tk-dispatch-dept', t('tk_dispatch_to'), h('select', kept({ id: 'tk-dispatch-dept', name: 'department' }),
          h('option', { value: '' }, t('tk_choose_department')),
          (cat.departments || []).map((x) => h('option', { value: x.id, disabled: lastReturn && lastReturn.department === x.id ? true : null }, nm(x))))),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'tk-dispatch' }, t('tk_act_dispatch')))],
      (f, fd) => {
        const dept = String(fd.get('department') || '');
        if (!dept) {
          showFieldError(f, { parameter: 'department', detail: t('tk_choose_department') });
          return;
        }
        act(f, { action: 'dispatch', department: dept });
      }));
    }
    const ownEnterprise = r === 'enterprise' && me.enterprise_id === tk.enterprise_id;
    if (tk.state === 'answered' && (ownEnterprise || ['officer', 'admin'].includes(r))) {
      const answer = [...tk.events].reverse().find((e) => e.kind === 'answered');
      forms.push(formOf('tk-rate-form', [h('h3', {}, t('tk_rate_h')),
        answer ? h('blockquote', { class: 'tk-answer-quote' }, answer.note || '') : null,
        h('fieldset', { class: 'field form-field checks', dataset: { param: 'rating' } },
          h('legend', {}, t('tk_rating')),
          h('div', { class: 'check-row' }, RATINGS.map((x) => h('label', { class: 'check', for: `tk-rate-${x}` },
            h('input', kept({ type: 'radio', name: 'rating', id: `tk-rate-${x}`, value: x })), ratingLabel(x)))),
          h('p', { class: 'field-error', id: 'tk-rate-err', role: 'alert', hidden: true })),
        h('p', { class: 'small muted' }, t('tk_rate_hint')),
        formField('comment', 'tk-rate-comment', t('tk_rating_comment'), h('textarea', kept({ id: 'tk-rate-comment', name: 'comment', rows: '2', maxlength: '1000' }))),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'tk-rate' }, t('tk_act_rate')))],
      (f, fd) => {
        const rating = String(fd.get('rating') || '');
        if (!rating) {
          showFieldError(f, { parameter: 'rating', detail: t('tk_choose_rating') });
          return;
        }
        const body = { action: 'rate', rating };
        const comment = String(fd.get('comment') || '').trim();
        if (comment) body.comment = comment;
        act(f, body);
      }));
    }
    if (open && ['officer', 'leader', 'admin'].includes(r)) {
      let which = 'urge';
      const f = formOf('tk-urge-form', [h('h3', {}, t('tk_urge_h')), h('p', { class: 'small muted' }, t('tk_urge_hint')),
        formField('note', 'tk-urge-note', t('tk_urge_note'), h('input', kept({ type: 'text', id: 'tk-urge-note', name: 'note', maxlength: '500' }))),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'btn', id: 'tk-urge', onclick: () => { which = 'urge'; } }, t('tk_act_urge')),
          h('button', { type: 'submit', class: 'btn move-drop', id: 'tk-supervise', onclick: () => { which = 'supervise'; } }, t('tk_act_supervise')))],
      (form, fd) => {
        const body = { action: which };
        const note = String(fd.get('note') || '').trim();
        if (note) body.note = note;
        act(form, body);
      });
      forms.push(f);
    }
    const none = forms.length ? null : h('p', { class: 'muted', id: 'tk-no-actions' }, tk.state === 'closed' ? t('tk_closed_note') : t('tk_no_actions'));
    return panel('tk-actions', t('tk_actions'), none, h('div', { class: 'tk-forms' }, forms));
  }

  // ---- the timeline: every step with its time and actor
  function timelinePanel() {
    const list = h('ol', { class: 'timeline tk-timeline', id: 'tk-timeline' }, tk.events.map((e, i) => h('li', {
      dataset: { kind: e.kind, state: e.state, actor: e.actor, i: String(i) }, class: e.kind === 'urged' || e.kind === 'supervised' ? 'tl-urge' : null },
    h('span', { class: 'tl-date' }, timeText(e.at)), ' ',
    h('strong', { class: 'tl-kind' }, eventLabel(e.kind)), ' ',
    h('span', { class: 'tl-by', title: t('pj_log_actor') }, e.actor === 'routing' ? t('tk_actor_routing') : e.actor),
    e.department ? h('span', { class: 'small muted tl-dept' }, ` · ${departmentName(cat, e.department)}`) : null,
    i > 0 && tk.events[i - 1].state !== e.state ? h('span', { class: 'small muted tl-state' }, ` → ${stateLabel(e.state)}`) : null,
    e.rating ? [' ', h('span', { class: `badge tk-rating r-${e.rating}` }, ratingLabel(e.rating))] : null,
    e.note ? h('p', { class: 'tl-reason small tl-note' }, e.note) : null,
    e.deadline || e.days ? h('p', { class: 'small muted tl-deadline' },
      e.deadline ? t('tk_deadline_set', { d: dateText(e.deadline) }) : '', e.days ? ` · ${t('tk_extend_n', { n: e.days })}` : '') : null)));
    return panel('tk-timeline-panel', t('tk_timeline'), list);
  }

  draw();
  return null;
}

