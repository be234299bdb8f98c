// The region profile (#/region/<code>) against /api/v1/regions/<code>, including a retired code.

import { join } from 'node:path';

export default function regionTests(ctx) {
  const { test, base, SHOTS, DESKTOP, assert, eq, api, newPage, ready, closePage } = ctx;

  test(130, 'region profile: counts = API, children, clusters, nodes, yearly chart, retired code, English', async () => {
    const d = await api('/api/v1/regions/320300');
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/region/320300`);
    eq(await ready(page, 'region'), 'ok', 'region ready');
    eq((await page.textContent('#region-name')).trim(), d.region.name_zh, 'name');
    eq(Number(await page.getAttribute('#region-total a', 'data-count')), d.enterprises.total, 'enterprise total');
    eq(await page.$$eval('.crumbs a', (as) => as.map((a) => a.getAttribute('href'))), [...d.ancestors].reverse().map((a) => `#/region/${a.code}`), 'breadcrumbs');
    eq(await page.locator('#children-table tbody tr').count(), d.children.length, 'children');
    eq(await page.$$eval('#children-table tbody tr td:last-child', (tds) => tds.map((x) => Number(x.textContent.replace(/\D/g, '')))), d.children.map((c) => c.enterprises), 'children counts');
    const clusters = d.clusters.filter((c) => c.count > 0);
    eq(await page.$$eval('#clusters-list li', (ls) => ls.map((l) => [l.dataset.cluster, Number(l.querySelector('a').dataset.count)])), clusters.map((c) => [c.cluster, c.count]), 'clusters');
    eq(await page.locator('#nodes-top tbody tr').count(), d.nodes.length, 'top nodes');
    eq(Number(await page.getAttribute('#region-years', 'data-points')), d.founded_by_year.length, 'chart points = API years');
    const bars = await page.evaluate(() => document.getElementById('region-years').__chart.getOption().series[0].data);
    eq(bars, [...d.founded_by_year].sort((a, b) => a.year - b.year).map((y) => y.count), 'bars = API counts');
    eq(await page.locator('#leaders-table tbody tr').count(), d.leaders.length, 'leaders');
    eq(await page.locator('#projects-table tbody tr').count(), d.projects.length, 'project stages');
    eq(await page.locator('.demo').count(), d.enterprises.synthetic > 0 ? 1 : 0, 'demo mark');
    await page.screenshot({ path: join(SHOTS, 'region-1280.png'), fullPage: true });
    // The figures open their records: the node count and the total.
    const n0 = d.nodes[0];
    await page.click(`#nodes-top tbody tr:first-child td:last-child a`);
    await page.waitForFunction(() => location.hash.startsWith('#/list') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), n0.count, `${n0.node}: list total = region node count`);
    await page.goBack();
    await ready(page, 'region');
    await page.click('#region-total a');
    await page.waitForFunction(() => location.hash.startsWith('#/list') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), d.enterprises.total, 'list total = region total');
    // A child, in English.
    await page.click('#lang');
    const child = d.children.find((c) => c.enterprises > 0);
    await page.goto(`${base}/#/region/${child.code}`);
    await ready(page, 'region');
    eq((await page.textContent('#region-name')).trim(), child.name_en, 'English name');
    await page.click('#lang');
    // A retired code resolves to its successor and says so; its counts open the successor's records.
    const retired = await api('/api/v1/regions/320323');
    await page.goto(`${base}/#/region/320323`);
    await ready(page, 'region');
    assert(await page.locator('#region-retired').isVisible(), 'the retired code is explained');
    eq(await page.getAttribute('#region-total a', 'href'), `#/list?region=${retired.region.code}`, 'lists use the successor code');
    await closePage(page);
  });
}
