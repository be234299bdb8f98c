// 惠企政策 Policies #/policies: every policy of the catalogue (/api/v1/policies) with its benefit, validity and the
// 免申即享 (granted without applying) and 示例 (illustrative example) marks; for an enterprise user, first the policies
// its own enterprise may use, with the reason for every criterion.
// #/policy/{id}?local=false: one policy — who it is for, in words — and, for officers, leaders and administrators, the
// enterprises that match (/api/v1/policies/{id}/matches) with the reason per criterion: met ✓, failed ✗, unknown ?;
// those that get the benefit without applying are listed first and marked 免申即享.

import { t, nm, num, tx, lang } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, loginHref } from '../api.js';
import { dateText, breadcrumbs, panel, kv, emptyNote, money, regionName } from '../ui.js';
import { account, role } from '../session.js';

export const hrefPolicy = (id) => makeHash('policy', [String(id)]);
const READERS = ['admin', 'leader', 'officer'];
const MATCH_LIMIT = 100;

const labelOr = (key, fallback) => {
  const s = t(key);
  return s === key ? fallback : s;
};
export const criterionLabel = (c) => labelOr(`crit_${c}`, c);
export const statusLabel = (s) => labelOr(`match_${s}`, s);
const OUTCOME_MARK = { met: '✓', failed: '✗', unknown: '?' };

export async function loadPolicies(signal) {
  return getJson('/api/v1/policies', { signal, cached: true });
}

/** The marks of a policy: 免申即享, 示例, and not in force. */
export function policyBadges(p) {
  return h('span', { class: 'pol-badges' },
    p.no_application ? h('span', { class: 'badge noapp', title: t('pol_noapp_hint') }, t('pol_noapp')) : null,
    p.example ? h('span', { class: 'badge example', title: t('pol_example_hint') }, t('pol_example')) : null,
    p.in_force === false ? h('span', { class: 'badge neutral' }, t('pol_not_in_force')) : null);
}

function validity(p) {
  if (p.valid_from && p.valid_to) return t('pol_valid_range', { a: dateText(p.valid_from), b: dateText(p.valid_to) });
  if (p.valid_from) return t('pol_valid_from', { a: dateText(p.valid_from) });
  if (p.valid_to) return t('pol_valid_to', { b: dateText(p.valid_to) });
  return t('pol_valid_open');
}

const benefit = (p) => tx({ zh: p.benefit_zh, en: p.benefit_en });

/** The reasons of a match, one line per criterion: ✓ met, ✗ failed, ? unknown, with the server's words. */
export function reasonList(m, attrs = {}) {
  return h('ul', { class: 'reasons', ...attrs }, (m.reasons || []).map((r) => h('li', {
    class: `reason o-${r.outcome}`, dataset: { criterion: r.criterion, outcome: r.outcome },
  }, h('span', { class: 'reason-mark', 'aria-hidden': 'true' }, OUTCOME_MARK[r.outcome] || '·'),
  h('span', { class: 'sr-only' }, `${t(`outcome_${r.outcome}`)}: `),
  h('span', { class: 'reason-crit' }, criterionLabel(r.criterion)), t('colon'),
  h('span', { class: 'reason-text' }, lang() === 'en' ? r.detail_en || r.detail_zh : r.detail_zh || r.detail_en))));
}

/** The status of a match as a badge, and 免申即享 when the benefit comes without applying. */
export function matchBadges(m) {
  return [h('span', { class: `badge match-${m.status}` }, statusLabel(m.status)),
    m.no_application ? [' ', h('span', { class: 'badge noapp' }, t('pol_noapp'))] : null];
}

/** 免申即享 first, then as the API ordered them (eligible, then possibly eligible with fewer unknowns). */
export function noApplicationFirst(items) {
  return items.map((m, i) => [m, i]).sort((a, b) => (Number(b[0].no_application) - Number(a[0].no_application)) || a[1] - b[1]).map((x) => x[0]);
}

export async function render(root, ctx) {
  if (ctx.name === 'policy') return renderPolicy(root, ctx, ctx.rest[0]);
  return renderList(root, ctx);
}

/** An enterprise user's own matches (/api/v1/enterprises/{id}/policies), or null for other accounts. */
async function ownMatches(signal) {
  const me = account();
  if (!me || me.role !== 'enterprise' || me.enterprise_id == null) return null;
  return getJson(`/api/v1/enterprises/${me.enterprise_id}/policies`, { signal });
}

async function renderList(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let d, own;
  try {
    [d, own] = await Promise.all([loadPolicies(signal), ownMatches(signal)]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(h('div', { class: 'view-head' }, h('h1', {}, t('pol_heading'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('pol_heading'));
  const byId = new Map(d.items.map((p) => [p.id, p]));
  const ownPanel = own ? panel('pol-own', t('pol_own_heading', { name: own.enterprise ? own.enterprise.name : '' }),
    enterpriseMatches(own.items, byId, { id: 'pol-own-list' })) : null;
  const list = d.items.length ? h('ul', { class: 'pol-list', id: 'pol-list' }, d.items.map((p) => h('li', {
    class: `pol-card${p.in_force === false ? ' expired' : ''}`, dataset: { id: p.id, noapp: p.no_application ? '1' : '0', example: p.example ? '1' : '0' },
  }, h('div', { class: 'pol-head' }, h('a', { href: hrefPolicy(p.id), class: 'pol-name' }, tx({ zh: p.name_zh, en: p.name_en })), ' ', policyBadges(p)),
  h('p', { class: 'pol-benefit' }, benefit(p)),
  h('p', { class: 'small muted pol-meta' }, [p.issuer, validity(p)].filter(Boolean).join(' · ')))))
    : emptyNote(t('pol_none'));
  busy.replaceWith(...[h('div', { class: 'view-head' }, h('h1', {}, t('pol_heading'))),
    h('p', { class: 'muted intro' }, t('pol_intro')),
    d.items.some((p) => p.example) ? h('p', { class: 'demo-note', id: 'pol-example-note' }, t('pol_example_note')) : null,
    ownPanel, panel('pol-all', t('pol_all_n', { n: num(d.items.length) }), list)].filter(Boolean));
  root.dataset.total = String(d.items.length);
  return null;
}

/**
 * One enterprise's policies (the answer of /api/v1/enterprises/{id}/policies): those it may use first — 免申即享
 * marked — each with its reasons; those it does not qualify for folded away.
 */
export function enterpriseMatches(items, byId, { id } = {}) {
  const good = items.filter((m) => m.eligible || m.status === 'possible');
  const rest = items.filter((m) => !(m.eligible || m.status === 'possible'));
  const li = (m) => {
    const p = byId.get(m.policy_id);
    return h('li', { class: `pol-match${m.no_application ? ' noapp' : ''}`, dataset: { policy: m.policy_id, status: m.status, noapp: m.no_application ? '1' : '0' } },
      h('div', { class: 'pol-head' }, h('a', { href: hrefPolicy(m.policy_id), class: 'pol-name' }, p ? tx({ zh: p.name_zh, en: p.name_en }) : m.policy_id), ' ', matchBadges(m),
        p && p.example ? [' ', h('span', { class: 'badge example' }, t('pol_example'))] : null),
      p ? h('p', { class: 'pol-benefit small' }, benefit(p)) : null,
      h('details', { class: 'pol-why' }, h('summary', {}, t('pol_why')), reasonList(m)));
  };
  return h('div', { id },
    good.length ? h('ul', { class: 'pol-matches' }, noApplicationFirst(good).map(li)) : emptyNote(t('pol_none_for_enterprise')),
    rest.length ? h('details', { class: 'pol-rest' }, h('summary', {}, t('pol_not_eligible_n', { n: num(rest.length) })),
      h('ul', { class: 'pol-matches' }, rest.map(li))) : null);
}

// ---------------------------------------------------------------------------------------------------------------
// One policy

/** Who the policy is for, one line per criterion, in words. */
async function eligibilityWords(p, tax, signal) {
  const e = p.eligibility || {};
  const lines = [];
  const list = (xs) => xs.join(t('list_sep'));
  lines.push(['validity', validity(p)]);
  if ((e.clusters || []).length || (e.nodes || []).length) {
    const cl = (e.clusters || []).map((id) => nm(tax.clusters.find((c) => c.id === id)) || id);
    const nd = (e.nodes || []).map((id) => nm(tax.nodes.find((n) => n.id === id)) || id);
    lines.push(['chain', t('pol_el_chain', { x: list([...cl, ...nd]) })]);
  }
  if ((e.industry_codes || []).length) lines.push(['industry', t('pol_el_industry', { x: list(e.industry_codes) })]);
  if ((e.size_bands || []).length) lines.push(['size', t('pol_el_size', { x: list(e.size_bands.map((b) => labelOr(`size_${b}`, b))) })]);
  if ((e.regions || []).length) {
    const names = await Promise.all(e.regions.map(async (code) => {
      try {
        const x = await getJson(`/api/v1/regions/${encodeURIComponent(code)}`, { signal, cached: true });
        return regionName(x.region) || code;
      } catch (err) {
        if (err.name === 'AbortError') throw err;
        return code;
      }
    }));
    lines.push(['region', t('pol_el_region', { x: list(names) })]);
  }
  for (const f of e.flags || []) lines.push([f, t('pol_el_flag', { x: labelOr(`flag_${f}`, f) })]);
  if (e.founded_after) lines.push(['founded_after', t('pol_el_founded_after', { d: dateText(e.founded_after) })]);
  if (e.founded_before) lines.push(['founded_before', t('pol_el_founded_before', { d: dateText(e.founded_before) })]);
  if (e.min_employees != null) lines.push(['min_employees', t('pol_el_min_employees', { n: num(e.min_employees) })]);
  if (e.min_revenue != null) lines.push(['min_revenue', t('pol_el_min_revenue', { x: money(e.min_revenue) })]);
  if (e.local_only) lines.push(['local', t('pol_el_local')]);
  if (lines.length === 1) lines.push(['open', t('pol_el_open')]);
  return h('ul', { class: 'pol-eligibility', id: 'pol-eligibility' }, lines.map(([k, text]) => h('li', { dataset: { criterion: k } }, text)));
}

async function renderPolicy(root, ctx, id) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  const r = role();
  const reader = READERS.includes(r);
  const local = ctx.params.get('local') !== 'false';
  let d, tax, own, matches = null, p;
  try {
    [d, tax, own] = await Promise.all([loadPolicies(signal), getJson('/api/v1/taxonomy', { signal, cached: true }), ownMatches(signal)]);
    p = d.items.find((x) => x.id === id);
    if (p && reader) matches = await getJson(`/api/v1/policies/${encodeURIComponent(id)}/matches?limit=${MATCH_LIMIT}&local=${local}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(breadcrumbs([{ text: t('pol_heading'), href: '#/policies' }, { text: id || '' }]), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  if (!p) {
    busy.replaceWith(breadcrumbs([{ text: t('pol_heading'), href: '#/policies' }, { text: id || '' }]),
      h('div', { class: 'error', role: 'alert' }, t('pol_unknown', { id: id || '' }), ' ', h('a', { href: '#/policies' }, t('pol_heading'))));
    root.dataset.ready = 'error';
    return null;
  }
  const name = tx({ zh: p.name_zh, en: p.name_en });
  ctx.setTitle(name);
  const head = h('div', { class: 'view-head profile-head' },
    h('div', {}, h('p', { class: 'kind' }, t('pol_kind')), h('h1', { id: 'pol-title' }, name)), policyBadges(p));
  const facts = panel('pol-facts', t('pol_facts'), kv([
    [t('pol_benefit'), h('span', { id: 'pol-benefit' }, benefit(p))],
    [t('pol_issuer'), p.issuer],
    [t('pol_validity'), validity(p)],
    [t('pol_how'), p.no_application ? t('pol_noapp_hint') : t('pol_apply_hint')],
  ]), p.source ? h('p', { class: 'small muted pol-source' }, `${t('pol_source')}${t('colon')}${p.source}`) : null,
  p.example ? h('p', { class: 'demo-note' }, t('pol_example_hint')) : null);
  const who = panel('pol-who', t('pol_who'), await eligibilityWords(p, tax, signal));
  if (signal.aborted) return null;

  let matchPanel;
  if (matches) {
    const items = noApplicationFirst(matches.items);
    const toggle = h('label', { class: 'check', for: 'pol-local' },
      h('input', { type: 'checkbox', id: 'pol-local', checked: local, onchange: (e) => ctx.navigate(makeHash('policy', [id], { local: e.target.checked ? '' : 'false' })) }),
      t('pol_local_only'));
    const list = items.length ? h('ol', { class: 'pol-matches', id: 'pol-matches' }, items.map((m) => h('li', {
      class: `pol-match${m.no_application ? ' noapp' : ''}`, dataset: { key: m.enterprise_key, status: m.status, noapp: m.no_application ? '1' : '0' },
    }, h('div', { class: 'pol-head' },
      // The answer names the enterprise but carries no id: the name opens the search.
      h('a', { href: makeHash('search', [], { q: m.name }), class: 'pol-ent' }, m.name || m.enterprise_key), ' ', matchBadges(m)),
    reasonList(m))))
      : emptyNote(p.in_force === false ? t('pol_not_in_force_none') : t('pol_no_matches'));
    const nNoapp = matches.items.filter((m) => m.no_application).length;
    matchPanel = panel('pol-match-panel', t('pol_matches'),
      h('div', { class: 'actions' }, toggle),
      h('p', { class: 'list-summary', id: 'pol-summary', role: 'status' },
        h('strong', { id: 'pol-total', dataset: { total: String(matches.total) } }, t('pol_n_matches', { n: num(matches.total) })),
        nNoapp ? [' · ', h('span', { id: 'pol-noapp-n' }, t('pol_n_noapp', { n: num(nNoapp) }))] : null,
        matches.total > items.length ? ` · ${t('pol_first_n', { n: num(items.length) })}` : null),
      h('ul', { class: 'bar-legend reasons-legend' }, ['met', 'failed', 'unknown'].map((o) => h('li', { class: `o-${o}` },
        h('span', { class: 'reason-mark', 'aria-hidden': 'true' }, OUTCOME_MARK[o]), ' ', t(`outcome_${o}`)))),
      list);
    root.dataset.matches = String(matches.total);
  } else if (own) {
    const mine = own.items.filter((m) => m.policy_id === id);
    matchPanel = panel('pol-match-panel', t('pol_own_match', { name: own.enterprise ? own.enterprise.name : '' }),
      mine.length ? h('div', { id: 'pol-own-match' }, mine.map((m) => h('div', { class: 'pol-match', dataset: { status: m.status, noapp: m.no_application ? '1' : '0' } },
        h('p', {}, matchBadges(m)), reasonList(m)))) : emptyNote(t('pol_not_in_force_none')));
  } else {
    matchPanel = panel('pol-match-panel', t('pol_matches'), h('p', { class: 'muted', id: 'pol-matches-note' }, t('pol_matches_for_staff'), ' ',
      account() ? null : h('a', { href: loginHref(), id: 'pol-signin' }, t('auth_sign_in'))));
  }
  busy.replaceWith(breadcrumbs([{ text: t('pol_heading'), href: '#/policies' }, { text: name }]), head, facts, who, matchPanel);
  return null;
}
