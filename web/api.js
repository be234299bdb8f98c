// Fetching from the server's API and small DOM helpers shared by the views.

import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const cache = new Map();

/** GET a JSON document from the API. Errors carry the server's message. `cached` keeps the answer for the page. */
export async function getJson(path, { cached = false, signal } = {}) {
  if (cached && cache.has(path)) return cache.get(path);
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(t('error_network'), 0, 'network');
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`HTTP ${res.status}`, res.status, 'invalid_json');
  }
  if (!res.ok) {
    const err = body && body.error ? body.error : {};
    throw new ApiError(`${err.message || 'HTTP ' + res.status}${err.code ? ` (${err.code})` : ''}`, res.status, err.code);
  }
  if (cached) cache.set(path, body);
  return body;
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

/** An error box with a retry button; never a blank screen. */
export function errorBox(err, retry) {
  const msg = err && err.message ? err.message : String(err);
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, t('error_title')), ' ',
    h('span', { class: 'error-msg' }, t('error_fetch', { msg })),
    retry ? h('button', { type: 'button', class: 'btn', onclick: retry }, t('retry')) : null);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('loading'));
}

/** The taxonomy's tier colour, with a fallback. */
export function tierColor(tax, tierId) {
  const tier = tax && tax.tiers ? tax.tiers.find((x) => x.id === tierId) : null;
  return (tier && tier.color) || '#5b6b7b';
}
