// 项目详情 Project #/project/{id}: one project of the pipeline — its facts, a stage stepper with the moves the server
// allows (a reason where one is needed), the history of moves, the post-signing checklist (全兜办) with what still
// blocks 开工, documents, next steps, an edit form and the change log with every stored version.
// Every write sends the version read. When someone else changed the project meanwhile the server answers 409: the
// page shows its (bilingual) message with a reload button, and what the user typed is put back after the reload.

import { t, nm, num, tx } from '../i18n.js';
import { getJson, sendJson, h, errorBox, loading, demoBadge } from '../api.js';
import {
  money, dateText, breadcrumbs, panel, kv, emptyNote, formField, showFieldError, versionedWrite, STAGES, CHANNELS,
  hrefEvent, hrefPark, hrefPipeline, stageBadge, stageLabel, bandLabel, channelLabel, classText, overdueBadge, loadBoards,
  boardOptions, classOptions, classValue, todayIso, withUnit,
} from '../ui.js';
import { account, accountName } from '../session.js';

const MAIN_STAGES = STAGES.filter((s) => s !== 'dropped');
const TASK_STATUSES = ['todo', 'doing', 'done', 'not_needed'];
const DOC_KINDS = ['agreement', 'proposal', 'minutes', 'license', 'other'];
const label = (prefix, v) => {
  const s = t(`${prefix}${v}`);
  return s === `${prefix}${v}` ? v : s;
};

/** A checklist item's department in the reader's language (the catalogue's English name where it knows the bureau). */
const deptName = (k) => tx({ zh: k.department, en: k.department_en || '' });
/** A checklist item as the API takes it back (without the computed overdue fields). */
const taskBody = (k) => ({
  id: k.id, kind: k.kind, title_zh: k.title_zh, title_en: k.title_en ?? null, department: k.department, due: k.due ?? null,
  status: k.status, done_on: k.done_on ?? null, blocks_start: Boolean(k.blocks_start), note: k.note ?? null,
});

export async function render(root, ctx) {
  const { signal } = ctx;
  const id = ctx.rest[0];
  const busy = loading();
  root.append(busy);
  if (!id) {
    busy.replaceWith(h('p', {}, h('a', { href: '#/pipeline' }, t('pl_heading'))));
    return null;
  }
  const path = `/api/v1/projects/${encodeURIComponent(id)}`;
  let p, tax, boards, events;
  try {
    [p, tax, boards, events] = await Promise.all([
      getJson(path, { signal }),
      getJson('/api/v1/taxonomy', { signal, cached: true }),
      loadBoards(signal),
      // Only those who may read events (department staff may not) list them for the event select.
      ['admin', 'leader', 'officer'].includes(account() && account().role)
        ? getJson('/api/v1/events', { signal, cached: true }).catch((e) => { if (e.name === 'AbortError') throw e; return { items: [] }; })
        : { items: [] },
    ]);
  } catch (e) {
    if (e.name === 'AbortError') return null;
    busy.replaceWith(breadcrumbs([{ text: t('pl_heading'), href: '#/pipeline' }, { text: id }]),
      h('div', { class: 'view-head' }, h('h1', {}, t('pj_kind'))), errorBox(e, () => ctx.reload()));
    root.dataset.ready = 'error';
    return null;
  }
  if (signal.aborted) return null;

  // Who writes: the server records the signed-in account as the actor of every change. Officers and administrators
  // edit; department staff mark their own checklist items; leaders read.
  const me = account();
  const writer = Boolean(me && ['admin', 'officer'].includes(me.role));
  const dept = me && me.role === 'department' ? me.department || '' : null;
  const reader = Boolean(me && ['admin', 'leader', 'officer'].includes(me.role));
  const status = h('p', { class: 'mk-status', id: 'pj-status', role: 'status' });
  const page = h('div', { id: 'pj' });
  busy.replaceWith(page);

  /**
   * What the user typed (in inputs marked data-keep) and not yet saved: only the controls changed from what was drawn,
   * so a reload shows everybody else's changes and puts back this user's own on top.
   */
  const drawnValue = (el) => {
    if (el.tagName === 'SELECT') {
      const opt = [...el.options].find((o) => o.defaultSelected) || el.options[0];
      return opt ? opt.value : '';
    }
    return el.type === 'checkbox' ? el.defaultChecked : el.defaultValue;
  };
  const capture = () => {
    const out = {};
    for (const el of page.querySelectorAll('[data-keep]')) {
      const v = el.type === 'checkbox' ? el.checked : el.value;
      if (v !== drawnValue(el)) out[el.id] = v;
    }
    return out;
  };
  const restore = (vals) => {
    let changed = false;
    for (const [elId, v] of Object.entries(vals || {})) {
      const el = page.querySelector(`#${CSS.escape(elId)}`);
      if (!el) continue;
      if (el.type === 'checkbox') { if (el.checked !== v) { el.checked = v; changed = true; } } else if (el.value !== v) { el.value = v; changed = true; }
    }
    return changed;
  };

  function draw(kept = null) {
    const focusId = document.activeElement && page.contains(document.activeElement) ? document.activeElement.id : null;
    ctx.setTitle(p.name);
    page.replaceChildren(...sections().filter(Boolean));
    const changed = restore(kept);
    if (kept && changed) status.textContent = t('pj_kept');
    if (focusId) document.getElementById(focusId)?.focus();
    root.dataset.version = String(p.version);
    root.dataset.stage = p.stage;
  }

  async function reload(keep) {
    const kept = keep ? capture() : null;
    status.textContent = t('loading');
    try {
      p = await getJson(path, { signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.replaceChildren(errorBox(e, () => reload(keep)));
      return;
    }
    status.textContent = '';
    draw(kept);
    if (kept) status.textContent = t('pj_reloaded_kept', { v: p.version });
  }

  /**
   * One write: the request, then the page drawn from the server's answer. A 409 puts the conflict box in the form; a
   * 400/422 shows at the field it names.
   */
  async function write(form, request, { aliases = {}, done } = {}) {
    await versionedWrite(form, {
      scope: page, state: root, id: 'pj-conflict', title: t('pj_conflict'), reload: () => reload(true),
      request: async () => {
        p = await request();
        draw();
        status.textContent = done ? done(p) : t('pj_saved', { v: p.version });
        window.dispatchEvent(new CustomEvent('chainscope:todo')); // the navigation's late and 全兜办 counts may change
      },
      failed: (e) => showFieldError(form, e, { body: '__none__', ...aliases }),
    });
  }
  const patch = (fields) => sendJson('PATCH', path, { version: p.version, ...fields }, { signal });

  // ---------------------------------------------------------------------------------------------------------------
  function sections() {
    const crumbs = breadcrumbs([{ text: t('pl_heading'), href: '#/pipeline' }, { text: p.name }]);
    const head = h('div', { class: 'view-head profile-head' },
      h('div', {}, h('p', { class: 'kind' }, `${t('pj_kind')} · ${p.id}`), h('h1', { id: 'pj-name' }, p.name)),
      stageBadge(p.stage, { id: 'pj-stage' }), overdueBadge(p), demoBadge(p.synthetic),
      h('span', { class: 'small muted', id: 'pj-version', dataset: { version: String(p.version) } }, t('pj_version_n', { v: p.version })));
    const actorBar = h('p', { class: 'pj-actor small muted', id: 'pj-actor', dataset: { user: me ? me.username : '', mode: writer ? 'write' : dept !== null ? 'checklist' : 'read' } },
      writer ? t('pj_acting_as', { name: accountName(me), user: me.username })
        : dept !== null ? t('pj_acting_dept', { d: dept }) : t('pj_read_only'));
    return [crumbs, head, actorBar, status, stagePanel(), factsPanel(), startPanel(), checklistPanel(), stepsPanel(), docsPanel(),
      writer ? editPanel() : null, historyPanel(), logPanel()];
  }

  // ---- stages: the stepper and the moves
  function stagePanel() {
    const dropped = p.stage === 'dropped';
    const reached = dropped ? [...p.history].reverse().find((e) => e.stage !== 'dropped')?.stage : p.stage;
    const at = MAIN_STAGES.indexOf(reached);
    const lastDate = (s) => [...p.history].reverse().find((e) => e.stage === s)?.date;
    const stepper = h('ol', { class: `stepper${dropped ? ' is-dropped' : ''}`, id: 'pj-stepper', 'aria-label': t('pj_stepper') },
      MAIN_STAGES.map((s, i) => {
        const state = i < at ? 'done' : i === at ? 'current' : 'todo';
        const d = i <= at ? lastDate(s) : null;
        return h('li', { class: `step ${state}`, dataset: { stage: s }, 'aria-current': state === 'current' && !dropped ? 'step' : null },
          h('span', { class: 'step-dot', 'aria-hidden': 'true' }, state === 'done' ? '✓' : String(i + 1)),
          h('span', { class: 'step-label' }, stageLabel(s)),
          d ? h('span', { class: 'step-date small muted' }, d) : null,
          h('span', { class: 'sr-only' }, ` (${t(`pj_step_${state}`)})`));
      }));
    const droppedNote = dropped ? h('p', { class: 'note pj-dropped' }, stageBadge('dropped'), ' ', p.drop_reason ? `${t('reason')}${t('colon')}${p.drop_reason}` : '') : null;

    const moves = writer ? p.allowed_moves || [] : [];
    if (!writer) return panel('pj-stages', t('pj_stages'), stepper, droppedNote);
    const form = h('form', { id: 'pj-move-form', class: 'pj-move-form', novalidate: true },
      h('div', { class: 'field form-field', dataset: { param: 'to' } },
        h('span', { class: 'pj-move-label', id: 'pj-move-label' }, t('pj_moves')),
        moves.length
          ? h('div', { class: 'pj-moves', role: 'group', 'aria-labelledby': 'pj-move-label' }, moves.map((m) => h('button', {
            type: 'button', value: m.to, class: `btn move move-${m.kind}${m.kind === 'forward' ? ' primary' : ''}`, dataset: { to: m.to, kind: m.kind },
            title: m.needs_reason ? t('pj_needs_reason') : null, onclick: () => move(m.to),
          }, `${m.kind === 'back' ? '← ' : m.kind === 'forward' ? '→ ' : ''}${stageLabel(m.to)}`, m.needs_reason ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null)))
          : h('p', { class: 'muted' }, t('pj_no_moves')),
        h('p', { class: 'field-error', id: 'pj-move-to-err', role: 'alert', hidden: true })),
      moves.length ? h('div', { class: 'filters' },
        formField('date', 'pj-move-date', t('pj_move_date'), h('input', { type: 'date', id: 'pj-move-date', name: 'date', value: p.today || todayIso(), max: p.today || null, 'data-keep': '' })),
        formField('reason', 'pj-move-reason', t('pj_move_reason'), h('textarea', { id: 'pj-move-reason', name: 'reason', rows: '2', maxlength: '500', 'data-keep': '' }),
          { hint: t('pj_move_reason_hint') })) : null,
      h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }));
    // Enter in the date field must not move the project: only the buttons do.
    form.addEventListener('submit', (ev) => ev.preventDefault());
    function move(to) {
      const fd = new FormData(form);
      const body = { version: p.version, to };
      const date = String(fd.get('date') || '').trim();
      const reason = String(fd.get('reason') || '').trim();
      if (date) body.date = date;
      if (reason) body.reason = reason;
      write(form, () => sendJson('POST', `${path}/moves`, body, { signal }), { done: (x) => t('pj_moved', { stage: stageLabel(x.stage), v: x.version }) });
    }
    return panel('pj-stages', t('pj_stages'), stepper, droppedNote, form);
  }

  // ---- facts
  function factsPanel() {
    const cls = p.class || {};
    const due = p.start_due;
    return panel('pj-facts', t('pj_facts'), kv([
      [t('stage'), stageBadge(p.stage)],
      [t('pl_class'), h('span', { id: 'pj-class' }, cls.tier ? `${nm(cls.tier)} · ` : '', classText(cls))],
      [t('pl_board'), p.region ? h('a', { href: hrefPipeline({ region: p.region.code }), id: 'pj-region' }, nm(p.region) || p.region.code) : '–'],
      [t('pl_investor'), p.investor || '–'],
      [t('pl_amount'), h('span', { id: 'pj-amount' }, money(p.amount))],
      [t('pj_amount_paid'), money(p.amount_paid)],
      [t('pl_band'), p.band ? bandLabel(p.band) : '–'],
      [t('pj_jobs'), p.jobs != null ? withUnit(p.jobs, 'unit_people') : '–'],
      [t('pl_officer'), h('span', { id: 'pj-officer' }, p.officer || '–')],
      [t('pl_channel'), channelLabel(p.channel)],
      [t('pl_signed_on'), p.signed_on ? dateText(p.signed_on) : '–'],
      [t('pj_start_due'), due ? [dateText(due.date), ' ', h('span', { class: 'small muted' }, due.agreed ? t('pj_due_agreed') : t('pj_due_default'))] : null],
      [t('pj_event'), p.event ? h('a', { href: hrefEvent(p.event.id), id: 'pj-event' }, nm(p.event)) : p.event_id],
      [t('pj_park'), p.park ? h('a', { href: hrefPark(p.park.id) }, nm(p.park)) : p.park_id],
      [t('pj_source'), p.provenance && p.provenance.source ? p.provenance.source : null],
    ]));
  }

  // ---- 开工: the deadline and what still blocks it
  function startPanel() {
    if (!(p.checklist || []).length && !(p.blockers || []).length && !p.start_due) return null;
    const due = p.start_due;
    const blockers = p.blockers || [];
    return h('section', { class: `panel pj-start${p.start_overdue ? ' late' : ''}`, id: 'pj-start', 'aria-labelledby': 'pj-start-h' },
      h('h2', { id: 'pj-start-h' }, t('pj_blockers')),
      due ? h('p', {}, t('pj_start_by', { d: dateText(due.date) }), ' ',
        h('span', { class: 'small muted' }, due.agreed ? t('pj_due_agreed') : t('pj_due_default')), ' ',
        p.start_overdue ? h('span', { class: 'badge late', id: 'pj-start-overdue' }, t('pl_start_overdue')) : null) : null,
      blockers.length
        ? h('ul', { class: 'pj-blockers', id: 'pj-blockers' }, blockers.map((b) => h('li', { dataset: { task: b.id }, class: b.overdue ? 'late' : null },
          h('strong', {}, tx({ zh: b.title_zh, en: b.title_en })), ' · ', deptName((p.checklist || []).find((k) => k.id === b.id) || b), b.due ? ` · ${t('pj_due_d', { d: dateText(b.due) })}` : '',
          b.overdue ? [' ', h('span', { class: 'badge late' }, t('pj_overdue'))] : null)))
        : h('p', { class: 'muted', id: 'pj-blockers-none' }, (p.checklist || []).length ? t('pj_no_blockers') : t('pj_no_checklist_yet')));
  }

  // ---- the 全兜办 checklist
  function checklistPanel() {
    const items = p.checklist || [];
    const form = h('form', { id: 'pj-checklist-form', onsubmit: (e) => e.preventDefault() },
      h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }));
    if (!items.length) {
      return panel('pj-checklist-panel', t('pj_checklist'), emptyNote(p.stage === 'dropped' ? t('pj_no_checklist') : t('pj_no_checklist_yet')));
    }
    const save = (i, change) => {
      const next = items.map((k, j) => (j === i ? { ...taskBody(k), ...change } : taskBody(k)));
      write(form, () => patch({ checklist: next }), { aliases: { [`checklist[${i}]`]: 'checklist', checklist: 'checklist' } });
    };
    // The server says which items are the signed-in department's (by catalogue id or name, as it checks a write).
    const mayEdit = (k) => writer || (dept !== null && k.mine === true);
    const rows = items.map((k, i) => h('tr', { dataset: { task: k.id, status: k.status, mine: mayEdit(k) ? '1' : '0' }, class: k.overdue ? 'late' : null },
      h('td', { class: 'name' }, h('strong', {}, tx({ zh: k.title_zh, en: k.title_en })),
        k.blocks_start ? [' ', h('span', { class: 'badge blocks', title: t('pj_blocks_start_hint') }, t('pj_blocks_start'))] : null,
        k.note ? h('div', { class: 'small muted' }, k.note) : null),
      h('td', { dataset: { label: t('pj_department'), department: k.department_id || '' } }, deptName(k)),
      h('td', { class: 'num', dataset: { label: t('pj_due') } }, k.due || '–'),
      h('td', { dataset: { label: t('pj_status') } },
        h('label', { class: 'sr-only', for: `pj-task-${k.id}` }, `${t('pj_status')} ${tx({ zh: k.title_zh, en: k.title_en })}`),
        h('select', { id: `pj-task-${k.id}`, class: 'task-status', disabled: mayEdit(k) ? null : true, onchange: (e) => save(i, { status: e.target.value, done_on: e.target.value === 'done' ? k.done_on : null }) },
          TASK_STATUSES.map((s) => h('option', { value: s, selected: s === k.status }, label('task_', s))))),
      h('td', { dataset: { label: t('pj_done_on') } },
        h('label', { class: 'sr-only', for: `pj-task-${k.id}-done` }, `${t('pj_done_on')} ${tx({ zh: k.title_zh, en: k.title_en })}`),
        h('input', { type: 'date', id: `pj-task-${k.id}-done`, class: 'task-done', value: k.done_on || '', disabled: k.status !== 'done' || !mayEdit(k),
          onchange: (e) => save(i, { done_on: e.target.value || null }) })),
      h('td', { class: 'c-late', dataset: { label: t('pj_overdue') } }, k.overdue ? h('span', { class: 'late-text' }, t('pj_days_over', { n: num(k.days_over) })) : '')));
    return panel('pj-checklist-panel', t('pj_checklist'),
      h('p', { class: 'muted small' }, dept !== null ? t('pj_checklist_hint_dept', { d: dept }) : writer ? t('pj_checklist_hint') : t('pj_checklist_hint_read')),
      form,
      h('div', { class: 'scroll' }, h('table', { id: 'pj-checklist', class: 'pj-checklist' },
        h('caption', { class: 'sr-only' }, t('pj_checklist')),
        h('thead', {}, h('tr', {}, [t('pj_task'), t('pj_department'), t('pj_due'), t('pj_status'), t('pj_done_on'), t('pj_overdue')]
          .map((c, i) => h('th', { scope: 'col', class: i === 2 ? 'num' : null }, c)))),
        h('tbody', {}, rows))));
  }

  // ---- next steps
  function stepsPanel() {
    const steps = p.next_steps || [];
    const body = (s) => ({ text: s.text, due: s.due ?? null, done: Boolean(s.done) });
    const form = h('form', { id: 'pj-step-form', class: 'pj-add', novalidate: true },
      h('div', { class: 'filters' },
        formField('next_steps', 'pj-step-text', t('pj_step_text'), h('input', { type: 'text', id: 'pj-step-text', name: 'text', maxlength: '500', 'data-keep': '' })),
        formField('step_due', 'pj-step-due', t('pj_due'), h('input', { type: 'date', id: 'pj-step-due', name: 'due', 'data-keep': '' }))),
      h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn', id: 'pj-step-add' }, t('pj_add_step'))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const fd = new FormData(form);
      const next = [...steps.map(body), { text: String(fd.get('text') || '').trim(), due: String(fd.get('due') || '') || null, done: false }];
      write(form, () => patch({ next_steps: next }));
    });
    const list = steps.length ? h('ul', { class: 'pj-steps', id: 'pj-steps' }, steps.map((s, i) => h('li', { dataset: { done: s.done ? '1' : '0' } },
      h('label', { class: 'check', for: `pj-step-${i}` },
        h('input', { type: 'checkbox', id: `pj-step-${i}`, checked: Boolean(s.done), disabled: writer ? null : true,
          onchange: (e) => write(form, () => patch({ next_steps: steps.map((x, j) => (j === i ? { ...body(x), done: e.target.checked } : body(x))) })) }),
        h('span', { class: 'step-text' }, s.text)),
      s.due ? h('span', { class: 'small muted' }, ` · ${t('pj_due_d', { d: dateText(s.due) })}`) : null)))
      : emptyNote(t('pj_no_steps'));
    return panel('pj-steps-panel', t('pj_next_steps'), list, writer ? form : null);
  }

  // ---- documents
  function docsPanel() {
    const docs = p.documents || [];
    const body = (d) => ({ name: d.name, kind: d.kind ?? null, date: d.date ?? null, note: d.note ?? null });
    const form = h('form', { id: 'pj-doc-form', class: 'pj-add', novalidate: true },
      h('div', { class: 'filters' },
        formField('documents', 'pj-doc-name', t('pj_doc_name'), h('input', { type: 'text', id: 'pj-doc-name', name: 'name', maxlength: '200', 'data-keep': '' })),
        formField('doc_kind', 'pj-doc-kind', t('pj_doc_kind'), h('select', { id: 'pj-doc-kind', name: 'kind', 'data-keep': '' },
          DOC_KINDS.map((k) => h('option', { value: k }, label('doc_', k))))),
        formField('doc_date', 'pj-doc-date', t('pj_doc_date'), h('input', { type: 'date', id: 'pj-doc-date', name: 'date', 'data-keep': '' })),
        formField('doc_note', 'pj-doc-note', t('pj_doc_note'), h('input', { type: 'text', id: 'pj-doc-note', name: 'note', maxlength: '500', 'data-keep': '' }))),
      h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn', id: 'pj-doc-add' }, t('pj_add_doc'))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const fd = new FormData(form);
      const doc = { name: String(fd.get('name') || '').trim(), kind: String(fd.get('kind') || '') || null, date: String(fd.get('date') || '') || null,
        note: String(fd.get('note') || '').trim() || null };
      write(form, () => patch({ documents: [...docs.map(body), doc] }));
    });
    const list = docs.length ? h('ul', { class: 'pj-docs', id: 'pj-docs' }, docs.map((d, i) => h('li', { dataset: { name: d.name } },
      h('strong', {}, d.name), d.kind ? h('span', { class: 'badge neutral' }, label('doc_', d.kind)) : null,
      d.date ? h('span', { class: 'small muted' }, ` ${dateText(d.date)}`) : null,
      d.note ? h('span', { class: 'small' }, ` · ${d.note}`) : null, ' ',
      !writer ? null : h('button', { type: 'button', class: 'btn small', 'aria-label': t('pj_remove_doc_n', { n: d.name }),
        onclick: () => write(form, () => patch({ documents: docs.filter((_, j) => j !== i).map(body) })) }, t('pj_remove')))))
      : emptyNote(t('pj_no_docs'));
    return panel('pj-docs-panel', t('pj_documents'), list, writer ? form : null);
  }

  // ---- edit
  function editPanel() {
    const input = (id, name, value, attrs = {}) => h('input', { id, name, value: value ?? '', autocomplete: 'off', 'data-keep': '', ...attrs });
    const cls = p.class || {};
    const evItems = [...(events.items || [])].sort((a, b) => String(b.date).localeCompare(String(a.date)));
    if (p.event_id && !evItems.some((e) => e.id === p.event_id)) evItems.unshift({ id: p.event_id, name_zh: p.event_id, date: '' });
    const initial = {
      name: p.name, investor: p.investor || '', region_code: p.region ? p.region.code : '',
      class: cls.cluster ? `cluster:${cls.cluster.id}` : cls.other_category ? `other:${cls.other_category}` : '',
      amount: p.amount ?? '', amount_paid: p.amount_paid ?? '', jobs: p.jobs ?? '', channel: p.channel || 'other',
      event_id: p.event_id || '', officer: p.officer || '', start_deadline: p.start_deadline || '', park_id: p.park_id || '',
    };
    const form = h('form', { id: 'pj-edit', class: 'pj-edit', novalidate: true },
      formField('name', 'pj-edit-name', t('pl_col_name'), input('pj-edit-name', 'name', initial.name, { type: 'text', maxlength: '200' })),
      h('div', { class: 'filters' },
        formField('investor', 'pj-edit-investor', t('pl_investor'), input('pj-edit-investor', 'investor', initial.investor, { type: 'text', maxlength: '200' })),
        formField('region_code', 'pj-edit-region', t('pl_board'), h('select', { id: 'pj-edit-region', name: 'region_code', 'data-keep': '' }, boardOptions(boards, initial.region_code))),
        formField('class', 'pj-edit-class', t('pl_class'), h('select', { id: 'pj-edit-class', name: 'class', 'data-keep': '' },
          classOptions(tax, { cluster: cls.cluster && cls.cluster.id, other: cls.other_category }, { empty: t('pl_choose_class') }))),
        formField('amount', 'pj-edit-amount', t('pl_amount_wan'), input('pj-edit-amount', 'amount', initial.amount, { type: 'number', min: '0', step: 'any' })),
        formField('amount_paid', 'pj-edit-paid', t('pj_amount_paid_wan'), input('pj-edit-paid', 'amount_paid', initial.amount_paid, { type: 'number', min: '0', step: 'any' })),
        formField('jobs', 'pj-edit-jobs', t('pj_jobs'), input('pj-edit-jobs', 'jobs', initial.jobs, { type: 'number', min: '0', step: '1' })),
        formField('channel', 'pj-edit-channel', t('pl_channel'), h('select', { id: 'pj-edit-channel', name: 'channel', 'data-keep': '' },
          CHANNELS.map((c) => h('option', { value: c, selected: c === initial.channel }, channelLabel(c))))),
        formField('officer', 'pj-edit-officer', t('pl_officer'), input('pj-edit-officer', 'officer', initial.officer, { type: 'text', maxlength: '60' })),
        formField('event_id', 'pj-edit-event', t('pj_event'), h('select', { id: 'pj-edit-event', name: 'event_id', 'data-keep': '' },
          h('option', { value: '' }, t('pj_no_event')),
          evItems.map((e) => h('option', { value: e.id, selected: e.id === initial.event_id }, `${e.date ? `${e.date} ` : ''}${nm(e)}`)))),
        formField('start_deadline', 'pj-edit-deadline', t('pj_start_deadline'), input('pj-edit-deadline', 'start_deadline', initial.start_deadline, { type: 'date' }),
          { hint: t('pj_start_deadline_hint') }),
        formField('park_id', 'pj-edit-park', t('pj_park_id'), input('pj-edit-park', 'park_id', initial.park_id, { type: 'text', maxlength: '60' }), { hint: t('pj_park_id_hint') })),
      h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'pj-edit-submit' }, t('pj_save'))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const fd = new FormData(form);
      const change = {};
      for (const k of ['name', 'investor', 'region_code', 'channel', 'officer', 'event_id', 'start_deadline', 'park_id']) {
        const v = String(fd.get(k) ?? '').trim();
        if (v !== String(initial[k])) change[k] = v || null;
      }
      if (change.name === null) change.name = '';
      for (const k of ['amount', 'amount_paid', 'jobs']) {
        const raw = String(fd.get(k) ?? '').trim();
        const el = form.querySelector(`[name="${k}"]`);
        if (el.validity.badInput) change[k] = 'invalid';
        else if (raw !== String(initial[k])) change[k] = raw === '' ? null : Number(raw);
      }
      if (String(fd.get('class') || '') !== initial.class) Object.assign(change, classValue(fd.get('class')), { node: null });
      if (!Object.keys(change).length) {
        status.textContent = t('pj_nothing_changed');
        return;
      }
      write(form, () => patch(change), { aliases: { cluster: 'class', other_category: 'class', node: 'class' } });
    });
    return h('section', { class: 'panel', id: 'pj-edit-panel', 'aria-labelledby': 'pj-edit-h' },
      h('details', { id: 'pj-edit-details', open: true },
        h('summary', {}, h('h2', { id: 'pj-edit-h' }, t('pj_edit'))), form));
  }

  // ---- history of moves
  function historyPanel() {
    const list = h('ol', { class: 'timeline', id: 'pj-history' }, [...p.history].reverse().map((e) => h('li', { dataset: { stage: e.stage } },
      h('span', { class: 'tl-date' }, e.date), ' ', stageBadge(e.stage), ' ',
      e.by ? h('span', { class: 'tl-by' }, e.by) : h('span', { class: 'muted small' }, t('pj_by_unknown')),
      e.reason ? h('p', { class: 'tl-reason small' }, `${t('reason')}${t('colon')}${e.reason}`) : null)));
    return panel('pj-history-panel', t('pj_history'), list);
  }

  // ---- change log, with every stored version
  function logPanel() {
    const viewer = h('div', { id: 'pj-version-view', class: 'pj-version-view', 'aria-live': 'polite' });
    const show = async (v, btn) => {
      viewer.replaceChildren(loading());
      try {
        const raw = await getJson(`${path}/versions/${v}`, { signal });
        viewer.replaceChildren(h('h3', { id: 'pj-version-h', tabindex: '-1' }, t('pj_version_n', { v })),
          h('pre', { class: 'try-body', dataset: { version: String(v) } }, JSON.stringify(raw, null, 2)));
        viewer.querySelector('h3').focus();
      } catch (e) {
        if (e.name === 'AbortError') return;
        viewer.replaceChildren(errorBox(e, () => show(v, btn)));
      }
    };
    const rows = [...(p.log || [])].reverse().map((l) => h('tr', { dataset: { version: String(l.version) } },
      h('td', { class: 'num' }, `v${l.version}`),
      h('td', { dataset: { label: t('pj_log_at') } }, String(l.at || '').replace('T', ' ').replace('Z', ' UTC')),
      h('td', { dataset: { label: t('pj_log_actor') } }, l.actor || '–'),
      h('td', { dataset: { label: t('pj_log_action') } }, label('act_', l.action)),
      h('td', { dataset: { label: t('pj_log_summary') } }, l.summary || ''),
      h('td', {}, reader ? h('button', { type: 'button', class: 'linkish', dataset: { version: String(l.version) },
        'aria-label': t('pj_view_version_n', { v: l.version }), onclick: (e) => show(l.version, e.target) }, t('pj_view_version')) : '')));
    return panel('pj-log-panel', t('pj_log'),
      h('div', { class: 'scroll' }, h('table', { id: 'pj-log', class: 'pj-log' },
        h('thead', {}, h('tr', {}, [t('pj_log_version'), t('pj_log_at'), t('pj_log_actor'), t('pj_log_action'), t('pj_log_summary'), t('pj_log_record')]
          .map((c, i) => h('th', { scope: 'col', class: i === 0 ? 'num' : null }, c)))),
        h('tbody', {}, rows))), viewer);
  }

  draw();
  root.dataset.ready = 'ok';
  return null;
}

