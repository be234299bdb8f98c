// Chainscope web app: a hash router over its views. The URL holds the view and its filters, so a link or a
// reload restores what was on screen: #/overview, #/map?cluster=cm&res=7, #/chain/cm?reference=country&node=cm.hyd,
// #/enterprise/14787, #/park/park-xzedz, #/region/320300, #/search?q=徐工, #/list?cluster=construction-machinery,
// #/leads?chain=cm&preset=gap_filling, #/siteplan?node=cm.crane&floor_m2=5000, #/market?kind=demand, #/market/12,
// #/pipeline?view=table&region=320312, #/project/p-2022-0001, #/events?year=2022, #/event/fair-2022,
// #/dashboard?month=2022-09 (…&screen=1: the big screen), #/report?period=2022-Q3, #/targets?year=2027, #/login?next=…, #/password,
// #/tickets?state=&department=&region=&overdue=, #/ticket/{id}, #/service, #/policies, #/policy/{id},
// #/admin/users, #/admin/audit, #/admin/calendar?year=, #/admin/settings
// Who is signed in comes from /api/v1/auth/me before the first view; the navigation shows each role its entries,
// and a route the account may not open shows a sign-in prompt (signed out) or a short note (another role).

import { t, nm, num, lang, setLang } from './i18n.js';
import { h, errorBox, authBox, parseHash, makeHash, loginHref, getJson } from './api.js';
import {
  account, accountName, loadSession, mayOpen, seesNav, signOut, onSessionChange, setSession, homeHash,
} from './session.js';

export { parseHash, makeHash };

const VIEWS = {
  overview: () => import('./views/overview.js'),
  map: () => import('./views/map.js'),
  chain: () => import('./views/chain.js'),
  list: () => import('./views/list.js'),
  search: () => import('./views/search.js'),
  enterprise: () => import('./views/enterprise.js'),
  park: () => import('./views/park.js'),
  region: () => import('./views/region.js'),
  leads: () => import('./views/leads.js'),
  siteplan: () => import('./views/siteplan.js'),
  market: () => import('./views/market.js'),
  pipeline: () => import('./views/pipeline.js'),
  project: () => import('./views/project.js'),
  events: () => import('./views/events.js'),
  event: () => import('./views/events.js'),
  dashboard: () => import('./views/dashboard.js'),
  report: () => import('./views/report.js'),
  targets: () => import('./views/targets.js'),
  login: () => import('./views/account.js'),
  password: () => import('./views/account.js'),
  tickets: () => import('./views/tickets.js'),
  ticket: () => import('./views/tickets.js'),
  service: () => import('./views/service.js'),
  policies: () => import('./views/policies.js'),
  policy: () => import('./views/policies.js'),
  admin: () => import('./views/admin.js'),
};

/** Routes that belong to another route's navigation entry (a record page under its list). */
const NAV_OF = { project: 'pipeline', event: 'events', ticket: 'tickets', service: 'tickets', policy: 'policies' };

/** The navigation entry of a route: admin pages by their sub-page. */
function navKey(name, rest = []) {
  if (name === 'admin') return `admin/${rest[0] || 'users'}`;
  return NAV_OF[name] || name;
}

const root = document.getElementById('view');
let cleanup = null;
let controller = null;

/** The header's account box: a sign-in link, or the account's menu (name, role, scope, password, sign out). */
function userBox(name) {
  const box = document.getElementById('user-box');
  const a = account();
  if (!a) {
    box.replaceChildren(name === 'login' ? '' : h('a', { class: 'user-signin', id: 'user-signin', href: loginHref() }, t('auth_sign_in')));
    return;
  }
  const scope = a.role === 'officer' ? h('span', { id: 'user-regions' }, (a.regions || []).join(t('list_sep')))
    : a.role === 'department' ? a.department || ''
      : a.role === 'enterprise' && a.enterprise_id != null ? h('a', { href: makeHash('enterprise', [String(a.enterprise_id)]) }, `#${a.enterprise_id}`) : '';
  const menu = h('details', { class: 'user-menu', id: 'user-menu' },
    h('summary', { id: 'user-menu-btn', 'aria-label': t('user_menu_label', { name: accountName(a) }) },
      h('span', { class: 'user-name', id: 'user-name' }, accountName(a)), ' ',
      h('span', { class: 'user-role', id: 'user-role', dataset: { role: a.role } }, t(`role_${a.role}`))),
    h('div', { class: 'user-pop' },
      h('dl', { class: 'kv user-facts' },
        h('div', {}, h('dt', {}, t('user_username')), h('dd', { id: 'user-username' }, a.username)),
        h('div', {}, h('dt', {}, t('user_role')), h('dd', {}, t(`role_${a.role}`))),
        scope ? h('div', {}, h('dt', {}, t('user_scope')), h('dd', { id: 'user-scope' }, scope)) : null),
      h('ul', { class: 'user-actions' },
        h('li', {}, h('a', { href: makeHash('password'), id: 'user-password' }, t('pw_change'))),
        h('li', {}, h('button', { type: 'button', class: 'linkish', id: 'user-logout', onclick: logout }, t('auth_sign_out'))))));
  menu.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && menu.open) {
      menu.open = false;
      menu.querySelector('summary').focus();
    }
  });
  box.replaceChildren(menu);
  // The officer's 板块 by name (the city's districts, counties and zones; the codes stay if they cannot be read).
  if (a.role === 'officer' && (a.regions || []).length && !a.must_change) {
    getJson('/api/v1/regions/320300', { cached: true }).then((r) => {
      const names = new Map((r.children || []).map((c) => [c.code, nm(c)]));
      const el = document.getElementById('user-regions');
      if (el && account() === a) el.textContent = a.regions.map((c) => names.get(c) || c).join(t('list_sep'));
    }).catch(() => {});
  }
}

async function logout() {
  try {
    await signOut();
  } catch (e) {
    console.error(e);
  }
  if (location.hash === '#/overview') route();
  else {
    leaving('#/overview');
    location.hash = '#/overview';
  }
}

// 待办: how many requests wait for the signed-in account's step, as a badge on the navigation's 企业诉求 entry
// (/api/v1/tickets/todo), and for an officer how many projects of their 板块 are late (not started on time or with
// overdue 全兜办 items), on 项目库 (/api/v1/projects?mine=true&overdue=true); for department staff their bureau's open
// 全兜办 items on 项目库 (/api/v1/projects?tasks_of=…), red when some are overdue. Read at every route change and every
// minute while the page is open.
let todo = null;
let lateProjects = null;
let deptTasks = null;
let todoAt = 0;
function badge(route, count, { id, late = false, label = '', data = {} } = {}) {
  const a = document.querySelector(`#nav a[data-route="${route}"]`);
  if (!a) return;
  a.querySelector('.nav-badge')?.remove();
  a.removeAttribute('title');
  if (!count || a.hidden) return;
  a.title = label;
  a.append(h('span', { class: `nav-badge${late ? ' late' : ''}`, id, dataset: { total: String(count), ...data }, 'aria-label': label }, num(count)));
}
function showTodo() {
  const n = todo ? todo.total : 0;
  const o = todo ? todo.overdue || 0 : 0;
  // Each step's count too (data-accept, data-answer, …): a step taken moves a request from one to another.
  const steps = Object.fromEntries(Object.entries((todo && todo.steps) || {}).map(([k, v]) => [k, String(v)]));
  badge('tickets', n, { id: 'nav-todo', late: o > 0, label: n ? t('todo_badge', { n: num(n), o: num(o) }) : '', data: { overdue: String(o), ...steps } });
  if (deptTasks) {
    const { open: n, overdue: o } = deptTasks;
    badge('pipeline', n, { id: 'nav-tasks', late: o > 0, label: n ? t('todo_dept_tasks', { n: num(n), o: num(o) }) : '', data: { overdue: String(o) } });
  } else {
    badge('pipeline', lateProjects || 0, { id: 'nav-late', late: true, label: lateProjects ? t('todo_late_projects', { n: num(lateProjects) }) : '' });
  }
}
async function refreshTodo(force = false) {
  const me = account();
  if (!me) {
    todo = null;
    lateProjects = null;
    deptTasks = null;
    return;
  }
  if (!force && Date.now() - todoAt < 2000) return; // one read for a burst of route changes
  todoAt = Date.now();
  const dept = me.role === 'department' && me.department && seesNav('pipeline') ? me.department : '';
  const [a, b, c] = await Promise.all([
    seesNav('tickets') ? getJson('/api/v1/tickets/todo').catch(() => null) : null,
    me.role === 'officer' && seesNav('pipeline') ? getJson('/api/v1/projects?mine=true&overdue=true&limit=1').catch(() => null) : null,
    dept ? getJson(`/api/v1/projects?tasks_of=${encodeURIComponent(dept)}&limit=1`).catch(() => null) : null,
  ]);
  todo = a; // a badge is a convenience: the lists themselves report errors
  lateProjects = b ? b.total : null;
  deptTasks = c && c.tasks_of ? c.tasks_of : null;
  showTodo();
}
setInterval(() => refreshTodo(true), 60000);
window.addEventListener('chainscope:todo', () => refreshTodo(true));

function chrome(name, rest = []) {
  document.title = `${t('app_title')} · Chainscope`;
  document.getElementById('brand').textContent = t('app_title');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('foot-text').textContent = t('footer');
  document.getElementById('foot-lic').textContent = t('licences');
  document.getElementById('foot-docs').textContent = t('api_docs');
  const form = document.getElementById('search-form');
  form.setAttribute('aria-label', t('search'));
  document.getElementById('search-label').textContent = t('search_label');
  const input = document.getElementById('search-q');
  input.placeholder = t('search_placeholder');
  if (name === 'search') input.value = parseHash(location.hash).params.get('q') || '';
  document.getElementById('search-go').textContent = t('search');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav_label'));
  const current = navKey(name, rest);
  const me = account();
  nav.hidden = Boolean(me && me.must_change);
  for (const a of nav.querySelectorAll('a')) {
    a.textContent = t(a.dataset.i18n);
    a.hidden = !seesNav(a.dataset.route);
    if (a.dataset.route === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  showTodo();
  refreshTodo();
  userBox(name);
  const btn = document.getElementById('lang');
  btn.textContent = t('lang_switch');
  btn.setAttribute('lang', lang() === 'en' ? 'zh-CN' : 'en');
  btn.setAttribute('aria-label', t('lang_switch_label'));
}

let navigated = false;

/**
 * The view on screen stops being "ready" as soon as another route is asked for — the hash changes at once, the
 * hashchange event (and the new view) only a moment later; nobody must read the old view as the new one meanwhile.
 */
function leaving(hash) {
  if (!hash || hash === location.hash) return;
  // Every state attribute goes (data-ready, data-board, data-map …), not only data-ready: a view reports parts of
  // itself separately, and none of them may be read as the next view's.
  for (const k of Object.keys(root.dataset)) if (k !== 'view') delete root.dataset[k];
}
let refocus = null; // an in-view control that asked for a new route keeps the focus after the re-render

async function route() {
  const { name, rest, params } = parseHash(location.hash);
  if (!name) {
    history.replaceState(null, '', homeHash());
    return route();
  }
  const me = account();
  // A one-time password is changed before anything else (the server refuses every other route meanwhile).
  if (me && me.must_change && name !== 'password' && name !== 'login') {
    history.replaceState(null, '', makeHash('password', [], { next: location.hash }));
    return route();
  }
  chrome(name, rest);
  if (cleanup) {
    try { cleanup(); } catch (e) { console.error(e); }
    cleanup = null;
  }
  if (controller) controller.abort();
  controller = new AbortController();
  const signal = controller.signal;
  root.replaceChildren();
  // A view's state attributes (data-ready, data-map, …) describe the view on screen only.
  for (const k of Object.keys(root.dataset)) delete root.dataset[k];
  root.dataset.view = name;
  // The address this render answers: a test (or a script) waiting for the view knows it is not the previous one.
  root.dataset.hash = location.hash;
  let shown = location.hash; // the address this view stands for, as its own setParams writes move it
  if (VIEWS[name] && !mayOpen(name)) {
    // Signed out: a prompt to sign in that comes back here; signed in with another role: a short note.
    const err = me ? { status: 403, code: 'forbidden', detail: t('auth_forbidden_role', { role: t(`role_${me.role}`) }) } : { status: 401, code: 'login_required' };
    root.append(h('div', { class: 'view-head' }, h('h1', {}, t(me ? 'auth_forbidden_title' : 'auth_required_title'))), authBox(err));
    document.title = `${t(me ? 'auth_forbidden_title' : 'auth_required_title')} · ${t('app_short')} · Chainscope`;
    root.dataset.ready = me ? 'forbidden' : 'login';
    return;
  }
  const load = VIEWS[name];
  if (!load) {
    root.append(h('div', { class: 'error', role: 'alert' }, t('error_unknown_route', { hash: location.hash }), ' ',
      h('a', { href: '#/overview' }, t('nav_overview'))));
    root.dataset.ready = 'error';
    return;
  }
  // After following a link, move the focus to the new content so keyboard and screen-reader users start there.
  if (navigated && !refocus) root.focus({ preventScroll: false });
  navigated = false;
  const focusId = refocus;
  refocus = null;
  const ctx = {
    name,
    rest,
    params,
    signal,
    /** The page title: the view's subject first. */
    setTitle(text) {
      document.title = text ? `${text} · ${t('app_short')} · Chainscope` : `${t('app_title')} · Chainscope`;
    },
    /**
     * Put the view's state in the URL without re-rendering — only while this view is still the one in the address
     * bar: a late write from a view being left must not overwrite the link just followed.
     */
    setParams(next, restNext = rest) {
      // Not once the address has moved on (a link followed, even to this same view with other filters): the
      // hashchange, and this view's end, are only a moment away.
      if (signal.aborted || location.hash !== shown) return;
      history.replaceState(null, '', makeHash(name, restNext, next));
      shown = location.hash;
      root.dataset.hash = shown;
    },
    navigate(hash) {
      const el = document.activeElement;
      if (el && el.id && root.contains(el)) refocus = el.id;
      leaving(new URL(hash, location.href).hash);
      location.hash = hash;
    },
    /** Render the current route again (a retry after an error). */
    reload() { route(); },
  };
  try {
    const mod = await load();
    if (signal.aborted) return;
    const done = (await mod.render(root, ctx)) || null;
    if (signal.aborted) {
      // Another route started meanwhile: this view's resources go, the new view's cleanup stays.
      if (done) try { done(); } catch (e) { console.error(e); }
      return;
    }
    cleanup = done;
    if (!root.dataset.ready) root.dataset.ready = 'ok';
    if (focusId && !signal.aborted) document.getElementById(focusId)?.focus();
  } catch (e) {
    // A view being left may still fail (its requests cut off, its elements gone): that is not the new view's error.
    if ((e && e.name === 'AbortError') || signal.aborted) return;
    console.error(e);
    root.append(errorBox(e, () => route()));
    root.dataset.ready = 'error';
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  route();
});

window.addEventListener('hashchange', () => {
  navigated = true;
  const menu = document.getElementById('user-menu');
  if (menu) menu.open = false;
  if (!refocus) window.scrollTo(0, 0);
  route();
});

// The header's search box: Enter (or the button) opens #/search?q=…; '/' anywhere focuses it.
document.getElementById('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = document.getElementById('search-q').value.trim();
  const next = makeHash('search', [], { q });
  leaving(new URL(next, location.href).hash);
  location.hash = next;
});
document.addEventListener('keydown', (ev) => {
  if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const tag = (document.activeElement && document.activeElement.tagName) || '';
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || document.activeElement.isContentEditable) return;
  ev.preventDefault();
  document.getElementById('search-q').focus();
});
window.addEventListener('unhandledrejection', (ev) => {
  if (ev.reason && ev.reason.name === 'AbortError') return;
  console.error(ev.reason);
  if (!root.querySelector('.error')) root.prepend(errorBox(ev.reason));
});

// The server refused the session: signed out meanwhile (or expired), or a one-time password to change first.
window.addEventListener('chainscope:auth', async (ev) => {
  const { status } = ev.detail || {};
  const me = account();
  if (status === 401 && me) {
    setSession({ account: null });
  } else if (status === 403 && !(me && me.must_change)) {
    // Only news when this page did not know yet (the password view is where such an account already is).
    await loadSession();
    if (account() && account().must_change) route();
  }
});
// A change of account redraws the header (the navigation and the account box).
onSessionChange(() => {
  const { name, rest } = parseHash(location.hash);
  chrome(name, rest);
  refreshTodo(true);
});
// A link to another route: the view is left (see leaving()); this runs before the browser follows the link.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target instanceof Element ? ev.target.closest('a[href^="#/"]') : null;
  if (a && !a.target && !a.hasAttribute('download')) leaving(a.hash);
});
document.addEventListener('click', (ev) => {
  const menu = document.getElementById('user-menu');
  if (menu && menu.open && !menu.contains(ev.target)) menu.open = false;
});

setLang(lang());
loadSession().then(() => route());
