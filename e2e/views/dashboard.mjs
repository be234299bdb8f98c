// The dashboard (#/dashboard): the 2022 figures of the default data, the league, the map of the 板块, the big screen
// (大屏), and every figure opening the list of exactly the projects it counts.

import { join } from 'node:path';

export default function dashboardTests(ctx) {
  const {
    test, base, SHOTS, DESKTOP, assert, eq, digits, api, newPage, ready, closePage, viewAttr, text, viewReady,
  } = ctx;

  // The 2022 figures (here, and in the pipeline, report and 390 px tests) are the default data's: the projects
  // other tests add are signed in 2025 or later, or not at all, so they never change them.
  test(240, 'dashboard 2022-09: 566 signed = 80.9% of the 700 task, 473 in 343 = 83.6%, league, tiers, months; figures drill down', async () => {
    const d = await api('/api/v1/dashboard?month=2022-09');
    eq([d.city.signed, d.city.target_projects, d.city.completion_pct, d.city.in_system, d.city.in_system_pct], [566, 700, 80.9, 473, 83.6], 'API: the 2022 Q1–Q3 figures');
    const page = await newPage(DESKTOP, 'zh', 'leader1');
    await page.goto(`${base}/#/dashboard?month=2022-09`);
    eq(await ready(page, 'dashboard'), 'ok', 'dashboard ready');
    eq(digits(await text(page, '#dash-signed')), d.city.signed, 'signed shown');
    eq(await text(page, '#dash-completion'), '80.9%', 'completion shown as given');
    eq(digits(await text(page, '#dash-target')), d.city.target_projects, 'annual task shown');
    eq(digits(await text(page, '#dash-in-system')), d.city.in_system, '343 projects shown');
    eq(await text(page, '#dash-in-system-pct'), `${d.city.in_system_pct}%`, '343 share shown');
    eq(await text(page, '#dash-other-pct'), `${d.other_pct}%`, 'others share');
    for (const x of d.by_tier) eq(digits(await text(page, `#dash-tier-${x.key}`)), x.signed, `tier ${x.key}`);
    eq(await text(page, '#dash-through'), '2022年，数据截至 2022年9月30日', 'the day of the figures');
    // 赛马榜: the API's order, completion and change.
    const league = await page.$$eval('#dash-league tbody tr', (trs) => trs.map((tr) => ({
      key: tr.dataset.region, rank: Number(tr.dataset.rank), pct: tr.querySelector('.league-pct').textContent.trim(),
    })));
    eq(league.map((r) => [r.key, r.rank]), d.league.map((r) => [r.progress.key, r.rank]), 'league rows in the API order');
    eq(league.map((r) => r.pct), d.league.map((r) => (r.progress.completion_pct == null ? '—' : `${r.progress.completion_pct.toFixed(1)}%`)), 'league completion');
    eq(await page.locator('#dash-tiers li').count(), d.by_tier.length, 'tier bars');
    eq(await page.locator('#dash-clusters li').count(), d.by_cluster.length, 'cluster bars');
    eq(await page.locator('#dash-months tbody tr').count(), d.months.length, 'months in the chart table');
    await page.waitForSelector('#dash-months-chart canvas', { timeout: 10000 });
    eq(Number(await page.getAttribute('#dash-overdue-starts-n', 'data-count')), d.overdue_starts.length, 'overdue starts counted');
    if (d.overdue_starts.length) eq(await page.getAttribute('#dash-overdue-starts tbody tr:first-child a', 'href'), `#/project/${d.overdue_starts[0].id}`, 'an overdue start links to its project');
    eq(await page.locator('#dash-events tbody tr').count(), d.events.length, 'the year\'s events');
    await page.screenshot({ path: join(SHOTS, 'dashboard-1280.png'), fullPage: true });
    // Drill down: a 板块 of the league opens its projects signed this year; the list counts the same.
    const r0 = d.league[0];
    await page.click(`#dash-league tbody tr[data-region="${r0.progress.key}"] a.league-link`);
    await viewReady(page, 'pipeline');
    assert(page.url().includes(`region=${r0.progress.key}`) && page.url().includes('signed_from=2022-01-01') && page.url().includes('signed_to=2022-09-30'), `drill-down URL ${page.url()}`);
    eq(Number(await viewAttr(page, 'total')), r0.progress.signed, `${r0.progress.key}: the list = the league figure`);
    await page.goBack();
    await viewReady(page, 'dashboard');
    await page.click('#dash-signed');
    await viewReady(page, 'pipeline');
    eq(Number(await viewAttr(page, 'total')), d.city.signed, 'all signed this year: the list = the headline');
    await page.goBack();
    await viewReady(page, 'dashboard');
    await page.click('#dash-other');
    await viewReady(page, 'pipeline');
    eq(Number(await viewAttr(page, 'total')), d.other, 'others: the list = the figure');
    // Another month through the selector.
    await page.goto(`${base}/#/dashboard?month=2022-09`);
    await viewReady(page, 'dashboard');
    await page.selectOption('#dash-month', '2022-06');
    await page.waitForFunction(() => location.hash.includes('month=2022-06') && document.getElementById('view').dataset.through === '2022-06-30');
    const d6 = await api('/api/v1/dashboard?year=2022&month=2022-06');
    eq(digits(await text(page, '#dash-signed')), d6.city.signed, 'June: signed = API');
    eq(await text(page, '#dash-completion'), d6.city.completion_pct == null ? '—' : `${d6.city.completion_pct.toFixed(1)}%`, 'June: completion = API');
    await closePage(page);
  });

  test(250, 'dashboard map of the 板块 (page and 大屏); started, dropped and stage figures open exactly their projects', async () => {
    const d = await api('/api/v1/dashboard?month=2022-09');
    const page = await newPage(DESKTOP, 'zh', 'leader1');
    await page.goto(`${base}/#/dashboard?month=2022-09`);
    eq(await ready(page, 'dashboard'), 'ok', 'dashboard ready');
    await page.waitForFunction(() => document.getElementById('dash-map')?.dataset.state === 'ok', null, { timeout: 15000 });
    const districts = d.league.filter((r) => r.kind === 'district').length;
    const zones = d.league.filter((r) => r.kind === 'zone').length;
    eq(Number(await page.getAttribute('#dash-map', 'data-regions')), d.league.length, 'every 板块 of the league is on the map');
    eq([Number(await page.getAttribute('#dash-map', 'data-districts')), Number(await page.getAttribute('#dash-map', 'data-zones'))], [districts, zones], 'districts as areas, zones as points');
    eq(Number(await page.getAttribute('#dash-map', 'data-no-target')), d.league.filter((r) => r.progress.completion_pct == null).length, 'no-target 板块 counted');
    await page.waitForSelector('#dash-map canvas');
    await page.screenshot({ path: join(SHOTS, 'dashboard-map-1280.png') });
    // The figures without a table of their own open the list filtered the way the dashboard counts.
    for (const [id, stage] of [['#dash-started', 'started'], ['#dash-dropped', 'dropped']]) {
      await page.goto(`${base}/#/dashboard?month=2022-09`);
      await viewReady(page, 'dashboard');
      await page.click(id);
      await viewReady(page, 'pipeline');
      assert(page.url().includes(`reached=${stage}`), `${stage} drill-down URL ${page.url()}`);
      eq(Number(await viewAttr(page, 'total')), d[stage], `${stage}: the list = the figure`);
    }
    await page.goto(`${base}/#/dashboard?month=2022-09`);
    await viewReady(page, 'dashboard');
    const signedStage = d.stages.find((x) => x.stage === 'signed');
    await page.click('#dash-stages li[data-stage="signed"] a');
    await viewReady(page, 'pipeline');
    assert(page.url().includes('stage_on=2022-09-30'), `stage drill-down URL ${page.url()}`);
    eq(Number(await viewAttr(page, 'total')), signedStage.count, 'signed on 30 September: the list = the funnel');
    // The big screen carries the map too.
    await page.goto(`${base}/#/dashboard?month=2022-09&screen=1`);
    await viewReady(page, 'dashboard');
    await page.waitForFunction(() => document.getElementById('dash-map')?.dataset.state === 'ok', null, { timeout: 15000 });
    eq(Number(await page.getAttribute('#dash-map', 'data-regions')), d.league.length, '大屏: every 板块 on the map');
    await page.screenshot({ path: join(SHOTS, 'dashboard-screen-map.png') });
    await closePage(page);
  });

  test(260, 'dashboard big screen (大屏): dark, no navigation, the headline figures; leaving it restores the page', async () => {
    const d = await api('/api/v1/dashboard?month=2022-09');
    const page = await newPage({ width: 1920, height: 1080 }, 'zh', 'leader1');
    await page.goto(`${base}/#/dashboard?month=2022-09`);
    await viewReady(page, 'dashboard');
    await page.click('#dash-screen-link');
    await page.waitForFunction(() => location.hash.includes('screen=1') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset) && document.body.classList.contains('screen-mode'));
    assert(!(await page.locator('header.top').isVisible()), 'no navigation on the big screen');
    eq(digits(await text(page, '#dash-signed')), d.city.signed, 'signed');
    eq(await text(page, '#dash-completion'), '80.9%', 'completion');
    eq(digits(await text(page, '#dash-in-system')), d.city.in_system, '343 projects');
    eq(await text(page, '#dash-in-system-pct'), '83.6%', '343 share');
    eq(digits(await text(page, '#dash-late-n')), d.overdue_starts.length, 'late starts');
    eq(await page.locator('#dash-league tbody tr').count(), d.league.length, 'league');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    eq(bg, 'rgb(7, 20, 35)', 'dark background');
    await page.waitForSelector('#dash-months-chart canvas', { timeout: 10000 });
    await page.screenshot({ path: join(SHOTS, 'dashboard-screen-1920.png') });
    await page.click('#dash-screen-exit');
    await page.waitForFunction(() => !location.hash.includes('screen=1') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    assert(await page.locator('header.top').isVisible(), 'the navigation is back');
    eq(await page.evaluate(() => document.body.classList.contains('screen-mode')), false, 'screen mode left');
    await closePage(page);
  });
}
