// The periodic report (#/report): 2022-Q3 against /api/v1/reports and the dashboard, the XLSX, the printed pages.

import { join } from 'node:path';

export default function reportTests(ctx) {
  const { test, base, SHOTS, DESKTOP, assert, eq, digits, authFetch, api, newPage, ready, closePage, text } = ctx;

  test(320, 'report 2022-Q3: the year to date = the dashboard through 2022-09-30, in-period figures, XLSX 200, print without navigation', async () => {
    const r = await api('/api/v1/reports?period=2022-Q3');
    const d = await api('/api/v1/dashboard?through=2022-09-30');
    eq([r.from, r.to], ['2022-07-01', '2022-09-30'], 'API: the quarter');
    eq(r.year_to_date.city, d.city, 'API: the report\'s year to date = the dashboard');
    const page = await newPage(DESKTOP, 'zh', 'leader1');
    await page.goto(`${base}/#/report?period=2022-Q3`);
    eq(await ready(page, 'report'), 'ok', 'report ready');
    eq(await text(page, '#rp-title'), '2022年第三季度招商项目报表', 'title');
    eq(digits(await text(page, '#rp-signed')), d.city.signed, 'YTD signed = dashboard');
    eq(await text(page, '#rp-completion'), `${d.city.completion_pct}%`, 'YTD completion = dashboard');
    eq(digits(await text(page, '#rp-target')), d.city.target_projects, 'YTD task');
    eq(digits(await text(page, '#rp-in-system')), d.city.in_system, 'YTD 343');
    eq(await text(page, '#rp-in-system-pct'), `${d.city.in_system_pct}%`, 'YTD 343 share');
    eq([await text(page, '#rp-signed'), await text(page, '#rp-completion'), await text(page, '#rp-in-system'), await text(page, '#rp-in-system-pct')].map(String),
      ['566', '80.9%', '473', '83.6%'], 'the figures of the default data');
    eq(digits(await text(page, '#rp-p-signed')), r.in_period.signed, 'signed in the quarter');
    eq(await text(page, '#rp-p-in-system-pct'), `${r.in_period.in_system_pct}%`, '343 share in the quarter');
    eq(await page.locator('#rp-league tbody tr').count(), d.league.length, 'league');
    eq(await page.locator('#rp-months tbody tr').count(), d.months.length, 'months');
    eq(await page.locator('#rp-projects-table tbody tr').count(), r.in_period.projects.length, 'projects signed in the quarter');
    eq(await page.locator('#rp-overdue-starts tbody tr').count(), d.overdue_starts.length, 'overdue list');
    const href = await page.getAttribute('#rp-xlsx', 'href');
    eq(href, '/api/v1/reports?period=2022-Q3&format=xlsx', 'XLSX link');
    const x = await authFetch(href, { as: 'leader1' });
    eq(x.status, 200, 'XLSX responds');
    eq(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX content type');
    await page.screenshot({ path: join(SHOTS, 'report-1280.png') });
    await page.emulateMedia({ media: 'print' });
    assert(!(await page.locator('header.top').isVisible()) && !(await page.locator('#rp-form').isVisible()) && !(await page.locator('#rp-print').isVisible()), 'print hides the navigation, the form and the buttons');
    assert(await page.locator('#rp-ytd').isVisible(), 'print shows the sections');
    eq(await page.locator('#rp-ytd').evaluate((el) => getComputedStyle(el).breakBefore), 'page', 'a section per page');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    assert((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length >= 5, 'the report prints on several pages');
    await page.emulateMedia({ media: 'screen' });
    // Another period through the form: the month.
    await page.selectOption('#rp-kind', 'month');
    await page.waitForFunction(() => location.hash.includes('period=2022-09') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const m = await api('/api/v1/reports?period=2022-09');
    eq(digits(await text(page, '#rp-p-signed')), m.in_period.signed, 'September signed');
    eq(digits(await text(page, '#rp-signed')), d.city.signed, 'same year to date at the end of September');
    await closePage(page);
  });
}
