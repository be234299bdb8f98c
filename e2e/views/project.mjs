// The project page (#/project/<id>): creating and moving a project, conflicts, the 全兜办 checklist with its overdue
// items, and what department staff and leaders may do there.

import { join } from 'node:path';

export default function projectTests(ctx) {
  const {
    test, base, USERS, SHOTS, DESKTOP, assert, eq, api, newPage, ready, closePage, viewAttr, api2, uniq, text,
    closeExpecting, viewReady, pageFetch,
  } = ctx;

  test(300, 'project: created through the form, moved 线索→接洽 with the actor in the history, a drop without reason refused, a version conflict keeps the input', async () => {
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/pipeline?new=1`);
    await viewReady(page, 'pipeline');
    const name = `E2E测试项目${uniq()}`;
    // The server's error shows at the field: no 板块 chosen.
    await page.fill('#pl-new-name', name);
    await page.click('#pl-new-submit');
    await page.waitForFunction(() => document.getElementById('pl-new-form').dataset.error === 'region_code');
    assert(await page.locator('[data-param="region_code"] .field-error').isVisible(), 'error at the 板块');
    eq(await page.inputValue('#pl-new-name'), name, 'the name is kept');
    await page.selectOption('#pl-new-region', '320312');
    await page.selectOption('#pl-new-class', 'cluster:construction-machinery');
    await page.fill('#pl-new-amount', '12000');
    await page.fill('#pl-new-investor', '徐州某测试投资有限公司');
    await page.fill('#pl-new-officer', '测试员甲');
    await page.click('#pl-new-submit');
    await page.waitForFunction(() => location.hash.startsWith('#/project/') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const id = decodeURIComponent(page.url().split('#/project/')[1]);
    let p = await api(`/api/v1/projects/${id}`);
    eq([p.name, p.stage, p.region.code, p.class.cluster.id, p.amount, p.officer, p.channel], [name, 'lead', '320312', 'construction-machinery', 12000, '测试员甲', 'chain'], 'API: the project as entered');
    eq(await text(page, '#pj-name'), name, 'the page shows it');
    eq(await page.getAttribute('#pj-stage', 'data-stage'), 'lead', 'at 线索');
    eq(await page.getAttribute('#pj-actor', 'data-user'), 'officer1', 'the signed-in account acts');
    eq(await page.inputValue('#pj-move-date'), p.today, 'a move defaults to the server\'s today');
    eq(p.history[0].by, 'officer1', 'API: created by the signed-in account');
    eq(await page.$$eval('#pj-move-form button[data-to]', (bs) => bs.map((b) => b.dataset.to)), p.allowed_moves.map((m) => m.to), 'the moves the server allows');
    // 线索 → 接洽.
    await page.click('#pj-move-form button[data-to="contact"]');
    await page.waitForFunction(() => document.getElementById('view').dataset.stage === 'contact');
    p = await api(`/api/v1/projects/${id}`);
    eq(p.stage, 'contact', 'API: moved');
    const top = page.locator('#pj-history li').first();
    eq(await top.getAttribute('data-stage'), 'contact', 'history: the move first');
    eq((await top.locator('.tl-by').textContent()).trim(), 'officer1', 'history: the actor');
    eq(p.history[p.history.length - 1].by, 'officer1', 'API: the signed-in account recorded as the actor');
    eq(p.log[p.log.length - 1].actor, 'officer1', 'API: and in the change log');
    eq(await page.locator('#pj-stepper li.current').getAttribute('data-stage'), 'contact', 'stepper');
    // A drop without a reason: refused at the reason field.
    await page.click('#pj-move-form button[data-to="dropped"]');
    await page.waitForFunction(() => document.getElementById('view').dataset.lastWrite === 'reason_required');
    assert(await page.locator('#pj-move-form [data-param="reason"] .field-error').isVisible(), 'error at the reason');
    eq((await api(`/api/v1/projects/${id}`)).stage, 'contact', 'not dropped');
    // A bad amount: at the amount field.
    await page.fill('#pj-edit-amount', '-5');
    await page.click('#pj-edit-submit');
    await page.waitForFunction(() => document.getElementById('view').dataset.lastWrite === 'invalid_amount');
    assert(await page.locator('#pj-edit [data-param="amount"] .field-error').isVisible(), 'error at the amount');
    await page.fill('#pj-edit-amount', '12000');
    // Someone else changes the project meanwhile.
    const version = Number(await viewAttr(page, 'version'));
    const other = await api2('PATCH', `/api/v1/projects/${id}`, { version, officer: '另一位同事', by: '另一位同事' });
    eq(other.status, 200, 'the other change is saved');
    const newName = `${name}（改）`;
    await page.fill('#pj-edit-name', newName);
    await page.click('#pj-edit-submit');
    await page.waitForSelector('#pj-conflict');
    assert((await text(page, '#pj-conflict')).includes('项目已被他人修改'), 'the bilingual conflict message');
    await page.screenshot({ path: join(SHOTS, 'project-conflict-1280.png'), fullPage: true });
    await page.click('#pj-conflict-reload');
    await page.waitForFunction((v) => Number(document.getElementById('view').dataset.version) === v, other.json.version);
    eq(await page.inputValue('#pj-edit-name'), newName, 'what was typed is kept after the reload');
    eq(await text(page, '#pj-officer'), '另一位同事', 'the other change is shown');
    await page.click('#pj-edit-submit');
    await page.waitForFunction((n) => document.getElementById('pj-name').textContent.trim() === n, newName);
    p = await api(`/api/v1/projects/${id}`);
    eq([p.name, p.officer], [newName, '另一位同事'], 'API: both changes stand');
    // The change log and a stored version.
    eq(await page.locator('#pj-log tbody tr').count(), p.log.length, 'change log rows');
    await page.click('#pj-log button[data-version="1"]');
    await page.waitForSelector('#pj-version-view pre[data-version="1"]');
    const v1 = JSON.parse(await page.textContent('#pj-version-view pre'));
    eq([v1.version, v1.name, v1.stage], [1, name, 'lead'], 'version 1 as stored');
    // Documents and next steps.
    await page.fill('#pj-doc-name', '投资协议（草案）');
    await page.click('#pj-doc-add');
    await page.waitForSelector('#pj-docs li[data-name="投资协议（草案）"]');
    await page.fill('#pj-step-text', '约见投资方董事长');
    await page.click('#pj-step-add');
    await page.waitForSelector('#pj-steps li');
    await page.check('#pj-step-0');
    await page.waitForFunction(() => document.querySelector('#pj-steps li')?.dataset.done === '1');
    p = await api(`/api/v1/projects/${id}`);
    eq(p.documents.map((x) => x.name), ['投资协议（草案）'], 'API: the document');
    eq(p.next_steps.map((x) => [x.text, x.done]), [['约见投资方董事长', true]], 'API: the ticked step');
    await page.screenshot({ path: join(SHOTS, 'project-1280.png'), fullPage: true });
    await closeExpecting(page, [400, 409, 422]);
  });

  test(310, 'project checklist: signing creates the standard 全兜办 list; done is saved; overdue rows in red; blockers of 开工', async () => {
    const created = await api2('POST', '/api/v1/projects', { name: `E2E签约项目${uniq()}`, region_code: '320303', cluster: 'new-materials', amount: 30000, stage: 'negotiating', by: 'e2e' });
    eq(created.status, 201, 'created');
    const id = created.json.id;
    const moved = await api2('POST', `/api/v1/projects/${id}/moves`, { version: created.json.version, to: 'signed', by: 'e2e' });
    eq(moved.status, 200, 'moved to 签约');
    let p = moved.json;
    assert(p.checklist.length >= 5, 'API: the standard checklist');
    const page = await newPage(DESKTOP, 'zh', 'admin');
    await page.goto(`${base}/#/project/${id}`);
    eq(await ready(page, 'project'), 'ok', 'project ready');
    eq(await page.$$eval('#pj-checklist tbody tr', (trs) => trs.map((tr) => tr.dataset.task)), p.checklist.map((k) => k.id), 'the checklist = API');
    eq(await page.locator('#pj-checklist .badge.blocks').count(), p.checklist.filter((k) => k.blocks_start).length, 'blocks-start marks');
    eq(await page.locator('#pj-blockers li').count(), p.blockers.length, 'what blocks 开工');
    // Mark the first item done: saved, and still done after a reload.
    const first = p.checklist[0];
    await page.selectOption(`#pj-task-${first.id}`, 'done');
    await page.waitForFunction(([t, v]) => document.querySelector(`#pj-checklist tr[data-task="${t}"]`)?.dataset.status === 'done' && Number(document.getElementById('view').dataset.version) > v, [first.id, p.version]);
    await page.reload();
    await viewReady(page, 'project');
    eq(await page.inputValue(`#pj-task-${first.id}`), 'done', 'done after a reload');
    p = await api(`/api/v1/projects/${id}`);
    eq(p.checklist[0].status, 'done', 'API: done');
    eq(await page.inputValue(`#pj-task-${first.id}-done`), p.checklist[0].done_on, 'the done date');
    eq(p.log[p.log.length - 1].action, 'checklist', 'API: logged as a checklist change');
    // A blocking item done: one blocker less.
    const blocker = p.checklist.find((k) => k.blocks_start && k.status !== 'done');
    await page.selectOption(`#pj-task-${blocker.id}`, 'not_needed');
    await page.waitForFunction((t) => document.querySelector(`#pj-checklist tr[data-task="${t}"]`)?.dataset.status === 'not_needed', blocker.id);
    p = await api(`/api/v1/projects/${id}`);
    eq(await page.locator('#pj-blockers li').count(), p.blockers.length, 'blockers after the change = API');
    assert(!p.blockers.some((b) => b.id === blocker.id), 'the item no longer blocks');
    // A project signed long ago: its items are overdue, in red with the days.
    const old = await api2('POST', '/api/v1/projects', { name: `E2E逾期项目${uniq()}`, region_code: '320305', other_category: 'modern-service', stage: 'signed', date: '2025-06-01', by: 'e2e' });
    eq(old.status, 201, 'created signed in 2025');
    const late = old.json.checklist.filter((k) => k.overdue);
    assert(late.length > 0, 'API: overdue items');
    await page.goto(`${base}/#/project/${old.json.id}`);
    await viewReady(page, 'project');
    eq(await page.locator('#pj-checklist tr.late').count(), late.length, 'overdue rows marked');
    eq(await text(page, `#pj-checklist tr[data-task="${late[0].id}"] .late-text`), `逾期 ${late[0].days_over.toLocaleString('zh-CN')} 天`, 'days overdue');
    const red = await page.locator('#pj-checklist tr.late td').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    eq(red, 'rgb(255, 240, 240)', 'overdue rows are red');
    eq(await page.locator('#pj-start-overdue').count(), old.json.start_overdue ? 1 : 0, 'start overdue mark');
    await page.screenshot({ path: join(SHOTS, 'project-checklist-1280.png'), fullPage: true });
    // The dashboard lists the overdue items of today, each linking to its project.
    const d = await api('/api/v1/dashboard');
    assert(d.overdue_tasks.some((o) => o.project_id === old.json.id), 'API: the dashboard lists them');
    await page.goto(`${base}/#/dashboard`);
    await viewReady(page, 'dashboard');
    // Who is behind: the count per department adds up to the list, as the API has it.
    const perDept = {};
    for (const o of d.overdue_tasks) perDept[o.department || '–'] = (perDept[o.department || '–'] || 0) + 1;
    const shownDepts = await page.$$eval('#dash-overdue-tasks-by-dept li', (ls) => ls.map((l) => [l.dataset.department, Number(l.dataset.count)]));
    eq(shownDepts.map(([, n]) => n), [...shownDepts.map(([, n]) => n)].sort((a, b) => b - a), 'departments with the most overdue items first');
    eq(Object.fromEntries([...shownDepts].sort()), Object.fromEntries(Object.entries(perDept).sort()), 'overdue items by department = API');
    eq(await page.getAttribute('#dash-overdue-tasks-n', 'data-count'), String(d.overdue_tasks.length), 'overdue item count = API');
    // The first few rows show; the rest (all in the DOM, in the API's order) on request.
    eq(await page.$$eval('#dash-overdue-tasks tbody tr', (trs) => trs.map((tr) => tr.dataset.task)), d.overdue_tasks.map((o) => o.task_id), 'overdue rows = API, longest overdue first');
    const visibleRows = () => page.locator('#dash-overdue-tasks tbody tr:visible').count();
    if (d.overdue_tasks.length > 15) {
      eq(await visibleRows(), 15, 'fifteen rows before "see all"');
      await page.click('#dash-overdue-tasks-all');
      eq(await page.getAttribute('#dash-overdue-tasks-all', 'aria-expanded'), 'true', 'the button says the list is open');
    }
    eq(await visibleRows(), d.overdue_tasks.length, 'every row after "see all"');
    assert(await page.locator(`#dash-overdue-tasks tr[data-id="${old.json.id}"] a[href="#/project/${old.json.id}"]`).first().isVisible(), 'overdue items on the dashboard link to the project');
    await closePage(page);
  });

  test(440, 'department staff change only their own checklist items (recorded as theirs); leaders read projects only', async () => {
    const created = await api2('POST', '/api/v1/projects', { name: `E2E部门清单${uniq()}`, region_code: '320303', cluster: 'new-materials', amount: 20000, stage: 'negotiating' });
    eq(created.status, 201, 'created');
    const moved = await api2('POST', `/api/v1/projects/${created.json.id}/moves`, { version: created.json.version, to: 'signed' });
    eq(moved.status, 200, 'signed');
    const p = moved.json;
    const mine = p.checklist.filter((k) => k.department === USERS.dept_plan.department);
    assert(mine.length > 0 && mine.length < p.checklist.length, 'API: items of the department and of others');
    const page = await newPage(DESKTOP, 'zh', 'dept_plan');
    await page.goto(`${base}/#/project/${p.id}`);
    eq(await ready(page, 'project'), 'ok', 'the project opens for department staff');
    eq(await page.getAttribute('#pj-actor', 'data-mode'), 'checklist', 'checklist only');
    eq(await page.$$eval('#pj-checklist tr[data-mine="1"]', (ts) => ts.map((x) => x.dataset.task)), mine.map((k) => k.id), 'its own items');
    for (const k of p.checklist) eq(await page.locator(`#pj-task-${k.id}`).isDisabled(), k.department !== USERS.dept_plan.department, `${k.id} editable only if its own`);
    eq(await page.locator('#pj-edit, #pj-move-form, #pj-doc-form, #pj-step-form').count(), 0, 'no other form');
    // Departments the service catalogue knows are shown by its English name in English.
    const known = p.checklist.find((k) => k.department_id && k.department_en);
    assert(known, 'API: an item whose department the catalogue knows');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en' && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq((await page.textContent(`#pj-checklist tr[data-task="${known.id}"] td[data-department]`)).trim(), known.department_en, 'the department in English');
    eq(await page.getAttribute(`#pj-checklist tr[data-task="${known.id}"] td[data-department]`, 'data-department'), known.department_id, 'and its catalogue id');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN' && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    await page.selectOption(`#pj-task-${mine[0].id}`, 'doing');
    await page.waitForFunction((t) => document.querySelector(`#pj-checklist tr[data-task="${t}"]`)?.dataset.status === 'doing', mine[0].id);
    const after = await api(`/api/v1/projects/${p.id}`);
    eq([after.log[after.log.length - 1].actor, after.log[after.log.length - 1].action], ['dept_plan', 'checklist'], 'API: recorded as the department\'s');
    const other = after.checklist.find((k) => k.department !== USERS.dept_plan.department);
    const body = after.checklist.map((k) => ({ id: k.id, kind: k.kind, title_zh: k.title_zh, title_en: k.title_en ?? null, department: k.department, due: k.due ?? null,
      status: k.id === other.id ? 'done' : k.status, done_on: k.id === other.id ? after.today : k.done_on ?? null, blocks_start: Boolean(k.blocks_start), note: k.note ?? null }));
    const refused = await pageFetch(page, 'PATCH', `/api/v1/projects/${p.id}`, { version: after.version, checklist: body });
    eq([refused.status, refused.json.error.code], [403, 'outside_scope'], 'API: another department\'s item refused');
    await page.screenshot({ path: join(SHOTS, 'project-department-1280.png'), fullPage: true });
    await closeExpecting(page, [403]);
    // The bureau's work list: the pipeline filtered to projects with its open items, each with its count.
    const dp = await newPage(DESKTOP, 'zh', 'dept_plan');
    await dp.goto(`${base}/#/pipeline?view=table`);
    await viewReady(dp, 'pipeline');
    await dp.click('#pl-tasks-mine');
    await dp.waitForFunction(() => location.hash.includes('tasks_of=') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    const dept = USERS.dept_plan.department;
    const work = await api(`/api/v1/projects?tasks_of=${encodeURIComponent(dept)}&limit=50`, 'dept_plan');
    eq(Number(await viewAttr(dp, 'total')), work.total, 'the department filter = API');
    const row = work.items.find((x) => x.id === p.id);
    assert(row && row.tasks_of.open === mine.length, `API: the new project with its ${mine.length} open items of the department`);
    eq(await dp.getAttribute(`#pl-table tr[data-id="${p.id}"] .todo-badge`, 'data-open'), String(mine.length), 'its count in the row');
    eq(await dp.locator('#pl-table tbody tr').count(), Math.min(50, work.total), 'rows = API page');
    eq(await dp.locator('#pl-table tbody tr:not(:has(.todo-badge))').count(), 0, 'every row has open items of the department');
    // The navigation counts the bureau's open items on 项目库, red when some are overdue (sums of the whole list).
    await dp.waitForSelector('#nav-tasks');
    eq([Number(await dp.getAttribute('#nav-tasks', 'data-total')), Number(await dp.getAttribute('#nav-tasks', 'data-overdue'))],
      [work.tasks_of.open, work.tasks_of.overdue], 'navigation count = API sums');
    eq(work.tasks_of.open, (await api(`/api/v1/projects?tasks_of=${encodeURIComponent(dept)}&limit=10000`, 'dept_plan')).items.reduce((n, x) => n + x.tasks_of.open, 0), 'API: sums = rows');
    eq(await dp.locator('#nav-tasks.late').count(), work.tasks_of.overdue > 0 ? 1 : 0, 'red exactly when some are overdue');
    eq(await dp.locator('#nav-late').count(), 0, 'no officer badge for department staff');
    await closePage(dp);
    const leader = await newPage(DESKTOP, 'zh', 'leader1');
    await leader.goto(`${base}/#/project/${p.id}`);
    await viewReady(leader, 'project');
    eq(await leader.getAttribute('#pj-actor', 'data-mode'), 'read', 'read only');
    eq(await leader.locator('#pj-edit, #pj-move-form, #pj-doc-form, #pj-step-form').count(), 0, 'no form');
    eq(await leader.locator('#pj-checklist select:not([disabled])').count(), 0, 'no editable item');
    await leader.goto(`${base}/#/pipeline`);
    await viewReady(leader, 'pipeline');
    eq(await leader.locator('#pl-new').count(), 0, 'no new-project form for a leader');
    await closePage(leader);
  });
}
