// Search: the header box and the results page (#/search) against /api/v1/search.

import { join } from 'node:path';

export default function searchTests(ctx) {
  const { test, base, SHOTS, DESKTOP, eq, api, newPage, ready, closePage } = ctx;

  test(140, 'search: header box (keyboard) and results across enterprises, parks, nodes and places = API', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/overview`);
    await ready(page, 'overview');
    await page.keyboard.press('/');
    eq(await page.evaluate(() => document.activeElement.id), 'search-q', '"/" focuses the search box');
    await page.keyboard.type('徐州');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/search') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(decodeURIComponent(new URL(page.url()).hash), '#/search?q=徐州', 'URL');
    const d = await api(`/api/v1/search?q=${encodeURIComponent('徐州')}&limit=20`);
    const groups = { 'res-enterprises': d.enterprises.length, 'res-parks': d.parks.length, 'res-nodes': d.nodes.length + d.chains.length, 'res-places': d.places.length };
    for (const [id, n] of Object.entries(groups)) {
      eq(await page.locator(`#${id} li`).count(), n, `${id} results`);
    }
    if (d.enterprises.length) eq((await page.textContent('#res-enterprises li:first-child a.hit')).trim(), d.enterprises[0].name, 'first enterprise');
    eq(await page.inputValue('#search-q'), '徐州', 'the header box keeps the query');
    await page.screenshot({ path: join(SHOTS, 'search-1280.png'), fullPage: true });
    // A place opens its profile.
    const place = d.places[0];
    await page.click(`#res-places li[data-code="${place.code}"] a`);
    await page.waitForFunction((c) => location.hash === `#/region/${c}` && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), place.code);
    // English query, nodes with their enterprise counts linking to the list.
    await page.fill('#search-q', 'battery');
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(() => location.hash.includes('q=battery') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const b = await api('/api/v1/search?q=battery&limit=20');
    eq(await page.locator('#res-nodes li').count(), b.nodes.length + b.chains.length, 'nodes for "battery"');
    if (b.nodes.length) {
      eq(Number(await page.getAttribute(`#res-nodes li[data-id="${b.nodes[0].id}"] .count-link`, 'data-count')), b.nodes[0].enterprises, 'node enterprise count');
    }
    await page.goto(`${base}/#/search?q=${encodeURIComponent('zzqqxx不存在')}`);
    await ready(page, 'search');
    eq(Number(await page.getAttribute('#search-summary', 'data-total')), 0, 'no results');
    await closePage(page);
  });
}
