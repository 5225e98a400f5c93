// @ts-check
// The stay abroad: the student's 报平安 on 申请查看, and the offices' 在外学生 with the duty list.
import { h, api, get, toast, showError, clearError, field, formValues, table, fmtTime, rules, roleSpec, dialog, confirmDialog, formInputs, formRows } from './lib.js';
import { uploadButton, fileLinks } from './widgets.js';

const statusLabel = (v) => (rules.checkInStatuses.find((s) => s.value === v) || {}).label || v;
const alertLabel = (v) => (rules.alerts.find((a) => a.code === v) || {}).label || v;
const alertBadges = (alerts) => (alerts || []).map((a) => h('span', { class: 'badge warn' }, alertLabel(a)));

// stayBlock is 在外报平安 on 申请查看: when the next check-in is due, the form while the student may
// check in, a change request under review (and its decision for the awaited reviewer), and every
// check-in, newest first. Nothing before the stay starts.
export function stayBlock(d, actions, own, done) {
  const a = d.application;
  if (!a.checkInDue && !d.checkIns.length && !d.passport) return null;
  const form = own && actions.includes('check-in') ? checkInForm(a.id, d.checkIns[0], done) : '';
  const change = d.changeRequest;
  const passport = d.passport;
  return [
    a.checkInDue ? h('p', {}, '下次报平安期限：', h('strong', {}, fmtTime(a.checkInDue)), ' ', alertBadges(a.alerts),
      a.expectedReturn ? ' · 预计回国：' + a.expectedReturn : '') : '',
    form,
    own && (actions.includes('request-change') || actions.includes('report-return')) ? h('div', { class: 'actions left' },
      actions.includes('request-change') ? h('button', { type: 'button', class: 'secondary', onclick: () => changeDialog(a, done) }, '变更申请（延期、提前回国、变更行程）') : '',
      actions.includes('report-return') ? h('button', { type: 'button', class: 'secondary', onclick: () => returnDialog(a.id, done) }, '回国报到') : '') : '',
    change ? h('div', { class: 'notice warn', id: 'change-request' }, h('strong', {}, '变更申请：', kindLabel(change.request.kind)),
      h('p', {}, change.request.country ? '前往 ' + change.request.country + ' ' + change.request.city + '。' : '',
        change.request.returnDate ? '回国(入境)时间改为 ' + change.request.returnDate + '。' : '', '原因：' + change.request.reason),
      (change.request.attachmentIds || []).length ? h('ul', { class: 'files' }, d.otherFiles.filter((f) => change.request.attachmentIds.includes(f.id)).map((f) => h('li', {}, fileLinks(a.id, f)))) : '',
      h('p', { class: 'muted' }, fmtTime(change.requestedAt) + ' 提出，等待' + change.label),
      actions.includes('decide-change') ? changeDecision(a.id, done) : '') : '',
    passport ? h('p', { id: 'passport' }, '证照交还（因公护照）：', passport.returned ? h('strong', { class: 'ok' }, '已交还')
      : [passport.due ? '请于 ' + fmtTime(passport.due) + ' 前交还外事部门' : '回国后交还外事部门', passport.overdue ? h('span', { class: 'badge warn' }, '已逾期') : '',
        actions.includes('passport-returned') ? [' ', h('button', { type: 'button', class: 'secondary small', onclick: () => passportReturned(a.id, done) }, '登记证照交还')] : '']) : '',
    h('h3', {}, '报平安记录'),
    table([
      { label: '时间', value: (c) => fmtTime(c.at) }, { label: '所在地', value: (c) => c.country + ' ' + c.city },
      { label: '状态', value: (c) => h('span', { class: c.status === 'help' ? 'bad' : '' }, statusLabel(c.status)) },
      { label: '说明', value: (c) => c.note },
    ], d.checkIns, '尚未报平安'),
  ];
}

// returnDialog is 回国报到: the day the student came back ends the check-ins.
function returnDialog(id, done) {
  const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('p', { class: 'muted' }, '登记后不再需要报平安；返校总结和因公护照交还从这一天起计算。'),
    field({ name: 'date', label: '实际回国(入境)日期', type: 'date', required: true }, today));
  dialog('回国报到', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      clearError(form);
      e.target.disabled = true;
      try {
        await api('POST', `/applications/${id}/return`, formValues(form), { minimal: true });
        close();
        toast('已回国报到');
        done();
      } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
    } }, '确认回国')]);
}

async function passportReturned(id, done) {
  if (!(await confirmDialog('登记证照交还', '确认该学生已将因公护照交还外事部门吗？'))) return;
  try {
    await api('POST', `/applications/${id}/passport-returned`, undefined, { minimal: true });
    toast('已登记证照交还');
    done();
  } catch (e) { toast(e.message, 'error'); }
}

const kindLabel = (v) => (rules.changeKinds.find((k) => k.value === v) || {}).label || v;

// changeDialog asks what to change: the new return date for 延期 and 提前回国, the place for 变更行程.
function changeDialog(a, done) {
  const attachmentIds = [];
  const files = h('ul', { class: 'files' });
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'change-form' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    field({ name: 'kind', label: '变更类型', type: 'select', required: true, options: () => rules.changeKinds.map((k) => [k.value, k.label]) }),
    field({ name: 'returnDate', label: '新的回国(入境)时间', type: 'date', hint: '延期、提前回国必填；原定 ' + (a.expectedReturn || a.form.returnDate || '—') }),
    field({ name: 'country', label: '前往国家(地区)', hint: '变更行程时填写' }), field({ name: 'city', label: '前往城市', hint: '变更行程时填写' }),
    field({ name: 'reason', label: '变更原因', type: 'textarea', required: true, wide: true }),
    h('div', { class: 'field wide' }, h('span', { class: 'label' }, '证明材料（可选）'), files,
      uploadButton('上传证明材料', `/applications/${a.id}/attachments?kind=change`, rules.defaultFormats, (f) => {
        if (!f) return;
        attachmentIds.push(f.id);
        files.append(h('li', {}, f.fileName));
      })));
  dialog('变更申请', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      clearError(form);
      e.target.disabled = true;
      try {
        await api('POST', `/applications/${a.id}/change-requests`, { ...formValues(form), attachmentIds }, { minimal: true });
        close();
        toast('变更申请已提交，等待学院审核');
        done();
      } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
    } }, '提交变更申请')]);
}

// changeDecision is the awaited reviewer's decision on a change request: nothing chosen beforehand.
function changeDecision(id, done) {
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'change-decision' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    field({ name: 'decision', label: '审核结果', type: 'select', required: true, options: [['approve', '同意变更'], ['reject', '不同意']] }),
    field({ name: 'opinion', label: '审核意见', type: 'textarea', hint: '不同意时必须填写', wide: true }),
    h('div', { class: 'actions left' }, h('button', { class: 'primary', type: 'submit' }, '提交变更审核')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    try {
      await api('POST', `/applications/${id}/change-requests/decide`, formValues(form), { minimal: true });
      toast('已提交变更审核');
      done();
    } catch (e) { showError(form, e); }
  });
  return form;
}

// checkInForm starts from where the student last was: most check-ins are from the same city.
function checkInForm(id, last, done) {
  const form = h('form', { class: 'grid-form check-in', novalidate: true, id: 'check-in' },
    h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('div', { class: 'grid' },
      field({ name: 'country', label: '所在国家(地区)', required: true }, last?.country),
      field({ name: 'city', label: '所在城市', required: true }, last?.city),
      field({ name: 'status', label: '状态', type: 'select', required: true, options: () => rules.checkInStatuses.map((s) => [s.value, s.label]) }, 'safe')),
    field({ name: 'note', label: '说明', type: 'textarea', wide: true, hint: '需要帮助时请写明情况和联系方式；外事部门及值班人员会立即收到通知' }),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, '报平安')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const v = formValues(form);
      await api('POST', `/applications/${id}/check-in`, v, { minimal: true });
      toast(v.status === 'help' ? '已报平安，外事部门已收到求助' : '已报平安');
      done();
    } catch (e) { showError(form, e); } finally { button.disabled = false; }
  });
  return form;
}

// abroadPage is 在外学生: who is abroad now, where, and who needs attention — alerts first.
export async function abroadPage(state) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const p = new URLSearchParams();
  for (const k of ['q', 'country', 'alert']) if (q.get(k)) p.set(k, q.get(k));
  const data = await get('/abroad', {}, p);
  const filters = h('form', { class: 'filters', role: 'search' },
    field({ name: 'q', label: '关键词', hint: '姓名、学号、项目编号或名称' }, q.get('q') || ''),
    field({ name: 'country', label: '国家(地区)' }, q.get('country') || ''),
    field({ name: 'alert', label: '提醒', type: 'select', options: () => rules.alerts.map((a) => [a.code, a.label]) }, q.get('alert') || ''),
    h('div', { class: 'actions left' }, h('button', { class: 'primary', type: 'submit' }, '查询')));
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(filters);
    const next = new URLSearchParams(Object.entries(v).filter(([, x]) => x));
    location.hash = '#/abroad?' + next;
  });
  const r = roleSpec(state.me.role);
  return h('section', {}, h('h1', {}, '在外学生'),
    h('p', { class: 'muted' }, `共 ${data.items.length} 人在外`, data.items.some((i) => i.alerts.length) ? '，带提醒的排在前面' : ''),
    filters,
    data.countries.length ? [h('h2', {}, '按国家(地区)'), countryBars(data.countries, p)] : '',
    h('div', { class: 'actions left' }, h('a', { class: 'button secondary', href: '/api/v1/exports/abroad.xlsx?' + p, download: true }, '导出Excel')),
    table([
      { label: '学生', value: (i) => h('a', { href: '#/applications/' + i.applicationId + '?section=stay' }, i.studentName + '（' + i.studentNo + '）') },
      { label: '学院', value: (i) => i.collegeName },
      { label: '项目', value: (i) => i.projectCode + ' ' + i.projectName },
      { label: '所在地', value: (i) => (i.lastCountry ? i.lastCountry + ' ' + i.lastCity : (i.projectCountry || '—') + '（项目所在地）') },
      { label: '最近报平安', value: (i) => (i.lastCheckInAt ? fmtTime(i.lastCheckInAt) + ' ' + statusLabel(i.lastStatus) : '尚未报平安') },
      { label: '下次期限', value: (i) => (i.nextCheckInDue ? fmtTime(i.nextCheckInDue) : '已回国') },
      { label: '预计回国', value: (i) => i.returnDate || '—' },
      { label: '提醒', value: (i) => (i.alerts.length ? alertBadges(i.alerts) : '—') },
    ], data.items, '目前没有在外学生'),
    r.publishes || r.scope === 'all' ? [await dutyList(), await calendarEditor()] : '');
}

// countryBars draws how many students are in each country as SVG bars, each a link to its list;
// the numbers are written beside the bars, so the chart is also its own table.
function countryBars(countries, params) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = (tag, attrs, ...children) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.append(...children);
    return el;
  };
  const rows = countries.slice().sort((x, y) => y.count - x.count).slice(0, 15);
  const max = Math.max(...rows.map((c) => c.count));
  const rowHeight = 26;
  // Drawn at 360 px wide: one to one on a desktop, a little smaller on a phone.
  const chart = svg('svg', { class: 'bars', viewBox: `0 0 360 ${rows.length * rowHeight}`, role: 'group', 'aria-label': '在外学生按国家(地区)分布' },
    ...rows.map((c, i) => {
      const link = new URLSearchParams(params);
      link.set('country', c.country);
      const width = Math.max(2, Math.round((c.count / max) * 200));
      // The whole row is the link: a transparent hit area under the label, the bar and the number.
      return svg('a', { href: '#/abroad?' + link },
        svg('rect', { x: 0, y: i * rowHeight, width: 360, height: rowHeight, class: 'bar-hit' }),
        svg('text', { x: 0, y: i * rowHeight + 17, class: 'bar-label' }, c.country.length > 8 ? c.country.slice(0, 8) + '…' : c.country),
        svg('rect', { x: 120, y: i * rowHeight + 5, width, height: 16, rx: 2, class: 'bar' }),
        svg('text', { x: 126 + width, y: i * rowHeight + 17, class: 'bar-value' }, String(c.count)));
    }));
  return h('figure', { class: 'chart' }, chart);
}

// dutyList is who is e-mailed at once when a student abroad asks for help or misses a check-in.
async function dutyList() {
  const { contacts } = await get('/duty-contacts');
  const rows = h('div', { class: 'duty-rows' });
  // Each input is named as the API names it (contacts.0.email), so that an error lands beside it.
  const addRow = (c = {}) => {
    const i = rows.children.length;
    rows.append(h('div', { class: 'grid duty-row' },
      field({ name: `contacts.${i}.name`, label: '姓名' }, c.name), field({ name: `contacts.${i}.email`, label: '电子邮件', type: 'email' }, c.email)));
  };
  (contacts.length ? contacts : [{}]).forEach(addRow);
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'duty-list' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }), rows,
    h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'secondary', onclick: () => addRow() }, '添加一人'),
      h('button', { type: 'submit', class: 'primary' }, '保存值班名单')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const list = [...rows.querySelectorAll('.duty-row')].map((row) => ({
      name: row.querySelector('[name$=".name"]').value.trim(), email: row.querySelector('[name$=".email"]').value.trim(),
    }));
    try {
      await api('PUT', '/duty-contacts', { contacts: list });
      toast('值班名单已保存');
    } catch (e) { showError(form, e); }
  });
  return [h('h2', {}, '值班名单'), h('p', { class: 'muted' }, '学生报平安时请求帮助或逾期未报平安，系统立即发邮件给以下人员。'), form];
}

// travelBlock is 出行信息 on 申请查看: the form while the student prepares the 行前材料, the values for
// everyone afterwards, and what it gets wrong against the stay, field by field.
export function travelBlock(d, canEdit, done) {
  const a = d.application;
  if (!canEdit && !a.travelSavedAt) return null;
  const problems = Object.entries(d.travelProblems || {}).map(([name, msg]) => h('li', { dataset: { field: name } }, msg));
  const warning = problems.length ? h('div', { class: 'notice warn', role: 'note' }, h('strong', {}, '出行信息与在外期间不符：'), h('ul', {}, problems)) : '';
  if (!canEdit) return [warning, h('dl', { class: 'facts two' }, formRows('travelInfo', a).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]))];
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'travel-form' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('div', { class: 'grid' }, formInputs('travelInfo', a)),
    h('div', { class: 'actions left' }, h('button', { class: 'primary', type: 'submit' }, '保存出行信息')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    try {
      await api('PUT', `/applications/${a.id}/travel-info`, formValues(form));
      toast('出行信息已保存');
      done();
    } catch (e) { showError(form, e); }
  });
  return [warning, h('p', { class: 'muted' }, '证件、签证(签注)、保险与航班；提交行前材料前须填写并保存。'), form];
}

// calendarEditor keeps a year's exceptions to the working week, one per line: "2027-02-08 休 春节" or
// "2027-02-14 班 调休"; 证照交还 counts working days by them.
async function calendarEditor() {
  const year = new Date().getFullYear();
  const load = async (y) => (await get('/calendar-days', {}, 'year=' + y)).days.map((d) => `${d.day} ${d.working ? '班' : '休'} ${d.note}`.trim()).join('\n');
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'calendar' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    field({ name: 'year', label: '年份', type: 'number', required: true }, year),
    field({ name: 'days', label: '节假日与调休', type: 'textarea', wide: true, hint: '每行一天：日期 休/班 说明，如 2027-02-08 休 春节；周一至周五默认上班，周末默认休息' }, await load(year)),
    h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'secondary', onclick: async () => {
      form.querySelector('[name=days]').value = await load(form.querySelector('[name=year]').value);
    } }, '读取该年'), h('button', { type: 'submit', class: 'primary' }, '保存工作日历')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const v = formValues(form);
    const days = v.days.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const [day, kind, ...note] = l.split(/\s+/);
      return { day, working: kind === '班', note: note.join(' ') };
    });
    try {
      await api('PUT', '/calendar-days/' + v.year, { days });
      toast('工作日历已保存');
    } catch (e) { showError(form, { ...e, message: e.message + (e.fields ? '：' + Object.values(e.fields).join('；') : '') }); }
  });
  return [h('h2', {}, '工作日历'), h('p', { class: 'muted' }, '因公护照须在回国后若干个工作日内交还，工作日按此日历计算。'), form];
}
