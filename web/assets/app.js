// @ts-check
// Outbound's web UI: a small single-page app without a build step. Pages are
// functions that return elements; the hash names the page (#/projects).
import { h, api, get, toast, roleNames, roleSpec, loadRules, dialog, field, formValues, showError, clearError } from './lib.js';
import * as student from './student.js';
import * as projects from './projects.js';
import * as staff from './staff.js';
import * as admin from './admin.js';
import * as print from './print.js';
import * as abroad from './abroad.js';
import * as selection from './selection.js';
import * as credits from './credits.js';
import * as insight from './insight.js';
import * as audit from './audit.js';
import * as events from './events.js';

const state = { me: null, authConfig: null };

// A role's menu follows what its declaration (rules.roles) lets it do.
function menuOf(role) {
  const r = roleSpec(role);
  if (r.scope === 'own') {
    return [['#/profile', '个人中心'], ['#/projects', '校际交流项目申请'], ['#/applications', '行前手续及回国手续申请'], ['#/publicity', '公示'], ['#/notifications', '通知']];
  }
  const all = r.scope === 'all';
  return [
    [r.decides || all, '#/reviews', '审核队列'], [true, '#/list', '申请列表'], [r.decides || all, '#/abroad', '在外学生'],
    [r.publishes || all || (r.decides && r.scope === 'college'), '#/selection', '项目选拔'], [true, '#/publicity', '公示'], [r.courses, '#/admin/courses', '课程与成绩换算'], [r.publishes, '#/admin/projects', '项目管理'], [r.publishes, '#/admin/partners', '合作院校'], [r.publishes, '#/admin/notice', '申报须知'], [r.publishes, '#/admin/phrases', '审核常用语'],
    [all, '#/admin/accounts', '账号管理'], [all, '#/admin/roster', '名单导入'], [all, '#/admin/colleges', '学院管理'],
    [r.dashboard || r.statistics, '#/dashboard', '统计看板'], [all, '#/admin/audit', '审计日志'], [all, '#/admin/events', '事件推送'], [!all, '#/notifications', '通知'],
  ].filter(([shown]) => shown).map(([, href, label]) => [href, label]);
}

// Where a role starts: its own applications, the dashboard, or its review queue.
const homeOf = (role) => ({ own: '#/applications', all: '#/dashboard' })[roleSpec(role).scope] || '#/reviews';

// routes: a pattern per page; :id matches a number.
/** @type {Array<[string, (...ids: string[]) => any]>} */
const routes = [
  ['#/login', () => loginPage()],
  ['#/profile', () => student.profilePage()],
  ['#/projects', () => projects.projectsPage()],
  ['#/projects/:id', (id) => projects.projectPage(state, id)],
  ['#/projects/:id/apply', (id) => projects.applyPage(state, id)],
  ['#/applications', () => student.myApplicationsPage()],
  ['#/applications/:id', (id) => student.detailPage(state, id)],
  ['#/applications/:id/edit', (id) => student.wizardPage(state, id)],
  ['#/applications/:id/print', (id) => print.printPage(state, id)],
  ['#/applications/:id/credits-print', (id) => print.creditsPrintPage(state, id)],
  ['#/notifications', () => student.notificationsPage()],
  ['#/reviews', () => staff.queuePage(state)],
  ['#/list', () => staff.listPage(state)],
  ['#/dashboard', () => insight.statisticsPage(state)],
  ['#/dashboard/report', () => insight.reportPage()],
  ['#/abroad', () => abroad.abroadPage(state)],
  ['#/selection', () => selection.roundsPage()],
  ['#/selection/:id', (id) => selection.boardPage(state, id)],
  ['#/publicity', () => selection.publicityIndexPage()],
  ['#/publicity/:rid', (rid) => selection.publicityPage(state, rid)],
  ['#/admin/projects', () => staff.projectsAdminPage()],
  ['#/admin/notice', () => admin.noticePage()],
  ['#/admin/phrases', () => admin.phrasesPage()],
  ['#/admin/projects/:id', (id) => staff.projectEditPage(state, id)],
  ['#/admin/accounts', () => staff.accountsPage()],
  ['#/admin/roster', () => admin.rosterPage()],
  ['#/admin/colleges', () => admin.collegesPage()],
  ['#/admin/audit', () => audit.auditPage()],
  ['#/admin/events', () => events.eventsPage()],
  ['#/admin/courses', () => credits.coursesPage()],
  ['#/admin/partners', () => insight.partnersPage()],
];

function match(hash) {
  for (const [pattern, page] of routes) {
    const re = new RegExp('^' + pattern.replace(/:id/g, '(\\d+|new)').replace(/:rid/g, '([\\w-]+)') + '$');
    const m = hash.match(re);
    if (m) return () => page(...m.slice(1));
  }
  return null;
}

async function loadMe() {
  try {
    state.me = await get('/me', {}, '', { stay: true });
    await loadRules();
  } catch (_) {
    state.me = null;
  }
  remember(state.me);
  await loadAuthConfig();
}

async function loadAuthConfig() {
  if (state.authConfig) return;
  try { state.authConfig = await get('/auth/config'); } catch (_) { state.authConfig = { casEnabled: false }; }
}

// brand is the university's logo (or an emblem) and name, then the system's.
function brand() {
  const c = state.authConfig || {};
  return [c.logoUrl ? h('img', { class: 'logo', src: c.logoUrl, alt: '' }) : h('span', { class: 'logo', 'aria-hidden': 'true' }, '外'),
    h('span', { class: 'names' }, c.universityName ? h('small', { class: 'university' }, c.universityName) : '', '外事综合服务系统')];
}

const passwordHint = '至少12个字符；不能是常见密码、键盘顺序或与姓名、学号/工号相近；修改后其他设备上的登录将退出';

function passwordForm() {
  return h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }),
    field({ name: 'currentPassword', label: '当前密码', type: 'password', required: true }),
    field({ name: 'newPassword', label: '新密码', type: 'password', required: true, hint: passwordHint }));
}

// savePassword sends the form; true when the password was changed.
async function savePassword(form, button) {
  clearError(form);
  button.disabled = true;
  try { await api('POST', '/me/password', formValues(form)); toast('密码已修改'); return true; } catch (err) { showError(form, err); return false; } finally { button.disabled = false; }
}

// changePassword lets a local account set a new password; other signed-in devices are signed out.
function changePassword() {
  const form = passwordForm();
  dialog('修改密码', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async (e) => { if (await savePassword(form, e.target)) close(); } }, '保存')]);
}

// mustChangePage is all an account sees while the password an administrator set is unchanged.
function mustChangePage() {
  const form = passwordForm();
  return h('section', { class: 'narrow' }, h('h1', {}, '请先修改密码'),
    h('p', {}, '管理员为您设置了密码。为了账号安全，请设置一个只有您知道的新密码，然后继续使用。'), form,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      if (!(await savePassword(form, e.target))) return;
      state.me.mustChangePassword = false;
      location.hash = homeOf(state.me.role);
      render();
    } }, '保存并继续')));
}

// Who is signed in is shared by the tabs of a browser: when another tab signs in as someone else
// or signs out, this one follows at once instead of showing the previous person's menus.
const whoKey = 'outbound.who';
function remember(me) { try { localStorage.setItem(whoKey, me ? String(me.id) : ''); } catch (_) { /* private mode */ } }
window.addEventListener('storage', (e) => {
  if (e.key !== whoKey || String(state.me?.id ?? '') === (e.newValue || '')) return;
  state.me = null;
  render();
});

function layout(content) {
  const me = state.me;
  const items = menuOf(me.role).map(([href, label]) =>
    h('a', { href, class: location.hash.split('?')[0] === href ? 'active' : '' }, label));
  const logout = async () => {
    try { await api('POST', '/auth/logout'); } catch (_) { /* signed out anyway */ }
    // What was said to this person is not left for the next one at the same screen.
    document.querySelector('.toasts')?.replaceChildren();
    state.me = null;
    remember(null);
    if (state.authConfig?.casEnabled) location.href = '/api/v1/auth/cas/logout';
    else location.hash = '#/login';
  };
  return h('div', { class: 'shell' },
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: homeOf(me.role) }, brand()),
      h('span', { class: 'who' }, me.displayName, ' · ', roleNames[me.role] || me.role, me.collegeName ? ' · ' + me.collegeName : ''),
      menuOf(me.role).some(([href]) => href === '#/notifications')
        ? h('a', { class: 'bell', href: '#/notifications' }, '通知',
          state.unread ? h('span', { class: 'count' }, state.unread > 99 ? '99+' : String(state.unread), h('span', { class: 'sr-only' }, ' 条未读')) : '') : '',
      me.localPassword ? h('button', { class: 'link', type: 'button', onclick: changePassword }, '修改密码') : '',
      h('button', { class: 'link', type: 'button', onclick: logout }, '退出')),
    h('nav', { class: 'menu', 'aria-label': '主菜单' }, items),
    h('main', { id: 'main' }, content));
}

export async function render() {
  const root = document.getElementById('app');
  let hash = location.hash || '#/';
  if (!state.me && hash !== '#/login') {
    await loadMe();
    // A 公示 whose project allows it is open to visitors, read-only, without the menus.
    if (!state.me && hash.startsWith('#/publicity')) { await visitorPage(root, hash); return; }
    if (!state.me) { location.hash = '#/login'; return; }
  }
  if (hash === '#/' || hash === '#') {
    location.hash = homeOf(state.me.role);
    return;
  }
  const page = match(hash.split('?')[0]);
  if (!page) {
    root.replaceChildren(layout(h('p', { class: 'empty' }, '页面不存在。')));
    return;
  }
  if (hash === '#/login') {
    root.replaceChildren(await page());
    document.title = '登录 - 外事综合服务系统';
    return;
  }
  if (state.me.mustChangePassword) {
    root.replaceChildren(layout(mustChangePage()));
    document.title = '修改密码 - 外事综合服务系统';
    return;
  }
  // A thin bar at the top while the page loads; the unread count of the header comes with it.
  document.body.classList.add('busy');
  const hasInbox = menuOf(state.me.role).some(([href]) => href === '#/notifications');
  const unread = hasInbox ? get('/notifications/unread').then((n) => n.unread, () => 0) : Promise.resolve(0);
  let content;
  try {
    content = await page();
  } catch (e) {
    content = h('div', { class: 'error-page' }, h('p', { class: 'error' }, e.message || '加载失败'), h('a', { href: '#/' }, '返回首页'));
  }
  state.unread = await unread;
  document.body.classList.remove('busy');
  root.replaceChildren(layout(content));
  const title = root.querySelector('main h1');
  document.title = (title ? title.textContent.trim() + ' - ' : '') + '外事综合服务系统';
  placeScroll(hash);
  // On a phone the menu is a row of tabs that scrolls sideways: the current one is brought into view
  // (sideways only: the page keeps its place).
  const nav = root.querySelector('nav.menu');
  const active = /** @type {HTMLElement | null} */ (nav?.querySelector('a.active'));
  if (active && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft += active.getBoundingClientRect().left - nav.getBoundingClientRect().left - (nav.clientWidth - active.offsetWidth) / 2;
  }
}

async function visitorPage(root, hash) {
  const page = match(hash.split('?')[0]);
  let content;
  try {
    content = page ? await page() : h('p', { class: 'empty' }, '页面不存在。');
  } catch (e) {
    if (e.status === 401) { location.hash = '#/login'; return; }
    content = h('p', { class: 'error' }, e.message || '加载失败');
  }
  root.replaceChildren(h('div', { class: 'shell' }, h('header', { class: 'top' }, h('span', { class: 'brand' }, brand()),
    h('a', { class: 'link', href: '#/login' }, '登录')), h('main', { id: 'main' }, content)));
  document.title = '公示 - 外事综合服务系统';
}

// placeScroll brings the named section into view (…?section=progress); a page that reloads
// itself (after an upload or a deletion) stays where the reader was; any other page starts at the top.
let shown = { path: '', y: 0 };
function placeScroll(hash) {
  const [page, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const section = params.get('section');
  const target = section && document.getElementById('sec-' + section);
  // The same page reloaded keeps its place; another page, or another step of the form, starts at the top.
  const path = page + (params.get('step') ? '?step=' + params.get('step') : '');
  if (target) target.scrollIntoView({ block: 'start' });
  else window.scrollTo(0, path === shown.path ? shown.y : 0);
  shown = { path, y: window.scrollY };
}
window.addEventListener('scroll', () => { shown.y = window.scrollY; }, { passive: true });

async function loginPage() {
  await loadAuthConfig();
  const form = h('form', { class: 'login-form', novalidate: true },
    h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('label', { class: 'field' }, h('span', { class: 'label' }, '用户名（学号/工号）'), h('input', { name: 'username', autocomplete: 'username', required: true })),
    h('label', { class: 'field' }, h('span', { class: 'label' }, '密码'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { class: 'primary', type: 'submit' }, '登录'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { showError } = await import('./lib.js');
    try {
      const res = await api('POST', '/auth/login', { username: form.username.value.trim(), password: form.password.value });
      state.me = res.account;
      remember(state.me);
      await loadRules();
      location.hash = homeOf(state.me.role);
    } catch (e) {
      showError(form, e);
    }
  });
  return h('main', { class: 'login' },
    h('div', { class: 'login-brand' }, brand()[0], state.authConfig.universityName ? h('span', { class: 'university' }, state.authConfig.universityName) : ''),
    h('h1', {}, '外事综合服务系统'), h('p', { class: 'sub' }, '学生因公出国（境）项目申请'),
    state.authConfig.casEnabled ? h('a', { class: 'button primary cas', href: '/api/v1/auth/cas/login' }, '统一身份认证登录') : '',
    state.authConfig.casEnabled ? h('p', { class: 'or' }, '或使用本地账号') : '',
    form);
}

window.addEventListener('hashchange', render);
window.addEventListener('unhandledrejection', (e) => toast(e.reason?.message || '操作失败', 'error'));
render();
