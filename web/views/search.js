// Search #/search?q=… across enterprises, parks and carriers, chains and their nodes, and places, in Chinese or
// English; each hit opens its profile (nodes: the chain map and the list of their enterprises).

import { t, nm, num } from '../i18n.js';
import { getJson, h, errorBox, loading, makeHash, demoBadge, isDemoData } from '../api.js';
import { entName, regionName, hrefEnterprise, hrefPark, hrefRegion, hrefNode, hrefChain, countLink, nodeLinks, countryName } from '../ui.js';
import { kindLabel } from './park.js';
import { levelLabel } from './region.js';

const LIMIT = 20;

function group(id, title, items, row) {
  return h('section', { class: 'panel result-group', id, 'aria-labelledby': `${id}-h`, dataset: { count: String(items.length) } },
    h('h2', { id: `${id}-h` }, title, h('small', { class: 'muted' }, ` (${num(items.length)}${items.length >= LIMIT ? '+' : ''})`)),
    h('ul', { class: 'results' }, items.map(row)));
}

export async function render(root, ctx) {
  const { signal } = ctx;
  const q = (ctx.params.get('q') || '').trim();
  const input = h('input', { type: 'search', id: 'search-page-q', name: 'q', value: q, autocomplete: 'off', enterkeyhint: 'search', placeholder: t('search_placeholder') });
  const form = h('form', { class: 'search-page', role: 'search', 'aria-label': t('search'), onsubmit: (e) => {
    e.preventDefault();
    ctx.navigate(makeHash('search', [], { q: input.value.trim() }));
  } }, h('label', { class: 'sr-only', for: 'search-page-q' }, t('search_label')), input, h('button', { type: 'submit', class: 'btn' }, t('search')));
  const head = h('div', { class: 'view-head' }, h('h1', {}, q ? t('search_results_for', { q }) : t('search')));
  ctx.setTitle(q ? t('search_results_for', { q }) : t('search'));
  if (!q) {
    root.append(head, form, h('p', { class: 'muted', id: 'search-hint' }, t('search_hint')));
    root.dataset.ready = 'ok';
    return null;
  }
  const busy = loading();
  root.append(head, form, busy);
  let d, tax, demo;
  try {
    [d, tax, demo] = await Promise.all([
      getJson(`/api/v1/search?${new URLSearchParams({ q, limit: String(LIMIT) })}`, { signal }),
      getJson('/api/v1/taxonomy', { signal, cached: true }),
      isDemoData(signal),
    ]);
  } catch (err) {
    if (err.name === 'AbortError') return null;
    busy.replaceWith(errorBox(err, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  if (demo) head.append(demoBadge(true));
  const ents = d.enterprises || [];
  const parks = d.parks || [];
  const chains = d.chains || [];
  const nodes = d.nodes || [];
  const places = d.places || [];
  const total = ents.length + parks.length + chains.length + nodes.length + places.length;
  const groups = [];
  if (ents.length) {
    groups.push(group('res-enterprises', t('enterprises'), ents, (e) => h('li', { dataset: { id: String(e.id) } },
      h('a', { href: hrefEnterprise(e.id), class: 'hit' }, entName(e)),
      h('span', { class: 'hit-meta muted' }, [e.region ? regionName(e.region) : countryName(e.country), e.synthetic ? t('demo_data') : null].filter(Boolean).join(' · ')),
      h('span', { class: 'hit-meta' }, nodeLinks(e.nodes, 2)))));
  }
  if (parks.length) {
    groups.push(group('res-parks', t('parks_and_carriers'), parks, (p) => h('li', { dataset: { id: p.id } },
      h('a', { href: hrefPark(p.id), class: 'hit' }, nm(p)),
      h('span', { class: 'hit-meta muted' }, [kindLabel(p.kind), p.has_space ? t('space_available') : null].filter(Boolean).join(' · ')))));
  }
  if (chains.length || nodes.length) {
    const items = [...chains.map((c) => ({ ...c, isChain: true })), ...nodes];
    groups.push(group('res-nodes', t('chains_and_nodes'), items, (n) => h('li', { dataset: { id: n.id } },
      n.isChain ? h('a', { href: hrefChain(n.id), class: 'hit' }, nm(n)) : h('a', { href: hrefNode(n.chain, n.id), class: 'hit' }, nm(n)),
      h('span', { class: 'hit-meta muted' }, n.isChain ? t('f_chain') : [t(n.position || 'midstream'), nm(tax.chains.find((c) => c.id === n.chain))].filter(Boolean).join(' · ')),
      !n.isChain && n.enterprises !== undefined ? h('span', { class: 'hit-meta' }, countLink(n.enterprises, { node: n.id }), ' ', t('enterprises_unit')) : null)));
  }
  if (places.length) {
    groups.push(group('res-places', t('places'), places, (p) => h('li', { dataset: { code: p.code } },
      h('a', { href: hrefRegion(p.code), class: 'hit' }, regionName(p)),
      h('span', { class: 'hit-meta muted' }, [levelLabel(p.level), p.code, p.retired ? t('retired') : null].filter(Boolean).join(' · ')))));
  }
  // With several kinds of hits, buttons jump to each group (the hash belongs to the router, so no #anchors).
  const jumps = groups.length > 1 ? h('p', { class: 'jumps' }, groups.map((g) => h('button', { type: 'button', class: 'btn small',
    onclick: () => { g.scrollIntoView({ block: 'start' }); g.querySelector('a')?.focus({ preventScroll: true }); } },
  g.querySelector('h2').firstChild.textContent, ` (${g.dataset.count})`))) : '';
  busy.replaceWith(h('p', { class: 'muted', id: 'search-summary', dataset: { total: String(total) } }, total ? t('search_found', { n: num(total) }) : t('search_none', { q })),
    jumps, ...groups);
  root.dataset.ready = 'ok';
  return null;
}
