// Page and API helpers used by more than one test file. Helpers only one file needs live in that file.

/** The helpers for the server at `base`, given the signed-in fetch and the assertion of the shared context. */
export function makeHelpers({ base, authFetch, assert }) {
  // ---- any view
  const viewAttr = (page, k) => page.evaluate((key) => document.getElementById('view').dataset[key], k);
  const noOverflow = async (page, what) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `${what}: no horizontal scrolling at 390 px (overflow ${overflow})`);
  };
  // ---- site plan (its own tests and the 390 px sweep)
  const siteOk = (page) => page.waitForFunction(() => {
    const v = document.getElementById('view');
    return v.dataset.view === 'siteplan' && v.dataset.ready === 'ok' && v.dataset.hash === location.hash && ['ok', 'error'].includes(v.dataset.siteplan);
  }, null, { timeout: 30000 });
  // ---- the project pipeline and everything signed in
  /** A write through the API as an account (the administrator by default): {status, json}. */
  const api2 = async (method, path, body, as = 'admin') => {
    const r = await authFetch(path, { method, body, as });
    const json = await r.json();
    return { status: r.status, json };
  };
  const uniq = () => `${Date.now() % 1000000}${Math.floor(Math.random() * 1000)}`;
  const text = async (page, sel) => (await page.textContent(sel)).trim();
  /** Close a page whose only console errors are the expected refused requests (HTTP 4xx the test provoked). */
  const closeExpecting = async (page, statuses) => {
    const re = new RegExp(`Failed to load resource: the server responded with a status of (${statuses.join('|')})`);
    const other = page.problems.filter((p) => !re.test(p));
    await page.context().close();
    assert(other.length === 0, `browser problems:\n  ${other.join('\n  ')}`);
  };
  const viewReady = (page, view) => page.waitForFunction((v) => {
    const m = document.getElementById('view');
    return m.dataset.view === v && m.dataset.ready === 'ok' && m.dataset.hash === location.hash;
  }, view, { timeout: 30000 });
  // ---- accounts and roles, service requests
  const NAV_ALL = ['overview', 'map', 'chain', 'list', 'leads', 'siteplan', 'market', 'pipeline', 'dashboard', 'events', 'report',
    'targets', 'policies', 'tickets', 'admin/users', 'admin/audit', 'admin/calendar', 'admin/settings'];
  const NAV_OF_ROLE = {
    anonymous: ['overview', 'map', 'chain', 'list', 'siteplan', 'policies'],
    officer1: ['overview', 'map', 'chain', 'list', 'leads', 'siteplan', 'market', 'pipeline', 'dashboard', 'events', 'report', 'targets', 'policies', 'tickets'],
    leader1: ['overview', 'map', 'chain', 'list', 'leads', 'siteplan', 'market', 'pipeline', 'dashboard', 'events', 'report', 'targets', 'policies', 'tickets'],
    dept_nrp: ['overview', 'map', 'chain', 'list', 'siteplan', 'pipeline', 'policies', 'tickets'],
    ent1: ['overview', 'map', 'chain', 'list', 'siteplan', 'market', 'policies', 'tickets'],
    admin: NAV_ALL,
  };
  const navShown = (page) => page.$$eval('#nav a', (as) => as.filter((a) => !a.hidden && a.offsetParent !== null).map((a) => a.dataset.route));
  /** A fetch from the page (its cookie, its CSRF token): {status, json}. */
  const pageFetch = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const csrf = sessionStorage.getItem('chainscope.csrf');
    if (m !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    const r = await fetch(p, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) });
    let json = null;
    try { json = await r.json(); } catch { /* not JSON */ }
    return { status: r.status, json };
  }, [method, path, body]);
  const uiLogin = async (page, user, password) => {
    await page.fill('#login-user', user);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
  };
  const ticketReady = (page, id) => page.waitForFunction((i) => {
    const v = document.getElementById('view');
    return location.hash === `#/ticket/${i}` && v.dataset.view === 'ticket' && v.dataset.ready === 'ok' && v.dataset.hash === location.hash;
  }, id, { timeout: 30000 });
  const waitState = (page, state) => page.waitForFunction((s) => document.getElementById('view').dataset.state === s, state, { timeout: 15000 });
  const timeline = (page) => page.$$eval('#tk-timeline li', (ls) => ls.map((l) => [l.dataset.kind, l.dataset.actor]));
  /** File a request through the form of #/tickets; returns its id once its page is open. */
  const fileRequest = async (page, category, description) => {
    await page.goto(`${base}/#/tickets`);
    await viewReady(page, 'tickets');
    if (!(await page.locator('#tk-new-details').evaluate((d) => d.open))) await page.click('#tk-new-details summary');
    await page.selectOption('#tk-new-category', category);
    await page.fill('#tk-new-desc', description);
    await page.click('#tk-new-submit');
    await page.waitForFunction(() => location.hash.startsWith('#/ticket/') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), null, { timeout: 30000 });
    return decodeURIComponent(page.url().split('#/ticket/')[1]);
  };

  return {
    viewAttr, noOverflow, siteOk, api2, uniq, text, closeExpecting, viewReady,
    NAV_ALL, NAV_OF_ROLE, navShown, pageFetch, uiLogin, ticketReady, waitState, timeline, fileRequest,
  };
}
