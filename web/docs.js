// The API reference at /api/docs: renders /api/openapi.json (paths, parameters with their types, enums and
// descriptions, responses with their schemas) and lets you try every GET route with your own parameters. Offline,
// self-written, in Chinese and English, with the app's stylesheet.

import { t, lang, setLang } from './i18n.js';
import { h, getJson, errorBox } from './api.js';

const main = document.getElementById('docs');
let spec = null;

// Values that make a required parameter answer something on the default data.
const EXAMPLES = {
  '/api/v1/enterprises/{id}': { id: '1' },
  '/api/v1/parks/{id}': { id: 'park-xzedz' },
  '/api/v1/chains/{id}/strength': { id: 'cm' },
  '/api/v1/chains/{id}/leaders': { id: 'cm' },
  '/api/v1/regions/{code}': { code: '320300' },
};
const QUERY_EXAMPLES = { bbox: '116.9,34.1,117.5,34.45', zoom: '11', q: '徐工' };

function chrome() {
  document.title = `${t('docs_title')} · Chainscope`;
  document.getElementById('brand').textContent = t('app_title');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('foot-text').textContent = t('footer');
  document.getElementById('foot-lic').textContent = t('licences');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav_label'));
  for (const a of nav.querySelectorAll('a')) a.textContent = t(a.dataset.i18n);
  const btn = document.getElementById('lang');
  btn.textContent = t('lang_switch');
  btn.setAttribute('lang', lang() === 'en' ? 'zh-CN' : 'en');
  btn.setAttribute('aria-label', t('lang_switch_label'));
}

function resolve(schema) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split('/').pop();
    return { name, schema: (spec.components && spec.components.schemas && spec.components.schemas[name]) || {} };
  }
  return { name: null, schema: schema || {} };
}

/**
 * A schema as words: type (or types), format, enum values, array items, nested properties. A named schema is shown
 * by name, linking to where it is spelt out once (unless `expand`).
 */
function schemaView(raw, depth = 0, expand = false) {
  const { name, schema } = resolve(raw);
  if (name && !expand) {
    return h('div', { class: 'schema' }, h('p', { class: 'schema-type' }, h('a', { href: `#schema-${name}` }, h('code', { class: 'schema-name' }, name)),
      ' ', h('span', { class: 'type' }, Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type || '')));
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const parts = [];
  if (name) parts.push(h('code', { class: 'schema-name' }, name), ' ');
  let typeText = types.join(' | ') || (schema.oneOf || schema.anyOf ? 'oneOf' : 'any');
  if (types.includes('array') && schema.items) {
    const inner = resolve(schema.items);
    typeText = `array<${inner.name || inner.schema.type || 'any'}>`;
  }
  parts.push(h('span', { class: 'type' }, typeText));
  if (schema.format) parts.push(h('span', { class: 'muted' }, ` (${schema.format})`));
  if (schema.enum) parts.push(' ', h('span', { class: 'enum' }, `${t('docs_one_of')}${t('colon')}`, schema.enum.map((v, i) => [i ? ', ' : '', h('code', {}, String(v))])));
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    parts.push(h('span', { class: 'muted' }, ` [${schema.minimum ?? ''}…${schema.maximum ?? ''}]`));
  }
  if (schema.default !== undefined) parts.push(h('span', { class: 'muted' }, ` ${t('docs_default')} ${JSON.stringify(schema.default)}`));
  const props = schema.properties || (types.includes('array') && resolve(schema.items).schema.properties);
  const required = new Set(schema.required || []);
  const out = h('div', { class: 'schema' }, h('p', { class: 'schema-type' }, parts), schema.description ? h('p', { class: 'muted' }, schema.description) : null);
  if (props && depth < 4) {
    out.append(h('ul', { class: 'props' }, Object.entries(props).map(([k, v]) => h('li', {},
      h('code', {}, k), required.has(k) ? h('span', { class: 'req', title: t('docs_required') }, ' *') : null, ' ', schemaView(v, depth + 1)))));
  }
  return out;
}

function paramInput(opId, p) {
  const id = `${opId}-p-${p.name}`;
  const sch = resolve(p.schema).schema;
  const types = Array.isArray(sch.type) ? sch.type : [sch.type];
  let input;
  const example = p.in === 'path' ? '' : QUERY_EXAMPLES[p.name] && p.required ? QUERY_EXAMPLES[p.name] : '';
  if (sch.enum) {
    input = h('select', { id, name: p.name, dataset: { in: p.in } }, h('option', { value: '' }, '—'), sch.enum.map((v) => h('option', { value: String(v) }, String(v))));
  } else if (types.includes('boolean')) {
    input = h('select', { id, name: p.name, dataset: { in: p.in } }, ['', 'true', 'false'].map((v) => h('option', { value: v }, v || '—')));
  } else {
    input = h('input', { id, name: p.name, value: example, dataset: { in: p.in }, inputmode: types.includes('integer') || types.includes('number') ? 'decimal' : null, autocomplete: 'off' });
  }
  return h('label', { class: 'field', for: id }, h('span', {}, h('code', {}, p.name), p.required ? ' *' : ''), input);
}

function tryIt(path, op, opId) {
  const params = op.parameters || [];
  const ex = EXAMPLES[path] || {};
  const form = h('form', { class: 'try', id: `${opId}-try`, onsubmit: (e) => { e.preventDefault(); send(); } });
  const link = h('a', { class: 'try-link', href: path, id: `${opId}-link` }, path);
  const out = h('div', { class: 'try-out', 'aria-live': 'polite' });
  const inputs = params.map((p) => paramInput(opId, p));
  for (const [k, v] of Object.entries(ex)) {
    const el = inputs.map((l) => l.querySelector(`[name="${k}"]`)).find(Boolean);
    if (el) el.value = v;
  }
  const url = () => {
    let u = path;
    const q = new URLSearchParams();
    for (const el of form.querySelectorAll('input, select')) {
      if (!el.name || el.value === '') continue;
      if (el.dataset.in === 'path') u = u.replace(`{${el.name}}`, encodeURIComponent(el.value));
      else q.set(el.name, el.value);
    }
    const qs = q.toString();
    return qs ? `${u}?${qs}` : u;
  };
  const refresh = () => { const u = url(); link.href = u; link.textContent = u; };
  async function send() {
    refresh();
    out.replaceChildren(h('p', { class: 'loading' }, t('loading')));
    const t0 = performance.now();
    try {
      const res = await fetch(url(), { headers: { Accept: 'application/json, text/csv, */*' } });
      const text = await res.text();
      let body = text;
      try { body = JSON.stringify(JSON.parse(text), null, 2); } catch { /* CSV or text */ }
      const cut = body.length > 20000;
      out.replaceChildren(h('p', { class: 'try-status' }, h('strong', { class: res.ok ? 'ok' : 'bad' }, `HTTP ${res.status}`),
        ` · ${Math.round(performance.now() - t0)} ms · ${res.headers.get('content-type') || ''}`),
      h('pre', { class: 'try-body', tabindex: '0' }, cut ? `${body.slice(0, 20000)}\n… ${t('docs_truncated', { n: body.length })}` : body));
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  }
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  form.append(inputs.length ? h('div', { class: 'filters' }, inputs) : h('p', { class: 'muted' }, t('docs_no_params')),
    h('p', { class: 'try-actions' }, h('button', { type: 'submit', class: 'btn' }, t('docs_send')), ' ', t('docs_or_open'), ' ', link));
  refresh();
  return h('details', { class: 'try-it' }, h('summary', {}, t('docs_try')), form, out);
}

function operation(path, method, op) {
  const opId = `op-${method}-${path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  const params = op.parameters || [];
  const responses = Object.entries(op.responses || {});
  return h('section', { class: 'panel op', id: opId, dataset: { path, method } },
    h('h2', {}, h('span', { class: `method m-${method}` }, method.toUpperCase()), ' ', h('code', { class: 'op-path' }, path)),
    op.summary ? h('p', { class: 'op-summary' }, h('strong', {}, op.summary)) : null,
    op.description ? h('p', {}, op.description) : null,
    h('h3', {}, t('docs_parameters')),
    params.length ? h('div', { class: 'scroll' }, h('table', { class: 'params' },
      h('thead', {}, h('tr', {}, [t('docs_name'), t('docs_in'), t('docs_type'), t('docs_required'), t('docs_description')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, params.map((p) => h('tr', { dataset: { param: p.name } },
        h('td', { class: 'p-name' }, h('code', {}, p.name)), h('td', { class: 'p-in', dataset: { label: t('docs_in') } }, t(`docs_in_${p.in}`)),
        h('td', { class: 'p-type' }, schemaView(p.schema)),
        h('td', { class: p.required ? 'p-req yes' : 'p-req no', dataset: { label: t('docs_required') } }, p.required ? t('yes') : t('no')),
        h('td', { class: 'p-desc' }, p.description || '')))))) : h('p', { class: 'muted' }, t('docs_no_params')),
    h('h3', {}, t('docs_responses')),
    h('dl', { class: 'responses' }, responses.map(([code, r]) => h('div', { dataset: { status: code } },
      h('dt', {}, h('code', { class: `status s${String(code)[0]}xx` }, code), ' ', r.description || ''),
      h('dd', {}, Object.entries(r.content || {}).map(([type, c]) => h('div', {}, h('span', { class: 'muted' }, type), c.schema ? schemaView(c.schema) : null)))))),
    method === 'get' ? tryIt(path, op, opId) : null);
}

function render() {
  chrome();
  if (!spec) return;
  const ops = [];
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) if (item[method]) ops.push([path, method, item[method]]);
  }
  const sections = ops.map(([p, m, o]) => operation(p, m, o));
  const toc = h('nav', { class: 'panel toc', 'aria-label': t('docs_toc') }, h('h2', {}, t('docs_toc')),
    h('ul', { class: 'link-list' }, ops.map(([p, m, o], i) => h('li', { dataset: { path: p } },
      h('a', { href: `#${sections[i].id}` }, h('span', { class: `method m-${m}` }, m.toUpperCase()), ' ', h('code', {}, p)), o.summary ? h('span', { class: 'muted' }, ` · ${o.summary}`) : null))));
  const filter = h('input', { type: 'search', id: 'docs-filter', placeholder: t('docs_filter_placeholder'), autocomplete: 'off', oninput: () => {
    const q = filter.value.trim().toLowerCase();
    sections.forEach((s, i) => {
      const [p, m, o] = ops[i];
      const hit = !q || `${m} ${p} ${o.summary || ''} ${o.description || ''} ${(o.parameters || []).map((x) => x.name).join(' ')}`.toLowerCase().includes(q);
      s.hidden = !hit;
      toc.querySelectorAll('li')[i].hidden = !hit;
    });
  } });
  const errSchema = spec.components && spec.components.schemas && spec.components.schemas.Error;
  main.replaceChildren(
    h('div', { class: 'view-head' }, h('h1', {}, t('docs_heading')), h('span', { class: 'muted' }, `${spec.info?.title || ''} ${spec.info?.version || ''} · OpenAPI ${spec.openapi || ''}`)),
    h('section', { class: 'panel', id: 'docs-intro' },
      spec.info?.description ? h('p', {}, spec.info.description) : null,
      h('p', {}, t('docs_intro')),
      h('p', {}, h('a', { href: '/api/openapi.json' }, '/api/openapi.json'), ' · ', t('docs_ops', { n: ops.length }))),
    errSchema ? h('section', { class: 'panel', id: 'docs-errors' }, h('h2', {}, t('docs_errors')), h('p', {}, t('docs_errors_text')),
      h('pre', { class: 'try-body' }, '{"error": {"code": "invalid_resolution", "message": "…", "parameter": "res"}}')) : '',
    ...Object.keys((spec.components && spec.components.schemas) || {}).map((name) => h('section', { class: 'panel schema-def', id: `schema-${name}` },
      h('h2', {}, t('docs_schema'), ' ', h('code', {}, name)), schemaView({ $ref: `#/components/schemas/${name}` }, 0, true))),
    h('label', { class: 'field docs-filter', for: 'docs-filter' }, h('span', {}, t('docs_filter')), filter),
    toc, ...sections);
  main.dataset.ops = String(ops.length);
  main.dataset.ready = 'ok';
  if (location.hash.length > 1) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  render();
});

setLang(lang());
chrome();
try {
  spec = await getJson('/api/openapi.json');
  render();
} catch (e) {
  main.replaceChildren(errorBox(e, () => location.reload()));
  main.dataset.ready = 'error';
}
