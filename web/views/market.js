// 供需对接 Supply–demand #/market?kind=&node=&active= and #/market/{id}: the board of supply and demand items
// (/api/v1/market/items) with a form to post one (the server's 400s are shown at the field they name, the input is
// kept), and an item's page listing its matches — other items and enterprises — with a score bar and the reason.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, sendJson, h, errorBox, loading, makeHash, demoBadge, isDemoData } from '../api.js';
import { role, account } from '../session.js';
import {
  hrefEnterprise, hrefNode, hrefRegion, regionName, entName, breadcrumbs, panel, kv, stackedBar, barLegend, formField,
  clearFieldErrors, showFieldError, nodeOptions, km, percent, PART_COLORS, emptyNote, dateText, countryName,
} from '../ui.js';

const KINDS = ['supply', 'demand'];
export const MATCH_PARTS = ['adjacency', 'text', 'distance'];
/** The weights of the match score, as its rule states them (0.5 adjacency + 0.3 text + 0.2 nearness). */
export const MATCH_WEIGHTS = { adjacency: 0.5, text: 0.3, distance: 0.2 };
const MATCH_LIMIT = 20;
const matchColor = (k) => PART_COLORS[MATCH_PARTS.indexOf(k)];
const hrefItem = (id) => makeHash('market', [String(id)]);

const kindBadge = (kind) => h('span', { class: `badge mk-${kind}` }, t(`mk_${kind}`));

/** The points each part adds to a match score; a part without a value counts 0.5 and is marked unknown. */
export function matchPoints(parts) {
  return MATCH_PARTS.map((k) => {
    const v = parts ? parts[k] : null;
    const known = v !== null && v !== undefined;
    return { key: k, label: t(`mp_${k}`), color: matchColor(k), points: 100 * MATCH_WEIGHTS[k] * (known ? v : 0.5), known, value: v };
  });
}

function relationLabel(r) {
  if (!r) return '';
  const s = t(`rel_${r}`);
  return s === `rel_${r}` ? r : s;
}

export async function render(root, ctx) {
  if (ctx.rest[0]) return renderItem(root, ctx, ctx.rest[0]);
  return renderBoard(root, ctx);
}

// ---------------------------------------------------------------------------------------------------------------
// The board

async function renderBoard(root, ctx) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  const kind = KINDS.includes(ctx.params.get('kind')) ? ctx.params.get('kind') : '';
  const node = ctx.params.get('node') || '';
  const showAll = ctx.params.get('active') === 'false';
  let tax, demo, xuzhou;
  try {
    [tax, demo, xuzhou] = await Promise.all([
      getJson('/api/v1/taxonomy', { signal, cached: true }), isDemoData(signal),
      getJson('/api/v1/regions/320300', { signal, cached: true }).catch((e) => { if (e.name === 'AbortError') throw e; return null; }),
    ]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  ctx.setTitle(t('mk_heading'));
  const state = { kind, node, active: showAll ? 'false' : '' };
  const hashWith = (change) => makeHash('market', [], { ...state, ...change });

  const head = h('div', { class: 'view-head' }, h('h1', {}, t('mk_heading')));
  const intro = h('p', { class: 'muted intro' }, t('mk_intro'));
  const tabs = h('nav', { class: 'tabs', id: 'mk-tabs', 'aria-label': t('mk_tabs') },
    [['', t('mk_all')], ['supply', t('mk_supply')], ['demand', t('mk_demand')]].map(([k, label]) => h('a', {
      href: hashWith({ kind: k }), id: `tab-${k || 'all'}`, class: 'tab', 'aria-current': k === kind ? 'page' : null, dataset: { kind: k || 'all' },
    }, label)));
  const filters = h('form', { class: 'filters', id: 'mk-filters', onsubmit: (e) => e.preventDefault() },
    h('label', { class: 'field', for: 'mk-filter-node' }, h('span', {}, t('node')),
      h('select', { id: 'mk-filter-node', onchange: (e) => ctx.navigate(hashWith({ node: e.target.value })) },
        nodeOptions(tax, node, { empty: t('f_all') }))),
    h('label', { class: 'check', for: 'mk-expired' },
      h('input', { type: 'checkbox', id: 'mk-expired', checked: showAll, onchange: (e) => ctx.navigate(hashWith({ active: e.target.checked ? 'false' : '' })) }),
      t('mk_show_expired')));
  const summary = h('p', { class: 'list-summary', id: 'mk-summary', role: 'status' });
  const list = h('div', { id: 'mk-board' });
  // An enterprise user posts for its own enterprise: its name and id are filled in.
  const me = account();
  let own = null;
  if (me && me.role === 'enterprise' && me.enterprise_id != null) {
    try {
      const e = await getJson(`/api/v1/enterprises/${me.enterprise_id}`, { signal, cached: true });
      own = { id: me.enterprise_id, name: e.name };
    } catch (e) {
      if (e.name === 'AbortError') return null;
      own = { id: me.enterprise_id, name: '' };
    }
  }
  const form = postForm(tax, xuzhou, kind || 'demand', async (item) => {
    await loadItems();
    const li = list.querySelector(`li[data-id="${item.id}"]`);
    if (li) li.classList.add('just-posted');
  }, signal, own);

  // Officers, administrators and enterprises post; leaders and department staff read.
  const posts = ['admin', 'officer', 'enterprise'].includes(role());
  busy.replaceWith(head, intro, tabs, filters, summary, list,
    posts ? panel('mk-post', t('mk_post_heading'), form) : '');

  async function loadItems() {
    const q = new URLSearchParams();
    if (kind) q.set('kind', kind);
    if (node) q.set('node', node);
    if (showAll) q.set('active', 'false');
    root.dataset.board = 'loading';
    let d;
    try {
      d = await getJson(`/api/v1/market/items${q.toString() ? `?${q}` : ''}`, { signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      list.replaceChildren(errorBox(e, () => loadItems()));
      root.dataset.board = 'error';
      return;
    }
    if (signal.aborted) return;
    if (!head.querySelector('.demo') && (demo || d.items.some((x) => x.synthetic))) head.append(demoBadge(true));
    summary.replaceChildren(h('strong', { id: 'mk-total', dataset: { total: String(d.total) } }, t('mk_n_items', { n: num(d.total) })));
    list.replaceChildren(d.items.length
      ? h('ul', { class: 'mk-items', id: 'mk-items' }, d.items.map((it) => itemCard(it)))
      : emptyNote(t('mk_empty')));
    root.dataset.board = 'ok';
    root.dataset.boardTotal = String(d.total);
  }

  await loadItems();
  root.dataset.ready = 'ok';
  return null;
}

function itemCard(it) {
  return h('li', { class: `mk-item${it.active ? '' : ' expired'}`, dataset: { id: String(it.id), kind: it.kind, synthetic: it.synthetic ? '1' : '0' } },
    h('div', { class: 'mk-item-head' }, kindBadge(it.kind),
      h('a', { href: hrefItem(it.id), class: 'mk-title' }, it.title),
      it.active ? null : h('span', { class: 'badge neutral' }, t('mk_expired')),
      it.synthetic ? h('span', { class: 'demo small-demo', title: t('demo_record') }, t('demo_data')) : null),
    it.description ? h('p', { class: 'mk-desc' }, it.description) : null,
    h('p', { class: 'small muted mk-meta' },
      [it.poster,
        it.node ? h('a', { href: hrefNode(it.node.chain, it.node.id) }, nm(it.node)) : null,
        it.region ? h('a', { href: hrefRegion(it.region.code) }, nm(it.region)) : null,
        it.quantity ? `${t('mk_quantity')}${t('colon')}${it.quantity}` : null,
        it.valid_until ? t('mk_valid_until_d', { d: dateText(it.valid_until) }) : null,
        t('mk_posted_on_d', { d: dateText(it.posted_on) })]
        .filter(Boolean).map((x, i) => [i ? ' · ' : '', x])),
    h('p', { class: 'mk-more' }, h('a', { href: hrefItem(it.id) }, t('mk_see_matches'))));
}

/** The posting form. The input stays as typed when the server refuses it; the error shows at the field it names. */
function postForm(tax, xuzhou, kind, onPosted, signal, own = null) {
  const regions = [['', t('mk_region_none')], ['320300', t('region_320300')],
    ...((xuzhou && xuzhou.children) || []).filter((c) => c.level === 'county').map((c) => [c.code, `· ${regionName(c)}`]),
    ['320000', t('region_320000')], ['CN', t('region_CN')]];
  const kindBox = h('fieldset', { class: 'field form-field checks', dataset: { param: 'kind' } },
    h('legend', {}, t('mk_kind')),
    h('div', { class: 'check-row' }, KINDS.map((k) => h('label', { class: 'check', for: `mk-kind-${k}` },
      h('input', { type: 'radio', name: 'kind', id: `mk-kind-${k}`, value: k, checked: k === kind }), t(`mk_${k}`)))),
    h('p', { class: 'field-error', id: 'mk-kind-err', role: 'alert', hidden: true }));
  const input = (id, name, attrs = {}) => h('input', { id, name, autocomplete: 'off', ...attrs });
  const status = h('p', { class: 'mk-status', id: 'mk-status', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'mk-submit' }, t('mk_submit'));
  const form = h('form', { id: 'mk-form', class: 'mk-form', novalidate: true },
    kindBox,
    h('div', { class: 'filters' },
      formField('poster', 'mk-poster', t('mk_poster'), input('mk-poster', 'poster', { type: 'text', maxlength: '200', value: own ? own.name : null }), { hint: t('mk_poster_hint') }),
      formField('enterprise_id', 'mk-enterprise', t('mk_enterprise_id'), input('mk-enterprise', 'enterprise_id', { type: 'text', inputmode: 'numeric',
        value: own ? String(own.id) : null, readonly: own ? true : null }), { hint: own ? t('mk_enterprise_own') : t('mk_enterprise_hint') })),
    formField('title', 'mk-title', t('mk_title'), input('mk-title', 'title', { type: 'text', maxlength: '300' }), { hint: t('mk_title_hint') }),
    formField('description', 'mk-desc', t('mk_description'), h('textarea', { id: 'mk-desc', name: 'description', rows: '3' })),
    h('div', { class: 'filters' },
      formField('node', 'mk-node', t('node'), h('select', { id: 'mk-node', name: 'node' }, nodeOptions(tax, '', { empty: t('mk_node_auto') }))),
      formField('quantity', 'mk-quantity', t('mk_quantity'), input('mk-quantity', 'quantity', { type: 'text' })),
      formField('region_code', 'mk-region', t('mk_region'), h('select', { id: 'mk-region', name: 'region_code' },
        regions.map(([v, label]) => h('option', { value: v }, label)))),
      formField('valid_until', 'mk-valid', t('mk_valid_until'), input('mk-valid', 'valid_until', { type: 'date' }), { hint: t('mk_valid_hint') })),
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, submit), status);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    status.textContent = '';
    const body = {};
    const fd = new FormData(form);
    body.kind = fd.get('kind') || '';
    for (const k of ['poster', 'title', 'description', 'node', 'quantity', 'region_code', 'valid_until']) {
      const v = String(fd.get(k) ?? '').trim();
      if (v) body[k] = v;
    }
    if (!body.kind) delete body.kind;
    const ent = String(fd.get('enterprise_id') ?? '').trim();
    if (ent) body.enterprise_id = /^\d+$/.test(ent) ? Number(ent) : ent;
    // A date the browser could not read is sent as typed, so the server names the field.
    const dateEl = form.querySelector('#mk-valid');
    if (dateEl.validity && dateEl.validity.badInput) body.valid_until = 'invalid';
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const item = await sendJson('POST', '/api/v1/market/items', body, { signal });
      form.reset();
      form.querySelector(`#mk-kind-${item.kind}`).checked = true;
      status.replaceChildren(t('mk_posted', { title: item.title }), ' ', h('a', { href: hrefItem(item.id), id: 'mk-posted-link' }, t('mk_see_matches')));
      form.dataset.posted = String(item.id);
      await onPosted(item);
    } catch (e) {
      if (e.name === 'AbortError') return;
      // Type errors of a body field name the value, not the field: then the message goes above the button.
      showFieldError(form, e, { body: '__none__' });
      form.dataset.posted = '';
      form.dataset.error = e.parameter || '';
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

// ---------------------------------------------------------------------------------------------------------------
// An item and its matches

async function renderItem(root, ctx, id) {
  const { signal } = ctx;
  const busy = loading();
  root.append(busy);
  let d;
  try {
    d = await getJson(`/api/v1/market/items/${encodeURIComponent(id)}/matches?limit=${MATCH_LIMIT}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(breadcrumbs([{ text: t('mk_heading'), href: makeHash('market') }, { text: `#${id}` }]),
      h('div', { class: 'view-head' }, h('h1', {}, t('mk_item'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;
  let tax = null;
  try { tax = await getJson('/api/v1/taxonomy', { signal, cached: true }); } catch (e) { if (e.name === 'AbortError') return null; }
  const it = d.item;
  ctx.setTitle(it.title);
  const matches = d.matches || [];

  const crumbs = breadcrumbs([{ text: t('mk_heading'), href: makeHash('market', [], { kind: it.kind }) }, { text: it.title }]);
  const head = h('div', { class: 'view-head profile-head' },
    h('div', {}, h('p', { class: 'kind' }, t(`mk_${it.kind}`)), h('h1', { id: 'mk-item-title' }, it.title)),
    kindBadge(it.kind), it.active ? null : h('span', { class: 'badge neutral' }, t('mk_expired')), demoBadge(it.synthetic)); // the post's own mark: demo records among the matches carry theirs
  const facts = panel('mk-facts', t('mk_item'), kv([
    [t('mk_poster'), it.enterprise_id != null ? h('a', { href: hrefEnterprise(it.enterprise_id) }, it.poster) : it.poster],
    [t('node'), it.node ? h('a', { href: hrefNode(it.node.chain, it.node.id) }, nm(it.node))
      : (d.nodes || []).length ? h('span', { id: 'mk-node-inferred' }, (d.nodes || []).map((nid, i) => {
        const n = tax && tax.nodes.find((x) => x.id === nid);
        return [i ? t('list_sep') : '', n ? h('a', { href: hrefNode(n.chain, n.id) }, nm(n)) : nid];
      }), ' ', h('span', { class: 'small muted' }, t('mk_node_inferred')))
        : t('mk_node_none')],
    [t('mk_region'), it.region ? h('a', { href: hrefRegion(it.region.code) }, nm(it.region)) : null],
    [t('mk_quantity'), it.quantity],
    [t('mk_valid_until'), it.valid_until ? dateText(it.valid_until) : t('mk_no_end')],
    [t('mk_posted_on'), dateText(it.posted_on)],
  ]), it.description ? h('p', { class: 'mk-desc' }, it.description) : null, nodeFix(it, tax, ctx));
  const nodeNames = (d.nodes || []).map((nid) => {
    const n = tax && tax.nodes.find((x) => x.id === nid);
    return n ? h('a', { href: hrefNode(n.chain, n.id) }, nm(n)) : nid;
  });
  const matchedOn = h('p', { class: 'small', id: 'mk-nodes' }, h('strong', {}, t('mk_matched_nodes'), t('colon')),
    nodeNames.length ? nodeNames.map((x, i) => [i ? t('list_sep') : '', x]) : t('mk_node_none'));
  const legend = barLegend(MATCH_PARTS.map((k) => ({ key: k, label: t(`mp_${k}`), color: matchColor(k) })), { id: 'mk-legend' });
  const list = matches.length
    ? h('ol', { class: 'matches', id: 'mk-matches' }, matches.map((m, i) => matchItem(m, i)))
    : emptyNote(t('mk_no_matches'));
  const rule = h('section', { class: 'panel rule', id: 'mk-rule', 'aria-labelledby': 'mk-rule-h' }, h('h2', { id: 'mk-rule-h' }, t('rule')),
    h('p', {}, tx({ zh: d.rule_zh, en: d.rule_en })));
  busy.replaceWith(crumbs, head, facts,
    h('section', { class: 'panel', id: 'mk-matches-panel', 'aria-labelledby': 'mk-matches-h' },
      h('h2', { id: 'mk-matches-h' }, t('mk_matches', { n: num(matches.length) })), matchedOn, legend, list),
    rule);
  root.dataset.ready = 'ok';
  return null;
}

/**
 * The post's node, corrected by whoever may: officers and administrators for any post, an enterprise account for its
 * own enterprise's. Saving asks the server and shows the page anew (the matches follow the node).
 */
function nodeFix(it, tax, ctx) {
  const a = account();
  const r = role();
  const may = r === 'admin' || r === 'officer' || (r === 'enterprise' && a && it.enterprise_id != null && a.enterprise_id === it.enterprise_id);
  if (!may || !tax) return null;
  const sel = h('select', { id: 'mk-fix-node', name: 'node' }, nodeOptions(tax, it.node ? it.node.id : '', { empty: t('mk_node_auto') }));
  const msg = h('span', { class: 'small muted', id: 'mk-fix-msg', role: 'status' });
  const form = h('form', { class: 'inline-form no-print', id: 'mk-fix' },
    formField('node', 'mk-fix-node', t('mk_fix_node'), sel),
    h('button', { type: 'submit', class: 'btn small', id: 'mk-fix-save' }, t('mk_fix_save')), ' ', msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    form.setAttribute('aria-busy', 'true');
    try {
      await sendJson('PATCH', `/api/v1/market/items/${it.id}`, { node: sel.value || null });
      form.dataset.saved = sel.value || 'auto';
      ctx.reload();
    } catch (err) {
      if (err.parameter && form.querySelector(`[data-param="${CSS.escape(err.parameter)}"]`)) showFieldError(form, err);
      else msg.textContent = err.detail || err.message;
    } finally {
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

function matchItem(m, i) {
  const pts = matchPoints(m.parts);
  let title;
  if (m.type === 'enterprise' && m.enterprise) {
    const e = m.enterprise;
    const where = e.region_code && /^[A-Z]{2}$/.test(e.region_code) ? countryName(e.region_code) : null;
    title = [h('a', { href: hrefEnterprise(e.id), class: 'match-link' }, entName(e) || `#${e.id}`), ' ',
      h('span', { class: 'badge neutral' }, e.local ? t('mk_local_enterprise') : t('enterprise')), where ? h('span', { class: 'small muted' }, ` ${where}`) : null];
  } else if (m.item) {
    title = [h('a', { href: hrefItem(m.item.id), class: 'match-link' }, m.item.title), ' ', kindBadge(m.item.kind),
      h('span', { class: 'small muted' }, ` ${m.item.poster}`)];
  } else title = '–';
  const ref = m.enterprise ? m.enterprise : m.item || {};
  return h('li', { class: 'match', dataset: { type: m.type, id: String(ref.id ?? ''), score: String(m.score) } },
    h('div', { class: 'site-head' }, h('span', { class: 'pin-num', 'aria-hidden': 'true' }, String(i + 1)),
      h('div', { class: 'site-title' }, h('h3', {}, title, ref.synthetic ? h('span', { class: 'demo small-demo', title: t('demo_record') }, t('demo_data')) : null),
        h('p', { class: 'small muted' }, [relationLabel(m.relation), m.distance_km != null ? t('mk_about_km', { km: km(m.distance_km) }) : null].filter(Boolean).join(' · ')))),
    h('div', { class: 'score-line' }, h('strong', { class: 'score-num' }, num(m.score, 1)),
      h('span', { class: 'small muted known', title: t('known_hint') }, t('known_share', { p: percent(m.known) }))),
    stackedBar(pts, { score: m.score }),
    h('p', { class: 'why' }, h('strong', {}, t('reason'), t('colon')), tx({ zh: m.why_zh, en: m.why_en })));
}
