// 登录 Sign in #/login?next=#/…: user name and password; the server's refusals in words (wrong password, locked
// until a time, too many attempts). 修改密码 #/password?next=…: change one's password — forced after a one-time
// password (the server refuses everything else until then).

import { t } from '../i18n.js';
import { h, makeHash } from '../api.js';
import { formField, clearFieldErrors, showFieldError } from '../ui.js';
import { account, accountName, signIn, changePassword, homeHash } from '../session.js';

/** A hash to go to after signing in: only a route of this app (never another page), never the sign-in itself. */
export function safeNext(v, { password = true } = {}) {
  const s = String(v || '');
  if (!/^#\/[^/]/.test(s) || /^#\/login\b/.test(s) || (!password && /^#\/password\b/.test(s))) return '';
  return s;
}

export async function render(root, ctx) {
  return ctx.name === 'password' ? renderPassword(root, ctx) : renderLogin(root, ctx);
}

function renderLogin(root, ctx) {
  ctx.setTitle(t('auth_sign_in'));
  const next = safeNext(ctx.params.get('next'));
  const me = account();
  const user = h('input', { type: 'text', id: 'login-user', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
    required: true, maxlength: '40' });
  const pw = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'login-submit' }, t('auth_sign_in'));
  const err = h('p', { class: 'form-error error-inline login-error', id: 'login-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'auth-form', id: 'login-form', novalidate: true },
    formField('username', 'login-user', t('user_username'), user),
    formField('password', 'login-password', t('auth_password'), pw),
    err,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const username = user.value.trim();
    if (!username || !pw.value) {
      show(t('auth_fill_both'), 'missing');
      (username ? pw : user).focus();
      return;
    }
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const a = await signIn(username, pw.value);
      form.dataset.result = 'ok';
      if (a && a.must_change) ctx.navigate(makeHash('password', [], next ? { next } : {}));
      else ctx.navigate(next || homeHash(a));
    } catch (e) {
      if (e.name === 'AbortError') return;
      pw.value = '';
      const code = e.code || 'error';
      if (e.status === 429 || code === 'too_many_attempts') {
        // Held for this address after wrong passwords, or too many sign-ins from it: the server says how long.
        const minutes = e.retryAfter ? Math.max(1, Math.ceil(e.retryAfter / 60)) : null;
        show(minutes ? t('auth_too_many_wait', { n: minutes }) : t('auth_too_many'), 'too_many_attempts');
      } else if (e.status === 401 || code === 'bad_credentials') show(t('auth_bad_credentials'), 'bad_credentials');
      else if (e.parameter && form.querySelector(`[data-param="${CSS.escape(e.parameter)}"]`)) {
        showFieldError(form, e);
        form.dataset.error = code;
      } else show(e.detail || e.message, code);
      pw.focus();
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  function show(text, code) {
    err.hidden = false;
    err.textContent = text;
    form.dataset.error = code;
  }
  root.append(
    h('div', { class: 'view-head' }, h('h1', {}, t('auth_sign_in_heading'))),
    h('section', { class: 'panel auth-panel' },
      me ? h('p', { class: 'note', id: 'login-already' }, t('auth_already', { name: accountName(me) })) : null,
      next ? h('p', { class: 'muted', id: 'login-next' }, t('auth_then_back')) : null,
      form,
      h('p', { class: 'small muted' }, t('auth_help'))));
  user.focus();
  return null;
}

function renderPassword(root, ctx) {
  ctx.setTitle(t('pw_change'));
  const me = account();
  const forced = Boolean(me && me.must_change);
  const next = safeNext(ctx.params.get('next'), { password: false });
  const field = (param, id, label, autocomplete, hint) => formField(param, id, label,
    h('input', { type: 'password', id, name: param, autocomplete, required: true, maxlength: '200' }), hint ? { hint } : {});
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'pw-submit' }, t('pw_submit'));
  const status = h('p', { class: 'mk-status', id: 'pw-status', role: 'status' });
  const form = h('form', { class: 'auth-form', id: 'pw-form', novalidate: true },
    field('current', 'pw-current', forced ? t('pw_current_otp') : t('pw_current'), 'current-password'),
    field('new', 'pw-new', t('pw_new'), 'new-password', t('pw_rule')),
    field('confirm', 'pw-confirm', t('pw_confirm'), 'new-password'),
    h('p', { class: 'form-error error-inline', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, submit), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    status.textContent = '';
    const fd = new FormData(form);
    const cur = String(fd.get('current') || '');
    const nw = String(fd.get('new') || '');
    if (nw !== String(fd.get('confirm') || '')) {
      showFieldError(form, { parameter: 'confirm', detail: t('pw_mismatch') });
      form.dataset.error = 'mismatch';
      return;
    }
    submit.disabled = true;
    try {
      const a = await changePassword(cur, nw);
      form.dataset.result = 'ok';
      form.reset();
      status.textContent = t('pw_done');
      if (forced || next) ctx.navigate(next || homeHash(a));
    } catch (e) {
      if (e.name === 'AbortError') return;
      form.dataset.error = e.code || 'error';
      showFieldError(form, e, { body: '__none__', session: '__none__' });
    } finally {
      submit.disabled = false;
    }
  });
  root.append(
    h('div', { class: 'view-head' }, h('h1', {}, forced ? t('pw_forced_heading') : t('pw_change'))),
    forced ? h('p', { class: 'note auth-forced', id: 'pw-forced', role: 'note' }, t('pw_forced_text')) : null,
    h('section', { class: 'panel auth-panel' },
      me ? h('p', { class: 'muted' }, t('pw_for', { name: accountName(me), user: me.username })) : null,
      form));
  root.dataset.forced = forced ? '1' : '0';
  form.querySelector('input').focus();
  return null;
}
