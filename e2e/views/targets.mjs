// Annual targets (#/targets): the administrator edits and saves, the server refuses a bad row, a leader reads.

import { join } from 'node:path';

export default function targetsTests(ctx) {
  const {
    test, base, stats, tax, SHOTS, MOBILE, DESKTOP, assert, eq, api, newPage, ready, closePage, noOverflow, api2,
    text, closeExpecting,
  } = ctx;

  // Needs no 2027 targets stored before it; the work calendar test (admin, order 450) writes 2027 calendar days, not
  // targets, and puts them back.
  test(480, 'annual targets (年度任务) 2027: the administrator sets a 板块 and the city target and saves (stored, the dashboard counts against them), a negative number refused at its row with nothing stored; read only for a leader; 390 px', async () => {
    const year = 2027;
    const city = stats.home_region;
    const board = '320312';
    const tier = tax.tiers[0].id;
    const cluster = tax.clusters[0].id;
    eq((await api(`/api/v1/targets?year=${year}`)).items.length, 0, `API: no ${year} targets yet`);
    const boards = (await (await fetch(`${base}/api/v1/regions/${city}`)).json()).children.filter((c) => ['county', 'zone'].includes(c.level));
    const page = await newPage(DESKTOP, 'zh', 'admin');
    await page.goto(`${base}/#/targets?year=${year}`);
    eq(await ready(page, 'targets'), 'ok', 'the targets page');
    eq(await page.getAttribute('#nav a[aria-current="page"]', 'data-route'), 'targets', 'the navigation entry is current');
    eq(await page.getAttribute('#tg-table', 'data-mode'), 'edit', 'editable for the administrator');
    eq(await page.getAttribute('#tg-table tr.tg-city', 'data-key'), city, 'the city row under the home city\'s code');
    eq(await page.locator('#tg-table tr.tg-region').count(), boards.length, 'a row per 板块');
    eq(await page.locator('#tg-table tr.tg-tier').count(), tax.tiers.length, 'a row per tier');
    eq(await page.locator('#tg-table tr.tg-cluster').count(), tax.clusters.length, 'a row per cluster');
    eq(await page.getAttribute(`#tg-table tr.tg-region[data-key="${board}"] .tg-pct`, 'data-pct'), '', 'no completion without a target');
    assert(await page.isDisabled('#tg-save'), 'nothing to save yet');
    await page.fill(`#tg-region-${board}-projects`, '55');
    await page.fill(`#tg-city-${city}-projects`, '60');
    await page.fill(`#tg-city-${city}-amount`, '250000');
    eq(await page.$$eval('#tg-table tr[data-changed="1"]', (trs) => trs.map((tr) => `${tr.dataset.scope}:${tr.dataset.key}`)), [`city:${city}`, `region:${board}`], 'the changed rows');
    eq(await page.getAttribute('#tg-changed-n', 'data-changed'), '2', 'two rows changed');
    eq(await text(page, `#tg-city-${city}-amount-yi`), '25 亿元', 'the amount in 亿元 too');
    // The sum check: the 板块 add up to 55, the city's task is 60 — a warning, saving goes on.
    eq(await page.getAttribute('#tg-sum-projects', 'data-sum'), '55', 'the sum of the 板块');
    assert(await page.locator('#tg-sum-projects.warn').isVisible(), 'the sum differs: a warning next to the city');
    assert((await text(page, '#tg-sum-warn')).includes('60'), 'the warning names the city\'s task');
    await page.click('#tg-save');
    await page.waitForFunction(() => document.getElementById('view').dataset.saved === 'ok');
    eq([await page.getAttribute('#tg-status', 'data-inserted'), await page.getAttribute('#tg-status', 'data-updated')], ['3', '0'], 'the counts written');
    assert((await text(page, '#tg-status')).includes('新增 3 项'), 'the success note');
    const saved = await api(`/api/v1/targets?year=${year}`);
    const value = (items, scope, key, metric) => items.find((x) => x.scope === scope && x.key === key && x.metric === metric)?.value;
    eq([value(saved.items, 'region', board, 'projects'), value(saved.items, 'city', city, 'projects'), value(saved.items, 'city', city, 'amount')], [55, 60, 250000], 'API: stored');
    eq(saved.items.length, 3, 'API: only the changed values');
    const d = await api(`/api/v1/dashboard?year=${year}`);
    eq([d.city.target_projects, d.city.target_amount], [60, 250000], 'API: the dashboard counts against the new task');
    const lg = d.league.find((r) => r.progress.key === board);
    assert(lg && lg.progress.target_projects === 55, 'API: the 板块 in the league with its task');
    eq(await page.locator('#tg-table tr[data-changed]').count(), 0, 'nothing changed after saving');
    eq(await page.getAttribute(`#tg-table tr.tg-region[data-key="${board}"] .tg-pct`, 'data-pct'), String(lg.progress.completion_pct), 'the 板块 completion as the dashboard has it now');
    eq(await page.getAttribute('#tg-table tr.tg-city .tg-pct', 'data-pct'), String(d.city.completion_pct), 'the city completion as the dashboard has it now');
    // A negative number: the server refuses the PUT at that row; the valid change sent with it is not stored either.
    await page.fill(`#tg-region-${board}-amount`, '100000');
    await page.fill(`#tg-cluster-${cluster}-projects`, '-5');
    await page.click('#tg-save');
    await page.waitForFunction(() => document.getElementById('view').dataset.saved === 'error');
    eq(await page.getAttribute(`#tg-table tr.tg-cluster[data-key="${cluster}"]`, 'aria-invalid'), 'true', 'the row at fault');
    eq(await page.getAttribute(`#tg-cluster-${cluster}-projects`, 'aria-invalid'), 'true', 'its input');
    assert((await text(page, `#tg-cluster-${cluster}-error`)).includes('-5'), 'the server\'s message at the row');
    eq(await page.getAttribute(`#tg-table tr.tg-region[data-key="${board}"]`, 'aria-invalid'), null, 'the other row is not blamed');
    assert(await page.locator('#tg-save-error').isVisible(), 'the error under the table');
    eq((await api(`/api/v1/targets?year=${year}`)).items, saved.items, 'API: nothing stored');
    eq(await page.getAttribute(`#tg-table tr.tg-tier[data-key="${tier}"]`, 'data-changed'), null, 'an untouched row stays unchanged');
    await page.screenshot({ path: join(SHOTS, 'targets-error-1280.png'), fullPage: true });
    // Emptying a stored target removes it (the two refused edits are emptied too: never stored, so no change).
    await page.fill(`#tg-cluster-${cluster}-projects`, '');
    await page.fill(`#tg-region-${board}-amount`, '');
    await page.fill(`#tg-city-${city}-amount`, '');
    eq(await page.$$eval('#tg-table tr[data-changed="1"]', (trs) => trs.map((tr) => `${tr.dataset.scope}:${tr.dataset.key}`)), [`city:${city}`], 'only the emptied stored target is a change');
    await page.click('#tg-save');
    await page.waitForFunction(() => document.getElementById('view').dataset.saved === 'ok');
    eq(await page.getAttribute('#tg-status', 'data-removed'), '1', 'one target removed');
    assert((await text(page, '#tg-status')).includes('删除 1 项'), 'the note counts the removal');
    const afterRemoval = await api(`/api/v1/targets?year=${year}`);
    eq([afterRemoval.items.length, value(afterRemoval.items, 'city', city, 'amount')], [2, undefined], 'API: the city amount target is gone, the others stay');
    eq((await api(`/api/v1/dashboard?year=${year}`)).city.target_amount, null, 'API: the dashboard has no amount target');
    eq(await page.inputValue(`#tg-city-${city}-amount`), '', 'the field stays empty after the redraw');
    await closeExpecting(page, [400]);
    const phone = await newPage(MOBILE, 'zh', 'admin');
    await phone.goto(`${base}/#/targets?year=${year}`);
    eq(await ready(phone, 'targets'), 'ok', 'the targets page at 390 px');
    await noOverflow(phone, 'targets (administrator)');
    await phone.screenshot({ path: join(SHOTS, 'targets-390.png'), fullPage: true });
    await closePage(phone);
    // A leader reads the same table, without inputs; the server refuses a leader's write.
    const leader = await newPage(MOBILE, 'zh', 'leader1');
    await leader.goto(`${base}/#/targets?year=${year}`);
    eq(await ready(leader, 'targets'), 'ok', 'the targets page for a leader');
    assert(await leader.locator('#nav a[data-route="targets"]').isVisible(), 'the navigation entry for a leader');
    eq(await leader.getAttribute('#tg-table', 'data-mode'), 'read', 'read only');
    eq(await leader.locator('#view input').count(), 0, 'no inputs');
    eq(await leader.locator('#tg-save').count(), 0, 'no save button');
    eq(await text(leader, `#tg-region-${board}-projects`), '55', 'the stored value as text');
    await noOverflow(leader, 'targets (leader)');
    await leader.screenshot({ path: join(SHOTS, 'targets-leader-390.png'), fullPage: true });
    await closePage(leader);
    const refused = await api2('PUT', '/api/v1/targets', { year, items: [{ scope: 'city', key: city, metric: 'projects', value: 1 }] }, 'leader1');
    eq(refused.status, 403, 'API: a leader may not write');
  });
}
