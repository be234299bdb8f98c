// 390 px sweeps: groups of views opened on a phone-sized page, checked for horizontal scrolling and captured.
// They cover many views at once, so they live here rather than with any one view.

import { join } from 'node:path';

export default function mobileTests(ctx) {
  const {
    test, base, SHOTS, MOBILE, assert, eq, api, newPage, ready, closePage, noOverflow, siteOk, text, viewReady,
    shared,
  } = ctx;

  // The market item page is included when the board has an item: the seed data or the market test (order 200).
  test(210, '390 px: leads, site plan and supply–demand without horizontal scrolling, English (screenshots)', async () => {
    const page = await newPage(MOBILE, 'zh', 'officer1');
    const items = await api('/api/v1/market/items');
    const views = [
      ['leads', '#/leads?chain=cm&preset=big_anchors', 'leads-390'],
      ['siteplan', '#/siteplan?cluster=construction-machinery&floor_m2=2000&building=standard_factory&budget_yuan_m2=20&logistics=sea_rail,port', 'siteplan-390'],
      ['market', '#/market', 'market-390'],
      items.items.length ? ['market', `#/market/${items.items[0].id}`, 'market-item-390'] : null,
    ].filter(Boolean);
    for (const [name, hash, shot] of views) {
      await page.goto(`${base}/${hash}`);
      eq(await ready(page, name), 'ok', `${shot} ready`);
      if (name === 'leads') await page.click('#leads-table tbody tr[data-id] .ev-toggle');
      await noOverflow(page, shot);
      await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
    }
    const sp = await api('/api/v1/siteplan?cluster=construction-machinery&floor_m2=2000&building=standard_factory&budget_yuan_m2=20&logistics=sea_rail,port');
    await page.goto(`${base}/#/siteplan?cluster=construction-machinery&floor_m2=2000&building=standard_factory&budget_yuan_m2=20&logistics=sea_rail,port`);
    await siteOk(page);
    eq(await page.$$eval('#sp-sites li.site', (ls) => ls.map((l) => l.dataset.noSpace === '1')), sp.sites.map((s) => s.no_space), 'no-space marks');
    assert(!sp.sites[0].no_space, 'API: no-space not first');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    for (const [name, hash, shot] of views.slice(0, 3)) {
      await page.goto(`${base}/${hash}`);
      eq(await ready(page, name), 'ok', `${shot} ready in English`);
      await noOverflow(page, `${shot} in English`);
      if (name === 'siteplan' && sp.sites.some((s) => s.no_space)) assert((await page.textContent('#sp-sites li.no-space .no-space-badge')).includes('No space'), 'English no-space mark');
      await page.screenshot({ path: join(SHOTS, `${shot.replace('-390', '-en-390')}.png`), fullPage: true });
    }
    await page.click('#lang');
    await closePage(page);
  });

  test(220, '390 px: every new view is legible without horizontal scrolling (screenshots)', async () => {
    const page = await newPage(MOBILE);
    const views = [
      ['list', '#/list?cluster=construction-machinery'], ['enterprise', '#/enterprise/1'], ['park', '#/park/park-xzedz'],
      ['region', '#/region/320300'], ['search', `#/search?q=${encodeURIComponent('徐工')}`], ['map', '#/map?at=11/34.27/117.2'],
      ['chain', '#/chain/cm?node=cm.crane'],
    ];
    for (const [name, hash] of views) {
      await page.goto(`${base}/${hash}`);
      eq(await ready(page, name), 'ok', `${name} ready`);
      await noOverflow(page, name);
      await page.screenshot({ path: join(SHOTS, `${name}-390.png`), fullPage: true });
    }
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.goto(`${base}/#/region/320312`);
    await ready(page, 'region');
    await noOverflow(page, 'region in English');
    await page.screenshot({ path: join(SHOTS, 'region-en-390.png'), fullPage: true });
    await page.goto(`${base}/api/docs`);
    await page.waitForFunction(() => document.getElementById('docs').dataset.ready === 'ok');
    await noOverflow(page, 'docs');
    await page.screenshot({ path: join(SHOTS, 'docs-en-390.png') });
    await closePage(page);
  });

  test(340, '390 px: dashboard, pipeline, project, events and report without horizontal scrolling (screenshots)', async () => {
    const page = await newPage(MOBILE, 'zh', 'admin');
    const pj = (await api('/api/v1/projects?stage=signed&limit=1')).items[0];
    const views = [
      ['dashboard', '#/dashboard?month=2022-09', 'dashboard-390'],
      ['dashboard', '#/dashboard?month=2022-09&screen=1', 'dashboard-screen-390'],
      ['pipeline', '#/pipeline', 'pipeline-390'],
      ['pipeline', '#/pipeline?view=table&region=320312', 'pipeline-table-390'],
      ['project', `#/project/${pj.id}`, 'project-390'],
      ['events', '#/events?year=2022', 'events-390'],
      ['event', '#/event/fair-2022', 'event-390'],
      ['report', '#/report?period=2022-Q3', 'report-390'],
    ];
    for (const [name, hash, shot] of views) {
      await page.goto(`${base}/${hash}`);
      eq(await ready(page, name), 'ok', `${shot} ready`);
      await noOverflow(page, shot);
      if (name === 'dashboard') eq(await text(page, '#dash-completion'), '80.9%', `${shot}: completion`);
      await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: !hash.includes('report') });
    }
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    for (const [name, hash, shot] of [views[0], views[2], views[4]]) {
      await page.goto(`${base}/${hash}`);
      await viewReady(page, name);
      await noOverflow(page, `${shot} in English`);
      await page.screenshot({ path: join(SHOTS, `${shot.replace('-390', '-en-390')}.png`), fullPage: true });
    }
    eq(await text(page, '#nav a[data-route="dashboard"]'), 'Dashboard', 'English navigation');
    await page.click('#lang');
    await closePage(page);
  });

  // The request page shown is the one the request loop (tickets, order 380) filed and closed, when that test ran
  // in this run; otherwise the first request listed.
  test(460, '390 px: sign-in, requests, a request, the service dashboard, policies, a policy, accounts, audit and calendar without horizontal scrolling (screenshots)', async () => {
    const tk = shared.loopTicket || (await api('/api/v1/tickets')).items[0]?.id;
    const views = [
      [null, 'login', '#/login', 'login-anon-390'],
      [null, 'policies', '#/policies', 'policies-390'],
      ['officer1', 'policy', '#/policy/srdi-award', 'policy-390'],
      ['officer1', 'enterprise', '#/enterprise/1', 'enterprise-policies-390'],
      ['ent1', 'tickets', '#/tickets', 'tickets-enterprise-390'],
      ['dept_nrp', 'tickets', '#/tickets', 'tickets-department-390'],
      tk ? ['ent1', 'ticket', `#/ticket/${tk}`, 'ticket-390'] : null,
      ['leader1', 'service', '#/service', 'service-390'],
      ['admin', 'admin', '#/admin/users', 'admin-users-390'],
      ['admin', 'admin', '#/admin/audit', 'admin-audit-390'],
      ['admin', 'admin', '#/admin/calendar', 'admin-calendar-390'],
      ['admin', 'password', '#/password', 'password-390'],
    ].filter(Boolean);
    const pages = {};
    for (const [user, name, hash, shot] of views) {
      const key = user || 'anonymous';
      if (!pages[key]) pages[key] = await newPage(MOBILE, 'zh', user);
      const page = pages[key];
      await page.goto(`${base}/${hash}`);
      eq(await ready(page, name), 'ok', `${shot} ready`);
      if (name === 'enterprise') await page.waitForSelector('#ent-policy-list');
      await noOverflow(page, shot);
      await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
    }
    const page = pages.ent1;
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    for (const [user, name, hash, shot] of views.filter((v) => v[0] === 'ent1')) {
      await page.goto(`${base}/${hash}`);
      eq(await ready(page, name), 'ok', `${shot} in English`);
      await noOverflow(page, `${shot} in English`);
      await page.screenshot({ path: join(SHOTS, `${shot.replace('-390', '-en-390')}.png`), fullPage: true });
    }
    eq(await page.$eval('#nav a[data-route="tickets"]', (a) => a.firstChild.textContent.trim()), 'Requests', 'English navigation (beside any 待办 badge)');
    await page.click('#lang');
    for (const p of Object.values(pages)) await closePage(p);
  });
}
