// The signed-in account: read from /api/v1/auth/me when the app starts, set by the sign-in and password views,
// cleared on sign-out or when the server refuses the session. Which routes and navigation entries each role gets.

import { getJson, sendJson, setCsrf, clearCache } from './api.js';

export const ROLES = ['admin', 'leader', 'officer', 'department', 'enterprise'];
const READERS = ['admin', 'leader', 'officer'];
const PIPELINE = ['admin', 'leader', 'officer', 'department'];
const SIGNED_IN = ROLES;

/**
 * Who may open each route (the server's RULES decide; this only spares a request that would be refused). Routes
 * not listed are public.
 */
export const ROUTE_ROLES = {
  leads: READERS,
  market: SIGNED_IN,
  pipeline: PIPELINE,
  project: PIPELINE,
  events: READERS,
  event: READERS,
  dashboard: READERS,
  report: READERS,
  targets: READERS,
  tickets: SIGNED_IN,
  ticket: SIGNED_IN,
  service: PIPELINE,
  admin: ['admin'],
  password: SIGNED_IN,
};

/**
 * The navigation entries each role sees (data-route of the links in index.html); entries not listed here are for
 * everyone, signed in or not.
 */
export const NAV_ROLES = {
  leads: READERS,
  market: ['admin', 'leader', 'officer', 'enterprise'],
  pipeline: PIPELINE,
  dashboard: READERS,
  events: READERS,
  report: READERS,
  targets: READERS,
  tickets: SIGNED_IN,
  'admin/users': ['admin'],
  'admin/audit': ['admin'],
  'admin/calendar': ['admin'],
  'admin/settings': ['admin'],
};

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
  return Boolean(current && allowed.includes(current.role));
}

/** Whether the account sees a navigation entry. */
export function seesNav(route) {
  const allowed = NAV_ROLES[route];
  if (!allowed) return true;
  return Boolean(current && allowed.includes(current.role));
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

/** Ask the server who is signed in (and the session's CSRF token). */
export async function loadSession() {
  try {
    setSession(await getJson('/api/v1/auth/me'));
  } catch (e) {
    console.error(e);
    setSession({ account: null });
  }
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
