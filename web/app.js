// Chainscope web app: a hash router over three views. The URL holds the view and its filters, so a link or a
// reload restores what was on screen: #/overview, #/map?cluster=cm&res=7, #/chain/cm?reference=country&node=cm.hyd

import { t, lang, setLang } from './i18n.js';
import { h, errorBox } from './api.js';

const VIEWS = {
  overview: () => import('./views/overview.js'),
  map: () => import('./views/map.js'),
  chain: () => import('./views/chain.js'),
};

const root = document.getElementById('view');
let cleanup = null;
let controller = null;

/** '#/map?res=7' → {name: 'map', rest: [], params} */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: segs[0] || '', rest: segs.slice(1), params: new URLSearchParams(query) };
}

/** Build a hash from a route and params, dropping empty values. */
export function makeHash(name, rest = [], params = {}) {
  const q = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [k, v] of entries) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const path = [name, ...rest].map(encodeURIComponent).join('/');
  const qs = q.toString();
  return `#/${path}${qs ? '?' + qs : ''}`;
}

function chrome(name) {
  document.title = `${t('app_title')} · Chainscope`;
  document.getElementById('brand').textContent = t('app_title');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('foot-text').textContent = t('footer');
  document.getElementById('foot-lic').textContent = t('licences');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav_label'));
  for (const a of nav.querySelectorAll('a')) {
    a.textContent = t(a.dataset.i18n);
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const btn = document.getElementById('lang');
  btn.textContent = t('lang_switch');
  btn.setAttribute('lang', lang() === 'en' ? 'zh-CN' : 'en');
  btn.setAttribute('aria-label', t('lang_switch_label'));
}

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
  root.dataset.view = name;
  root.removeAttribute('data-ready');
  const load = VIEWS[name];
  if (!load) {
    root.append(h('div', { class: 'error', role: 'alert' }, t('error_unknown_route', { hash: location.hash }), ' ',
      h('a', { href: '#/overview' }, t('nav_overview'))));
    root.dataset.ready = 'error';
    return;
  }
  const ctx = {
    rest,
    params,
    signal,
    /** Put the view's state in the URL without re-rendering. */
    setParams(next, restNext = rest) {
      history.replaceState(null, '', makeHash(name, restNext, next));
    },
    navigate(hash) { location.hash = hash; },
    /** Render the current route again (a retry after an error). */
    reload() { route(); },
  };
  try {
    const mod = await load();
    if (signal.aborted) return;
    cleanup = (await mod.render(root, ctx)) || null;
    if (!signal.aborted && !root.dataset.ready) root.dataset.ready = 'ok';
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

window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (ev) => {
  if (ev.reason && ev.reason.name === 'AbortError') return;
  console.error(ev.reason);
  if (!root.querySelector('.error')) root.prepend(errorBox(ev.reason));
});

setLang(lang());
route();
