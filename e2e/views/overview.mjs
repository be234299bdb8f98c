// The overview (#/overview): the cluster cards against /api/v1/stats, and its figures as links to the records they count.

import { join } from 'node:path';

export default function overviewTests(ctx) {
  const { test, base, stats, tax, SHOTS, DESKTOP, assert, eq, digits, newPage, ready, closePage } = ctx;

  test(20, 'overview: ten cluster cards in three tiers with the API counts, demo mark, fair and Q1–Q3', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    eq(await ready(page, 'overview'), 'ok', 'overview ready');
    assert(page.url().endsWith('#/overview'), `redirected to #/overview, got ${page.url()}`);
    eq(await page.getAttribute('html', 'lang'), 'zh-CN', 'Chinese by default');
    const clusters = stats.tiers.flatMap((t) => t.clusters);
    eq(clusters.length, 10, 'the API has ten clusters');
    eq(await page.locator('.card').count(), clusters.length, 'one card per cluster');
    eq(await page.locator('section.tier').count(), stats.tiers.length, 'one section per tier');
    for (const cl of clusters) {
      const card = page.locator(`.card[data-cluster="${cl.id}"]`);
      eq(digits(await card.locator('.n-ent').textContent()), cl.enterprises, `${cl.id} enterprises`);
      eq(digits(await card.locator('.n-local').textContent()), cl.local_enterprises, `${cl.id} local`);
      eq(digits(await card.locator('.n-proj').textContent()), cl.projects, `${cl.id} projects`);
    }
    for (const tier of tax.tiers) {
      const border = await page.locator(`section.tier[data-tier="${tier.id}"] .card`).first()
        .evaluate((el) => getComputedStyle(el).borderTopColor);
      const hex = tier.color.replace('#', '');
      const rgb = `rgb(${parseInt(hex.slice(0, 2), 16)}, ${parseInt(hex.slice(2, 4), 16)}, ${parseInt(hex.slice(4, 6), 16)})`;
      eq(border, rgb, `${tier.id} cards use the tier colour`);
    }
    eq(await page.locator('.demo').count(), stats.demo_data ? 1 : 0, 'demo mark');
    if (stats.demo_data) eq((await page.locator('.demo').textContent()).trim(), '演示数据', 'demo mark text');
    const fair = stats.events.find((e) => e.kind === 'fair' && e.date.startsWith('2022'));
    if (fair) assert((await page.locator('#fair').textContent()).includes(String(fair.signed)), 'fair: signed projects shown');
    const y = stats.years.find((x) => x.year === 2022);
    const q = y && y.cumulative.find((c) => c.through === 'Q1-Q3');
    if (q) assert((await page.locator('#q13').textContent()).includes(String(q.signed)), 'Q1–Q3: signed shown');
    await page.screenshot({ path: join(SHOTS, 'overview-zh-390.png'), fullPage: true });
    // Keyboard: the first Tab reaches the skip link, the next ones the navigation.
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.className), 'skip', 'first Tab stop');
    await closePage(page);
  });

  test(100, 'overview figures link to the records they count', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/overview`);
    await ready(page, 'overview');
    const cl = stats.tiers.flatMap((t) => t.clusters)[1];
    await page.click(`.card[data-cluster="${cl.id}"] .n-ent a`);
    await page.waitForFunction(() => location.hash.startsWith('#/list') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), cl.enterprises, `${cl.id}: list total = card figure`);
    await page.goBack();
    await ready(page, 'overview');
    await page.click(`.card[data-cluster="${cl.id}"] .n-local a`);
    await page.waitForFunction(() => location.hash.includes('local=true') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), cl.local_enterprises, `${cl.id}: local figure`);
    await page.goBack();
    await ready(page, 'overview');
    await page.click(`.card[data-cluster="${cl.id}"] .n-leaders`);
    await page.waitForFunction(() => location.hash.includes('flags=chain_leader') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), cl.local_chain_leaders, `${cl.id}: local chain leaders`);
    await page.goBack();
    await ready(page, 'overview');
    await page.click('#ov-enterprises');
    await page.waitForFunction(() => location.hash === '#/list' && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#list-total', 'data-total')), stats.counts.enterprises, 'all enterprises');
    await closePage(page);
  });
}
