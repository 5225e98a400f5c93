// @ts-check
// Administrators' pages for opening a university: 名单导入 (roster import) and 学院管理 (colleges).
import { h, api, get, toast, showError, clearError, field, formValues, table, dialog, roleNames, fmtTime, rules } from './lib.js';

const actionNames = { create: '新建', update: '更新', unchanged: '不变', disable: '停用', invalid: '有误' };
// Rows shown after the wrong ones: a preview of thousands of rows stays readable.
const shownRows = 200;

// importPanel is the two-step import: choose a file, see every row's result, then apply it.
function importPanel({ path, templatePath, options = [], columns, describe }) {
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv', required: true });
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }),
    h('label', { class: 'field' }, h('span', { class: 'label' }, '名单文件（.xlsx 或 .csv）'), fileInput),
    options.map((o) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: o.name }), ' ', o.label)),
    h('div', { class: 'actions left' },
      h('a', { class: 'button secondary', href: '/api/v1' + templatePath }, '下载模板（Excel）'),
      h('a', { class: 'button secondary', href: '/api/v1' + templatePath + '?format=csv' }, '下载模板（CSV）'),
      h('button', { type: 'submit', class: 'primary' }, '预览')));
  const send = async (mode, button) => {
    clearError(form);
    const file = fileInput.files[0];
    if (!file) { showError(form, { message: '请选择文件', fields: { file: '请选择文件' } }); return; }
    const params = new URLSearchParams({ mode });
    for (const o of options) if (form.elements[o.name].checked) params.set(o.name, 'true');
    const body = new FormData();
    body.append('file', file);
    button.disabled = true;
    try {
      const report = await api('POST', path + '?' + params, body);
      show(report);
      if (report.applied) toast('导入完成');
    } catch (e) {
      showError(form, e);
    } finally {
      button.disabled = false;
    }
  };
  const show = (report) => {
    const c = report.counts;
    const summary = Object.keys(actionNames).filter((k) => c[k]).map((k) => actionNames[k] + ' ' + c[k]).join('，') || '文件中没有数据行';
    const rows = report.rows.filter((r) => r.action === 'invalid').concat(report.rows.filter((r) => r.action !== 'invalid' && r.action !== 'unchanged').slice(0, shownRows));
    const apply = h('button', { type: 'button', class: 'primary', disabled: !!c.invalid || report.applied, onclick: (e) => send('apply', e.target) }, '确认导入');
    result.replaceChildren(
      h('p', { class: report.applied ? 'notice ok' : (c.invalid ? 'error' : 'notice') },
        (report.applied ? '已导入：' : '预览：') + summary,
        c.invalid && !report.applied ? '。请按下表修改有误的行后重新选择文件预览；有误时不会导入任何一行。' : ''),
      table([{ label: '行号', value: (r) => r.line || '—' }, ...columns,
        { label: '结果', value: (r) => actionNames[r.action] || r.action },
        { label: '问题', value: (r) => (r.problems || []).map((p) => h('div', { class: 'error' }, p.column + '：' + p.message)) }], rows, '没有需要变更的行'),
      report.rows.length > rows.length ? h('p', { class: 'hint' }, describe(report.rows.length - rows.length)) : '',
      report.applied ? '' : h('div', { class: 'actions left' }, apply));
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); send('preview', e.submitter || form.querySelector('[type=submit]')); });
  fileInput.addEventListener('change', () => result.replaceChildren());
  return h('div', {}, form, result);
}

export async function rosterPage() {
  const { items: colleges } = await get('/colleges');
  const collegeNames = Object.fromEntries(colleges.map((c) => [c.code, c.name]));
  return h('section', {}, h('h1', {}, '名单导入'),
    h('p', { class: 'notice' }, '按学号/工号导入学生和教职工账号：已有账号更新，新账号创建（只能通过统一身份认证登录，或由管理员重置密码）。先预览每一行的结果，确认后一次性导入；任何一行有误都不会导入。'),
    importPanel({
      path: '/roster/import', templatePath: '/roster/template',
      options: [{ name: 'disableAbsent', label: '停用名单中没有的账号（仅限名单所含的角色和学院，如已离校的学生）' }],
      columns: [{ label: '学号/工号', value: (r) => r.username }, { label: '姓名', value: (r) => r.displayName },
        { label: '角色', value: (r) => roleNames[r.role] || r.role }, { label: '学院', value: (r) => collegeNames[r.collegeCode] || r.collegeCode },
        { label: '状态', value: (r) => r.disabled ? '停用' : '正常' }],
      describe: (n) => `另有 ${n} 行未列出（不变的行，或超过 ${shownRows} 行的部分）。`,
    }));
}

export async function collegesPage() {
  const { items: colleges } = await get('/colleges');
  const edit = (c = {}) => {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }), h('div', { class: 'grid' },
      c.code ? '' : field({ name: 'code', label: '学院代码', required: true, hint: '字母、数字、_ 或 -，保存后不能修改' }),
      field({ name: 'name', label: '学院名称', required: true }, c.name)));
    dialog(c.code ? '修改学院名称：' + c.code : '新建学院', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async (e) => {
        clearError(form);
        e.target.disabled = true;
        try {
          await api(c.code ? 'PUT' : 'POST', '/colleges' + (c.code ? '/' + encodeURIComponent(c.code) : ''), formValues(form));
          close();
          location.hash = '#/admin/colleges?r=' + Date.now();
        } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
      } }, '保存')]);
  };
  return h('section', {}, h('h1', {}, '学院管理'),
    h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'primary', onclick: () => edit() }, '新建学院')),
    table([{ label: '学院代码', value: (c) => c.code }, { label: '学院名称', value: (c) => c.name },
      { label: '操作', value: (c) => h('button', { type: 'button', class: 'link', onclick: () => edit(c) }, '修改名称') }], colleges),
    h('h2', {}, '批量导入学院'),
    importPanel({
      path: '/colleges/import', templatePath: '/colleges/template',
      columns: [{ label: '学院代码', value: (r) => r.code }, { label: '学院名称', value: (r) => r.name }],
      describe: (n) => `另有 ${n} 行不变，未列出。`,
    }));
}

// noticePage is 申报须知 and 本人承诺 as the foreign affairs office keeps them: saving publishes a new
// version, which students accept from then on; each application keeps the version its student accepted.
export async function noticePage() {
  const n = await get('/notice');
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('p', { class: 'muted' }, '当前版本：' + n.version + (n.createdAt ? '（' + fmtTime(n.createdAt) + ' 发布）' : '')),
    field({ name: 'notice', label: '申报须知', type: 'textarea', required: true, wide: true }, n.notice),
    field({ name: 'commitment', label: '本人承诺', type: 'textarea', required: true, wide: true }, n.commitment),
    field({ name: 'readSeconds', label: '阅读时间（秒）', type: 'number', required: true, hint: '学生阅读满该时间后才能开始填报' }, n.readSeconds),
    h('div', { class: 'actions left' }, h('button', { type: 'submit', class: 'primary' }, '发布新版本')));
  form.querySelector('textarea[name=notice]').rows = 10; // the whole text in view while it is edited
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    try {
      const saved = await api('PUT', '/notice', formValues(form));
      toast('已发布新版本 ' + saved.version);
      location.hash = '#/admin/notice?r=' + Date.now();
    } catch (err) { showError(form, err); }
  });
  return h('section', {}, h('h1', {}, '申报须知'),
    h('p', {}, '修改后发布为新版本：此后开始填报的学生阅读并接受新版本，已创建的申请保留其接受的版本。'), form);
}

// phrasesPage keeps the ready-made 审核意见 reviewers pick from, one per line for each decision.
export async function phrasesPage() {
  const kept = await get('/opinion-phrases');
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'phrases' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('p', { class: 'muted' }, kept.kept ? '以下为本部门维护的常用意见。' : '尚未维护，以下为系统预置的常用意见；保存后以本页内容为准。'),
    rules.decisions.map((d) => field({ name: 'phrases.' + d.value, label: d.label + '时的常用意见', type: 'textarea', wide: true,
      hint: '每行一条，最多 ' + rules.maxOpinionPhrases + ' 条' }, (kept.phrases[d.value] || []).join('\n'))),
    h('div', { class: 'actions left' }, h('button', { type: 'submit', class: 'primary' }, '保存')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const v = formValues(form);
    const phrases = Object.fromEntries(rules.decisions.map((d) => [d.value, (v['phrases.' + d.value] || '').split('\n')]));
    try {
      await api('PUT', '/opinion-phrases', { phrases });
      toast('已保存常用审核意见');
      location.hash = '#/admin/phrases?r=' + Date.now();
    } catch (err) {
      // A line's error is shown beside its decision's box, with the line's number.
      const fields = {};
      for (const [k, msg] of Object.entries(err.fields || {})) {
        const [, decision, line] = k.split('.');
        const at = 'phrases.' + decision;
        fields[at] = (fields[at] ? fields[at] + '；' : '') + (line ? '第' + (Number(line) + 1) + '行：' : '') + msg;
      }
      showError(form, { message: err.message, fields });
    }
  });
  return h('section', {}, h('h1', {}, '审核常用语'),
    h('p', {}, '审核人员在审核页选择审核结果后，可一键填入这些意见再修改。'), form);
}
