// The project pipeline (#/pipeline): board counts, table filters, sorting, pages and XLSX against /api/v1/projects,
// and an officer's own 板块.

import { join } from 'node:path';

export default function pipelineTests(ctx) {
  const {
    test, base, SHOTS, DESKTOP, assert, eq, authFetch, api, newPage, ready, closePage, viewAttr, viewReady,
  } = ctx;

  test(280, 'pipeline: board counts per stage = API, table filters, sorting and pages = API, XLSX of the same query', async () => {
    const page = await newPage(DESKTOP, 'zh', 'admin');
    await page.goto(`${base}/#/pipeline`);
    eq(await ready(page, 'pipeline'), 'ok', 'board ready');
    const all = await api('/api/v1/projects?limit=1');
    eq(Number(await viewAttr(page, 'total')), all.total, 'total');
    for (const s of all.stages) {
      eq(Number(await page.getAttribute(`.pl-col[data-stage="${s.stage}"] .pl-count`, 'data-count')), s.count, `${s.stage} count`);
      if (s.stage !== 'dropped') eq(await page.locator(`.pl-col[data-stage="${s.stage}"] .pl-card`).count(), Math.min(8, s.count), `${s.stage} cards`);
    }
    const lead = await api('/api/v1/projects?stage=lead&limit=8');
    eq(await page.$$eval('.pl-col[data-stage="lead"] .pl-card', (ls) => ls.map((l) => l.dataset.id)), lead.items.map((p) => p.id), 'lead cards = API, latest first');
    await page.click('#pl-dropped summary');
    await page.waitForFunction(() => document.querySelectorAll('#pl-dropped .pl-card').length > 0);
    await page.screenshot({ path: join(SHOTS, 'pipeline-board-1280.png'), fullPage: true });
    // A filter on the board: the counts follow.
    await page.selectOption('#pl-region', '320312');
    await page.waitForFunction(() => location.hash.includes('region=320312') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const ts = await api('/api/v1/projects?region=320312&limit=1');
    for (const s of ts.stages) eq(Number(await page.getAttribute(`.pl-col[data-stage="${s.stage}"] .pl-count`, 'data-count')), s.count, `Tongshan ${s.stage}`);
    // The table.
    await page.click('#pl-view-table');
    await page.waitForFunction(() => location.hash.includes('view=table') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const rows = () => page.$$eval('#pl-table tbody tr', (trs) => trs.map((tr) => tr.dataset.id));
    let d = await api('/api/v1/projects?region=320312&limit=50');
    eq(Number(await viewAttr(page, 'total')), d.total, 'table total');
    eq(await rows(page), d.items.map((p) => p.id), 'rows = API');
    await page.selectOption('#pl-other', 'true');
    await page.waitForFunction(() => location.hash.includes('other=true') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    d = await api('/api/v1/projects?region=320312&other=true&limit=50');
    eq(Number(await viewAttr(page, 'total')), d.total, 'others in Tongshan');
    await page.selectOption('#pl-band', '3-10');
    await page.waitForFunction(() => location.hash.includes('band=3-10') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    d = await api('/api/v1/projects?region=320312&other=true&band=3-10&limit=50');
    eq(Number(await viewAttr(page, 'total')), d.total, 'and 3–10亿');
    await page.click('th button[data-sort="amount"]');
    await page.waitForFunction(() => location.hash.includes('sort=amount') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    d = await api('/api/v1/projects?region=320312&other=true&band=3-10&sort=amount&limit=50');
    eq(await rows(page), d.items.map((p) => p.id), 'sorted by amount');
    eq(await page.getAttribute('th[aria-sort="descending"] button', 'data-sort'), 'amount', 'aria-sort');
    const href = await page.getAttribute('#pl-xlsx', 'href');
    eq(href, '/api/v1/projects?region=320312&other=true&band=3-10&sort=amount&format=xlsx', 'XLSX link = the same query');
    const x = await authFetch(href);
    eq(x.status, 200, 'XLSX responds');
    eq(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX content type');
    // Text and signing dates, then pages; a reload restores everything.
    await page.goto(`${base}/#/pipeline?view=table&signed_from=2022-01-01&signed_to=2022-09-30`);
    await viewReady(page, 'pipeline');
    eq(Number(await viewAttr(page, 'total')), 566, 'signed in 2022 Q1–Q3 = the dashboard');
    await page.click('#pl-pager a[data-page="next"]');
    await page.waitForFunction(() => location.hash.includes('offset=50') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    d = await api('/api/v1/projects?signed_from=2022-01-01&signed_to=2022-09-30&limit=50&offset=50');
    eq(await rows(page), d.items.map((p) => p.id), 'second page');
    await page.fill('#pl-q', '光伏');
    await page.press('#pl-q', 'Enter');
    await page.waitForFunction(() => location.hash.includes('q=') && !location.hash.includes('offset=') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    d = await api(`/api/v1/projects?q=${encodeURIComponent('光伏')}&signed_from=2022-01-01&signed_to=2022-09-30&limit=50`);
    eq(Number(await viewAttr(page, 'total')), d.total, 'text filter total');
    await page.reload();
    await viewReady(page, 'pipeline');
    eq(await page.inputValue('#pl-q'), '光伏', 'text restored');
    eq(await page.inputValue('#pl-from'), '2022-01-01', 'date restored');
    eq(Number(await viewAttr(page, 'total')), d.total, 'total after a reload');
    await page.screenshot({ path: join(SHOTS, 'pipeline-table-1280.png'), fullPage: true });
    await page.check('#pl-overdue');
    await page.waitForFunction(() => location.hash.includes('overdue=true') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    d = await api(`/api/v1/projects?q=${encodeURIComponent('光伏')}&signed_from=2022-01-01&signed_to=2022-09-30&overdue=true&limit=50`);
    eq(Number(await viewAttr(page, 'total')), d.total, 'overdue only');
    await closePage(page);
  });

  test(290, 'pipeline for an officer: the late projects of their 板块 on the navigation, and 只看我负责的板块 = API', async () => {
    const late = await api('/api/v1/projects?mine=true&overdue=true&limit=1', 'officer1');
    const mine = await api('/api/v1/projects?mine=true&limit=1', 'officer1');
    const all = await api('/api/v1/projects?limit=1', 'officer1');
    assert(mine.total > 0 && mine.total < all.total, 'API: the officer\'s 板块 are part of the pipeline');
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/pipeline?view=table`);
    await viewReady(page, 'pipeline');
    if (late.total > 0) {
      await page.waitForSelector('#nav-late');
      eq(await page.getAttribute('#nav-late', 'data-total'), String(late.total), 'the navigation counts the late projects of the officer\'s 板块');
    } else {
      eq(await page.locator('#nav-late').count(), 0, 'no badge without late projects');
    }
    await page.click('#pl-mine');
    await page.waitForFunction(() => location.hash.includes('mine=true') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await viewAttr(page, 'total')), mine.total, 'the filter = API');
    const ids = await page.$$eval('#pl-table tbody tr', (trs) => trs.map((tr) => tr.dataset.id));
    const first = await api(`/api/v1/projects?mine=true&limit=50`, 'officer1');
    eq(ids, first.items.map((x) => x.id), 'the rows = API');
    assert(first.items.every((x) => ['320312', '320303'].includes(x.region.code)), 'API: only 铜山区 and 云龙区');
    await page.click('#pl-overdue');
    await page.waitForFunction(() => location.hash.includes('overdue=true') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await viewAttr(page, 'total')), late.total, 'late in my 板块 = the badge');
    await closePage(page);
  });
}
