// Chainscope web app: a hash router over its views. The URL holds the view and its filters, so a link or a
// reload restores what was on screen: #/overview, #/map?cluster=cm&res=7, #/chain/cm?reference=country&node=cm.hyd,
// #/enterprise/14787, #/park/park-xzedz, #/region/320300, #/search?q=徐工, #/list?cluster=construction-machinery,
// #/leads?chain=cm&preset=gap_filling, #/siteplan?node=cm.crane&floor_m2=5000, #/market?kind=demand, #/market/12,
// #/pipeline?view=table&region=320312, #/project/p-2022-0001, #/events?year=2022, #/event/fair-2022,
// #/dashboard?month=2022-09 (…&screen=1: the big screen), #/report?period=2022-Q3

import { t, lang, setLang } from './i18n.js';
import { h, errorBox, parseHash, makeHash } from './api.js';

export { parseHash, makeHash };

const VIEWS = {
  overview: () => import('./views/overview.js'),
  map: () => import('./views/map.js'),
  chain: () => import('./views/chain.js'),
  list: () => import('./views/list.js'),
  search: () => import('./views/search.js'),
  enterprise: () => import('./views/enterprise.js'),
  park: () => import('./views/park.js'),
  region: () => import('./views/region.js'),
  leads: () => import('./views/leads.js'),
  siteplan: () => import('./views/siteplan.js'),
  market: () => import('./views/market.js'),
  pipeline: () => import('./views/pipeline.js'),
  project: () => import('./views/project.js'),
  events: () => import('./views/events.js'),
  event: () => import('./views/events.js'),
  dashboard: () => import('./views/dashboard.js'),
  report: () => import('./views/report.js'),
};

/** Routes that belong to another route's navigation entry (a record page under its list). */
const NAV_OF = { project: 'pipeline', event: 'events' };

const root = document.getElementById('view');
let cleanup = null;
let controller = null;

function chrome(name) {
  document.title = `${t('app_title')} · Chainscope`;
  document.getElementById('brand').textContent = t('app_title');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('foot-text').textContent = t('footer');
  document.getElementById('foot-lic').textContent = t('licences');
  document.getElementById('foot-docs').textContent = t('api_docs');
  const form = document.getElementById('search-form');
  form.setAttribute('aria-label', t('search'));
  document.getElementById('search-label').textContent = t('search_label');
  const input = document.getElementById('search-q');
  input.placeholder = t('search_placeholder');
  if (name === 'search') input.value = parseHash(location.hash).params.get('q') || '';
  document.getElementById('search-go').textContent = t('search');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav_label'));
  for (const a of nav.querySelectorAll('a')) {
    a.textContent = t(a.dataset.i18n);
    if (a.dataset.route === (NAV_OF[name] || name)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const btn = document.getElementById('lang');
  btn.textContent = t('lang_switch');
  btn.setAttribute('lang', lang() === 'en' ? 'zh-CN' : 'en');
  btn.setAttribute('aria-label', t('lang_switch_label'));
}

let navigated = false;
let refocus = null; // an in-view control that asked for a new route keeps the focus after the re-render

async function route() {
  const { name, rest, params } = parseHash(location.hash);
  if (!name) {
    history.replaceState(null, '', makeHash('overview'));
    return route();
  }
  chrome(name);
  if (cleanup) {
    try { cleanup(); } catch (e) { console.error(e); }
    cleanup = null;
  }
  if (controller) controller.abort();
  controller = new AbortController();
  const signal = controller.signal;
  root.replaceChildren();
  // A view's state attributes (data-ready, data-map, …) describe the view on screen only.
  for (const k of Object.keys(root.dataset)) delete root.dataset[k];
  root.dataset.view = name;
  const load = VIEWS[name];
  if (!load) {
    root.append(h('div', { class: 'error', role: 'alert' }, t('error_unknown_route', { hash: location.hash }), ' ',
      h('a', { href: '#/overview' }, t('nav_overview'))));
    root.dataset.ready = 'error';
    return;
  }
  // After following a link, move the focus to the new content so keyboard and screen-reader users start there.
  if (navigated && !refocus) root.focus({ preventScroll: false });
  navigated = false;
  const focusId = refocus;
  refocus = null;
  const ctx = {
    rest,
    params,
    signal,
    /** The page title: the view's subject first. */
    setTitle(text) {
      document.title = text ? `${text} · ${t('app_short')} · Chainscope` : `${t('app_title')} · Chainscope`;
    },
    /**
     * Put the view's state in the URL without re-rendering — only while this view is still the one in the address
     * bar: a late write from a view being left must not overwrite the link just followed.
     */
    setParams(next, restNext = rest) {
      if (signal.aborted) return;
      const cur = parseHash(location.hash);
      const same = (a, b) => a.join('/') === b.join('/');
      if (cur.name !== name || !(same(cur.rest, rest) || same(cur.rest, restNext))) return;
      history.replaceState(null, '', makeHash(name, restNext, next));
    },
    navigate(hash) {
      const el = document.activeElement;
      if (el && el.id && root.contains(el)) refocus = el.id;
      location.hash = hash;
    },
    /** Render the current route again (a retry after an error). */
    reload() { route(); },
  };
  try {
    const mod = await load();
    if (signal.aborted) return;
    const done = (await mod.render(root, ctx)) || null;
    if (signal.aborted) {
      // Another route started meanwhile: this view's resources go, the new view's cleanup stays.
      if (done) try { done(); } catch (e) { console.error(e); }
      return;
    }
    cleanup = done;
    if (!root.dataset.ready) root.dataset.ready = 'ok';
    if (focusId && !signal.aborted) document.getElementById(focusId)?.focus();
  } catch (e) {
    if (e && e.name === 'AbortError') return;
    console.error(e);
    root.append(errorBox(e, () => route()));
    root.dataset.ready = 'error';
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  route();
});

window.addEventListener('hashchange', () => {
  navigated = true;
  if (!refocus) window.scrollTo(0, 0);
  route();
});

// The header's search box: Enter (or the button) opens #/search?q=…; '/' anywhere focuses it.
document.getElementById('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = document.getElementById('search-q').value.trim();
  location.hash = makeHash('search', [], { q });
});
document.addEventListener('keydown', (ev) => {
  if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const tag = (document.activeElement && document.activeElement.tagName) || '';
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || document.activeElement.isContentEditable) return;
  ev.preventDefault();
  document.getElementById('search-q').focus();
});
window.addEventListener('unhandledrejection', (ev) => {
  if (ev.reason && ev.reason.name === 'AbortError') return;
  console.error(ev.reason);
  if (!root.querySelector('.error')) root.prepend(errorBox(ev.reason));
});

setLang(lang());
route();
