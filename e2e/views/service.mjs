// The service dashboard and overdue requests: the API's overdue marks shown in red, in the request list and on
// #/service.

import { join } from 'node:path';

export default function serviceTests(ctx) {
  const { test, base, USERS, SHOTS, DESKTOP, assert, eq, api, newPage, ready, closePage, api2, text } = ctx;

  // Marks the first listed request overdue: the requests filed by the earlier tests (tickets, orders 370–390), or one
  // it files itself when there is none.
  test(400, 'requests: overdue ones in red with their escalation and working days, in the list and on the service dashboard (as the API marks them)', async () => {
    // No request of this run is overdue yet (deadlines are weeks away): the API's marks are put on one.
    const late = (tk) => ({ ...tk, state: 'working', deadline: '2026-01-05', overdue: true, overdue_working_days: 5, escalation: { level: 2, zh: '严重超期', en: 'Seriously overdue' } });
    if (!(await api('/api/v1/tickets')).total) {
      eq((await api2('POST', '/api/v1/tickets', { category: 'finance', description: '流动资金贷款对接', enterprise_id: USERS.ent1.enterprise })).status, 201, 'a request to show');
    }
    const page = await newPage(DESKTOP, 'zh', 'leader1');
    let id = null;
    await page.route('**/api/v1/tickets', async (route) => {
      const r = await route.fetch();
      const j = await r.json();
      j.items[0] = late(j.items[0]);
      id = j.items[0].id;
      await route.fulfill({ response: r, json: j });
    });
    await page.goto(`${base}/#/tickets`);
    eq(await ready(page, 'tickets'), 'ok', 'the list');
    const row = page.locator(`#tk-table tr[data-id="${id}"]`);
    eq(await row.getAttribute('class'), 'late', 'the overdue row is marked');
    eq(await row.getAttribute('data-level'), '2', 'its escalation');
    assert((await row.locator('.badge.late').textContent()).includes('严重超期'), 'the escalation in words');
    assert((await row.locator('.tk-dl-late').textContent()).includes('超期 5 个工作日'), 'the working days overdue');
    eq(await row.locator('td').first().evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 240, 240)', 'in red');
    assert((await text(page, '#tk-summary')).includes('其中 1 件超期'), 'counted in the summary');
    await page.screenshot({ path: join(SHOTS, 'tickets-overdue-1280.png'), fullPage: true });
    await page.route('**/api/v1/service/dashboard', async (route) => {
      const r = await route.fetch();
      const j = await r.json();
      const t0 = (await api('/api/v1/tickets')).items[0];
      j.overdue = [late(t0)];
      await route.fulfill({ response: r, json: j });
    });
    await page.goto(`${base}/#/service`);
    eq(await ready(page, 'service'), 'ok', 'the service dashboard');
    eq(await page.locator('#sv-overdue-table tr.late').count(), 1, 'the overdue list, in red');
    assert((await text(page, '#sv-overdue-h')).includes('（1）'), 'counted');
    await closePage(page);
  });
}
