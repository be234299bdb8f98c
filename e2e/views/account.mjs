// Accounts from the user's side: what each role sees and may open, signing in and out, and the sign-in errors.

import { join } from 'node:path';

export default function accountTests(ctx) {
  const {
    test, base, USERS, SHOTS, MOBILE, DESKTOP, assert, eq, api, newPage, ready, closePage, noOverflow, text,
    closeExpecting, viewReady, NAV_OF_ROLE, navShown, pageFetch, uiLogin,
  } = ctx;

  test(350, 'roles: each account sees only its navigation entries; anonymous visitors get a sign-in prompt (API 401), other roles a note (403)', async () => {
    // Anonymous: the public entries, and every protected route asks to sign in.
    const anon = await newPage(DESKTOP);
    await anon.goto(`${base}/#/overview`);
    await viewReady(anon, 'overview');
    eq(await navShown(anon), NAV_OF_ROLE.anonymous, 'anonymous navigation');
    assert(await anon.locator('#user-signin').isVisible(), 'a sign-in link in the header');
    for (const hash of ['#/leads', '#/pipeline', '#/project/p-1', '#/dashboard', '#/events', '#/report', '#/market', '#/tickets', '#/ticket/T1', '#/service', '#/admin/users', '#/admin/audit', '#/password']) {
      await anon.goto(`${base}/${hash}`);
      const name = hash.slice(2).split('/')[0];
      eq(await ready(anon, name), 'login', `${hash}: the sign-in prompt`);
      assert(await anon.locator('#signin-prompt').isVisible(), `${hash}: prompt shown`);
      eq(await anon.getAttribute('#signin-link', 'href'), `#/login?next=${encodeURIComponent(hash)}`, `${hash}: the sign-in link comes back here`);
    }
    await anon.screenshot({ path: join(SHOTS, 'signin-prompt-1280.png') });
    for (const path of ['/api/v1/leads?chain=cm', '/api/v1/projects', '/api/v1/dashboard', '/api/v1/events', '/api/v1/market/items', '/api/v1/tickets',
      '/api/v1/service/dashboard', '/api/v1/users', '/api/v1/audit', '/api/v1/policies/srdi-award/matches', '/api/v1/enterprises/1/policies']) {
      const r = await fetch(base + path);
      eq(r.status, 401, `API ${path} signed out`);
      eq((await r.json()).error.code, 'login_required', `API ${path}: login_required`);
    }
    for (const path of ['/api/v1/stats', '/api/v1/policies', '/api/v1/service/catalogue', '/api/v1/calendar', '/api/v1/auth/me']) {
      eq((await fetch(base + path)).status, 200, `API ${path} is public`);
    }
    await closePage(anon);
    // Each role: its entries, its name and role in the header.
    for (const user of ['officer1', 'leader1', 'dept_nrp', 'ent1', 'admin']) {
      const page = await newPage(DESKTOP, 'zh', user);
      await page.goto(`${base}/#/overview`);
      await viewReady(page, 'overview');
      eq(await navShown(page), NAV_OF_ROLE[user], `${user}: navigation`);
      eq(await text(page, '#user-name'), USERS[user].name || (user === 'admin' ? '管理员 Administrator' : user), `${user}: name in the header`);
      eq(await page.getAttribute('#user-role', 'data-role'), USERS[user].role || 'admin', `${user}: role in the header`);
      await closePage(page);
    }
    // Another role's page: a note, and the API refuses it (403).
    const ent = await newPage(DESKTOP, 'zh', 'ent1');
    for (const hash of ['#/leads', '#/pipeline', '#/admin/users', '#/service']) {
      await ent.goto(`${base}/${hash}`);
      eq(await ready(ent, hash.slice(2).split('/')[0]), 'forbidden', `enterprise at ${hash}`);
      assert(await ent.locator('#forbidden-prompt').isVisible(), `${hash}: the note`);
    }
    for (const path of ['/api/v1/leads?chain=cm', '/api/v1/projects', '/api/v1/users', '/api/v1/enterprises/1/policies']) {
      eq((await pageFetch(ent, 'GET', path)).status, 403, `API ${path} as an enterprise`);
    }
    await closeExpecting(ent, [403]);
    const dept = await newPage(DESKTOP, 'zh', 'dept_nrp');
    await dept.goto(`${base}/#/dashboard`);
    eq(await ready(dept, 'dashboard'), 'forbidden', 'department staff at the dashboard');
    await closePage(dept);
  });

  test(360, 'sign-in: a protected view → sign in → back to the view; the account menu; sign-out', async () => {
    const page = await newPage(MOBILE);
    await page.goto(`${base}/#/leads?chain=cm&preset=big_anchors`);
    eq(await ready(page, 'leads'), 'login', 'signed out: the prompt');
    await page.click('#signin-link');
    await page.waitForFunction(() => location.hash.startsWith('#/login') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(await page.evaluate(() => document.activeElement.id), 'login-user', 'the user name has the focus');
    assert(await page.locator('#login-next').isVisible(), 'says it comes back');
    await noOverflow(page, 'sign-in page');
    await page.screenshot({ path: join(SHOTS, 'login-390.png'), fullPage: true });
    await uiLogin(page, 'officer1', USERS.officer1.password);
    await page.waitForFunction(() => location.hash.startsWith('#/leads?chain=cm') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), null, { timeout: 30000 });
    eq(await ready(page, 'leads'), 'ok', 'back at the leads, signed in');
    eq(await navShown(page), NAV_OF_ROLE.officer1, 'the officer\'s navigation');
    eq(await text(page, '#user-name'), 'officer1', 'the account in the header');
    await page.click('#user-menu-btn');
    assert(await page.locator('#user-logout').isVisible(), 'the menu opens');
    await page.waitForFunction(() => document.getElementById('user-scope').textContent === '铜山区、云龙区');
    assert(await page.locator('#user-password').isVisible(), 'change password in the menu');
    await noOverflow(page, 'the account menu');
    await page.screenshot({ path: join(SHOTS, 'user-menu-390.png') });
    await page.click('#user-logout');
    await page.waitForFunction(() => location.hash === '#/overview' && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset) && document.getElementById('user-signin'));
    eq(await navShown(page), NAV_OF_ROLE.anonymous, 'signed out: the public navigation');
    eq((await pageFetch(page, 'GET', '/api/v1/auth/me')).json.account, null, 'API: signed out');
    await page.goto(`${base}/#/pipeline`);
    eq(await ready(page, 'pipeline'), 'login', 'protected again');
    await closePage(page);
    // A session that ends while a view is open (expired, or ended elsewhere): the view asks to sign in again.
    const gone = await newPage(DESKTOP, 'zh', 'officer1');
    await gone.route('**/api/v1/projects?*', (r) => r.fulfill({ status: 401, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'login_required', message: '请先登录 / sign in first', parameter: null } }) }));
    await gone.goto(`${base}/#/pipeline`);
    await gone.waitForSelector('#signin-prompt');
    eq(await gone.getAttribute('#signin-link', 'href'), `#/login?next=${encodeURIComponent('#/pipeline')}`, 'the prompt comes back to the view');
    await gone.waitForSelector('#user-signin');
    eq(await navShown(gone), NAV_OF_ROLE.anonymous, 'the header follows');
    await closeExpecting(gone, [401]);
  });

  // Holds the locktest account for this address, which no other test uses. Its six attempts count, like every sign-in of the run,
  // toward the server's limit of 20 sign-ins per address in five minutes (see lib/sessions.mjs).
  test(470, 'sign-in errors: a wrong password, held for this address after five with the wait, too many attempts', async () => {
    const page = await newPage(MOBILE);
    await page.goto(`${base}/#/login`);
    await viewReady(page, 'login');
    const attempt = async (pw) => {
      const res = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await uiLogin(page, 'locktest', pw);
      const r = await res;
      await page.waitForFunction(() => !document.getElementById('login-submit').disabled);
      return r.status();
    };
    for (let i = 1; i <= 5; i++) {
      eq(await attempt(`wrong-password-${i}`), 401, `wrong password ${i}`);
      eq(await page.getAttribute('#login-form', 'data-error'), 'bad_credentials', 'bad credentials');
      eq(await text(page, '#login-error'), '用户名或密码错误。', 'the message');
    }
    eq(await page.inputValue('#login-user'), 'locktest', 'the user name is kept');
    eq(await page.inputValue('#login-password'), '', 'the password is cleared');
    // Held for this address: even the right password is refused, with how long to wait (the same answer an unknown
    // name would get). Other addresses are not held, so the account itself stays usable.
    eq(await attempt(USERS.locktest.password), 429, 'held');
    eq(await page.getAttribute('#login-form', 'data-error'), 'too_many_attempts', 'too_many_attempts');
    const msg = await text(page, '#login-error');
    assert(/请 1[45] 分钟后再试/.test(msg), `the wait in the message: ${msg}`);
    await page.screenshot({ path: join(SHOTS, 'login-held-390.png'), fullPage: true });
    const held = (await api('/api/v1/users')).items.find((u) => u.username === 'locktest');
    assert(held.active && held.locked_until == null, 'API: the account itself is not locked');
    // Too many attempts from this address (the server's 429, simulated so as not to lock the suite out).
    await page.route('**/api/v1/auth/login', (r) => r.fulfill({ status: 429, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'too_many_attempts', message: '登录尝试过多，请稍后再试 / too many login attempts from this address; wait a few minutes', parameter: null } }) }));
    eq(await attempt('whatever-1234'), 429, 'too many');
    eq(await page.getAttribute('#login-form', 'data-error'), 'too_many_attempts', 'too_many_attempts');
    eq(await text(page, '#login-error'), '登录尝试过多，请几分钟后再试。', 'the message');
    await page.unroute('**/api/v1/auth/login');
    await closeExpecting(page, [401, 429]);
  });
}
