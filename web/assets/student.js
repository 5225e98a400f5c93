// @ts-check
// The student's pages: profile, the application's wizard, my applications, notifications.
import { h, api, get, upload, toast, showError, clearError, field, formValues, table, dialog, confirmDialog, fmtTime, fmtDate, rules, roleNames, formInputs } from './lib.js';
import { attachmentTable, message, giveUp, withdrawQuestion } from './widgets.js';
export { detailPage } from './application.js';

/** @type {Array<[string, any[]]>} */
const profileGroups = [
  ['个人信息', [
    { name: 'nameCn', label: '姓名(中文)', required: true }, { name: 'namePinyin', label: '姓名(拼音)', required: true, hint: '大写字母，如 ZHANG SAN' },
    { name: 'gender', label: '性别', type: 'select', options: ['男', '女'], required: true }, { name: 'birthDate', label: '出生日期', type: 'date', required: true },
    { name: 'idCardNo', label: '身份证号码', required: true }, { name: 'hukouLocation', label: '户口所在地', required: true },
    { name: 'politicalStatus', label: '政治面貌', type: 'select', options: ['中共党员', '中共预备党员', '共青团员', '群众', '其他'], required: true },
    { name: 'healthStatus', label: '健康状况' }, { name: 'birthplace', label: '出生地' }, { name: 'nativePlace', label: '籍贯' },
    { name: 'familyAddress', label: '家庭地址' }, { name: 'ethnicity', label: '民族', required: true }, { name: 'admissionCategory', label: '录取类别' },
  ]],
  ['学籍信息', [
    { name: 'enrollmentYear', label: '入学年份', type: 'number', required: true },
    { name: 'degreeLevel', label: '在读学历', type: 'select', options: () => rules.degreeLevels, required: true },
    { name: 'major', label: '专业', required: true }, { name: 'grade', label: '年级', required: true, hint: '如 大二、研一' },
    { name: 'schoolingLength', label: '学制', hint: '如 4年' },
  ]],
  ['联系方式', [
    { name: 'phone', label: '手机号码', type: 'tel', required: true }, { name: 'email', label: '电子邮件', type: 'email', required: true },
    { name: 'qq', label: 'QQ号码' }, { name: 'wechat', label: '微信号码' }, { name: 'fax', label: 'Fax' },
    { name: 'homeAddress', label: '家庭住址' }, { name: 'homePhone', label: '家庭电话' },
    { name: 'emergencyName', label: '紧急联系人姓名', required: true }, { name: 'emergencyPhone', label: '紧急联系人手机', type: 'tel', required: true },
    { name: 'emergencyRelation', label: '紧急联系人与本人关系' },
  ]],
];

export async function profilePage() {
  const data = await get('/profile');
  const p = data.profile;
  const missing = data.completeness.missing;
  const form = h('form', { class: 'grid-form', novalidate: true },
    h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    profileGroups.map(([title, specs]) => h('fieldset', {}, h('legend', {}, title), h('div', { class: 'grid' }, specs.map((s) => field(s, p[s.name]))))),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, '保存')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const v = formValues(form);
    try {
      await api('PUT', '/profile', v);
      toast('个人资料已保存');
      location.hash = '#/profile?saved=' + Date.now();
    } catch (e) { showError(form, e); }
  });

  const photoInput = h('input', { type: 'file', accept: '.jpg,.jpeg,.png', name: 'photo', id: 'photo-file' });
  const photoStatus = h('span', { class: p.photoCheckResult === '合格' ? 'ok' : 'warn' }, p.photoCheckResult);
  const progress = h('progress', { max: 100, value: 0, hidden: true });
  photoInput.addEventListener('change', async () => {
    if (!photoInput.files[0]) return;
    progress.hidden = false;
    try {
      const r = await upload('/profile/photo', photoInput.files[0], (v) => { progress.value = v; }, 'PUT');
      toast('照片已上传：' + r.photoCheckResult, r.photoCheckResult === '合格' ? 'ok' : 'error');
      location.hash = '#/profile?photo=' + Date.now();
    } catch (e) { toast(e.fields?.file || e.message, 'error'); progress.hidden = true; }
  });

  const exps = table([
    { label: '序号', value: (_, i) => i + 1 },
    { label: '起止时间', value: (e) => e.startDate + ' 至 ' + e.endDate },
    { label: '学校名称', value: (e) => e.schoolName }, { label: '学校地址', value: (e) => e.schoolAddress }, { label: '学历', value: (e) => e.degree },
    { label: '操作', value: (e) => h('span', { class: 'ops' },
      h('button', { type: 'button', class: 'link', onclick: () => experienceDialog(e) }, '修改'),
      h('button', { type: 'button', class: 'link danger', onclick: async () => {
        if (await confirmDialog('删除学习经历', '确定删除这条学习经历吗？')) {
          await api('DELETE', '/profile/learning-experiences/' + e.id);
          location.hash = '#/profile?d=' + Date.now();
        }
      } }, '删除')) },
  ], data.learningExperiences);

  return h('section', {},
    h('nav', { class: 'crumbs' }, '首页 » 个人中心 » 我的个人资料'),
    h('h1', {}, '我的个人资料'),
    missing.length ? h('p', { class: 'notice warn', role: 'status' }, '个人资料尚未完善，完善后才能看到可申请的项目。还需填写：' + missing.join('、'))
      : h('p', { class: 'notice ok' }, '个人资料已完善，可以申请项目。'),
    h('dl', { class: 'facts' }, h('dt', {}, '系统编号'), h('dd', {}, p.systemNo), h('dt', {}, '学号'), h('dd', {}, p.studentNo),
      h('dt', {}, '所在学院'), h('dd', {}, p.collegeName)),
    h('section', { class: 'photo' }, h('h2', {}, '照片'),
      p.photoAttachmentId ? h('img', { src: '/api/v1/profile/photo?v=' + p.photoAttachmentId, alt: '本人照片', class: 'avatar' }) : '',
      h('p', {}, '照片要求：JPG/PNG，不超过2M，竖版证件照，不小于295×413像素。'),
      h('label', { class: 'button secondary', for: 'photo-file' }, '上传头像'), photoInput, progress,
      h('p', {}, '照片检测结果：', photoStatus)),
    form,
    h('section', {}, h('h2', {}, '学习经历 ', h('button', { type: 'button', class: 'secondary small', onclick: () => experienceDialog() }, '+添加学习经历')), exps));
}

function experienceDialog(e = {}) {
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }),
    h('div', { class: 'grid' },
      field({ name: 'startDate', label: '开始时间', type: 'date', required: true }, e.startDate),
      field({ name: 'endDate', label: '结束时间', type: 'date', required: true }, e.endDate),
      field({ name: 'schoolName', label: '学校名称', required: true }, e.schoolName),
      field({ name: 'schoolAddress', label: '学校地址' }, e.schoolAddress),
      field({ name: 'degree', label: '学历', required: true, hint: '如 高中、本科' }, e.degree)));
  dialog(e.id ? '修改学习经历' : '添加学习经历', form, (close) => [
    h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async () => {
      clearError(form);
      try {
        await api(e.id ? 'PUT' : 'POST', '/profile/learning-experiences' + (e.id ? '/' + e.id : ''), formValues(form));
        close();
        location.hash = '#/profile?e=' + Date.now();
      } catch (err) { showError(form, err); }
    } }, '保存'),
  ]);
}

export async function wizardPage(_, id) {
  const step = Number(new URLSearchParams(location.hash.split('?')[1] || '').get('step') || '1');
  const d = await get('/applications/{id}', { id });
  const a = d.application;
  if (a.stage !== rules.formStage) {
    // Not a dead end: what the student can do instead is said, with the way there.
    const actions = d.actions.map((x) => x.action);
    const how = actions.includes('withdraw') ? '申请正在审核中。如需修改，请先在“申请查看”中点击“撤回修改”，修改后重新提交。'
      : a.closedAt ? '该申请已结束，不能再修改。' : '申请已通过本阶段审核，申请内容不能再修改。';
    return h('section', {}, h('h1', {}, '申请修改'),
      h('p', { class: 'notice warn' }, '当前状态（' + a.status + '）不能修改申请。' + how),
      h('div', { class: 'actions left' }, h('a', { class: 'button primary', href: '#/applications/' + id }, '查看申请')));
  }
  const go = (n) => { location.hash = '#/applications/' + id + '/edit?step=' + n; };
  const steps = h('ol', { class: 'steps' }, ['基本信息', '申请信息', '附件信息'].map((t, i) =>
    h('li', { class: i + 1 === step ? 'current' : i + 1 < step ? 'done' : '' }, h('a', { href: '#/applications/' + id + '/edit?step=' + (i + 1) }, (i + 1 < step ? '✓ ' : (i + 1) + ' ') + t))));
  const title = (t) => h('h2', {}, t, h('small', { class: 'muted' }, ' (项目编号: ' + a.projectCode + ' 项目名称: ' + a.projectName + ')'));
  let body;
  if (step === 1) {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
      h('div', { class: 'grid' }, formInputs('basicInfo', a)),
      h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, '保存并下一步')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearError(form);
      try { await api('PUT', '/applications/' + id + '/basic-info', formValues(form)); go(2); } catch (e) { showError(form, e); }
    });
    body = [title('基本信息'), form];
  } else if (step === 2) {
    // The 外语水平 list refreshes in place, so what is typed above it is kept.
    const langBox = h('div', {});
    const renderLanguages = (scores) => langBox.replaceChildren(table([{ label: '序号', value: (_, i) => i + 1 }, { label: '外语语种', value: (l) => l.language },
      { label: '成绩要求', value: (l) => l.requirement }, { label: '考试时间', value: (l) => l.examDate }, { label: '学生成绩', value: (l) => l.score },
      { label: '操作', value: (l) => h('span', { class: 'ops' }, h('button', { type: 'button', class: 'link', onclick: () => languageDialog(id, l, refreshLanguages) }, '修改'),
        h('button', { type: 'button', class: 'link danger', onclick: async () => {
          if (!(await confirmDialog('删除外语成绩', '确定删除“' + l.language + ' ' + l.score + '”吗？'))) return;
          await api('DELETE', `/applications/${id}/language-scores/${l.id}`);
          refreshLanguages();
        } }, '删除')) }],
    scores, '暂无外语水平记录'));
    const refreshLanguages = async () => renderLanguages((await get('/applications/{id}', { id })).languageScores);
    renderLanguages(d.languageScores);
    // 获奖情况, beside 外语水平 and refreshed the same way.
    const awardBox = h('div', {});
    const renderAwards = (awards) => awardBox.replaceChildren(table([{ label: '序号', value: (_, i) => i + 1 }, { label: '奖项名称', value: (w) => w.name },
      { label: '奖项级别', value: (w) => w.level }, { label: '获奖时间', value: (w) => w.awardedOn }, { label: '颁奖单位', value: (w) => w.issuer },
      { label: '操作', value: (w) => h('span', { class: 'ops' }, h('button', { type: 'button', class: 'link', onclick: () => awardDialog(id, w, refreshAwards) }, '修改'),
        h('button', { type: 'button', class: 'link danger', onclick: async () => {
          if (!(await confirmDialog('删除获奖情况', '确定删除“' + w.name + '”吗？'))) return;
          await api('DELETE', `/applications/${id}/awards/${w.id}`);
          refreshAwards();
        } }, '删除')) }],
    awards, '暂无获奖情况'));
    const refreshAwards = async () => renderAwards((await get('/applications/{id}', { id })).awards);
    renderAwards(d.awards);
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', {}, '项目名称: ' + a.projectName + '  项目开始日期: ' + a.projectStartDate + '  项目结束日期: ' + a.projectEndDate),
      h('div', { class: 'grid' }, formInputs('applyInfo', a)),
      h('h3', {}, '外语水平列表 ', h('button', { type: 'button', class: 'secondary small', onclick: () => languageDialog(id, {}, refreshLanguages) }, '+点击添加外语水平')),
      langBox,
      h('h3', {}, '获奖情况列表 ', h('button', { type: 'button', class: 'secondary small', onclick: () => awardDialog(id, {}, refreshAwards) }, '+点击添加获奖情况')),
      awardBox,
      h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/applications/' + id + '/edit?step=1' }, '← 上一步'),
        h('button', { class: 'primary', type: 'submit' }, '保存并下一步 →')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearError(form);
      try { await api('PUT', '/applications/' + id + '/apply-info', formValues(form)); go(3); } catch (e) { showError(form, e); }
    });
    body = [title('申请信息'), form];
  } else {
    const errorBox = h('div', { class: 'form-error', hidden: true, role: 'alert' });
    const submit = h('button', { class: 'primary', type: 'button', id: 'submit-application' }, '提交申请');
    submit.addEventListener('click', async () => {
      // What is missing is said first: a confirmation before a refusal would be a dead end.
      const next = await get('/applications/{id}/next', { id });
      if (next.missing.length) {
        errorBox.replaceChildren(h('div', {}, '提交前请先完善以下内容'), ...next.missing.map((m) => h('div', {}, m.message)));
        errorBox.hidden = false;
        return;
      }
      if (!(await confirmDialog('提交申请', '提交后将进入学院审核，审核中如需修改请使用“撤回修改”。确定提交吗？', '提交', '取消'))) return;
      submit.disabled = true;
      try {
        await api('POST', '/applications/' + id + '/submit', undefined, { minimal: true });
        toast('申请已提交');
        location.hash = '#/applications/' + id;
      } catch (e) {
        submit.disabled = false;
        errorBox.replaceChildren(h('div', {}, e.message), ...Object.values(e.fields || {}).map((m) => h('div', {}, m)));
        errorBox.hidden = false;
      }
    });
    body = [title('附件信息'), h('p', { class: 'muted' }, '红色带“*”的附件为必须上传的附件。请勿上传涉密材料。'),
      attachmentTable(id, d.requirements.filter((r) => (r.phase || rules.phases[0].name) === rules.phases[0].name), true), errorBox,
      h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/applications/' + id + '/edit?step=2' }, '← 上一步'), submit),
      h('p', { class: 'muted' }, '提示：每人限报 1 个项目，报名多个项目的将被取消报名资格。')];
  }
  return h('section', {}, h('nav', { class: 'crumbs' }, '首页 » 学生因公出国(境)管理 » 交流项目申请'), h('h1', {}, '项目申请'), steps, body);
}

function awardDialog(id, w, saved) {
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }),
    h('div', { class: 'grid' },
      field({ name: 'name', label: '奖项名称', required: true, hint: '如 全国大学生数学建模竞赛一等奖' }, w.name),
      field({ name: 'level', label: '奖项级别', type: 'select', options: ['国际级', '国家级', '省部级', '市级', '校级', '院级', '其他'], required: true }, w.level),
      field({ name: 'awardedOn', label: '获奖时间', type: 'date', required: true }, w.awardedOn),
      field({ name: 'issuer', label: '颁奖单位', required: true }, w.issuer)));
  dialog('获奖情况', form, (close) => [
    h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      clearError(form);
      e.target.disabled = true;
      try {
        await api(w.id ? 'PUT' : 'POST', `/applications/${id}/awards` + (w.id ? '/' + w.id : ''), formValues(form));
        close();
        saved();
      } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
    } }, '保存'),
  ]);
}

function languageDialog(id, l, saved) {
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }),
    h('div', { class: 'grid' },
      field({ name: 'language', label: '外语语种', required: true, hint: '如 英语' }, l.language),
      field({ name: 'requirement', label: '成绩要求', required: true, hint: '如 雅思6.5' }, l.requirement),
      field({ name: 'score', label: '考试成绩（等级及分数，只有等级的不需要写分数）', required: true }, l.score),
      field({ name: 'examDate', label: '考试时间', type: 'date', required: true }, l.examDate)));
  dialog('外语水平', form, (close) => [
    h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async () => {
      clearError(form);
      try {
        await api(l.id ? 'PUT' : 'POST', `/applications/${id}/language-scores` + (l.id ? '/' + l.id : ''), formValues(form));
        close();
        saved();
      } catch (e) { showError(form, e); }
    } }, '保存'),
  ]);
}




const actionLinks = {
  view: (a) => h('a', { href: '#/applications/' + a.id }, '申请查看'),
  edit: (a) => h('a', { href: '#/applications/' + a.id + '/edit' }, '申请修改'),
  delete: (a) => h('button', { type: 'button', class: 'link danger', onclick: () => message(a.id, 'delete', '确定删除该申请吗？删除后不可恢复。') }, '申请删除'),
  withdraw: (a, row) => h('button', { type: 'button', class: 'link', onclick: () => message(a.id, 'withdraw', withdrawQuestion(row && row.withdrawEnds)) }, '撤回修改'),
  'upload-predeparture': (a) => h('a', { href: '#/applications/' + a.id + '?section=predeparture' }, '上传行前材料'),
  'delete-predeparture': (a) => h('a', { href: '#/applications/' + a.id + '?section=predeparture' }, '行前材料删除'),
  supplement: (a) => h('a', { href: '#/applications/' + a.id + '?section=supplement' }, '补交材料附件'),
  'submit-return-report': (a) => h('a', { href: '#/applications/' + a.id + '?section=return' }, '返校总结提交'),
  track: (a) => h('a', { href: '#/applications/' + a.id + '?section=progress' }, '进度跟踪'),
  'give-up': (a) => h('button', { type: 'button', class: 'link danger', onclick: () => giveUp(a.id) }, '放弃录取'),
  'check-in': (a) => h('a', { href: '#/applications/' + a.id + '?section=stay' }, '报平安'),
  'request-change': (a) => h('a', { href: '#/applications/' + a.id + '?section=stay' }, '变更申请'),
  'report-return': (a) => h('a', { href: '#/applications/' + a.id + '?section=stay' }, '回国报到'),
};


// opsMenu is the 操作 menu of a row: exactly the actions the workflow allows now. On a desktop it
// floats over the page (a table that scrolls sideways would clip it) and opens upwards near the
// bottom of the window; a click elsewhere, Esc or scrolling closes it.
export function opsMenu(app, actions, row) {
  const items = actions.map((a) => actionLinks[a] && actionLinks[a](app, row)).filter(Boolean);
  items.forEach((item) => item.setAttribute('role', 'menuitem'));
  const menu = h('div', { class: 'menu-items', role: 'menu', hidden: true }, items);
  const close = () => {
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('click', outside, true);
    document.removeEventListener('keydown', onKey);
    window.removeEventListener('scroll', close);
  };
  const outside = (e) => { if (!menu.contains(e.target) && e.target !== button) close(); };
  const onKey = (e) => { if (e.key === 'Escape') { close(); button.focus(); } };
  const open = () => {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    if (window.matchMedia('(min-width: 721px)').matches) {
      const r = button.getBoundingClientRect();
      Object.assign(menu.style, { position: 'fixed', right: (window.innerWidth - r.right) + 'px', top: '', bottom: '' });
      const below = window.innerHeight - r.bottom;
      if (below < menu.offsetHeight + 8 && r.top > below) menu.style.bottom = (window.innerHeight - r.top + 4) + 'px';
      else menu.style.top = (r.bottom + 4) + 'px';
    }
    document.addEventListener('click', outside, true);
    document.addEventListener('keydown', onKey);
    window.addEventListener('scroll', close, { once: true });
    menu.querySelector('a, button')?.focus();
  };
  const button = h('button', { type: 'button', class: 'secondary small', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    onclick: () => (menu.hidden ? open() : close()) }, '操作 ▾');
  return h('div', { class: 'ops-menu' }, button, menu);
}

// The whole journey comes from the process definition (rules.journey): the steps this applicant
// passes, in the order a student lives them, each naming the stages it covers.
const journeyOf = (a) => rules.journey.filter((s) => (!s.applicants || (s.applicants === 'graduate') === a.graduate) &&
  (!s.admission || (s.admission === 'round') === !!a.selection) && (!s.credits || a.credits)).map((s) => [s.label, s.stages]);

// Where the student acts in each phase.
const workplace = (a) => (a.phase === rules.phases[0].name ? '#/applications/' + a.id + '/edit' : '#/applications/' + a.id + '?section=' + a.phase);

// tracker is one open application's journey: where it is, in plain words, and 下一步.
async function tracker(a) {
  const next = await get('/applications/{id}/next', { id: a.id });
  const journey = journeyOf(a);
  const at = journey.findIndex(([, stages]) => stages.includes(a.stage));
  const steps = h('ol', { class: 'tracker', 'aria-label': '申请进度' }, journey.map(([label], i) =>
    h('li', { class: i < at ? 'done' : i === at ? 'current' : 'todo', 'aria-current': i === at ? 'step' : null }, h('span', { class: 'dot' }, i < at ? '✓' : i + 1), h('span', { class: 'step' }, label))));
  const days = Math.floor((Date.now() - new Date(a.stageEnteredAt).getTime()) / 86400000);
  let words;
  /** @type {any} */
  let todo = '';
  if (a.checkInDue) {
    // Abroad, 报平安 is the student's next step; the return report comes after the return.
    words = '当前状态：在外（' + a.status + '）' + (a.expectedReturn ? '，预计 ' + a.expectedReturn + ' 回国' : '');
    todo = [h('p', {}, h('strong', {}, '下一步：'), '请于 ' + fmtTime(a.checkInDue) + ' 前报平安', (a.alerts || []).includes('missed_check_in') ? h('span', { class: 'badge warn' }, '已逾期，请尽快报平安') : ''),
      h('a', { class: 'button primary', href: '#/applications/' + a.id + '?section=stay' }, '去报平安')];
  } else if (next.student) {
    // The due time of the student's own step: the window's close, or a returned application's correction deadline.
    words = '当前状态：' + a.status + (a.reviewDueAt ? '，请于 ' + fmtTime(a.reviewDueAt) + ' 前提交' : '');
    todo = next.missing.length
      ? [h('p', {}, h('strong', {}, '下一步：'), '请补充以下内容后提交'), h('ul', { class: 'missing' }, next.missing.map((m) => h('li', {}, m.message))),
        h('a', { class: 'button primary', href: workplace(a) }, '去完善')]
      : [h('p', {}, h('strong', {}, '下一步：'), '内容已齐全，可以提交'), h('a', { class: 'button primary', href: workplace(a) }, '去提交')];
  } else {
    words = '当前状态：' + a.status + '，正在等待' + (roleNames[a.awaitingRole] || '审核') + '处理（已等待 ' + days + ' 天' +
      (a.reviewDueAt ? '，应于 ' + fmtDate(a.reviewDueAt) + ' 前完成' : '') + '）';
    todo = h('p', {}, h('strong', {}, '下一步：'), a.overdue ? '审核已超期，系统已提醒审核人；如有急事请联系' + (roleNames[a.awaitingRole] || '审核人') + '。' : '无需操作，审核结果会通过通知和邮件告诉您。');
  }
  return h('article', { class: 'card journey' }, h('h2', {}, h('a', { href: '#/applications/' + a.id }, a.projectName)), steps,
    h('p', { class: 'status-words' }, words, a.overdue ? h('span', { class: 'badge warn' }, '已超期') : ''), todo);
}

export async function myApplicationsPage() {
  const data = await get('/applications', {}, 'pageSize=50');
  const open = data.items.filter((r) => !r.application.closedAt);
  const cards = await Promise.all(open.map((r) => tracker(r.application)));
  return h('section', {},
    h('nav', { class: 'crumbs' }, '首页 » 行前手续及回国手续申请'),
    h('h1', {}, '行前手续及回国手续申请'),
    cards.length ? cards : h('div', { class: 'empty-state' }, h('p', {}, '您目前没有进行中的申请。'),
      h('a', { class: 'button primary', href: '#/projects' }, '去选择交流项目')),
    h('h2', {}, '全部申请'),
    table([
      { label: '序号', value: (r) => r.no }, { label: '学生姓名', value: (r) => r.application.nameCn },
      { label: '学历', value: (r) => r.application.degreeLevel }, { label: '所在院系', value: (r) => r.application.collegeName },
      { label: '项目名称', value: (r) => h('a', { href: '#/applications/' + r.application.id }, r.application.projectName) },
      { label: '项目年度', value: (r) => r.application.projectYear }, { label: '项目类别', value: (r) => r.application.projectCategory },
      { label: '申请状态', value: (r) => h('span', { class: 'status' }, r.application.status) },
      { label: '操作', value: (r) => opsMenu(r.application, r.actions, r) },
    ], data.items, '还没有申请。去“校际交流项目申请”选择项目。'));
}

export async function notificationsPage() {
  const data = await get('/notifications');
  return h('section', {}, h('h1', {}, '通知', data.unread ? h('span', { class: 'badge' }, data.unread + ' 条未读') : ''),
    data.unread ? h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'secondary', onclick: async () => {
      await api('POST', '/notifications/read-all');
      location.hash = '#/notifications?r=' + Date.now();
    } }, '全部已读')) : '',
    table([
      { label: '时间', value: (n) => fmtTime(n.createdAt) },
      { label: '通知', value: (n) => h('span', { class: n.readAt ? 'muted' : '' }, n.title, n.body ? '：' + n.body : '') },
      { label: '操作', value: (n) => h('span', { class: 'ops' }, n.applicationId ? h('a', { href: '#/applications/' + n.applicationId }, '查看申请') : '',
        n.readAt ? '' : h('button', { type: 'button', class: 'link', onclick: async () => { await api('POST', '/notifications/' + n.id + '/read'); location.hash = '#/notifications?r=' + Date.now(); } }, '标为已读')) },
    ], data.items, '暂无通知'));
}
