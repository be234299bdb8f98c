// The park profile (#/park/<id>) against /api/v1/parks/<id>: facts, carriers, residents, the host park.

import { join } from 'node:path';

export default function parkTests(ctx) {
  const { test, base, SHOTS, DESKTOP, eq, digits, api, newPage, ready, closePage } = ctx;

  test(120, 'park profile: facts, lead industries, carriers with space and prices, residents, host park', async () => {
    const d = await api('/api/v1/parks/park-xzedz');
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/park/park-xzedz`);
    eq(await ready(page, 'park'), 'ok', 'park ready');
    eq((await page.textContent('#park-name')).trim(), d.park.name_zh, 'name');
    eq(await page.$$eval('#park-lead-list li', (ls) => ls.map((l) => l.dataset.cluster)), d.park.lead_clusters, 'lead industries');
    eq(await page.locator('#carriers-table tbody tr').count(), d.carriers.length, 'one row per carrier');
    const rentCells = await page.$$eval('#carriers-table tbody tr', (trs) => trs.map((tr) => tr.cells[4].textContent.trim()));
    eq(rentCells.filter((x) => x !== '–').length, d.carriers.filter((c) => c.rent_yuan_m2_month !== null).length, 'rents shown');
    eq(Number(await page.getAttribute('#residents-total', 'data-total')), d.residents.total, 'residents total');
    eq(await page.locator('#residents-nodes tbody tr').count(), d.residents.by_node.length, 'residents by node');
    eq(await page.locator('#residents-top tbody tr').count(), d.residents.top.length, 'top residents');
    await page.screenshot({ path: join(SHOTS, 'park-1280.png'), fullPage: true });
    // A carrier: its host park, and back.
    const c = d.carriers.find((x) => x.has_space) || d.carriers[0];
    await page.click(`#carriers-table a[href="#/park/${c.id}"]`);
    await page.waitForFunction((id) => location.hash === `#/park/${id}` && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), c.id);
    eq(await page.getAttribute('#park-host', 'href'), '#/park/park-xzedz', 'host park link');
    if (c.floor_available_m2 !== null) eq(digits(await page.textContent('#park-floor-available')), c.floor_available_m2, 'space available');
    eq(await page.locator('.demo').count(), c.synthetic ? 1 : 0, 'demo mark on a synthetic carrier');
    await closePage(page);
  });
}
