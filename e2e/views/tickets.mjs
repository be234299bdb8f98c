// Service requests (#/tickets, #/ticket/<id>): filing, routing, the department's work, ratings, returns and
// re-routing, and user text shown as text.

import { join } from 'node:path';

export default function ticketsTests(ctx) {
  const {
    test, base, USERS, SHOTS, DESKTOP, assert, eq, api, newPage, ready, closePage, viewAttr, api2, uniq, text,
    closeExpecting, viewReady, pageFetch, ticketReady, waitState, timeline, fileRequest, shared,
  } = ctx;

  test(370, 'an officer files a request for an enterprise from its profile; an enterprise posts on the market for itself', async () => {
    const off = await newPage(DESKTOP, 'zh', 'officer1');
    await off.goto(`${base}/#/enterprise/${USERS.ent1.enterprise}`);
    await viewReady(off, 'enterprise');
    await off.click('#ent-file-ticket');
    await off.waitForFunction(() => location.hash.startsWith('#/tickets') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    assert(await off.locator('#tk-new-details').evaluate((d) => d.open), 'the form is open');
    eq(await off.inputValue('#tk-new-enterprise'), String(USERS.ent1.enterprise), 'the enterprise filled in');
    await off.waitForFunction((n) => document.getElementById('tk-new-enterprise-name').textContent.includes(n), USERS.ent1.enterpriseName);
    await off.selectOption('#tk-new-category', 'labour');
    await off.fill('#tk-new-desc', `招聘数控技工 20 名，请协助对接职业院校 ${uniq()}`);
    await off.click('#tk-new-submit');
    await off.waitForFunction(() => location.hash.startsWith('#/ticket/') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const id = decodeURIComponent(off.url().split('#/ticket/')[1]);
    const tk = await api(`/api/v1/tickets/${id}`);
    eq([tk.enterprise_id, tk.region_code, tk.department, tk.events[0].actor], [USERS.ent1.enterprise, '320312', 'hrss', 'officer1'], 'API: filed by the officer for the enterprise');
    // An enterprise outside the officer's 板块: refused at the field.
    await off.goto(`${base}/#/tickets?new=1&enterprise=1`);
    await viewReady(off, 'tickets');
    await off.selectOption('#tk-new-category', 'labour');
    await off.fill('#tk-new-desc', '越权测试');
    await off.click('#tk-new-submit');
    await off.waitForFunction(() => document.getElementById('tk-new-form').dataset.error === 'region_code');
    assert(await off.locator('#tk-new-form [data-param="region_code"] .field-error').isVisible(), 'not one of the officer\'s 板块');
    await closeExpecting(off, [403]);
    const ent = await newPage(DESKTOP, 'zh', 'ent1');
    await ent.goto(`${base}/#/market`);
    await viewReady(ent, 'market');
    eq(await ent.inputValue('#mk-poster'), USERS.ent1.enterpriseName, 'the enterprise\'s name as poster');
    eq(await ent.inputValue('#mk-enterprise'), String(USERS.ent1.enterprise), 'its id');
    const title = `供应钣金件 ${uniq()}`;
    await ent.check('#mk-kind-supply');
    await ent.fill('#mk-title', title);
    await ent.click('#mk-submit');
    await ent.waitForFunction(() => document.getElementById('mk-form').dataset.posted && document.getElementById('view').dataset.board === 'ok');
    const item = await api(`/api/v1/market/items/${await ent.getAttribute('#mk-form', 'data-posted')}`);
    eq([item.title, item.enterprise_id, item.poster], [title, USERS.ent1.enterprise, USERS.ent1.enterpriseName], 'API: posted for the enterprise');
    await closePage(ent);
  });

  // Leaves the id of its request in shared.loopTicket for the 390 px sweep of the signed-in views (mobile, order 460).
  test(380, 'request loop: the enterprise files → routed to the department → 签收, 延期, 答复 → 不满意 → 答复 again (after a conflict) → 满意, closed; timeline with actors; the service dashboard counts it', async () => {
    const ent = await newPage(DESKTOP, 'zh', 'ent1');
    await ent.goto(`${base}/#/tickets`);
    eq(await ready(ent, 'tickets'), 'ok', 'the enterprise\'s requests');
    assert(await ent.locator('#tk-new-details').evaluate((d) => d.open), 'the form is open for an enterprise');
    await ent.selectOption('#tk-new-category', 'land');
    const desc = `扩建厂房需新增工业用地约 30 亩，请协助办理用地预审 ${uniq()}`;
    await ent.fill('#tk-new-desc', desc);
    await ent.setInputFiles('#tk-new-files', [{ name: '厂区规划图.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(2048, 1) }]);
    eq(await ent.locator('#tk-new-files-list li').count(), 1, 'the attachment listed');
    assert((await text(ent, '#tk-new-files-list li')).includes('2 KB'), 'its size');
    await ent.screenshot({ path: join(SHOTS, 'ticket-new-1280.png'), fullPage: true });
    await ent.click('#tk-new-submit');
    await ent.waitForFunction(() => location.hash.startsWith('#/ticket/') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), null, { timeout: 30000 });
    const id = decodeURIComponent(ent.url().split('#/ticket/')[1]);
    shared.loopTicket = id;
    let tk = await api(`/api/v1/tickets/${id}`);
    eq([tk.state, tk.department, tk.enterprise_id, tk.description], ['dispatched', 'nrp', USERS.ent1.enterprise, desc], 'API: filed and dispatched at once');
    eq(tk.attachments.map((a) => [a.name, a.size_bytes, a.mime]), [['厂区规划图.pdf', 2048, 'application/pdf']], 'API: the attachment\'s metadata only');
    eq(await ent.getAttribute('#tk-state', 'data-state'), 'dispatched', 'page: dispatched');
    eq(await ent.getAttribute('#tk-department', 'data-department'), 'nrp', 'page: routed to the natural-resources bureau');
    assert(await ent.locator('#tk-no-actions').isVisible(), 'nothing for the enterprise to do yet');
    // The department sees it, accepts it, asks for an extension and answers.
    const dept = await newPage(DESKTOP, 'zh', 'dept_nrp');
    await dept.goto(`${base}/#/tickets`);
    await viewReady(dept, 'tickets');
    assert(await dept.locator(`#tk-table tr[data-id="${id}"]`).count() === 1, 'in the department\'s list');
    // 待办: the navigation counts what waits for the bureau; the new request is marked 待我签收, and the filter keeps
    // exactly the API's to-do list.
    const todo0 = await api('/api/v1/tickets/todo', 'dept_nrp');
    assert(todo0.steps.accept >= 1, 'API: at least this request to accept');
    await dept.waitForSelector('#nav-todo');
    eq(await dept.getAttribute('#nav-todo', 'data-total'), String(todo0.total), 'the navigation badge = API to-do total');
    eq(await dept.getAttribute(`#tk-table tr[data-id="${id}"] .todo-badge`, 'data-waiting'), 'accept', 'marked 待我签收');
    eq(await text(dept, `#tk-table tr[data-id="${id}"] .todo-badge`), '待我签收', 'in words');
    await dept.click('#tk-f-todo');
    await dept.waitForFunction(() => location.hash.includes('todo=true') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const mine = await api('/api/v1/tickets?todo=true', 'dept_nrp');
    eq(Number(await viewAttr(dept, 'total')), mine.total, 'the to-do filter = API');
    eq(mine.total, todo0.total, 'API: the to-do list has as many as the count');
    eq(await dept.locator('#tk-table tbody tr:not(:has(.todo-badge))').count(), 0, 'every row waits for the bureau');
    await dept.click(`#tk-table tr[data-id="${id}"] a.tk-link`);
    await ticketReady(dept, id);
    await dept.click('#tk-accept');
    await waitState(dept, 'working');
    // After 签收 it waits for the answer: the badge is read again.
    const todo1 = await api('/api/v1/tickets/todo', 'dept_nrp');
    eq([todo1.steps.accept, todo1.steps.answer], [todo0.steps.accept - 1, todo0.steps.answer + 1], 'API: from to-accept to to-answer');
    await dept.waitForFunction(([n, a]) => ((d) => d && d.total === String(n) && d.answer === String(a))(document.getElementById('nav-todo')?.dataset), [todo1.total, todo1.steps.answer]);
    tk = await api(`/api/v1/tickets/${id}`);
    eq(await dept.getAttribute('#tk-deadline', 'data-deadline'), tk.deadline, 'the deadline set at acceptance');
    assert(Number(await dept.getAttribute('#tk-deadline .tk-dl-left', 'data-left')) > 0, 'working days left shown');
    const first = tk.deadline;
    await dept.fill('#tk-extend-reason', '需等待规划调整批复');
    await dept.fill('#tk-extend-days', '3');
    await dept.click('#tk-extend');
    await dept.waitForFunction(() => document.getElementById('view').dataset.lastAction === 'extend' && document.getElementById('view').dataset.lastWrite === 'ok');
    tk = await api(`/api/v1/tickets/${id}`);
    assert(tk.extended && tk.deadline > first, `API: extended from ${first} to ${tk.deadline}`);
    eq(await dept.locator('#tk-extend-form').count(), 0, 'one extension only');
    await dept.fill('#tk-answer-text', '已安排现场踏勘，用地纳入下一批次供地计划。');
    await dept.click('#tk-answer');
    await waitState(dept, 'answered');
    // 不满意: back to the department.
    await ent.reload();
    await ticketReady(ent, id);
    assert(await ent.locator('#tk-rate-form').isVisible(), 'the enterprise may rate');
    await ent.check('#tk-rate-dissatisfied');
    await ent.fill('#tk-rate-comment', '未明确供地时间');
    await ent.click('#tk-rate');
    await waitState(ent, 'working');
    eq((await api(`/api/v1/tickets/${id}`)).reopens, 1, 'API: sent back once');
    // The department answers again; meanwhile an administrator urges it: a conflict, the answer is kept.
    await dept.reload();
    await ticketReady(dept, id);
    const answer2 = '已明确：下月 15 日前完成挂牌出让。';
    await dept.fill('#tk-answer-text', answer2);
    const version = Number(await viewAttr(dept, 'version'));
    const urged = await api2('POST', `/api/v1/tickets/${id}/actions`, { version, action: 'urge', note: '请加快办理' });
    eq(urged.status, 200, 'urged meanwhile');
    await dept.click('#tk-answer');
    await dept.waitForSelector('#tk-conflict');
    eq(await viewAttr(dept, 'lastWrite'), 'version_conflict', 'a conflict');
    assert((await text(dept, '#tk-conflict')).includes('诉求已被他人更新'), 'the bilingual conflict message');
    await dept.screenshot({ path: join(SHOTS, 'ticket-conflict-1280.png'), fullPage: true });
    await dept.click('#tk-conflict-reload');
    await dept.waitForFunction((v) => Number(document.getElementById('view').dataset.version) === v, urged.json.version);
    eq(await dept.inputValue('#tk-answer-text'), answer2, 'what was typed is kept');
    await dept.click('#tk-answer');
    await waitState(dept, 'answered');
    // 满意: closed.
    await ent.reload();
    await ticketReady(ent, id);
    await ent.check('#tk-rate-satisfied');
    await ent.click('#tk-rate');
    await waitState(ent, 'closed');
    eq(await ent.getAttribute('#tk-rating', 'data-rating'), 'satisfied', 'rated satisfied');
    assert(await ent.locator('#tk-no-actions').isVisible(), 'nothing left to do');
    tk = await api(`/api/v1/tickets/${id}`);
    const steps = [['filed', 'ent1'], ['dispatched', 'routing'], ['accepted', 'dept_nrp'], ['extended', 'dept_nrp'], ['answered', 'dept_nrp'],
      ['rated', 'ent1'], ['urged', 'admin'], ['answered', 'dept_nrp'], ['rated', 'ent1']];
    eq(tk.events.map((e) => [e.kind, e.actor]), steps, 'API: every step with its actor');
    eq(await timeline(ent), steps, 'the timeline shows every step with its actor');
    eq(await ent.locator('#tk-timeline li[data-kind="rated"] .tk-rating').allTextContents(), ['不满意', '满意'], 'both ratings');
    assert((await text(ent, '#tk-timeline li[data-kind="extended"]')).includes('需等待规划调整批复'), 'the extension\'s reason');
    assert((await text(ent, '#tk-timeline li[data-kind="dispatched"] .tl-by')).includes('系统自动派单'), 'dispatched by the routing rules');
    await ent.screenshot({ path: join(SHOTS, 'ticket-closed-1280.png'), fullPage: true });
    // The list: closed.
    await ent.goto(`${base}/#/tickets`);
    await viewReady(ent, 'tickets');
    eq(await ent.getAttribute(`#tk-table tr[data-id="${id}"]`, 'data-state'), 'closed', 'closed in the list');
    // The service dashboard counts it.
    const leader = await newPage(DESKTOP, 'zh', 'leader1');
    await leader.goto(`${base}/#/service`);
    eq(await ready(leader, 'service'), 'ok', 'the service dashboard');
    const d = await api('/api/v1/service/dashboard');
    for (const [sel, k] of [['#sv-tickets', 'tickets'], ['#sv-open', 'open'], ['#sv-closed', 'closed'], ['#sv-reopened', 'reopened'], ['#sv-overdue', 'overdue']]) {
      eq(Number(await leader.getAttribute(sel, 'data-n')), d.total[k], `dashboard ${k} = API`);
    }
    assert(d.total.closed >= 1 && d.total.reopened >= 1, 'API: the loop counted (closed, sent back)');
    const nrp = d.by_department.find((x) => x.id === 'nrp');
    eq(Number(await leader.getAttribute('#sv-by-dept tr[data-key="nrp"] td.c-tickets', 'data-value')), nrp.stats.tickets, 'the bureau\'s row = API');
    eq(Number(await leader.getAttribute('#sv-by-dept tr[data-key="nrp"] td.c-reopened', 'data-value')), nrp.stats.reopened, 'its 发回重办 = API');
    eq(Number(await leader.getAttribute('#sv-by-region tr[data-key="320312"] td.c-tickets', 'data-value')), d.by_region.find((x) => x.code === '320312').stats.tickets, '铜山区 = API');
    eq(await text(leader, '#sv-return-rate'), d.total.return_rate_pct == null ? '—' : `${d.total.return_rate_pct.toFixed(1)}%`, 'return rate');
    await leader.screenshot({ path: join(SHOTS, 'service-1280.png'), fullPage: true });
    await closePage(leader);
    await closePage(ent);
    await closeExpecting(dept, [409]);
  });

  test(390, 'request returned: the department returns it (reason required), an officer re-routes it to another department', async () => {
    const ent = await newPage(DESKTOP, 'zh', 'ent1');
    const id = await fileRequest(ent, 'eia', `新建喷涂车间环评咨询 ${uniq()}`);
    eq(await ent.getAttribute('#tk-department', 'data-department'), 'eco', 'routed to the ecology bureau');
    // A department account named by the bureau's Chinese name holds it.
    const eco = await newPage(DESKTOP, 'zh', 'dept_eco');
    await eco.goto(`${base}/#/ticket/${id}`);
    await ticketReady(eco, id);
    assert(await eco.locator('#tk-accept').isVisible(), 'the ecology bureau may accept it');
    await eco.click('#tk-return');
    await eco.waitForFunction(() => document.getElementById('view').dataset.lastWrite === 'reason_required');
    assert(await eco.locator('#tk-return-form [data-param="reason"] .field-error').isVisible(), 'a return needs a reason');
    await eco.fill('#tk-return-reason', '该事项属于用地规划，应由自然资源和规划部门办理');
    await eco.click('#tk-return');
    await waitState(eco, 'returned');
    eq(await eco.getAttribute('#tk-department', 'data-department'), '', 'no department holds it now');
    await eco.goto(`${base}/#/tickets`);
    await viewReady(eco, 'tickets');
    eq(await eco.locator(`#tk-table tr[data-id="${id}"]`).count(), 1, 'still in the list of the department that held it');
    // The officer of the 板块 re-routes it.
    const off = await newPage(DESKTOP, 'zh', 'officer1');
    await off.goto(`${base}/#/tickets?state=returned`);
    await viewReady(off, 'tickets');
    eq(await off.locator(`#tk-table tr[data-id="${id}"]`).count(), 1, 'in the officer\'s returned list');
    await off.click(`#tk-table tr[data-id="${id}"] a.tk-link`);
    await ticketReady(off, id);
    assert((await text(off, '#tk-dispatch-form')).includes('应由自然资源和规划部门办理'), 'the return\'s reason is shown');
    eq(await off.locator('#tk-dispatch-dept option[value="eco"]').isDisabled(), true, 'not back to the department that returned it');
    await off.screenshot({ path: join(SHOTS, 'ticket-returned-1280.png'), fullPage: true });
    await off.selectOption('#tk-dispatch-dept', 'nrp');
    await off.click('#tk-dispatch');
    await waitState(off, 'dispatched');
    eq(await off.getAttribute('#tk-department', 'data-department'), 'nrp', 're-routed');
    const dept = await newPage(DESKTOP, 'zh', 'dept_nrp');
    await dept.goto(`${base}/#/ticket/${id}`);
    await ticketReady(dept, id);
    assert(await dept.locator('#tk-accept').isVisible(), 'the natural-resources bureau may accept it now');
    const tk = await api(`/api/v1/tickets/${id}`);
    eq(tk.events.map((e) => [e.kind, e.actor, e.department || '']), [['filed', 'ent1', ''], ['dispatched', 'routing', 'eco'], ['returned', 'dept_eco', 'eco'], ['dispatched', 'officer1', 'nrp']], 'API: the steps');
    eq(await timeline(dept), tk.events.map((e) => [e.kind, e.actor]), 'the timeline');
    eq(tk.returns, 1, 'API: one return');
    for (const p of [ent, off, dept]) await closePage(p);
    await closeExpecting(eco, [400]);
  });

  test(410, 'script text in a request (description, attachment name) and in a project name is shown as text, never run', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const ent = await newPage(DESKTOP, 'zh', 'ent1');
    await ent.goto(`${base}/#/tickets`);
    await viewReady(ent, 'tickets');
    const filed = await pageFetch(ent, 'POST', '/api/v1/tickets', {
      category: 'policy', description: payload, attachments: [{ name: '<img src=x onerror="window.__xss=3">.pdf', size_bytes: 10, mime: 'application/pdf' }],
    });
    eq(filed.status, 201, 'filed with script text');
    await ent.goto(`${base}/#/ticket/${filed.json.id}`);
    await ticketReady(ent, filed.json.id);
    eq(await ent.textContent('#tk-desc'), payload, 'the description as text');
    assert((await ent.textContent('#tk-attachments')).includes('<img src=x onerror="window.__xss=3">.pdf'), 'the attachment name as text');
    eq(await ent.locator('#view img, #view script').count(), 0, 'no element made from it');
    await ent.goto(`${base}/#/tickets`);
    await viewReady(ent, 'tickets');
    assert((await ent.textContent(`#tk-table tr[data-id="${filed.json.id}"]`)).includes('<img src=x'), 'the list shows it as text');
    eq(await ent.evaluate(() => window.__xss), undefined, 'nothing ran');
    await closePage(ent);
    const created = await api2('POST', '/api/v1/projects', { name: payload, region_code: '320312', other_category: 'modern-service' });
    eq(created.status, 201, 'a project with script text in its name');
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/project/${created.json.id}`);
    await viewReady(page, 'project');
    eq(await text(page, '#pj-name'), payload, 'the project name as text');
    await page.goto(`${base}/#/pipeline?view=table&q=${encodeURIComponent('onerror')}`);
    await viewReady(page, 'pipeline');
    assert((await page.textContent(`#pl-table tr[data-id="${created.json.id}"] .proj-link`)).includes('<img src=x'), 'the pipeline lists it as text');
    eq(await page.locator('#view img').count(), 0, 'no image made from it');
    eq(await page.evaluate(() => window.__xss), undefined, 'nothing ran');
    await closePage(page);
  });
}
