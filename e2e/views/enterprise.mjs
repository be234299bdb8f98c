// The enterprise profile (#/enterprise/<id>) against /api/v1/enterprises/<id>.

import { join } from 'node:path';

export default function enterpriseTests(ctx) {
  const { test, base, SHOTS, DESKTOP, assert, eq, digits, api, newPage, ready, closePage } = ctx;

  test(110, 'enterprise profile: identity, map, chain nodes, yearly chart = API series, partners link to profiles, English', async () => {
    const local = await api('/api/v1/enterprises?region=320300&limit=40&sort=employees');
    let e = null;
    for (const it of local.items) {
      const p = await api(`/api/v1/enterprises/${it.id}`);
      if (p.series.length >= 3 && p.suppliers.some((x) => x.id) && p.memberships.length) { e = p; break; }
    }
    assert(e, 'a local enterprise with a series, suppliers and nodes');
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/enterprise/${e.id}`);
    eq(await ready(page, 'enterprise'), 'ok', 'profile ready');
    eq((await page.textContent('#ent-name')).trim(), e.name, 'name');
    eq(digits(await page.textContent('#ent-employees')), e.employees, 'employees');
    eq(await page.locator('.demo').count(), e.synthetic ? 1 : 0, 'demo mark on a synthetic record');
    eq(await page.getAttribute('#ent-region', 'href'), `#/region/${e.region.code}`, 'region links to its profile');
    eq(await page.$$eval('.crumbs a', (as) => as.map((a) => a.getAttribute('href'))), [...e.region_path].reverse().map((r) => `#/region/${r.code}`), 'breadcrumbs up the hierarchy');
    // Chain nodes link to the chain map with the node selected.
    const hrefs = await page.$$eval('#ent-nodes li a', (as) => as.map((a) => a.getAttribute('href')));
    eq(hrefs, e.memberships.map((m) => `#/chain/${m.chain}?node=${encodeURIComponent(m.node)}`), 'node links');
    // The chart draws the API's series.
    eq(Number(await page.getAttribute('#ent-chart', 'data-points')), e.series.length, 'chart points = API series');
    const drawn = await page.evaluate(() => document.getElementById('ent-chart').__chart.getOption().series.map((s) => s.data));
    eq(drawn[0], [...e.series].sort((a, b) => a.year - b.year).map((p) => p.revenue), 'revenue series');
    eq(drawn[1], [...e.series].sort((a, b) => a.year - b.year).map((p) => p.employees), 'employee series');
    await page.waitForFunction(() => document.getElementById('ent-map').dataset.map, null, { timeout: 15000 }).catch(() => {});
    eq(await page.getAttribute('#ent-map', 'data-map'), 'ready', 'the small map is drawn');
    eq(await page.locator('#suppliers-list li').count(), e.suppliers.length, 'suppliers');
    eq(await page.locator('#customers-list li').count(), e.customers.length, 'customers');
    await page.screenshot({ path: join(SHOTS, 'enterprise-1280.png'), fullPage: true });
    // English, then a supplier's profile.
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en' && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq((await page.textContent('#ent-name')).trim(), e.name_en || e.name, 'English name');
    const sup = e.suppliers.find((x) => x.id);
    await page.click(`#suppliers-list li[data-id="${sup.id}"] a`);
    await page.waitForFunction((id) => location.hash === `#/enterprise/${id}` && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), sup.id);
    const s2 = await api(`/api/v1/enterprises/${sup.id}`);
    eq((await page.textContent('#ent-name')).trim(), s2.name_en || s2.name, 'supplier profile');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    // Unknown id: a message, not a blank page.
    await page.goto(`${base}/#/enterprise/999999999`);
    eq(await ready(page, 'enterprise'), 'error', 'unknown enterprise');
    assert((await page.textContent('.error')).includes('999999999'), 'the message names the id');
    await closePage(page, { allowProblems: true });
  });
}
