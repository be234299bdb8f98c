// Supply and demand (#/market): posting with field errors, the board and an item's matches against the API.

import { join } from 'node:path';

export default function marketTests(ctx) {
  const { test, base, SHOTS, DESKTOP, MOBILE, assert, eq, api, api2, newPage, ready, closePage, viewAttr } = ctx;

  test(200, 'market: a bad post keeps the input and shows the field error; post, board, matches = API', async () => {
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/market`);
    eq(await ready(page, 'market'), 'ok', 'board ready');
    const before = await api('/api/v1/market/items');
    eq(Number(await viewAttr(page, 'boardTotal')), before.total, 'board total = API');
    const title = `采购液压油缸 ${Date.now() % 100000} 套`;
    await page.check('#mk-kind-demand');
    await page.fill('#mk-title', title);
    await page.fill('#mk-desc', '用于起重机臂架，需高压油缸');
    await page.selectOption('#mk-node', 'cm.hydraulics');
    await page.press('#mk-title', 'Enter');
    await page.waitForFunction(() => document.getElementById('mk-form').dataset.error === 'poster');
    assert(await page.locator('[data-param="poster"] .field-error').isVisible(), 'error at the poster field');
    eq(await page.evaluate(() => document.activeElement.id), 'mk-poster', 'the field at fault has the focus');
    eq(await page.inputValue('#mk-title'), title, 'the title is kept');
    eq(await page.inputValue('#mk-node'), 'cm.hydraulics', 'the node is kept');
    await page.keyboard.type('徐州某主机厂');
    await page.fill('#mk-valid', '2020-01-01');
    await page.click('#mk-submit');
    await page.waitForFunction(() => document.getElementById('mk-form').dataset.error === 'valid_until');
    assert(await page.locator('[data-param="valid_until"] .field-error').isVisible(), 'error at the date field');
    eq(await page.locator('[data-param="poster"] .field-error:visible').count(), 0, 'the fixed field is clear');
    eq(await page.inputValue('#mk-poster'), '徐州某主机厂', 'the poster is kept');
    await page.screenshot({ path: join(SHOTS, 'market-error-1280.png'), fullPage: true });
    await page.fill('#mk-valid', '');
    await page.click('#mk-submit');
    await page.waitForFunction(() => document.getElementById('mk-form').dataset.posted && document.getElementById('view').dataset.board === 'ok');
    const id = Number(await page.getAttribute('#mk-form', 'data-posted'));
    const after = await api('/api/v1/market/items');
    eq(after.total, before.total + 1, 'one more item');
    eq(Number(await viewAttr(page, 'boardTotal')), after.total, 'the board shows it');
    eq((await page.textContent(`#mk-items li[data-id="${id}"] .mk-title`)).trim(), title, 'the new item on the board');
    eq(await page.inputValue('#mk-title'), '', 'the form is cleared after posting');
    await page.screenshot({ path: join(SHOTS, 'market-1280.png'), fullPage: true });
    // Tabs: demand only.
    await page.click('#tab-demand');
    await page.waitForFunction(() => location.hash.includes('kind=demand') && document.getElementById('view').dataset.board === 'ok');
    const dem = await api('/api/v1/market/items?kind=demand');
    eq(await page.$$eval('#mk-items li', (ls) => ls.map((l) => Number(l.dataset.id))), dem.items.map((x) => x.id), 'demand tab = API');
    eq(await page.getAttribute('#tab-demand', 'aria-current'), 'page', 'tab marked');
    // Its matches.
    await page.click(`#mk-items li[data-id="${id}"] .mk-title`);
    await page.waitForFunction((i) => location.hash === `#/market/${i}` && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), id);
    const m = await api(`/api/v1/market/items/${id}/matches?limit=20`);
    eq((await page.textContent('#mk-item-title')).trim(), title, 'item page');
    const shown = await page.$$eval('#mk-matches li.match', (ls) => ls.map((l) => [l.dataset.type, Number(l.dataset.id), Number(l.dataset.score)]));
    eq(shown, m.matches.map((x) => [x.type, (x.enterprise || x.item).id, x.score]), 'matches = API, in order');
    assert(m.matches.length > 0, 'the demand has matches');
    const m0 = m.matches[0];
    eq((await page.textContent('#mk-matches li.match:first-child .why')).includes(m0.why_zh), true, 'why text');
    eq(await page.getAttribute('#mk-matches li.match:first-child a.match-link', 'href'), m0.type === 'enterprise' ? `#/enterprise/${m0.enterprise.id}` : `#/market/${m0.item.id}`, 'match link');
    const segs = await page.$$eval('#mk-matches li.match:first-child .seg', (ss) => ss.reduce((s, x) => s + Number(x.dataset.points), 0));
    assert(Math.abs(segs - m0.score) < 0.01, `match parts add up to the score (${segs} vs ${m0.score})`);
    await page.screenshot({ path: join(SHOTS, 'market-item-1280.png'), fullPage: true });
    if (m0.type === 'enterprise') {
      await page.click('#mk-matches li.match:first-child a.match-link');
      await page.waitForFunction((i) => location.hash === `#/enterprise/${i}` && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), m0.enterprise.id);
    }
    await closePage(page, { allowProblems: true });
  });

  test(201, 'market: a demand naming no node gets its makers first, with the node inferred and whole-word reasons', async () => {
    const posted = await api2('POST', '/api/v1/market/items', {
      kind: 'demand', poster: '徐州某主机厂', title: '采购工程机械液压油缸及多路阀，年需求5000套', description: '用于装载机、挖掘机配套', region_code: '320300',
    }, 'officer1');
    eq(posted.status, 201, 'posted');
    eq(posted.json.synthetic, false, 'not demo data');
    const id = posted.json.id;
    const m = await api(`/api/v1/market/items/${id}/matches?limit=20`);
    eq(m.nodes, ['cm.hydraulics'], 'the node it buys from, inferred from the title');
    for (const x of m.matches.filter((y) => y.type === 'enterprise').slice(0, 10)) {
      assert(['same_node', 'upstream'].includes(x.relation), `a maker of what is asked: ${x.enterprise.name} (${x.relation})`);
      assert(!/[、：](掘机|载机|压油)/.test(x.why_zh), `whole words in the reasons: ${x.why_zh}`);
    }
    for (const [viewport, lang, shot] of [[DESKTOP, 'zh', 'market-inferred-1280.png'], [MOBILE, 'en', 'market-inferred-390-en.png']]) {
      const page = await newPage(viewport, lang, 'officer1');
      await page.goto(`${base}/#/market/${id}`);
      eq(await ready(page, 'market'), 'ok', 'item page ready');
      const inferred = await page.textContent('#mk-facts');
      // (The account's saved language may win over the browser's: either name will do.)
      assert(/液压件|Hydraulics/.test(inferred) && /推断|inferred/.test(inferred), `the inferred node is shown, marked as such: ${inferred}`);
      eq(await page.locator('.view-head .demo').count(), 0, 'the post itself is not marked demo');
      const first = m.matches[0];
      eq(await page.getAttribute('#mk-matches li.match:first-child', 'data-id'), String((first.enterprise || first.item).id), 'the first match = API');
      await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
      await closePage(page);
    }
    // The officer corrects the node by hand; the page and the matches follow.
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/market/${id}`);
    eq(await ready(page, 'market'), 'ok', 'item page ready');
    await page.selectOption('#mk-fix-node', 'cm.transmission-axles');
    await page.click('#mk-fix-save');
    await page.waitForFunction(() => document.getElementById('view').dataset.ready === 'ok' && document.querySelector('#mk-facts a[href*="transmission-axles"]'), null, { timeout: 20000 });
    const fixed = await api(`/api/v1/market/items/${id}/matches?limit=5`);
    eq(fixed.item.node.id, 'cm.transmission-axles', 'stored');
    eq(fixed.nodes, ['cm.transmission-axles'], 'the matches follow the corrected node');
    await closePage(page);
  });
}
