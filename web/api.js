// Fetching from the server's API and small DOM helpers shared by the views.

import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(message, status, code, parameter = null, detail = '') {
    super(message);
    this.status = status;
    this.code = code;
    /** The request parameter (or body field) the server blamed, if any: forms show the message next to it. */
    this.parameter = parameter;
    /** The server's message without the code. */
    this.detail = detail || message;
  }
}

const cache = new Map();

/** Forget every cached answer (after signing in or out: what an account may read differs). */
export function clearCache() {
  cache.clear();
}

// The session's CSRF token (from /api/v1/auth/login or /auth/me), kept in memory and in this tab's sessionStorage;
// every write (POST, PATCH, PUT, DELETE) of a signed-in session sends it as X-CSRF-Token.
const CSRF_KEY = 'chainscope.csrf';
let csrf = (() => {
  try { return sessionStorage.getItem(CSRF_KEY) || null; } catch { return null; }
})();

export function setCsrf(token) {
  csrf = token || null;
  try {
    if (csrf) sessionStorage.setItem(CSRF_KEY, csrf);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch { /* storage may be blocked */ }
}

/**
 * Tell the app that the server refused the session (401 login_required: signed out or expired; 403
 * password_change_required): the header and the navigation follow.
 */
function signalAuth(status, code) {
  if ((status === 401 && code === 'login_required') || (status === 403 && code === 'password_change_required')) {
    window.dispatchEvent(new CustomEvent('chainscope:auth', { detail: { status, code } }));
  }
}

/** GET a JSON document from the API. Errors carry the server's message. `cached` keeps the answer for the page. */
export async function getJson(path, { cached = false, signal } = {}) {
  if (cached && cache.has(path)) return cache.get(path);
  const body = await request(path, { headers: { Accept: 'application/json' }, signal });
  if (cached) cache.set(path, body);
  return body;
}

/** fetch and read the JSON answer; a network failure, a non-JSON answer and an error status become ApiErrors. */
async function request(path, init) {
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(t('error_network'), 0, 'network');
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    // Cut off while the body was read (the view that asked is being left): an abort, not a bad answer. Reported as
    // invalid JSON, the view being left would have shown its error on the next view's page.
    if (e.name === 'AbortError') throw e;
    if (init && init.signal && init.signal.aborted) throw new DOMException('aborted', 'AbortError');
    throw new ApiError(`HTTP ${res.status}`, res.status, 'invalid_json');
  }
  if (!res.ok) throw errorOf(res, body);
  return body;
}

function errorOf(res, body) {
  const err = body && body.error ? body.error : {};
  signalAuth(res.status, err.code);
  const e = new ApiError(`${err.message || 'HTTP ' + res.status}${err.code ? ` (${err.code})` : ''}`, res.status, err.code,
    err.parameter ?? null, err.message || `HTTP ${res.status}`);
  /** Seconds to wait before trying again (429, 503), when the server says. */
  e.retryAfter = Number(err.retry_after_seconds ?? res.headers.get('Retry-After')) || null;
  return e;
}

/** GET a text document (a setting as TOML). */
export async function getText(path, { signal } = {}) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/toml, text/plain' }, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(t('error_network'), 0, 'network');
  }
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw errorOf(res, body);
  }
  return res.text();
}

/** PUT (or another method) a text body (a setting as TOML); answers the JSON reply or throws an ApiError. */
export async function sendText(method, path, text, { signal } = {}) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/toml; charset=utf-8' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return request(path, { method, signal, headers, body: text });
}

/** POST (or another method) a JSON body; answers the JSON reply or throws an ApiError naming the field at fault. */
export async function sendJson(method, path, data, { signal } = {}) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (csrf && method.toUpperCase() !== 'GET') headers['X-CSRF-Token'] = csrf;
  return request(path, { method, signal, headers, body: data === undefined ? undefined : JSON.stringify(data) });
}

/** Create an element: h('div', {class: 'x', onclick: f}, child, 'text', …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'style' && typeof v === 'object') {
      for (const [prop, val] of Object.entries(v)) el.style.setProperty(prop.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), val);
    }
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** The sign-in link that comes back to `hash` (the current view by default) afterwards. */
export function loginHref(hash = location.hash) {
  const next = String(hash || '');
  return makeHash('login', [], next.startsWith('#/') && !/^#\/login\b/.test(next) ? { next } : {});
}

/**
 * What a protected view shows to someone not allowed to see it: signed out (401), a sign-in prompt that returns to
 * the view; signed in with a role that may not (403), a short note; a one-time password still to change, a link to
 * change it.
 */
export function authBox(err) {
  const status = err && err.status;
  const code = err && err.code;
  if (status === 401) {
    return h('div', { class: 'auth-prompt', role: 'alert', id: 'signin-prompt', dataset: { auth: 'login' } },
      h('strong', {}, t('auth_required_title')), ' ', h('span', {}, t('auth_required_text')), ' ',
      h('a', { class: 'btn primary', href: loginHref(), id: 'signin-link' }, t('auth_sign_in')));
  }
  if (status === 403 && code === 'password_change_required') {
    return h('div', { class: 'auth-prompt', role: 'alert', id: 'password-prompt', dataset: { auth: 'password' } },
      h('strong', {}, t('pw_required_title')), ' ',
      h('a', { class: 'btn primary', href: makeHash('password', [], { next: location.hash }) }, t('pw_change')));
  }
  if (status === 403) {
    return h('div', { class: 'auth-prompt forbidden', role: 'alert', id: 'forbidden-prompt', dataset: { auth: 'forbidden' } },
      h('strong', {}, t('auth_forbidden_title')), ' ', h('span', { class: 'error-msg' }, err.detail || ''), ' ',
      h('a', { href: '#/overview' }, t('nav_overview')));
  }
  return null;
}

/** An error box with a retry button; never a blank screen. A refused session shows the sign-in prompt instead. */
export function errorBox(err, retry) {
  const auth = authBox(err);
  if (auth) return auth;
  const msg = err && err.message ? err.message : String(err);
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, t('error_title')), ' ',
    h('span', { class: 'error-msg' }, t('error_fetch', { msg })),
    retry ? h('button', { type: 'button', class: 'btn', onclick: retry }, t('retry')) : null);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('loading'));
}

/** '#/map?res=7' → {name: 'map', rest: [], params} */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: segs[0] || '', rest: segs.slice(1), params: new URLSearchParams(query) };
}

/** Build a hash from a route and params, dropping empty values. */
export function makeHash(name, rest = [], params = {}) {
  const q = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [k, v] of entries) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const path = [name, ...rest].map(encodeURIComponent).join('/');
  const qs = q.toString();
  return `#/${path}${qs ? '?' + qs : ''}`;
}

/** The record filters that /api/v1/enterprises, /heat and /markers share. */
export const FILTER_KEYS = ['tier', 'cluster', 'chain', 'node', 'region', 'local', 'employees_min', 'employees_max',
  'founded_from', 'founded_to', 'flags', 'synthetic', 'cell'];

/** Only the record filters of an object or URLSearchParams, without empty values and the map's 'all' region. */
export function pickFilters(src) {
  const get = (k) => (src instanceof URLSearchParams ? src.get(k) : src[k]);
  const out = {};
  for (const k of FILTER_KEYS) {
    const v = get(k);
    if (v === undefined || v === null || v === '') continue;
    if (k === 'region' && v === 'all') continue;
    out[k] = String(v);
  }
  return out;
}

/** The list view of the records behind a figure: #/list?{filters}. */
export function listHref(filters = {}) {
  return makeHash('list', [], pickFilters(filters));
}

/** The demo-data mark (演示数据) shown next to a heading whenever synthetic records are on screen. */
export function demoBadge(on = true) {
  return on ? h('span', { class: 'demo', title: t('demo_note') }, t('demo_data')) : null;
}

/** Whether the store holds the demo dataset (the figures on screen then include synthetic records). */
export async function isDemoData(signal) {
  try {
    const stats = await getJson('/api/v1/stats', { signal, cached: true });
    return Boolean(stats.demo_data);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    return false;
  }
}

/** The taxonomy's tier colour, with a fallback. */
export function tierColor(tax, tierId) {
  const tier = tax && tax.tiers ? tax.tiers.find((x) => x.id === tierId) : null;
  return (tier && tier.color) || '#5b6b7b';
}
