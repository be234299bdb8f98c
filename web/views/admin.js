// Administration (administrators only).
// #/admin/users: the accounts (/api/v1/users) — add one with its role and scope (the one-time password is shown
// once), change role, scope, name and active flag, reset a password (a new one-time password, shown once).
// #/admin/audit?limit=: the latest audit lines (sign-ins, account changes, every write).
// #/admin/calendar?year=: the year's holidays and make-up working days of the working-day clock, edited and saved
// with PUT /api/v1/calendar (every entry is checked by the server before anything changes).
// #/admin/settings: the service catalogue (departments, request categories, routing) and the policies as the TOML
// text the server keeps, with 检查 (what the text would change; nothing stored) and 保存; the server's message says
// what is wrong and where, and the text stays as typed.

import { t, nm, num } from '../i18n.js';
import { getJson, sendJson, getText, sendText, h, errorBox, loading, makeHash } from '../api.js';
import { panel, emptyNote, formField, clearFieldErrors, showFieldError, loadBoards, dateText, todayIso } from '../ui.js';
import { ROLES, account } from '../session.js';
import { loadCatalogue } from './tickets.js';

export async function render(root, ctx) {
  const sub = ctx.rest[0] || 'users';
  if (sub === 'audit') return renderAudit(root, ctx);
  if (sub === 'calendar') return renderCalendar(root, ctx);
  if (sub === 'settings') return renderSettings(root, ctx);
  if (sub === 'users') return renderUsers(root, ctx);
  root.append(h('div', { class: 'error', role: 'alert' }, t('error_unknown_route', { hash: location.hash })));
  root.dataset.ready = 'error';
  return null;
}

function adminTabs(current) {
  return h('nav', { class: 'tabs', id: 'adm-tabs', 'aria-label': t('adm_tabs') },
    [['users', t('nav_admin_users')], ['audit', t('nav_admin_audit')], ['calendar', t('nav_admin_calendar')], ['settings', t('nav_admin_settings')]].map(([k, label]) => h('a', {
      href: makeHash('admin', [k]), id: `tab-adm-${k}`, class: 'tab', 'aria-current': k === current ? 'page' : null,
    }, label)));
}

const roleLabel = (r) => t(`role_${r}`);

// ---------------------------------------------------------------------------------------------------------------
// Accounts

/** The role and scope controls shared by the add and edit forms: the 板块 for officers, the department, the enterprise. */
function scopeFields(prefix, boards, cat, a = {}) {
  const roleSel = h('select', { id: `${prefix}-role`, name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === (a.role || 'officer') }, roleLabel(r))));
  const regions = h('fieldset', { class: 'field form-field checks adm-regions', dataset: { param: 'regions', for: 'officer' } },
    h('legend', {}, t('adm_regions')),
    h('div', { class: 'check-row' }, boards.map((b) => h('label', { class: 'check', for: `${prefix}-r-${b.code}` },
      h('input', { type: 'checkbox', id: `${prefix}-r-${b.code}`, name: 'regions', value: b.code, checked: (a.regions || []).includes(b.code) }), nm(b) || b.code))),
    h('p', { class: 'field-error', id: `${prefix}-regions-err`, role: 'alert', hidden: true }));
  const listId = `${prefix}-dept-list`;
  const dept = formField('department', `${prefix}-department`, t('adm_department'),
    h('input', { type: 'text', id: `${prefix}-department`, name: 'department', maxlength: '100', list: listId, value: a.department || '' }), { hint: t('adm_department_hint') });
  dept.dataset.for = 'department';
  dept.append(h('datalist', { id: listId }, (cat.departments || []).flatMap((d) => [h('option', { value: d.id }, d.name_zh), h('option', { value: d.name_zh })])));
  const ent = formField('enterprise_id', `${prefix}-enterprise`, t('adm_enterprise'),
    h('input', { type: 'number', id: `${prefix}-enterprise`, name: 'enterprise_id', min: '1', step: '1', value: a.enterprise_id ?? '' }), { hint: t('adm_enterprise_hint') });
  ent.dataset.for = 'enterprise';
  const show = () => {
    const r = roleSel.value;
    for (const el of [regions, dept, ent]) el.hidden = el.dataset.for !== r;
  };
  roleSel.addEventListener('change', show);
  const roleField = formField('role', `${prefix}-role`, t('adm_role'), roleSel);
  return { controls: [roleField, regions, dept, ent], show };
}

/** The body fields of the role and scope (only those that matter for the role). */
function scopeBody(form) {
  const fd = new FormData(form);
  const role = String(fd.get('role') || '');
  const body = { role, regions: [], department: null, enterprise_id: null };
  if (role === 'officer') body.regions = fd.getAll('regions').map(String);
  if (role === 'department') body.department = String(fd.get('department') || '').trim() || null;
  if (role === 'enterprise') {
    const raw = String(fd.get('enterprise_id') || '').trim();
    body.enterprise_id = raw ? Number(raw) : null;
  }
  const name = fd.get('display_name');
  if (name !== null) body.display_name = String(name).trim();
  return body;
}

/** The one-time password, shown once with a copy button. */
function otpBox(a, pw) {
  const code = h('code', { class: 'otp', id: 'adm-otp' }, pw);
  const copy = h('button', { type: 'button', class: 'btn small', id: 'adm-otp-copy', onclick: async () => {
    try {
      await navigator.clipboard.writeText(pw);
      copy.textContent = t('adm_copied');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
  } }, t('adm_copy'));
  return h('div', { class: 'otp-box', role: 'alert', id: 'adm-otp-box', dataset: { user: a.username } },
    h('p', {}, h('strong', {}, t('adm_otp_for', { user: a.username }))), h('p', {}, code, ' ', copy),
    h('p', { class: 'small' }, t('adm_otp_once')));
}

async function renderUsers(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let d, boards, cat;
  try {
    [d, boards, cat] = await Promise.all([getJson('/api/v1/users', { signal }), loadBoards(signal), loadCatalogue(signal)]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(adminTabs('users'), h('div', { class: 'view-head' }, h('h1', {}, t('adm_users_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('adm_users_heading'));
  const boardName = new Map(boards.map((b) => [b.code, nm(b)]));
  const notice = h('div', { id: 'adm-notice', 'aria-live': 'polite' });
  const list = h('div', { id: 'adm-users' });
  const me = account();

  const scopeText = (a) => {
    if (a.role === 'officer') return (a.regions || []).map((c) => boardName.get(c) || c).join(t('list_sep'));
    if (a.role === 'department') {
      const d = (cat.departments || []).find((x) => x.id === a.department);
      return d ? `${nm(d)}（${d.id}）` : a.department || '';
    }
    if (a.role === 'enterprise' && a.enterprise_id != null) return h('a', { href: makeHash('enterprise', [String(a.enterprise_id)]) }, `#${a.enterprise_id}`);
    return t('adm_scope_all');
  };

  function drawList() {
    const rows = d.items.map((a) => {
      const locked = a.locked_until && new Date(a.locked_until) > new Date();
      const tr = h('tr', { dataset: { id: String(a.id), username: a.username, role: a.role, active: a.active ? '1' : '0' }, class: a.active ? null : 'inactive' },
        h('td', { class: 'name' }, h('strong', {}, a.username), a.display_name ? h('div', { class: 'small muted' }, a.display_name) : null),
        h('td', { dataset: { label: t('adm_role') } }, roleLabel(a.role)),
        h('td', { dataset: { label: t('adm_scope') } }, scopeText(a)),
        h('td', { dataset: { label: t('adm_status') } },
          h('span', { class: `badge ${a.active ? 'ok' : 'neutral'}` }, a.active ? t('adm_active') : t('adm_inactive')),
          a.must_change ? [' ', h('span', { class: 'badge neutral' }, t('adm_must_change'))] : null,
          locked ? [' ', h('span', { class: 'badge late' }, t('adm_locked_until', { t: String(a.locked_until).replace('T', ' ').slice(0, 16) }))] : null),
        h('td', { class: 'num', dataset: { label: t('adm_created') } }, dateText(String(a.created_at || '').slice(0, 10))),
        h('td', { class: 'c-actions' },
          h('button', { type: 'button', class: 'btn small adm-edit', 'aria-expanded': 'false', 'aria-label': t('adm_edit_n', { user: a.username }), onclick: (ev) => toggleEdit(a, tr, ev.currentTarget) }, t('adm_edit')), ' ',
          h('button', { type: 'button', class: 'btn small adm-reset', 'aria-label': t('adm_reset_n', { user: a.username }), onclick: (ev) => reset(a, ev.currentTarget) }, t('adm_reset'))));
      return tr;
    });
    list.replaceChildren(h('p', { class: 'list-summary', id: 'adm-total', dataset: { total: String(d.items.length) } }, t('adm_n_users', { n: num(d.items.length) })),
      h('div', { class: 'scroll' }, h('table', { class: 'adm-table', id: 'adm-users-table' },
        h('caption', { class: 'sr-only' }, t('adm_users_heading')),
        h('thead', {}, h('tr', {}, [t('user_username'), t('adm_role'), t('adm_scope'), t('adm_status'), t('adm_created'), h('span', { class: 'sr-only' }, t('adm_actions'))]
          .map((c, i) => h('th', { scope: 'col', class: i === 4 ? 'num' : null }, c)))),
        h('tbody', {}, rows))));
  }

  async function refresh() {
    d = await getJson('/api/v1/users', { signal });
    drawList();
  }

  async function reset(a, btn) {
    if (!window.confirm(t('adm_reset_confirm', { user: a.username }))) return;
    btn.disabled = true;
    try {
      const r = await sendJson('POST', `/api/v1/users/${a.id}/reset`, {}, { signal });
      await refresh();
      notice.replaceChildren(otpBox(r.account, r.one_time_password));
      notice.querySelector('#adm-otp-copy').focus();
    } catch (e) {
      if (e.name === 'AbortError') return;
      notice.replaceChildren(errorBox(e));
      btn.disabled = false;
    }
  }

  function toggleEdit(a, tr, btn) {
    const next = tr.nextElementSibling;
    if (next && next.classList.contains('adm-edit-row')) {
      next.remove();
      btn.setAttribute('aria-expanded', 'false');
      return;
    }
    btn.setAttribute('aria-expanded', 'true');
    const prefix = `adm-e${a.id}`;
    const scope = scopeFields(prefix, boards, cat, a);
    const self = me && me.id === a.id;
    const form = h('form', { class: 'adm-form', id: `${prefix}-form`, novalidate: true },
      h('div', { class: 'filters' },
        formField('display_name', `${prefix}-name`, t('adm_display_name'), h('input', { type: 'text', id: `${prefix}-name`, name: 'display_name', maxlength: '60', value: a.display_name || '' })),
        scope.controls[0],
        h('label', { class: 'check', for: `${prefix}-active` },
          h('input', { type: 'checkbox', id: `${prefix}-active`, name: 'active', checked: a.active, disabled: self ? true : null }), t('adm_active'))),
      scope.controls.slice(1),
      h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: `${prefix}-save` }, t('pj_save'))));
    scope.show();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      const body = scopeBody(form);
      if (!self) body.active = form.querySelector(`#${prefix}-active`).checked;
      try {
        await sendJson('PATCH', `/api/v1/users/${a.id}`, body, { signal });
        await refresh();
        notice.replaceChildren(h('p', { class: 'mk-status', role: 'status' }, t('adm_saved', { user: a.username })));
      } catch (e) {
        if (e.name === 'AbortError') return;
        form.dataset.error = e.parameter || e.code || 'error';
        showFieldError(form, e, { body: '__none__' });
      }
    });
    tr.after(h('tr', { class: 'adm-edit-row' }, h('td', { colspan: '6' }, form)));
    form.querySelector('input').focus();
  }

  // ---- add an account
  const scope = scopeFields('adm-new', boards, cat);
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'adm-new-submit' }, t('adm_add_submit'));
  const form = h('form', { class: 'adm-form', id: 'adm-new-form', novalidate: true },
    h('div', { class: 'filters' },
      formField('username', 'adm-new-username', t('user_username'), h('input', { type: 'text', id: 'adm-new-username', name: 'username', maxlength: '40', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
        { hint: t('adm_username_hint') }),
      formField('display_name', 'adm-new-name', t('adm_display_name'), h('input', { type: 'text', id: 'adm-new-name', name: 'display_name', maxlength: '60', autocomplete: 'off' })),
      scope.controls[0]),
    scope.controls.slice(1),
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, submit));
  scope.show();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const body = { username: String(new FormData(form).get('username') || '').trim(), ...scopeBody(form) };
    submit.disabled = true;
    try {
      const r = await sendJson('POST', '/api/v1/users', body, { signal });
      form.dataset.created = r.account.username;
      form.reset();
      scope.show();
      await refresh();
      notice.replaceChildren(otpBox(r.account, r.one_time_password));
      notice.scrollIntoView({ block: 'nearest' });
      notice.querySelector('#adm-otp-copy').focus();
    } catch (e) {
      if (e.name === 'AbortError') return;
      form.dataset.error = e.parameter || e.code || 'error';
      showFieldError(form, e, { body: '__none__' });
    } finally {
      submit.disabled = false;
    }
  });

  drawList();
  busy.replaceWith(adminTabs('users'), h('div', { class: 'view-head' }, h('h1', {}, t('adm_users_heading'))),
    h('p', { class: 'muted intro' }, t('adm_users_intro')), notice,
    panel('adm-new', t('adm_add'), form), panel('adm-list', t('adm_accounts'), list));
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Audit log

async function renderAudit(root, ctx) {
  const { signal } = ctx;
  const limit = [50, 200, 1000].includes(Number(ctx.params.get('limit'))) ? Number(ctx.params.get('limit')) : 200;
  const busy = loading();
  root.append(busy);
  let d;
  try {
    d = await getJson(`/api/v1/audit?limit=${limit}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(adminTabs('audit'), h('div', { class: 'view-head' }, h('h1', {}, t('adm_audit_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('adm_audit_heading'));
  const q = (ctx.params.get('q') || '').trim().toLowerCase();
  const items = q ? d.items.filter((x) => `${x.actor} ${x.action} ${x.target} ${x.detail}`.toLowerCase().includes(q)) : d.items;
  const controls = h('form', { class: 'filters', id: 'adm-audit-form', onsubmit: (e) => {
    e.preventDefault();
    ctx.navigate(makeHash('admin', ['audit'], { limit: limit === 200 ? '' : String(limit), q: new FormData(e.target).get('q') }));
  } },
  h('label', { class: 'field', for: 'adm-audit-limit' }, h('span', {}, t('adm_audit_limit')),
    h('select', { id: 'adm-audit-limit', onchange: (e) => ctx.navigate(makeHash('admin', ['audit'], { limit: e.target.value === '200' ? '' : e.target.value, q })) },
      [50, 200, 1000].map((n) => h('option', { value: String(n), selected: n === limit }, t('adm_latest_n', { n: num(n) }))))),
  h('label', { class: 'field', for: 'adm-audit-q' }, h('span', {}, t('adm_audit_filter')),
    h('input', { type: 'search', id: 'adm-audit-q', name: 'q', value: ctx.params.get('q') || '', enterkeyhint: 'search' })));
  const rows = items.map((x) => h('tr', { dataset: { action: x.action, actor: x.actor } },
    h('td', { class: 'num' }, String(x.at || '').replace('T', ' ').replace('Z', ' UTC')),
    h('td', { dataset: { label: t('pj_log_actor') } }, x.actor),
    h('td', { dataset: { label: t('adm_audit_action') } }, auditAction(x.action)),
    h('td', { class: 'c-target', dataset: { label: t('adm_audit_target') } }, x.target || ''),
    h('td', { dataset: { label: t('adm_audit_detail') } }, x.detail || ''),
    h('td', { dataset: { label: t('adm_audit_ip') } }, x.ip || '')));
  busy.replaceWith(adminTabs('audit'), h('div', { class: 'view-head' }, h('h1', {}, t('adm_audit_heading'))),
    h('p', { class: 'muted intro' }, t('adm_audit_intro')), controls,
    h('p', { class: 'list-summary', id: 'adm-audit-n', dataset: { n: String(items.length) } }, t('adm_audit_n', { n: num(items.length) })),
    items.length ? h('div', { class: 'scroll' }, h('table', { class: 'adm-table audit-table', id: 'adm-audit' },
      h('thead', {}, h('tr', {}, [t('pj_log_at'), t('pj_log_actor'), t('adm_audit_action'), t('adm_audit_target'), t('adm_audit_detail'), t('adm_audit_ip')]
        .map((c, i) => h('th', { scope: 'col', class: i === 0 ? 'num' : null }, c)))),
      h('tbody', {}, rows))) : emptyNote(t('adm_audit_none')));
  return null;
}

function auditAction(a) {
  const key = `audit_${String(a || '').toLowerCase()}`;
  const s = t(key);
  return s === key ? a : s;
}

// ---------------------------------------------------------------------------------------------------------------
// Working-day calendar

async function renderCalendar(root, ctx) {
  const { signal } = ctx;
  const thisYear = Number(todayIso().slice(0, 4));
  const asked = Number(ctx.params.get('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear;
  const busy = loading();
  root.append(busy);
  let d;
  try {
    d = await getJson(`/api/v1/calendar?year=${year}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(adminTabs('calendar'), h('div', { class: 'view-head' }, h('h1', {}, t('adm_cal_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('adm_cal_heading'));
  let entries = d.entries.map((e) => ({ ...e }));
  const status = h('p', { class: 'mk-status', id: 'adm-cal-status', role: 'status' });
  const body = h('tbody', {});
  const summary = h('p', { class: 'list-summary', id: 'adm-cal-summary' });
  const weekday = (iso) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return '';
    return t(`wd_${new Date(`${iso}T00:00:00Z`).getUTCDay()}`);
  };
  const isWeekend = (iso) => [0, 6].includes(new Date(`${iso}T00:00:00Z`).getUTCDay());

  function drawRows() {
    body.replaceChildren(...entries.map((e, i) => {
      const wd = h('span', { class: 'small muted cal-wd' }, weekday(e.date));
      const tr = h('tr', { dataset: { i: String(i), kind: e.kind, date: e.date }, class: `cal-${e.kind}` },
        h('td', {}, h('label', { class: 'sr-only', for: `cal-date-${i}` }, t('adm_cal_date')),
          h('input', { type: 'date', id: `cal-date-${i}`, class: 'cal-date', value: e.date, min: `${year}-01-01`, max: `${year}-12-31`,
            onchange: (ev) => { e.date = ev.target.value; wd.textContent = weekday(e.date); tr.dataset.date = e.date; } }), ' ', wd),
        h('td', {}, h('label', { class: 'sr-only', for: `cal-kind-${i}` }, t('adm_cal_kind')),
          h('select', { id: `cal-kind-${i}`, class: 'cal-kind', onchange: (ev) => { e.kind = ev.target.value; tr.dataset.kind = e.kind; tr.className = `cal-${e.kind}`; count(); } },
            ['holiday', 'workday'].map((k) => h('option', { value: k, selected: k === e.kind }, t(`cal_${k}`))))),
        h('td', {}, h('label', { class: 'sr-only', for: `cal-name-${i}` }, t('adm_cal_name')),
          h('input', { type: 'text', id: `cal-name-${i}`, class: 'cal-name', value: e.name || '', maxlength: '40', onchange: (ev) => { e.name = ev.target.value; } })),
        h('td', {}, h('button', { type: 'button', class: 'btn small', 'aria-label': t('adm_cal_remove_n', { d: e.date }), onclick: () => { entries.splice(i, 1); drawRows(); } }, t('pj_remove'))),
        h('td', { class: 'cal-err', role: 'alert' }));
      return tr;
    }));
    count();
  }
  function count() {
    const hol = entries.filter((e) => e.kind === 'holiday').length;
    const wk = entries.filter((e) => e.kind === 'workday').length;
    summary.dataset.holidays = String(hol);
    summary.dataset.workdays = String(wk);
    summary.textContent = t('adm_cal_counts', { y: year, h: num(hol), w: num(wk) });
  }

  const addDate = h('input', { type: 'date', id: 'cal-new-date', min: `${year}-01-01`, max: `${year}-12-31` });
  const addKind = h('select', { id: 'cal-new-kind' }, ['holiday', 'workday'].map((k) => h('option', { value: k }, t(`cal_${k}`))));
  const addName = h('input', { type: 'text', id: 'cal-new-name', maxlength: '40' });
  const addForm = h('form', { class: 'filters cal-add', id: 'cal-add-form', novalidate: true },
    formField('date', 'cal-new-date', t('adm_cal_date'), addDate),
    formField('kind', 'cal-new-kind', t('adm_cal_kind'), addKind),
    formField('name', 'cal-new-name', t('adm_cal_name'), addName),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn', id: 'cal-add' }, t('adm_cal_add'))));
  addForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearFieldErrors(addForm);
    const date = addDate.value;
    if (!date || !date.startsWith(String(year))) {
      showFieldError(addForm, { parameter: 'date', detail: t('adm_cal_in_year', { y: year }) });
      return;
    }
    if (addKind.value === 'workday' && !isWeekend(date)) {
      showFieldError(addForm, { parameter: 'kind', detail: t('adm_cal_workday_weekend') });
      return;
    }
    entries = entries.filter((e) => e.date !== date);
    entries.push({ date, kind: addKind.value, name: addName.value.trim() });
    entries.sort((a, b) => a.date.localeCompare(b.date));
    drawRows();
    addDate.value = '';
    status.textContent = t('adm_cal_added', { d: dateText(date) });
  });

  const save = h('button', { type: 'button', class: 'btn primary', id: 'cal-save' }, t('adm_cal_save'));
  const saveError = h('p', { class: 'form-error error-inline', id: 'cal-save-error', role: 'alert', hidden: true });
  save.addEventListener('click', async () => {
    saveError.hidden = true;
    for (const c of body.querySelectorAll('.cal-err')) c.textContent = '';
    for (const r of body.querySelectorAll('tr[aria-invalid]')) r.removeAttribute('aria-invalid');
    save.disabled = true;
    try {
      const r = await sendJson('PUT', '/api/v1/calendar', { year, entries: entries.map((e) => ({ date: e.date, kind: e.kind, name: e.name || '' })) }, { signal });
      entries = r.entries.map((e) => ({ ...e }));
      drawRows();
      status.textContent = t('adm_cal_saved', { y: year, n: num(entries.length) });
      root.dataset.saved = String(entries.length);
    } catch (e) {
      if (e.name === 'AbortError') return;
      const m = /^entries\[(\d+)\]$/.exec(e.parameter || '');
      const row = m ? body.querySelector(`tr[data-i="${m[1]}"]`) : null;
      if (row) {
        row.setAttribute('aria-invalid', 'true');
        row.querySelector('.cal-err').textContent = e.detail;
        row.querySelector('input').focus();
      }
      saveError.hidden = false;
      saveError.textContent = `${t('error_title')}${t('colon')}${e.detail}`;
      root.dataset.saved = 'error';
    } finally {
      save.disabled = false;
    }
  });

  const yearSel = h('label', { class: 'field', for: 'cal-year' }, h('span', {}, t('adm_cal_year')),
    h('select', { id: 'cal-year', onchange: (e) => ctx.navigate(makeHash('admin', ['calendar'], { year: e.target.value })) },
      [thisYear - 1, thisYear, thisYear + 1, thisYear + 2].concat(year < thisYear - 1 || year > thisYear + 2 ? [year] : [])
        .map((y) => h('option', { value: String(y), selected: y === year }, String(y)))));
  drawRows();
  busy.replaceWith(adminTabs('calendar'), h('div', { class: 'view-head' }, h('h1', {}, t('adm_cal_heading'))),
    h('p', { class: 'muted intro' }, t('adm_cal_intro')),
    h('div', { class: 'filters' }, yearSel), summary,
    panel('adm-cal', t('adm_cal_entries', { y: year }),
      h('div', { class: 'scroll' }, h('table', { class: 'adm-table cal-table', id: 'cal-table' },
        h('thead', {}, h('tr', {}, [t('adm_cal_date'), t('adm_cal_kind'), t('adm_cal_name'), h('span', { class: 'sr-only' }, t('adm_actions')), h('span', { class: 'sr-only' }, t('error_title'))]
          .map((c) => h('th', { scope: 'col' }, c)))), body)),
      h('h3', {}, t('adm_cal_add_h')), addForm,
      h('div', { class: 'actions' }, save), saveError, status));
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue and policies (the TOML the server keeps)

const SETTINGS = [
  { key: 'catalogue', path: '/api/v1/service/catalogue', heading: 'adm_set_catalogue', intro: 'adm_set_catalogue_intro' },
  { key: 'policies', path: '/api/v1/policies', heading: 'adm_set_policies', intro: 'adm_set_policies_intro' },
];

/** The words for what a checked or saved text changes (ids added and removed, open requests in the way). */
function changeList(key, r) {
  const c = r.changes || {};
  const items = [];
  const ids = (label, list) => { if (list && list.length) items.push(h('li', { dataset: { change: label } }, t(`adm_set_${label}`, { ids: list.join(t('list_sep')) }))); };
  if (key === 'catalogue') {
    ids('dept_added', c.departments_added);
    ids('dept_removed', c.departments_removed);
    ids('cat_added', c.categories_added);
    ids('cat_removed', (c.categories_removed || []).map((x) => (x.open ? `${x.category} (${t('adm_set_open_n', { n: num(x.open) })})` : x.category)));
    for (const x of c.open_requests_held_by_removed || []) {
      items.push(h('li', { class: 'late-text', dataset: { change: 'held' } }, t('adm_set_held', { d: x.department, n: num(x.open) })));
    }
  } else {
    ids('pol_added', c.added);
    ids('pol_removed', c.removed);
  }
  if (!items.length) items.push(h('li', { dataset: { change: 'none' } }, t('adm_set_no_id_change')));
  return h('ul', { class: 'adm-set-changes' }, items);
}

async function renderSettings(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let texts;
  try {
    texts = await Promise.all(SETTINGS.map((x) => getText(`${x.path}?format=toml`, { signal })));
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(adminTabs('settings'), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('nav_admin_settings'));
  const panels = SETTINGS.map((x, i) => {
    const area = h('textarea', { id: `set-${x.key}-text`, class: 'toml-text', rows: '22', spellcheck: 'false', autocomplete: 'off', 'aria-label': t(x.heading) });
    area.value = texts[i];
    const status = h('div', { class: 'set-status', id: `set-${x.key}-status`, role: 'status' });
    const error = h('p', { class: 'form-error error-inline', id: `set-${x.key}-error`, role: 'alert', hidden: true });
    const checkBtn = h('button', { type: 'button', class: 'btn', id: `set-${x.key}-check` }, t('adm_set_check'));
    const saveBtn = h('button', { type: 'button', class: 'btn primary', id: `set-${x.key}-save` }, t('adm_set_save'));
    const box = h('div', { class: 'set-box', id: `set-${x.key}`, dataset: { state: 'idle' } },
      h('p', { class: 'muted small' }, t(x.intro)), area, error, h('div', { class: 'actions' }, checkBtn, saveBtn), status);
    async function send(check) {
      error.hidden = true;
      area.removeAttribute('aria-invalid');
      status.replaceChildren();
      box.dataset.state = 'busy';
      for (const b of [checkBtn, saveBtn]) b.disabled = true;
      try {
        const r = await sendText('PUT', `${x.path}${check ? '?check=true' : ''}`, area.value, { signal });
        const counts = x.key === 'catalogue'
          ? t('adm_set_counts_catalogue', { d: num(r.departments), c: num(r.categories) })
          : t('adm_set_counts_policies', { n: num(r.policies) });
        status.replaceChildren(h('p', {}, h('strong', {}, t(check ? 'adm_set_checked' : 'adm_set_saved')), ' ', counts), changeList(x.key, r));
        box.dataset.state = check ? 'checked' : 'saved';
        if (!check) texts[i] = area.value;
      } catch (e) {
        if (e.name === 'AbortError') return;
        error.hidden = false;
        error.textContent = `${t('error_title')}${t('colon')}${e.detail}`;
        area.setAttribute('aria-invalid', 'true');
        box.dataset.state = 'error';
        box.dataset.error = e.code || 'error';
      } finally {
        for (const b of [checkBtn, saveBtn]) b.disabled = false;
      }
    }
    checkBtn.addEventListener('click', () => send(true));
    saveBtn.addEventListener('click', () => send(false));
    return panel(`set-${x.key}-panel`, t(x.heading), box);
  });
  busy.replaceWith(adminTabs('settings'), h('div', { class: 'view-head' }, h('h1', {}, t('nav_admin_settings'))),
    h('p', { class: 'muted intro' }, t('adm_set_intro')), ...panels);
  return null;
}
