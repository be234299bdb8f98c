// Signing in, from node (for the API checks) and in the browser (for the pages), and opening pages.
// Pages sign in by calling /api/v1/auth/login from a page of the app's origin (the server's answer sets the cookie);
// each account signs in once and later pages reuse that browser state, since the server refuses more than 20
// sign-ins per address in five minutes. Node keeps one session per account for the same reason.

import { assert } from './check.mjs';

export const MOBILE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 860 };

/** The session functions for the server at `base`, the accounts in `USERS` and the launched `browser`. */
export function makeSessions({ base, USERS, browser }) {
  const nodeSessions = {};
  /** Sign in from node: the session cookie and CSRF token of `user`. */
  async function nodeLogin(user) {
    const r = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password: USERS[user].password }),
    });
    if (r.status !== 200) throw new Error(`node login ${user}: HTTP ${r.status} ${await r.text()}`);
    const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('cs_session='));
    const { csrf } = await r.json();
    nodeSessions[user] = { cookie, csrf };
    return nodeSessions[user];
  }
  /** fetch as a signed-in account (the administrator by default); writes carry the CSRF token. */
  async function authFetch(path, { method = 'GET', body, as = 'admin' } = {}) {
    const s = nodeSessions[as] || await nodeLogin(as);
    const headers = { Cookie: s.cookie, Accept: 'application/json' };
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = s.csrf;
      headers['Content-Type'] = 'application/json';
    }
    return fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }
  const api = async (path, as = 'admin') => {
    const r = await authFetch(path, { as });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  };

  const browserSessions = {};
  /**
   * The browser state of a signed-in `user`: signed in once, by calling the login API from a page of the app's origin
   * (the server's answer sets the cookie); later pages of this account start from that state.
   */
  async function sessionState(user) {
    if (browserSessions[user]) return browserSessions[user];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/api/v1/health`);
    const status = await page.evaluate(async ([u, pw]) => (await fetch('/api/v1/auth/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: pw }),
    })).status, [user, USERS[user].password]);
    if (status !== 200) throw new Error(`browser login ${user}: HTTP ${status}`);
    browserSessions[user] = await context.storageState();
    await context.close();
    return browserSessions[user];
  }

  /** A fresh browser context and page (signed in as `as`, or anonymous) that records console errors and external requests. */
  async function newPage(viewport = MOBILE, lang = 'zh', as = null) {
    const opts = { viewport, deviceScaleFactor: 1, locale: lang === 'en' ? 'en-US' : 'zh-CN' };
    if (as) opts.storageState = await sessionState(as);
    const context = await browser.newContext(opts);
    const page = await context.newPage();
    page.problems = [];
    page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) page.problems.push(`external request: ${r.url()}`);
    });
    return page;
  }

  /** Waits until `view` has rendered the address in the bar; returns its data-ready ('ok', 'error', 'login', …). */
  async function ready(page, view) {
    await page.waitForFunction((v) => {
      const m = document.getElementById('view');
      // data-hash: the render answers the address in the bar, not the one before it (a hash change on the same view
      // leaves the old data-ready in place until the router runs).
      return m && m.dataset.view === v && m.dataset.ready && m.dataset.hash === location.hash;
    }, view, { timeout: 30000 });
    return page.evaluate(() => document.getElementById('view').dataset.ready);
  }

  /** Closes the page's context and fails on any problem it recorded (unless allowProblems: pages that provoke errors). */
  async function closePage(page, { allowProblems = false } = {}) {
    const problems = page.problems.filter((p) => !/Failed to load resource.*(404|500)/.test(p) || !allowProblems);
    await page.context().close();
    if (!allowProblems) assert(problems.length === 0, `browser problems:\n  ${problems.join('\n  ')}`);
  }

  return { nodeLogin, authFetch, api, sessionState, newPage, ready, closePage };
}
