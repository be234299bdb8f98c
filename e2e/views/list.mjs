// The enterprise list (#/list): totals, rows, sorting, pages and filters against /api/v1/enterprises, kept in the address.

import { join } from 'node:path';

export default function listTests(ctx) {
  const { test, base, stats, SHOTS, DESKTOP, assert, eq, api, newPage, ready, closePage } = ctx;

  const listRows = (page) => page.$$eval('#list-table tbody tr', (trs) => trs.map((tr) => ({
    id: Number(tr.dataset.id), name: tr.querySelector('td.name a').textContent.trim(),
  })));

  test(90, 'list: total, rows, sorting, pages and filters match /api/v1/enterprises; the URL restores them', async () => {
    const cluster = 'construction-machinery';
    const api1 = await api(`/api/v1/enterprises?cluster=${cluster}&local=true&limit=50`);
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/list?cluster=${cluster}&local=true`);
    eq(await ready(page, 'list'), 'ok', 'list ready');
    eq(Number(await page.getAttribute('#list-total', 'data-total')), api1.total, 'total = API total');
    const cl = stats.tiers.flatMap((t) => t.clusters).find((c) => c.id === cluster);
    eq(api1.total, cl.local_enterprises, 'API: the list total = the overview figure');
    eq(await listRows(page), api1.items.map((e) => ({ id: e.id, name: e.name })), 'rows = API items, in order');
    eq(await page.locator('.demo').count(), stats.demo_data ? 1 : 0, 'demo mark');
    eq(await page.locator('#list-chips li.chip-filter').count(), 2, 'two filter chips');
    await page.screenshot({ path: join(SHOTS, 'list-1280.png') });
    // Sort by employees with the column button.
    await page.click('th button[data-sort="employees"]');
    await page.waitForFunction(() => location.hash.includes('sort=employees') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const api2 = await api(`/api/v1/enterprises?cluster=${cluster}&local=true&sort=employees&limit=50`);
    eq((await listRows(page)).map((r) => r.id), api2.items.map((e) => e.id), 'rows sorted by employees');
    eq(await page.getAttribute('th[aria-sort="descending"] button', 'data-sort'), 'employees', 'aria-sort on the sorted column');
    // Next page.
    await page.click('#pager a[data-page="next"]');
    await page.waitForFunction(() => location.hash.includes('offset=50') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const api3 = await api(`/api/v1/enterprises?cluster=${cluster}&local=true&sort=employees&limit=50&offset=50`);
    eq((await listRows(page)).map((r) => r.id), api3.items.map((e) => e.id), 'second page');
    assert((await page.textContent('#pager .range')).replace(/,/g, '').includes(String(api3.total)), 'pager shows the total');
    // A filter through the form, then a reload restores everything.
    await page.selectOption('#l-local', 'false');
    await page.waitForFunction(() => location.hash.includes('local=false') && !location.hash.includes('offset=') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const api4 = await api(`/api/v1/enterprises?cluster=${cluster}&local=false&sort=employees&limit=50`);
    eq(Number(await page.getAttribute('#list-total', 'data-total')), api4.total, 'total after the filter');
    await page.reload();
    await ready(page, 'list');
    eq(await page.inputValue('#l-local'), 'false', 'filter restored from the URL');
    eq(await page.inputValue('#l-sort'), 'employees', 'sort restored from the URL');
    // Removing a chip drops that filter.
    await page.click('#list-chips li[data-key="local"] a');
    await page.waitForFunction(() => !location.hash.includes('local=') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), cl.enterprises, 'without the local filter: the cluster total');
    // A bad filter shows the API's message.
    await page.goto(`${base}/#/list?cluster=nope`);
    eq(await ready(page, 'list'), 'error', 'unknown cluster');
    assert((await page.textContent('.error')).includes('nope'), 'the API message names the value');
    await closePage(page, { allowProblems: true });
  });
}
