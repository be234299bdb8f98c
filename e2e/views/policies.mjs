// Policies (#/policies, #/policy/<id>): the list, a policy in words, its matches with a reason per criterion, and the
// policies on an enterprise's profile.

import { join } from 'node:path';

export default function policiesTests(ctx) {
  const { test, base, USERS, SHOTS, DESKTOP, assert, eq, api, newPage, ready, closePage, text, viewReady } = ctx;

  test(430, 'policies: benefit, validity, 免申即享 and 示例 marks; a policy in words and its matches with a reason per criterion, 免申即享 first; on the enterprise profile', async () => {
    const list = await api('/api/v1/policies');
    const anon = await newPage(DESKTOP);
    await anon.goto(`${base}/#/policies`);
    eq(await ready(anon, 'policies'), 'ok', 'policies page');
    eq(await anon.$$eval('#pol-list li', (ls) => ls.map((l) => l.dataset.id)), list.items.map((p) => p.id), 'every policy, in order');
    eq(await anon.locator('#pol-list li[data-noapp="1"] .badge.noapp').count(), list.items.filter((p) => p.no_application).length, '免申即享 marks');
    eq(await anon.locator('#pol-list li[data-example="1"] .badge.example').count(), list.items.filter((p) => p.example).length, '示例 marks');
    eq(await text(anon, `#pol-list li[data-id="${list.items[0].id}"] .pol-benefit`), list.items[0].benefit_zh, 'the benefit');
    await anon.screenshot({ path: join(SHOTS, 'policies-1280.png'), fullPage: true });
    await anon.goto(`${base}/#/policy/srdi-award`);
    await viewReady(anon, 'policy');
    eq(await anon.$$eval('#pol-eligibility li', (ls) => ls.map((l) => l.dataset.criterion)), ['validity', 'region', 'srdi', 'local'], 'the conditions in words');
    assert((await text(anon, '#pol-eligibility li[data-criterion="region"]')).includes('徐州市'), 'the region by name');
    assert(await anon.locator('#pol-matches-note #pol-signin').isVisible(), 'the matches are for signed-in staff');
    await closePage(anon);
    // A 免申即享 policy with both kinds of matches if there is one.
    let chosen = null;
    for (const p of list.items.filter((x) => x.no_application && x.in_force)) {
      const m = await api(`/api/v1/policies/${p.id}/matches?limit=100&local=true`);
      if (!chosen && m.items.length) chosen = { p, m };
      if (m.items.some((x) => x.no_application) && m.items.some((x) => !x.no_application)) { chosen = { p, m }; break; }
    }
    assert(chosen, 'API: a 免申即享 policy with matches');
    const { p, m } = chosen;
    const page = await newPage(DESKTOP, 'zh', 'officer1');
    await page.goto(`${base}/#/policy/${p.id}`);
    eq(await ready(page, 'policy'), 'ok', 'the policy page');
    eq(Number(await page.getAttribute('#pol-total', 'data-total')), m.total, 'matches counted = API');
    const order = [...m.items.filter((x) => x.no_application), ...m.items.filter((x) => !x.no_application)];
    const shown = await page.$$eval('#pol-matches > li', (ls) => ls.map((l) => [l.dataset.key, l.dataset.noapp, l.dataset.status]));
    eq(shown, order.map((x) => [x.enterprise_key, x.no_application ? '1' : '0', x.status]), 'the API\'s matches, 免申即享 first');
    assert(shown[0][1] === '1', '免申即享 first');
    eq(await page.locator('#pol-matches > li').first().locator('.badge.noapp').count(), 1, 'marked 免申即享');
    const first = order[0];
    eq(await page.$$eval('#pol-matches > li:first-child li.reason', (ls) => ls.map((l) => [l.dataset.criterion, l.dataset.outcome])),
      first.reasons.map((r) => [r.criterion, r.outcome]), 'a reason per criterion');
    eq(await page.$$eval('#pol-matches > li:first-child li.reason .reason-mark', (ls) => ls.map((l) => l.textContent)),
      first.reasons.map((r) => ({ met: '✓', failed: '✗', unknown: '?' })[r.outcome]), 'met ✓, failed ✗, unknown ?');
    assert((await text(page, '#pol-matches > li:first-child li.reason')).includes(first.reasons[0].detail_zh), 'the reason in words');
    const possible = order.find((x) => x.status === 'possible');
    if (possible) {
      const li = page.locator(`#pol-matches > li[data-key="${possible.enterprise_key}"]`);
      eq(await li.locator('li.reason[data-outcome="unknown"] .reason-mark').first().textContent(), '?', 'an unknown criterion marked ?');
    }
    await page.screenshot({ path: join(SHOTS, 'policy-matches-1280.png'), fullPage: true });
    await page.uncheck('#pol-local');
    await page.waitForFunction(() => location.hash.includes('local=false') && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(Number(await page.getAttribute('#pol-total', 'data-total')), (await api(`/api/v1/policies/${p.id}/matches?limit=100&local=false`)).total, 'all enterprises = API');
    // The enterprise profile: its policies, for officers and for the enterprise itself.
    const ep = await api('/api/v1/enterprises/1/policies');
    const good = ep.items.filter((x) => x.eligible || x.status === 'possible');
    await page.goto(`${base}/#/enterprise/1`);
    await viewReady(page, 'enterprise');
    await page.waitForSelector('#ent-policy-list');
    eq(Number(await page.getAttribute('#ent-policies', 'data-n')), good.length, 'its policies = API');
    eq(await page.$$eval('#ent-policy-list > ul.pol-matches > li', (ls) => ls.map((l) => l.dataset.policy)),
      [...good.filter((x) => x.no_application), ...good.filter((x) => !x.no_application)].map((x) => x.policy_id), '免申即享 first');
    await closePage(page);
    const ent = await newPage(DESKTOP, 'zh', 'ent1');
    await ent.goto(`${base}/#/enterprise/${USERS.ent1.enterprise}`);
    await viewReady(ent, 'enterprise');
    await ent.waitForSelector('#ent-policy-list');
    await ent.goto(`${base}/#/enterprise/1`);
    await viewReady(ent, 'enterprise');
    eq(await ent.locator('#ent-policies').count(), 0, 'not on another enterprise\'s profile');
    await ent.goto(`${base}/#/policies`);
    await viewReady(ent, 'policies');
    assert(await ent.locator('#pol-own').isVisible(), 'its own policies first on the list');
    await ent.goto(`${base}/#/policy/${p.id}`);
    await viewReady(ent, 'policy');
    assert(await ent.locator('#pol-match-panel').isVisible(), 'its own match on a policy page');
    await closePage(ent);
  });
}
