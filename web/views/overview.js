// Overview: the three tiers and ten clusters as cards, the headline counts, the signing fair and Q1–Q3 progress.

import { t, nm, num } from '../i18n.js';
import { getJson, h, errorBox, loading, tierColor, makeHash } from '../api.js';
import { countLink } from '../ui.js';

const FAIR_YEAR = 2022;

function figure(label, value, extra) {
  return h('div', { class: 'figure' }, h('span', { class: 'fig-value' }, value), h('span', { class: 'fig-label' }, label),
    extra ? h('span', { class: 'fig-extra' }, extra) : null);
}

function pct(v) {
  return v === null || v === undefined ? '–' : `${num(v, 1)}%`;
}

function fairSection(stats) {
  const events = stats.events || [];
  const fair = events.find((e) => e.kind === 'fair' && String(e.date || '').startsWith(String(FAIR_YEAR)))
    || events.find((e) => e.kind === 'fair');
  if (!fair) return h('section', { class: 'panel', id: 'fair' }, h('h2', {}, t('ov_fair', { year: FAIR_YEAR })), h('p', {}, t('ov_fair_none')));
  const year = String(fair.date || '').slice(0, 4);
  return h('section', { class: 'panel', id: 'fair', 'aria-labelledby': 'fair-h' },
    h('h2', { id: 'fair-h' }, t('ov_fair', { year })),
    h('p', { class: 'muted' }, `${fair.name_zh || ''} · ${fair.date || ''}${fair.city ? ' · ' + fair.city : ''}`),
    h('div', { class: 'figures' },
      figure(t('ov_signed'), num(fair.signed)),
      figure(t('ov_in_system'), num(fair.in_system), pct(fair.in_system_pct)),
      figure(t('ov_other'), num(fair.other), pct(fair.other_pct)),
      figure(t('ov_regions'), num(fair.regions))),
    fair.id ? h('a', { class: 'more', id: 'ov-fair-link', href: makeHash('event', [fair.id]) }, t('ov_fair_more')) : null);
}

function progressSection(stats) {
  const years = stats.years || [];
  const y = years.find((x) => x.year === FAIR_YEAR) || years[years.length - 1];
  const q = y && (y.cumulative || []).find((c) => c.through === 'Q1-Q3');
  if (!q) return h('section', { class: 'panel', id: 'q13' }, h('h2', {}, t('ov_q13', { year: FAIR_YEAR })), h('p', {}, t('ov_q13_none')));
  return h('section', { class: 'panel', id: 'q13', 'aria-labelledby': 'q13-h' },
    h('h2', { id: 'q13-h' }, t('ov_q13', { year: y.year })),
    h('div', { class: 'figures' },
      figure(t('ov_signed'), num(q.signed)),
      figure(t('ov_target'), num(y.target)),
      figure(t('ov_completion'), pct(q.completion_pct)),
      figure(t('ov_in_system'), num(q.in_system), pct(q.in_system_pct))),
    q.to ? h('a', { class: 'more', id: 'ov-q13-link', href: makeHash('dashboard', [], { month: String(q.to).slice(0, 7) }) }, t('ov_q13_more')) : null);
}

function clusterCard(cl, color, tax) {
  const chainName = (ch) => nm((tax.chains || []).find((x) => x.id === ch.id) || ch);
  return h('article', { class: 'card', style: { '--tier': color }, dataset: { cluster: cl.id } },
    h('h3', {}, nm(cl)),
    h('dl', { class: 'kv' },
      h('div', {}, h('dt', {}, t('enterprises')), h('dd', { class: 'n-ent' }, countLink(cl.enterprises, { cluster: cl.id }))),
      h('div', {}, h('dt', {}, t('local_enterprises')), h('dd', { class: 'n-local' }, countLink(cl.local_enterprises, { cluster: cl.id, local: 'true' }))),
      h('div', {}, h('dt', {}, t('projects')), h('dd', { class: 'n-proj' }, num(cl.projects)))),
    (cl.chains || []).length
      ? h('p', { class: 'chains' }, h('span', { class: 'muted' }, `${t('ov_chains')}${t('colon')}`),
        (cl.chains || []).map((ch, i) => [i ? ' · ' : '', h('a', { href: `#/chain/${encodeURIComponent(ch.id)}` }, chainName(ch))]))
      : null,
    cl.local_chain_leaders !== undefined ? h('p', { class: 'leaders muted' }, `${t('chain_leaders')}${t('colon')}`,
      countLink(cl.local_chain_leaders, { cluster: cl.id, local: 'true', flags: 'chain_leader' }, { class: 'count-link n-leaders' })) : null,
    h('a', { class: 'more', href: `#/map?cluster=${encodeURIComponent(cl.id)}` }, t('ov_on_map')));
}

export async function render(root, { signal, reload }) {
  const busy = loading();
  root.append(busy);
  let stats, tax;
  try {
    [stats, tax] = await Promise.all([getJson('/api/v1/stats', { signal }), getJson('/api/v1/taxonomy', { signal, cached: true })]);
  } catch (e) {
    if (e.name === 'AbortError') return;
    busy.replaceWith(errorBox(e, reload));
    root.dataset.ready = 'error';
    return;
  }
  const c = stats.counts || {};
  const head = h('div', { class: 'view-head' }, h('h1', {}, t('ov_heading')),
    stats.demo_data ? h('span', { class: 'demo', title: t('demo_note') }, t('demo_data')) : null);
  const counts = h('section', { class: 'panel', 'aria-labelledby': 'counts-h' },
    h('h2', { id: 'counts-h', class: 'sr-only' }, t('ov_counts')),
    h('div', { class: 'figures' },
      figure(t('enterprises'), countLink(c.enterprises, {}, { id: 'ov-enterprises' }),
        c.enterprises_synthetic ? h('a', { href: makeHash('list', [], { synthetic: 'true' }), class: 'count-link' }, t('of_which_demo_n', { n: num(c.enterprises_synthetic) })) : null),
      figure(t('parks'), h('a', { href: '#/region/320300', class: 'count-link', title: t('see_parks') }, num(c.parks))),
      figure(t('carriers'), h('a', { href: '#/region/320300', class: 'count-link', title: t('see_carriers') }, num(c.carriers))),
      figure(t('projects'), num(c.projects)),
      figure(t('events'), num(c.events))));
  const tiers = (stats.tiers || []).map((tier) => {
    const color = tierColor(tax, tier.id);
    return h('section', { class: 'tier', style: { '--tier': color }, dataset: { tier: tier.id }, 'aria-labelledby': `tier-${tier.id}` },
      h('h2', { id: `tier-${tier.id}` }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), nm(tier),
        h('small', {}, ' · ', t('ov_clusters', { n: (tier.clusters || []).length }))),
      h('div', { class: 'cards' }, (tier.clusters || []).map((cl) => clusterCard(cl, color, tax))));
  });
  busy.replaceWith(head, stats.demo_data ? h('p', { class: 'demo-note' }, t('demo_note')) : '', counts,
    h('div', { class: 'two' }, fairSection(stats), progressSection(stats)), ...tiers);
  root.dataset.ready = 'ok';
  return null;
}
