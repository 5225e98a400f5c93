// @ts-check
// Small helpers shared by the pages: building elements, calling the API,
// forms with field-level errors, tables that turn into cards on a phone.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function cookie(name) {
  const m = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
  return m ? decodeURIComponent(m.slice(name.length + 1)) : '';
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || '请求失败（' + status + '）');
    this.status = status;
    this.code = e.code || '';
    this.fields = e.fields || {};
  }
}

// api calls the JSON API with the session cookie and the CSRF token.
// The button that was clicked last, and when: a change it starts keeps it disabled until the
// answer comes, so that a second click cannot send the change twice.
let lastClick = { button: null, at: 0 };
document.addEventListener('click', (ev) => {
  const target = /** @type {Element} */ (ev.target);
  const button = target.closest && target.closest('button, [type=submit]');
  if (button) lastClick = { button, at: Date.now() };
}, true);

// options.minimal asks a message for no answer (Prefer: return=minimal), when the page goes elsewhere next.
/**
 * @param {string} method
 * @param {string} path
 * @param {any} [body]
 * @param {{ minimal?: boolean, stay?: boolean }} [options]
 * @returns {Promise<any>}
 */
export async function api(method, path, body, options = {}) {
  if (method !== 'GET' && lastClick.button && Date.now() - lastClick.at < 1000 && !lastClick.button.disabled) {
    const button = lastClick.button;
    lastClick = { button: null, at: 0 };
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try { return await request(method, path, body, options); } finally { button.disabled = false; button.removeAttribute('aria-busy'); }
  }
  return request(method, path, body, options);
}

// requestKey names one change, so that repeating it applies it once (crypto.randomUUID needs a
// secure context; an intranet served over http has only getRandomValues).
function requestKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * get reads an answer of the API by its path in the contract (/applications/{id}), the path's
 * values filled in, and is typed by the contract: a page that reads a field the contract does not
 * have fails the type check.
 * @template {import('../types/contract').Paths} P
 * @param {P} template
 * @param {Record<string, string | number>} [values] the path's values
 * @param {string | URLSearchParams} [query]
 * @param {{ stay?: boolean }} [options]
 * @returns {Promise<import('../types/contract').Ok<P>>}
 */
export function get(template, values = {}, query = '', options = {}) {
  const path = String(template).replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(String(values[k])));
  const q = String(query);
  return api('GET', path + (q ? '?' + q : ''), undefined, options);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A change whose answer says it is still being processed (202, at a deadline's surge) is asked
// again with the same Idempotency-Key until its outcome is known: the server applies it once.
const pendingRepeats = 30;

async function request(method, path, body, options = {}) {
  /** @type {RequestInit & { headers: Record<string, string> }} */
  const opts = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (method !== 'GET') {
    opts.headers['X-CSRF-Token'] = cookie('outbound_csrf');
    opts.headers['Idempotency-Key'] = requestKey();
  }
  if (options.minimal) opts.headers.Prefer = 'return=minimal';
  if (body instanceof FormData) opts.body = body;
  else if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  let data = null;
  for (let repeat = 0; ; repeat++) {
    try {
      res = await fetch('/api/v1' + path, opts);
    } catch (e) {
      throw new ApiError(0, { error: { message: '网络连接失败，请检查网络后重试' } });
    }
    if (res.status === 204) return null;
    data = null;
    if ((res.headers.get('Content-Type') || '').includes('application/json')) data = await res.json();
    if (res.status !== 202 || !data || data.status !== 'processing') break;
    if (repeat >= pendingRepeats) throw new ApiError(202, { error: { code: 'processing', message: data.message } });
    if (repeat === 0) toast(data.message, 'info');
    await sleep(2000);
  }
  if (!res.ok) {
    // options.stay keeps a page that visitors may see where it is (a 公示 open to the campus).
    if (res.status === 401 && path !== '/auth/login' && !options.stay) {
      location.hash = '#/login';
    }
    // A password an administrator set must be changed first: the page that asks for it comes up.
    if (res.status === 403 && data?.error?.code === 'password_change_required') location.reload();
    throw new ApiError(res.status, data);
  }
  return data;
}

// upload sends one file with progress, as the manual's 上传 dialog shows it.
export function upload(path, file, onProgress, method = 'POST') {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, '/api/v1' + path);
    xhr.setRequestHeader('X-CSRF-Token', cookie('outbound_csrf'));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status === 202 && data && data.status === 'processing') toast(data.message, 'info');
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { error: { message: '上传中断，请检查网络后重试' } }));
    // The file itself is the body: the server streams it to storage as it arrives, its length known.
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    xhr.send(file);
  });
}

// Toasts shown at once stack in one live region instead of covering each other.
export function toast(message, kind = 'ok') {
  const region = document.querySelector('.toasts') || document.body.appendChild(h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' }));
  const el = h('div', { class: 'toast ' + kind }, message);
  region.append(el);
  setTimeout(() => el.remove(), 4000);
}

// showError puts an API error next to its fields, or on top of the form.
export function showError(form, err) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
  const box = form.querySelector('.form-error');
  if (box) box.replaceChildren(); // the new error replaces the old, never piles on it
  let placed = 0;
  for (const [name, msg] of Object.entries(err.fields || {})) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) {
      input.classList.add('invalid');
      input.closest('label, .field')?.append(h('span', { class: 'field-error' }, msg));
      placed++;
    } else if (box) {
      box.append(h('div', {}, msg));
    }
  }
  if (box) {
    box.prepend(h('div', {}, err.message));
    box.hidden = false;
  } else if (!placed) toast(err.message, 'error');
}

export function clearError(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
  const box = form.querySelector('.form-error');
  if (box) { box.textContent = ''; box.hidden = true; }
}

// field is one labelled input of a form.
export function field(spec, value) {
  const { name, label, type = 'text', options, required, hint, wide } = spec;
  let input;
  if (type === 'select') {
    // An option is a value, or [value, words] when people read other words than the value;
    // options may be a function, for lists that come from the server after the page's module loaded.
    input = h('select', { name }, h('option', { value: '' }, '请选择'),
      (typeof options === 'function' ? options() : options).map((o) => {
        const [v, words] = Array.isArray(o) ? o : [o, o];
        return h('option', { value: v, selected: v === value }, words);
      }));
  } else if (type === 'textarea') {
    input = h('textarea', { name, rows: 3 }, value ?? '');
  } else if (type === 'checkbox') {
    input = h('input', { type: 'checkbox', name, checked: !!value });
  } else {
    input = h('input', { type, name, value: value ?? '', step: type === 'number' ? 'any' : undefined, autocomplete: 'off' });
  }
  return h('label', { class: 'field' + (wide ? ' wide' : '') },
    h('span', { class: 'label' }, label, required ? h('em', { class: 'req' }, '*') : ''), input,
    hint ? h('small', { class: 'hint' }, hint) : '');
}

// formValues reads a form into an object; number inputs become numbers (or null when empty).
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el instanceof HTMLFieldSetElement) continue; // a group's name places its error, it has no value
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'number') out[el.name] = el.value === '' ? null : Number(el.value);
    else out[el.name] = el.value.trim();
  }
  return out;
}

// table builds a table whose rows become labelled cards on a narrow screen.
export function table(columns, rows, empty = '暂未查询到符合条件的数据!') {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  // A wide table scrolls sideways; keyboard users reach the scrolling with Tab.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': '表格' }, h('table', { class: 'cards' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.label)))),
    h('tbody', {}, rows.map((r, i) => h('tr', {}, columns.map((c) => h('td', { dataset: { label: c.label } }, c.value(r, i))))))));
}

// dialog opens a modal: focus moves into it and stays there (Tab wraps), Esc or × closes it,
// and focus returns to what had it before.
export function dialog(title, body, actions) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const close = () => {
    overlay.remove();
    document.removeEventListener('keydown', onKey, true);
    if (opener && opener.isConnected) opener.focus();
  };
  const overlay = h('div', { class: 'overlay', role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
    h('div', { class: 'dialog' }, h('header', {}, h('h2', {}, title), h('button', { class: 'link close', type: 'button', onclick: close, 'aria-label': '关闭' }, '×')),
      body, h('footer', {}, actions(close))));
  const focusable = () => [...overlay.querySelectorAll('input, select, textarea, button, a[href]')].filter((e) => !e.disabled && e.offsetParent !== null);
  const onKey = (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); close(); return; }
    if (ev.key !== 'Tab') return;
    const items = focusable();
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1];
    if (ev.shiftKey && (document.activeElement === first || !overlay.contains(document.activeElement))) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && (document.activeElement === last || !overlay.contains(document.activeElement))) { ev.preventDefault(); first.focus(); }
  };
  document.addEventListener('keydown', onKey, true);
  document.body.append(overlay);
  // The first field, else the last button of the footer (the dialog's main action).
  const start = overlay.querySelector('.dialog > :not(header) input, .dialog > :not(header) select, .dialog > :not(header) textarea') ||
    [...overlay.querySelectorAll('footer button')].pop();
  if (start) start.focus();
  return close;
}

export function confirmDialog(title, message, yes = '是', no = '否') {
  return new Promise((resolve) => {
    dialog(title, h('p', {}, message), (close) => [
      h('button', { type: 'button', class: 'secondary', onclick: () => { close(); resolve(false); } }, no),
      h('button', { type: 'button', class: 'primary', onclick: () => { close(); resolve(true); } }, yes),
    ]);
  });
}

// Times are shown in Beijing time, as the server writes them in its messages, whatever the zone
// of the reader's device.
const beijing = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
function parts(s) {
  return Object.fromEntries(beijing.formatToParts(new Date(s)).map((p) => [p.type, p.value]));
}

// beijingInput is a time as a datetime-local field shows it, in Beijing time; fromBeijingInput
// reads such a field as Beijing time. A deadline typed as 09:00 is 09:00 in Beijing even on a
// machine whose clock is set to another zone.
export function beijingInput(iso) {
  if (!iso) return '';
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
export function fromBeijingInput(v) {
  return v ? new Date(v + ':00+08:00').toISOString() : undefined;
}

export function fmtTime(s) {
  if (!s) return '';
  const p = parts(s);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// fmtDate writes a date as the manual does, for people to read: 2023年10月10日.
export function fmtDate(s) {
  if (!s) return '';
  const p = parts(s);
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
}

export function fmtSize(n) {
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1).replace(/\.0$/, '') + 'M';
  return Math.max(1, Math.round(n / 1024)) + 'K';
}

// The process's words and rules come from the server (GET /process), so the UI
// keeps no copy of them; loadRules fills these once after sign-in.
export const roleNames = {};
export const stageNames = {};
/** @type {import('../types/contract').Rules} */
export const rules = /** @type {any} */ ({});

// roleSpec is a role's declaration (what it sees and may do), from rules.roles.
/** @type {(code: string) => Partial<import('../types/contract').Rules['roles'][number]>} */
export const roleSpec = (code) => (rules.roles || []).find((r) => r.code === code) || {};

export async function loadRules() {
  if (rules.stages) return;
  Object.assign(rules, await get('/process'));
  for (const r of rules.roles) roleNames[r.code] = r.label;
  for (const st of rules.stages) stageNames[st.code] = st.label;
}

// The application's forms come from the catalogue (rules.form): a field is declared once on the
// server, and its input, its row in the detail and on the printed form are drawn from it here.
const inputTypes = { date: 'date', number: 'number', choice: 'select', mobile: 'tel', phone: 'tel', email: 'email' };

export function formFields(section) {
  return rules.form.filter((f) => f.section === section);
}

// formText is a field's value as people read it.
export function formText(f, v) {
  if (v === null || v === undefined || v === '') return f.kind === 'bool' ? '否' : '';
  if (f.kind === 'bool') return v ? '是' : '否';
  if (f.kind === 'date') return fmtDate(v);
  return String(v);
}

// formInputs are a section's inputs, filled from the application; derived fields are read-only.
export function formInputs(section, a) {
  return formFields(section).map((f) => {
    const v = a.form[f.name] ?? (f.defaultFrom ? a[f.defaultFrom] : undefined);
    // A derived field is the system's (学号, 院系…): shown read-only, with no 'required' mark to answer.
    const el = field({ name: f.name, label: f.label, type: f.derived ? 'text' : inputTypes[f.kind] || 'text', options: f.options,
      required: f.required && !f.derived, hint: f.hint }, f.derived ? formText(f, v) : v);
    if (f.derived) el.querySelector('input').readOnly = true;
    return el;
  });
}

// formRows are a section's [label, value] rows; show may replace a value (a masked number, say).
/** @param {(f: any, text: string, value: any) => any} [show] */
export function formRows(section, a, show = (f, text) => text) {
  return formFields(section).map((f) => [f.label, show(f, formText(f, a.form[f.name]), a.form[f.name])]);
}
