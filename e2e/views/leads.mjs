// Investment leads (#/leads): chains, presets and weights against /api/v1/leads, the evidence, the XLSX download,
// and turning a lead into a project.

import { join } from 'node:path';

export default function leadsTests(ctx) {
  const {
    test, base, stats, tax, SHOTS, DESKTOP, waitFor, assert, eq, authFetch, api, newPage, ready, closePage, text,
    closeExpecting, viewReady,
  } = ctx;

  const leadRows = (page) => page.$$eval('#leads-table tbody tr[data-id]', (trs) => trs.map((tr) => ({
    id: Number(tr.dataset.id), score: Number(tr.dataset.score), name: tr.querySelector('td.name a').textContent.trim(),
    shown: Number(tr.querySelector('.score-num').textContent.replace(/[^\d.]/g, '')),
    points: [...tr.querySelectorAll('.seg')].reduce((s, x) => s + Number(x.dataset.points), 0),
  })));
  /** Wait until the leads view shows a list and `cond` holds: 'any', or the hash / the API query does or does not hold `arg`. */
  const leadsOk = (page, cond = 'any', arg = '') => page.waitForFunction(([c, a]) => {
    const v = document.getElementById('view');
    if (!(v.dataset.view === 'leads' && v.dataset.ready === 'ok' && v.dataset.hash === location.hash && v.dataset.leads === 'ok')) return false;
    if (c === 'hash') return location.hash.includes(a);
    if (c === 'nohash') return !location.hash.includes(a);
    if (c === 'query') return (v.dataset.leadsQuery || '').includes(a);
    return true;
  }, [cond, arg], { timeout: 30000 });
  const sameLeads = async (page, query, what, n = 10) => {
    const d = await api(`/api/v1/leads?${query}`);
    const rows = await leadRows(page);
    eq(rows.length, d.leads.length, `${what}: rows = API leads`);
    eq(rows.slice(0, n).map((r) => [r.id, r.name, r.score]), d.leads.slice(0, n).map((l) => [l.id, l.name, l.score]), `${what}: first names and scores`);
    for (const r of rows.slice(0, n)) {
      assert(Math.abs(r.shown - r.score) <= 0.051, `${what}: score shown ${r.shown} for ${r.score}`);
      assert(Math.abs(r.points - r.score) < 0.01, `${what}: the stacked parts add up to the score (${r.points} vs ${r.score})`);
    }
    return d;
  };

  test(180, 'leads: choose a chain, switch preset, table = API, evidence, weights kept per preset, XLSX download', async () => {
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/leads`);
    eq(await ready(page, 'leads'), 'ok', 'leads ready');
    await leadsOk(page);
    const first = tax.chains[0].id;
    assert(page.url().includes(`chain=${first}`) && page.url().includes('preset=gap_filling'), `default chain and preset in the URL: ${page.url()}`);
    // Choose another chain.
    const chain = tax.chains.find((c) => c.id !== first).id;
    await page.selectOption('#leads-chain', chain);
    await leadsOk(page, 'hash', `chain=${chain}`);
    let d = await sameLeads(page, `chain=${chain}&preset=gap_filling&limit=50`, 'gap filling');
    eq(await page.getAttribute('#preset-gap_filling', 'aria-pressed'), 'true', 'preset pressed');
    if (stats.demo_data) eq((await page.locator('.view-head .demo').textContent()).trim(), '演示数据', 'demo mark');
    eq((await page.textContent('#leads-rule-text')).trim(), d.rule_zh, 'rule text');
    // Switch the preset: the sliders start at its weights.
    await page.click('#preset-strengthening');
    await leadsOk(page, 'hash', 'preset=strengthening');
    d = await sameLeads(page, `chain=${chain}&preset=strengthening&limit=50`, 'strengthening');
    for (const [k, w] of Object.entries(d.weights)) eq(Number(await page.inputValue(`#w-${k}`)), w, `slider ${k} = preset weight`);
    eq(await page.getAttribute('#preset-strengthening', 'aria-pressed'), 'true', 'the new preset is pressed');
    // The evidence of the first lead, in words; "turn into a project" is there (tried at the end, with the pipeline).
    const top = d.leads[0];
    await page.click('#leads-table tbody tr[data-id] .ev-toggle');
    const ev = page.locator(`#lead-ev-${top.id}`);
    assert(await ev.isVisible(), 'evidence row opens');
    eq(await ev.locator('li[data-part]').count(), 6, 'six parts explained');
    if (top.parts.gap.evidence.label_zh) assert((await ev.locator('li[data-part="gap"]').textContent()).includes(top.parts.gap.evidence.label_zh), 'gap class in words');
    if (top.parts.supply.evidence.local_enterprises_adjacent != null) {
      assert((await ev.locator('li[data-part="supply"]').textContent()).includes(top.parts.supply.evidence.local_enterprises_adjacent.toLocaleString('zh-CN')), 'adjacent local enterprises');
    }
    eq(await ev.locator('.to-project').getAttribute('aria-disabled'), null, 'turn into a project is enabled (tested with the pipeline)');
    await ev.locator('.to-project').focus();
    assert(await ev.locator('.tip').isVisible(), 'its tooltip shows on focus');
    eq(await page.getAttribute('#leads-table tbody tr[data-id] td.name a', 'href'), `#/enterprise/${top.id}`, 'name links to the profile');
    // XLSX: the same query.
    const href = await page.getAttribute('#leads-xlsx', 'href');
    eq(href, `/api/v1/leads?chain=${chain}&preset=strengthening&limit=50&format=xlsx`, 'XLSX link');
    eq((await fetch(base + href)).status, 401, 'XLSX: signed out, refused');
    const x = await authFetch(href, { as: 'officer1' });
    eq(x.status, 200, 'XLSX status');
    const bytes = Buffer.from(await x.arrayBuffer());
    eq(bytes.subarray(0, 2).toString('latin1'), 'PK', 'XLSX is a zip');
    await page.screenshot({ path: join(SHOTS, 'leads-1280.png'), fullPage: true });
    // Keyboard on a slider: the weight goes to the URL, the list follows the API, and the preset keeps it.
    await page.focus('#w-scale');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const w = d.weights.scale + 1;
    await leadsOk(page, 'query', `w_scale=${w}`);
    assert(page.url().includes(`w_scale=${w}`), 'weight in the URL');
    const custom = Object.entries({ ...d.weights, scale: w }).map(([k, v]) => `w_${k}=${v}`).join('&');
    await sameLeads(page, `chain=${chain}&preset=strengthening&${custom}&limit=50`, 'custom weights');
    // The page saves them in the background: stored before the reload (which would cut the request off).
    await waitFor(async () => (await (await authFetch('/api/v1/auth/preferences', { as: 'officer1' })).json()).leads_weights?.strengthening?.scale === w, 15000, 'the weights stored with the account');
    await page.goto(`${base}/#/leads?chain=${chain}&preset=strengthening`);
    await page.reload();
    await leadsOk(page);
    eq(Number(await page.inputValue('#w-scale')), w, 'the last weights of this preset come back');
    assert(page.url().includes(`w_scale=${w}`), 'and are written to the URL');
    // They are kept with the account (so on any browser the officer signs in from), not in this browser only.
    const prefs = await (await authFetch('/api/v1/auth/preferences', { as: 'officer1' })).json();
    eq(prefs.leads_weights && prefs.leads_weights.strengthening && prefs.leads_weights.strengthening.scale, w, 'weights saved with the account');
    const other = await newPage(DESKTOP, 'zh', 'officer1');
    await other.goto(`${base}/#/leads?chain=${chain}&preset=strengthening`);
    await leadsOk(other);
    eq(Number(await other.inputValue('#w-scale')), w, 'another browser page of the same account gets them');
    await closePage(other);
    await page.click('#preset-gap_filling');
    await leadsOk(page, 'hash', 'preset=gap_filling');
    assert(!page.url().includes('w_scale'), 'another preset starts at its own weights');
    await page.click('#preset-strengthening');
    await leadsOk(page, 'hash', 'preset=strengthening');
    await page.click('#leads-reset-weights');
    await leadsOk(page, 'nohash', 'w_scale');
    eq(Number(await page.inputValue('#w-scale')), d.weights.scale, 'back to the preset');
    // English.
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await leadsOk(page);
    eq((await page.textContent('#view h1')).trim(), 'Investment leads', 'English heading');
    const rows = await leadRows(page);
    eq(rows[0].name, d.leads[0].name_en || d.leads[0].name, 'English name');
    if (stats.demo_data) eq((await page.locator('.view-head .demo').textContent()).trim(), 'Demo data', 'demo mark in English');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await closePage(page);
  });

  test(181, 'leads: 产业链 工程机械 → 环节 液压件 narrows the list, the count and the export to hydraulics makers; leaders named', async () => {
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/leads?chain=cm&preset=gap_filling`);
    eq(await ready(page, 'leads'), 'ok', 'leads ready');
    await leadsOk(page, 'hash', 'chain=cm');
    const all = await api('/api/v1/leads?chain=cm&preset=gap_filling&limit=50');
    await page.selectOption('#leads-node', 'cm.hydraulics');
    await leadsOk(page, 'hash', 'node=cm.hydraulics');
    const q = (await page.evaluate(() => document.getElementById('view').dataset.leadsQuery)) || '';
    const d = await sameLeads(page, q, 'hydraulics');
    assert(d.leads.length > 0 && d.leads.every((l) => l.node.id === 'cm.hydraulics'), 'every lead is a hydraulics maker');
    assert(d.candidates < all.candidates, `fewer candidates than the whole chain (${d.candidates} < ${all.candidates})`);
    const nodeAlone = await api('/api/v1/leads?node=cm.hydraulics&preset=gap_filling&limit=50');
    eq(d.candidates, nodeAlone.candidates, 'chain and node = the node alone');
    const cells = await page.$$eval('#leads-table tbody tr[data-id] td.c-node', (tds) => tds.map((td) => td.textContent.trim()));
    assert(cells.length > 0 && cells.every((c) => c.startsWith('液压件')), `the node column: ${cells.slice(0, 3)}`);
    // The export is the same narrowed list.
    const href = await page.getAttribute('#leads-xlsx', 'href');
    assert(href.includes('node=cm.hydraulics'), `XLSX link narrowed: ${href}`);
    eq((await authFetch(href, { as: 'officer1' })).status, 200, 'XLSX');
    // The supply part names the leaders next door, each a link to its profile.
    const withLeaders = d.leads.find((l) => (l.parts.supply.evidence.leaders || []).length);
    if (withLeaders) {
      await page.click(`#leads-table tbody tr[data-id="${withLeaders.id}"] .ev-toggle`);
      const named = page.locator(`#lead-ev-${withLeaders.id} li[data-part="supply"] .ev-leaders a`);
      eq(await named.count(), withLeaders.parts.supply.evidence.leaders.length, 'every leader named');
      eq(await named.first().getAttribute('href'), `#/enterprise/${withLeaders.parts.supply.evidence.leaders[0].id}`, 'a link to the leader');
    }
    await page.screenshot({ path: join(SHOTS, 'leads-hydraulics-1280.png'), fullPage: true });
    await closePage(page);
  });

  // Needs the top big_anchors lead of cm to be outside the pipeline: no earlier test turns a lead into a project.
  test(330, 'leads: 转为项目 creates a project at 线索 from the lead and links to it; a second time it is already in the pipeline', async () => {
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/leads?chain=cm&preset=big_anchors`);
    await leadsOk(page);
    const d = await api('/api/v1/leads?chain=cm&preset=big_anchors&limit=50');
    const lead = d.leads[0];
    await page.click(`#leads-table tbody tr[data-id="${lead.id}"] .ev-toggle`);
    const ev = page.locator(`#lead-ev-${lead.id}`);
    eq(await ev.locator('.to-project').getAttribute('aria-disabled'), null, 'turn into a project is enabled');
    await ev.locator('.to-project').click();
    const form = ev.locator('form.to-project-form');
    assert(await form.isVisible(), 'the small form opens');
    await form.locator('select[name="region_code"]').selectOption('320312');
    await form.locator('input[name="officer"]').fill('招商专员乙');
    await form.locator('button[type="submit"]').click();
    await page.waitForFunction((i) => document.querySelector(`#lead-ev-${i} form`).dataset.created, lead.id);
    const pid = await form.getAttribute('data-created');
    const link = form.locator('a.to-project-link');
    eq(await link.getAttribute('href'), `#/project/${pid}`, 'a link to the new project');
    const p = await api(`/api/v1/projects/${pid}`);
    eq([p.name, p.stage, p.region.code, p.officer, p.channel, p.investor], [`${lead.name}项目`, 'lead', '320312', '招商专员乙', 'chain', lead.name], 'API: the project from the lead');
    if (lead.node) eq(p.class.node && p.class.node.id, lead.node.id, 'the lead\'s node');
    eq(p.history[0].by, 'officer1', 'created by the signed-in officer');
    eq(await form.locator('button[type="submit"]').isDisabled(), true, 'one project per lead');
    await page.screenshot({ path: join(SHOTS, 'leads-to-project-1280.png') });
    await link.click();
    await viewReady(page, 'project');
    eq(await text(page, '#pj-name'), `${lead.name}项目`, 'the project opens');
    // Listed again with the leads already in the pipeline: the server refuses a second project.
    await waitFor(async () => (await api('/api/v1/leads?chain=cm&preset=big_anchors&include_marked=true&limit=50')).leads.some((l) => l.id === lead.id && l.in_pipeline), 15000, 'the lead marked in the pipeline');
    await page.goto(`${base}/#/leads?chain=cm&preset=big_anchors&include_marked=true`);
    await leadsOk(page);
    const row = page.locator(`#leads-table tbody tr[data-id="${lead.id}"]`);
    assert(await row.locator('.badge').first().isVisible(), 'marked as in the pipeline');
    await row.locator('.ev-toggle').click();
    await ev.locator('.to-project').click();
    await form.locator('select[name="region_code"]').selectOption('320312');
    await form.locator('button[type="submit"]').click();
    await page.waitForFunction((i) => document.querySelector(`#lead-ev-${i} form`).dataset.error === 'already_in_pipeline', lead.id);
    assert((await form.locator('.form-error').textContent()).includes(lead.name), 'the server\'s message names the enterprise');
    assert(await form.locator('.form-error').isVisible(), 'shown in the form');
    await closeExpecting(page, [409]);
  });
}
