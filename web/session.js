// The signed-in account: read from /api/v1/auth/me when the app starts, set by the sign-in and password views,
// cleared on sign-out or when the server refuses the session. Which views and navigation entries each role gets,
// derived from the server's route table (GET /api/v1/access).

import { getJson, sendJson, setCsrf, clearCache } from './api.js';

/**
 * Who may call each API route, as the server's route table says (GET /api/v1/access): `{roles, routes: [{method,
 * path, audience}]}`, the audience being "public", "signed_in" or a list of roles. Read once, when the app starts.
 */
let access = null;

/** The roles an account can have, from the server. */
export let ROLES = [];

/**
 * The API route each view needs, by which the view is offered to a role; views not listed are public (a record page
 * reached from a public one, or the sign-in page). The admin pages all need administrators (their first route
 * stands for them).
 */
const VIEW_ROUTES = {
  leads: 'GET /api/v1/leads',
  market: 'GET /api/v1/market/items',
  pipeline: 'GET /api/v1/projects',
  project: 'GET /api/v1/projects/{id}',
  events: 'GET /api/v1/events',
  event: 'GET /api/v1/events/{id}',
  dashboard: 'GET /api/v1/dashboard',
  report: 'GET /api/v1/reports',
  targets: 'GET /api/v1/targets',
  tickets: 'GET /api/v1/tickets',
  ticket: 'GET /api/v1/tickets/{id}',
  service: 'GET /api/v1/service/dashboard',
  admin: 'GET /api/v1/users',
  password: 'POST /api/v1/auth/password',
};

/** The API route each navigation entry (data-route of the links in index.html) needs; entries not listed are public. */
const NAV_ROUTES = {
  leads: 'GET /api/v1/leads',
  market: 'GET /api/v1/market/items',
  pipeline: 'GET /api/v1/projects',
  dashboard: 'GET /api/v1/dashboard',
  events: 'GET /api/v1/events',
  report: 'GET /api/v1/reports',
  targets: 'GET /api/v1/targets',
  tickets: 'GET /api/v1/tickets',
  'admin/users': 'GET /api/v1/users',
  'admin/audit': 'GET /api/v1/audit',
  'admin/calendar': 'PUT /api/v1/calendar',
  'admin/settings': 'PUT /api/v1/service/catalogue',
};

/**
 * Roles left out of a navigation entry although the API would let them in. Department staff may read the
 * supply–demand board (any signed-in account may), but it is not their work: their navigation keeps to requests
 * and their department's checklist items.
 */
const NAV_EXCEPT = { market: ['department'] };

/** The roles allowed to call a route ('GET /api/v1/leads'); null for a public one. */
function rolesOf(route) {
  const [method, path] = route.split(' ');
  const r = access && access.routes.find((x) => x.method === method && x.path === path);
  // Not known (the table could not be read, or names no such route): for signed-in accounts only; the server
  // decides in the end.
  if (!r) return ROLES.slice();
  if (r.audience === 'public') return null;
  if (r.audience === 'signed_in') return ROLES.slice();
  return r.audience.slice();
}

function rolesByEntry(routes, except = {}) {
  const out = {};
  for (const [entry, route] of Object.entries(routes)) {
    const roles = rolesOf(route);
    if (roles) out[entry] = roles.filter((x) => !(except[entry] || []).includes(x));
  }
  return out;
}

/** Who may open each view (derived from the server's table: this only spares a request that would be refused). */
export let ROUTE_ROLES = {};

/** The navigation entries each role sees; entries not listed here are for everyone, signed in or not. */
export let NAV_ROLES = {};

function setAccess(a) {
  access = a && Array.isArray(a.routes) ? a : null;
  ROLES = access && Array.isArray(access.roles) ? access.roles.slice() : [];
  ROUTE_ROLES = rolesByEntry(VIEW_ROUTES);
  NAV_ROLES = rolesByEntry(NAV_ROUTES, NAV_EXCEPT);
}
// Until the table is read (or if it cannot be), the views and entries it decides are offered to signed-in accounts
// only (see mayOpen); the server refuses what a role may not do all the same.
setAccess(null);

/** Read who may call what, once; a failure is retried at the next session check. */
async function loadAccess() {
  if (access) return;
  try {
    setAccess(await getJson('/api/v1/access'));
  } catch (e) {
    console.error(e);
    setAccess(null);
  }
}

let current = null;
const listeners = new Set();

/** The signed-in account ({id, username, display_name, role, regions, department, enterprise_id, must_change, …}) or null. */
export function account() {
  return current;
}

export function role() {
  return current ? current.role : null;
}

/** The name to show for the account: its display name, else its user name. */
export function accountName(a = current) {
  if (!a) return '';
  return (a.display_name || '').trim() || a.username;
}

/** Whether the account may open a route. */
export function mayOpen(route) {
  const allowed = ROUTE_ROLES[route];
  if (!allowed) return true;
  return Boolean(current && (allowed.includes(current.role) || !access));
}

/** Whether the account sees a navigation entry. */
export function seesNav(route) {
  const allowed = NAV_ROLES[route];
  if (!allowed) return true;
  return Boolean(current && (allowed.includes(current.role) || !access));
}

/** Officers and administrators write projects, events and requests; leaders read. */
export function isWriter() {
  return Boolean(current && ['admin', 'officer'].includes(current.role));
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Take the server's answer ({account, csrf}) as the session. */
export function setSession(d) {
  const before = current ? `${current.id}:${current.role}:${current.must_change}` : '';
  current = (d && d.account) || null;
  if (d && 'csrf' in d) setCsrf(d.csrf || null);
  if (!current) setCsrf(null);
  const after = current ? `${current.id}:${current.role}:${current.must_change}` : '';
  if (before !== after) clearCache();
  for (const fn of listeners) {
    try { fn(current); } catch (e) { console.error(e); }
  }
}

/**
 * Ask the server who is signed in (and the session's CSRF token) and, the first time, who may call what — both
 * before the session is set, so the navigation is drawn once, from the table.
 */
export async function loadSession() {
  const [me] = await Promise.all([
    getJson('/api/v1/auth/me').catch((e) => {
      console.error(e);
      return { account: null };
    }),
    loadAccess(),
  ]);
  setSession(me);
  return current;
}

export async function signIn(username, password) {
  const d = await sendJson('POST', '/api/v1/auth/login', { username, password });
  setSession(d);
  return current;
}

export async function signOut() {
  try {
    await sendJson('POST', '/api/v1/auth/logout', {});
  } finally {
    setSession({ account: null });
  }
}

/** Change the password; the session goes on (its CSRF token too). */
export async function changePassword(currentPw, newPw) {
  const d = await sendJson('POST', '/api/v1/auth/password', { current: currentPw, new: newPw });
  setSession({ account: d.account });
  return current;
}

/** Where an account starts after signing in. */
export function homeHash(a = current) {
  if (!a) return '#/overview';
  if (a.role === 'enterprise' || a.role === 'department') return '#/tickets';
  return '#/overview';
}
