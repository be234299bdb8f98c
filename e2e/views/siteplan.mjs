// The site plan (#/siteplan): the form against /api/v1/siteplan, field errors, map pins and the printed page.

import { join } from 'node:path';

export default function siteplanTests(ctx) {
  const { test, base, stats, SHOTS, DESKTOP, assert, eq, api, newPage, ready, closePage, viewAttr, siteOk } = ctx;

  test(190, 'site plan: the form asks the API, sites in its order, no-space never first, field errors, map pins, print page', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/siteplan`);
    eq(await ready(page, 'siteplan'), 'ok', 'site plan ready');
    assert(await page.locator('#sp-idle').isVisible(), 'asks for a request first');
    // Bad input: no land nor floor space → the message at the land field, the choice kept.
    await page.selectOption('#sp-node', 'cm.crane');
    await page.click('#sp-submit');
    await siteOk(page);
    eq(await viewAttr(page, 'siteplan'), 'error', 'refused');
    eq(await viewAttr(page, 'siteplanError'), 'land_ha', 'the API names land_ha');
    assert(await page.locator('[data-param="land_ha"] .field-error').isVisible(), 'error at the land field');
    eq(await page.getAttribute('#sp-land', 'aria-invalid'), 'true', 'the field is marked invalid');
    eq(await page.inputValue('#sp-node'), 'cm.crane', 'the node is kept');
    // A negative budget → at the budget field.
    await page.fill('#sp-floor', '5000');
    await page.fill('#sp-budget', '-5');
    await page.click('#sp-submit');
    await page.waitForFunction(() => document.getElementById('view').dataset.siteplanError === 'budget_yuan_m2');
    assert(await page.locator('[data-param="budget_yuan_m2"] .field-error').isVisible(), 'error at the budget field');
    eq(await page.inputValue('#sp-floor'), '5000', 'the floor space is kept');
    await page.screenshot({ path: join(SHOTS, 'siteplan-error-1280.png') });
    // A good request (Enter submits the form).
    await page.fill('#sp-budget', '20');
    await page.check('#sp-log-port');
    await page.check('#sp-log-sea_rail');
    await page.focus('#sp-budget');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('view').dataset.siteplan === 'ok', null, { timeout: 30000 });
    const q = 'node=cm.crane&floor_m2=5000&budget_yuan_m2=20&logistics=port%2Csea_rail';
    eq(await viewAttr(page, 'siteplanQuery'), q, 'the query asked');
    const d = await api(`/api/v1/siteplan?${q}`);
    const items = await page.$$eval('#sp-sites li.site', (ls) => ls.map((l) => ({ id: l.dataset.id, noSpace: l.dataset.noSpace === '1', score: Number(l.dataset.score) })));
    eq(items.map((s) => s.id), d.sites.map((s) => s.park.id), 'sites in the API order');
    eq(items.map((s) => s.score), d.sites.map((s) => s.score), 'scores');
    assert(d.sites.length > 0 && !d.sites[0].no_space && !items[0].noSpace, 'a site without space is not first');
    eq(items.filter((s) => s.noSpace).length, d.sites.filter((s) => s.no_space).length, 'sites without space marked');
    // Capacity: no site known to be too small above one that fits; each too-small site says what it lacks.
    const firstShort = d.sites.findIndex((s) => s.too_small || s.no_space);
    assert(firstShort < 0 || d.sites.slice(firstShort).every((s) => s.too_small || s.no_space), 'every fitting site before every short one');
    for (const s of d.sites.filter((x) => x.too_small && !x.no_space)) {
      const badge = await page.textContent(`#sp-sites li.site[data-id="${s.park.id}"] .too-small-badge`);
      assert(badge.includes('空间不足') && badge.includes('5,000'), `the shortfall in words: ${badge}`);
    }
    eq(await page.locator('#sp-nothing-fits').count(), d.nothing_fits ? 1 : 0, 'nothing-fits notice exactly when nothing fits');
    if (items.some((s) => s.noSpace)) assert((await page.textContent('#sp-sites li.no-space .no-space-badge')).includes('无可用空间'), 'no-space mark');
    eq(await page.getAttribute('#sp-sites li.site:first-child a.site-link', 'href'), `#/park/${d.sites[0].park.id}`, 'park link');
    eq(await page.locator('#sp-searail li').count(), d.sea_rail_routes.length, 'sea–rail routes');
    const s0 = d.sites[0];
    assert((await page.textContent('#sp-sites li.site:first-child li[data-part="partners"]')).includes(String(s0.parts.partners.evidence.suppliers)), 'suppliers nearby in words');
    // The largest of them are named, each a link to its profile.
    const named = [...s0.parts.partners.evidence.top_suppliers, ...s0.parts.partners.evidence.top_customers];
    eq(await page.locator('#sp-sites li.site:first-child li[data-part="partners"] a.partner').count(), named.length, 'partners named');
    if (named.length) eq(await page.getAttribute('#sp-sites li.site:first-child li[data-part="partners"] a.partner', 'href'), `#/enterprise/${named[0].id}`, 'a link to the partner');
    await page.waitForFunction(() => document.getElementById('sp-map').dataset.map, null, { timeout: 20000 }).catch(() => {});
    eq(await page.getAttribute('#sp-map', 'data-map'), 'ready', 'the map is drawn');
    eq(await page.locator('#sp-map .site-pin').count(), d.sites.filter((s) => s.park.lat != null).length, 'one numbered pin per site');
    eq((await page.textContent('#sp-map .site-pin[data-rank="1"]')).trim(), '1', 'pins are numbered');
    eq(stats.demo_data ? (await page.locator('.view-head .demo').textContent()).trim() : '演示数据', '演示数据', 'demo mark');
    await page.screenshot({ path: join(SHOTS, 'siteplan-1280.png'), fullPage: true });
    // The URL restores the request.
    await page.reload();
    await siteOk(page);
    eq(await page.inputValue('#sp-floor'), '5000', 'floor space restored');
    eq(await page.isChecked('#sp-log-sea_rail'), true, 'logistics restored');
    eq(await page.$$eval('#sp-sites li.site', (ls) => ls.map((l) => l.dataset.id)), d.sites.map((s) => s.park.id), 'same plan after a reload');
    // The printable page: no navigation nor form, the request, the top five with their parts, the date, the demo mark.
    await page.emulateMedia({ media: 'print' });
    assert(!(await page.locator('header.top').isVisible()) && !(await page.locator('#siteplan-form').isVisible()), 'print hides the navigation and the form');
    assert(await page.locator('#sp-request').isVisible() && await page.locator('#sp-date').isVisible(), 'print shows the request and the date');
    eq(await page.locator('#sp-sites li.site:visible').count(), Math.min(5, d.sites.length), 'top five sites printed');
    if (d.sea_rail_routes.length) assert(await page.locator('#sp-searail').isVisible(), 'sea–rail notes printed');
    if (stats.demo_data) assert(await page.locator('.print-head .demo-note').isVisible(), 'demo mark printed');
    await page.screenshot({ path: join(SHOTS, 'siteplan-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    eq((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length, 1, 'the plan prints on one A4 page');
    await page.emulateMedia({ media: 'screen' });
    // A need no single site meets: said first, every site marked with its shortfall.
    await page.fill('#sp-floor', '200000');
    await page.click('#sp-submit');
    await page.waitForFunction(() => document.getElementById('view').dataset.siteplanQuery?.includes('floor_m2=200000'), null, { timeout: 30000 });
    await siteOk(page);
    const huge = await api('/api/v1/siteplan?node=cm.crane&floor_m2=200000&budget_yuan_m2=20&logistics=port%2Csea_rail');
    assert(huge.nothing_fits, 'no site is known to have 200,000 m²');
    assert(huge.sites.every((s) => s.too_small || s.no_space || s.parts.space.value == null), 'each site is short or has not published its space');
    const firstShortHuge = huge.sites.findIndex((s) => s.too_small || s.no_space);
    assert(firstShortHuge < 0 || huge.sites.slice(firstShortHuge).every((s) => s.too_small || s.no_space), 'unknown before short');
    assert(await page.locator('#sp-nothing-fits').isVisible(), 'the notice is shown');
    assert((await page.textContent('#sp-nothing-fits')).includes(huge.message_zh), 'the notice in Chinese');
    await page.screenshot({ path: join(SHOTS, 'siteplan-nothing-fits-1280.png'), fullPage: true });
    await closePage(page, { allowProblems: true }); // the refused requests log their 400s
  });
}
