// Investment events (#/events, #/event/<id>): the 2022 fair and a Hangzhou event against the API, the year's list,
// and recording a new event.

import { join } from 'node:path';

export default function eventsTests(ctx) {
  const {
    test, base, SHOTS, DESKTOP, assert, eq, digits, api, newPage, ready, viewAttr, uniq, text, closeExpecting,
    viewReady,
  } = ctx;

  test(270, 'events: fair-2022 shows 43 signed, 39 in 343 = 90.7% (20/15/4), 4 others = 9.3%; hz-2022-10-19 12 by 7 板块; the list and a new event', async () => {
    const fair = await api('/api/v1/events/fair-2022');
    eq([fair.signed, fair.in_system, fair.in_system_pct, fair.other, fair.other_pct], [43, 39, 90.7, 4, 9.3], 'API: the 2022 fair');
    eq(fair.by_tier.map((x) => x.count), [20, 15, 4], 'API: the tiers of the fair');
    const page = await newPage(DESKTOP, 'zh', 'admin');
    await page.goto(`${base}/#/event/fair-2022`);
    eq(await ready(page, 'event'), 'ok', 'event page ready');
    eq(await page.getAttribute('#nav a[aria-current="page"]', 'data-route'), 'events', 'the events entry is current');
    eq(await text(page, '#ev-title'), fair.name_zh, 'name');
    eq(digits(await text(page, '#ev-signed')), 43, 'signed');
    eq(digits(await text(page, '#ev-in-system')), 39, 'in 343');
    eq(await text(page, '#ev-in-system-pct'), '90.7%', '343 share');
    eq([await text(page, '#ev-tier-advantage'), await text(page, '#ev-tier-emerging'), await text(page, '#ev-tier-characteristic')].map(digits), [20, 15, 4], 'tier split');
    eq(digits(await text(page, '#ev-other')), 4, 'others');
    eq(await text(page, '#ev-other-pct'), '9.3%', 'others share');
    eq(digits(await text(page, '#ev-regions')), fair.signing_region_count, 'signing 板块');
    for (const r of fair.signing_regions) assert((await text(page, '#ev-region-names')).includes(r.name_zh), `板块 ${r.name_zh} named`);
    eq(await page.locator('#ev-projects-table tbody tr').count(), fair.projects.length, 'its projects');
    await page.screenshot({ path: join(SHOTS, 'event-fair-2022-1280.png'), fullPage: true });
    // The in-343 figure opens the list of the same projects.
    await page.click('#ev-in-system');
    await viewReady(page, 'pipeline');
    eq(Number(await viewAttr(page, 'total')), 39, 'the list behind 39');
    const hz = await api('/api/v1/events/hz-2022-10-19');
    eq([hz.signed, hz.signing_region_count], [12, 7], 'API: Hangzhou');
    await page.goto(`${base}/#/event/hz-2022-10-19`);
    await viewReady(page, 'event');
    eq(digits(await text(page, '#ev-signed')), 12, 'Hangzhou: 12 signed');
    eq(digits(await text(page, '#ev-regions')), 7, 'Hangzhou: by 7 板块');
    // The year's list: the fair first, every event with its figures.
    await page.goto(`${base}/#/events?year=2022`);
    await viewReady(page, 'events');
    const y = await api('/api/v1/events?year=2022');
    eq(Number(await page.getAttribute('#ev-total', 'data-total')), y.total, 'events of 2022');
    eq(await page.getAttribute('#ev-table tbody tr:first-child', 'data-id'), 'fair-2022', 'the fair first');
    eq(digits(await text(page, '#ev-table tbody tr[data-id="hz-2022-10-19"] td.c-signed')), 12, 'Hangzhou row');
    // Record an event: a missing name is refused at the field, then it is saved and opens.
    await page.click('#ev-new summary');
    await page.fill('#ev-new-date', '2026-11-20');
    await page.click('#ev-new-submit');
    await page.waitForFunction(() => document.getElementById('ev-new-form').dataset.error === 'name_zh');
    assert(await page.locator('[data-param="name_zh"] .field-error').isVisible(), 'error at the name');
    const name = `E2E 对接会 ${uniq()}`;
    await page.fill('#ev-new-name', name);
    await page.fill('#ev-new-city', '南京');
    await page.check('#ev-new-r-320312');
    await page.click('#ev-new-submit');
    await page.waitForFunction(() => location.hash.startsWith('#/event/') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(await text(page, '#ev-title'), name, 'the new event opens');
    eq(digits(await text(page, '#ev-signed')), 0, 'nothing signed yet');
    await closeExpecting(page, [400]);
  });
}
