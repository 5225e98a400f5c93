// @ts-check
// 校际交流项目申请: the list of projects (a table, or short cards on a phone), a project, and the
// way into an application (申报须知 and 本人承诺).
import { h, api, get, toast, table, confirmDialog, fmtTime, fmtDate, rules } from './lib.js';
import { pager, query } from './widgets.js';

export async function projectsPage() {
  const q = query();
  const keep = ['q', 'year', 'country', 'category', 'open'];
  const params = new URLSearchParams({ page: q.get('page') || '1', pageSize: '20' });
  for (const k of keep) if (q.get(k)) params.set(k, q.get(k));
  const data = await get('/projects', {}, params);
  const select = (name, label, options) => h('label', { class: 'field' }, h('span', { class: 'label' }, label),
    h('select', { name }, h('option', { value: '' }, '全部'), options.map(([v, t]) => h('option', { value: v, selected: String(v) === q.get(name) }, t))));
  const search = h('form', { class: 'filters', role: 'search' },
    h('label', { class: 'field' }, h('span', { class: 'label' }, '智能搜索'), h('input', { name: 'q', value: q.get('q') || '', placeholder: '项目名称、编号、院校、国家' })),
    select('country', '国家/地区', rules.places.map((p) => [p.code, p.name])),
    select('category', '项目类型', rules.projectCategories.map((c) => [c, c])),
    select('year', '项目年度', (data.years || []).map((y) => [y, y])),
    h('label', { class: 'radio' }, h('input', { type: 'checkbox', name: 'open', checked: q.get('open') === 'true' }), '只看正在申报'),
    h('button', { class: 'primary', type: 'submit' }, '查询'));
  search.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of keep) {
      const el = search.elements[k];
      const v = el.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value.trim();
      if (v) p.set(k, v);
    }
    location.hash = '#/projects?' + p;
  });
  const eligibility = (r) => !r.eligibility ? '' : r.eligibility.canApply ? h('span', { class: 'ok' }, '✔ 可申请')
    : h('span', { class: 'muted', title: r.eligibility.reasons.join('；') }, '✘ ' + r.eligibility.reasons[0]);
  const rows = () => table([
    { label: '序号', value: (r) => r.no },
    { label: '项目名称', value: (r) => h('span', {}, h('a', { href: '#/projects/' + r.project.id }, r.project.name), r.new ? h('span', { class: 'badge new' }, 'New') : '') },
    { label: '项目编号', value: (r) => r.project.code }, { label: '项目年度', value: (r) => r.project.year },
    { label: '项目类别', value: (r) => r.project.categoryLabel },
    { label: '申报时间', value: (r) => h('span', { class: r.open ? 'ok' : 'muted' }, fmtTime(r.project.applyStart) + ' 至 ' + fmtTime(r.project.applyEnd)) },
    { label: '申请条件', value: eligibility },
    { label: '操作', value: (r) => h('span', { class: 'ops' }, h('a', { href: '#/projects/' + r.project.id }, '项目查看'), applyLink(r)) },
  ], data.items);
  // On a phone each project is a short card with what a student decides by: where, when, how much,
  // whether they may apply, and the way in.
  const phone = window.matchMedia('(max-width: 720px)').matches;
  const cards = data.items.length ? h('ul', { class: 'project-cards' }, data.items.map((r) => {
    const p = r.project;
    return h('li', { class: 'project-card' },
      h('a', { class: 'title', href: '#/projects/' + p.id }, p.name, r.new ? h('span', { class: 'badge new' }, 'New') : ''),
      h('p', { class: 'where' }, [p.country, p.institutionName].filter(Boolean).join(' · ') || p.categoryLabel),
      h('p', { class: 'when' }, fmtDate(p.startDate), ' 至 ', fmtDate(p.endDate),
        p.fee ? ' · ¥' + Number(p.fee).toLocaleString('zh-CN') + (p.feeMode ? '（' + p.feeMode + '）' : '') : ''),
      h('p', { class: 'deadline ' + (r.open ? 'ok' : 'muted') }, '申报截止 ', fmtTime(p.applyEnd)),
      h('div', { class: 'card-foot' }, eligibility(r), applyLink(r)));
  })) : '';
  return h('section', {},
    h('nav', { class: 'crumbs' }, '首页 » 项目制学生出国(境)管理 » 校际交流项目申请'),
    h('h1', {}, '校际交流项目申请'), search,
    h('h2', {}, '查询结果'),
    data.hint ? h('p', { class: 'notice warn' }, data.hint, h('a', { href: '#/profile' }, ' 去完善个人资料')) : '',
    phone && cards ? cards : rows(),
    pager(data, (n) => { const p = new URLSearchParams(q); p.set('page', n); return '#/projects?' + p; }));
}


const requirementTable = (list) => table([
  { label: '附件类型', value: (r) => h('span', {}, r.requirement.kind, r.requirement.required ? h('em', { class: 'req' }, '*') : '') },
  { label: '附件格式', value: (r) => r.formatsLabel }, { label: '附件大小', value: (r) => r.sizeLabel }], list, '无');

// eligibilityBox says, before anything is filled in, whether the student may apply and why not.
function eligibilityBox(e) {
  if (!e) return '';
  if (e.canApply) return h('p', { class: 'notice ok' }, '✔ 您符合本项目的申请条件，可以申请。');
  return h('div', { class: 'notice warn' }, h('strong', {}, '暂不能申请本项目：'),
    h('ul', {}, e.reasons.map((r) => h('li', {}, r))));
}

// applyLink is the way into an application of the project: 项目申请, 继续申请, or the reason there is none.
function applyLink(r) {
  const e = r.eligibility;
  if (!e) return r.open ? h('a', { href: '#/projects/' + r.project.id + '/apply' }, '项目申请') : '';
  if (e.canApply) return h('a', { href: '#/projects/' + r.project.id + '/apply' }, '项目申请');
  if (e.application) return h('a', { href: '#/applications/' + e.application }, '继续申请');
  return '';
}

export async function projectPage(_, id) {
  const { project: p, requirements, open, eligibility } = await get('/projects/{pid}', { pid: id });
  const rows = [
    ['系统编号', p.systemNo], ['项目编号', p.code], ['项目年度', p.year], ['项目学期', p.terms],
    ['项目起止日期', fmtDate(p.startDate) + '至' + fmtDate(p.endDate)], ['项目时长', p.durationText], ['项目性质', p.nature], ['院校名称', p.institutionName],
    ['院校英文名', p.institutionNameEn], ['国家/地区', p.country], ['项目类型', p.categoryLabel], ['经费类别', p.fundingKind], ['项目费用模式', p.feeMode],
    ['费用', p.fee ? '¥' + p.fee.toFixed(2) : '无'], ['项目期限', p.termLength], ['是否有效', p.active ? '有效' : '无效'], ['授课形式', p.teachingMode],
    ['项目主办单位', p.hostUnit], ['申报开始结束时间', fmtDate(p.applyStart) + ' ' + fmtTime(p.applyStart).slice(11) + ' 至 ' + fmtDate(p.applyEnd) + ' ' + fmtTime(p.applyEnd).slice(11)],
    ['申请对象', (p.eligibleDegreeLevels || []).join(',') || '不限'], ['申请年级', (p.eligibleGrades || []).join(',') || '不限'],
    ['招生专业', (p.eligibleMajors || []).join(',') || '不限'], ['GPA要求', p.minGpa ?? '无'], ['推荐名额', p.quota ?? '不限'],
    ['是否有面试环节', p.hasInterview ? '是' : '否'], ['其他说明', p.notes],
  ];
  const action = eligibility
    ? (eligibility.canApply ? h('a', { class: 'button primary', href: '#/projects/' + p.id + '/apply' }, '项目申请')
      : eligibility.application ? h('a', { class: 'button primary', href: '#/applications/' + eligibility.application }, '继续申请')
        : h('span', { class: 'muted' }, '暂不能申请：' + eligibility.reasons[0]))
    : open ? h('a', { class: 'button primary', href: '#/projects/' + p.id + '/apply' }, '项目申请') : h('span', { class: 'muted' }, '不在申报时间内');
  // What a student decides by comes first, in one line; the 27 facts follow.
  const summary = [p.country, p.institutionName, fmtDate(p.startDate) + '至' + fmtDate(p.endDate), p.fee ? '¥' + p.fee.toFixed(2) : '',
    '申报截止 ' + fmtTime(p.applyEnd)].filter(Boolean).join(' · ');
  return h('section', {},
    h('nav', { class: 'crumbs' }, h('a', { href: '#/projects' }, '校际交流项目申请'), ' » 项目信息'),
    h('h1', {}, p.name),
    h('p', { class: 'summary' }, summary),
    eligibilityBox(eligibility),
    h('dl', { class: 'facts two' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === '' || v === undefined ? '—' : String(v))])),
    h('h2', {}, '项目所需附件'),
    // The application's own requirements, then each later phase's checklist (行前材料清单).
    rules.phases.map((ph, i) => {
      const rows = requirements.filter((r) => (r.requirement.phase || rules.phases[0].name) === ph.name);
      if (i === 0) return requirementTable(rows);
      return rows.length ? [h('h2', {}, ph.uploadLabel + '清单'), h('p', { class: 'muted' }, '录取后需上传的' + ph.uploadLabel + '：'), requirementTable(rows)] : '';
    }),
    // The way in stays at the bottom of the window while the project is read.
    h('div', { class: 'actions apply-bar' }, action));
}

// applyPage: 申报须知, read for 2 seconds, then 本人承诺, then the draft.
export async function applyPage(_, id) {
  const [notice, { project, open }, mine] = await Promise.all([get('/notice'), get('/projects/{pid}', { pid: id }), get('/applications', {}, 'pageSize=100')]);
  // The rules that stop an application are said before the notice and the countdown, not after.
  const current = mine.items.find((r) => !r.application.closedAt);
  const stop = current
    ? ['每人限报1个项目：您已有进行中的申请（' + current.application.projectName + '，' + current.application.status + '）。如需改报，请先撤回并删除原申请。',
      h('a', { class: 'button secondary', href: '#/applications/' + current.application.id }, '查看我的申请')]
    : !open ? ['该项目当前不在申报期内，不能申请。', h('a', { class: 'button secondary', href: '#/projects/' + id }, '返回项目详情')] : null;
  if (stop) {
    return h('section', {}, h('h1', {}, '项目申请'), h('p', { class: 'muted' }, '项目：' + project.name),
      h('p', { class: 'notice warn', role: 'alert' }, stop[0]), h('div', { class: 'actions left' }, stop[1]));
  }
  const start = h('button', { class: 'primary', type: 'button', disabled: true, id: 'start-apply' }, '请认真阅读以上内容' + notice.readSeconds + '秒');
  let left = notice.readSeconds;
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) { start.textContent = '请认真阅读以上内容' + left + '秒'; return; }
    clearInterval(timer);
    start.disabled = false;
    start.textContent = '开始填报';
  }, 1000);
  start.addEventListener('click', async () => {
    const yes = await confirmDialog('本人承诺', notice.commitment);
    if (!yes) return;
    try {
      const app = await api('POST', '/applications', { projectId: Number(id), noticeVersion: notice.version, noticeAccepted: true, commitmentAccepted: true });
      location.hash = '#/applications/' + app.id + '/edit';
    } catch (e) {
      toast(e.message, 'error');
    }
  });
  return h('section', {},
    h('nav', { class: 'crumbs' }, '首页 » 学生因公出国(境)管理 » 交流项目申请 ', h('span', { class: 'warn' }, notice.warning)),
    h('h1', {}, '申报须知'), h('p', { class: 'muted' }, '项目：' + project.name),
    h('article', { class: 'notice-text' }, notice.notice), h('div', { class: 'actions' }, start));
}

// wizardPage is the three steps: 基本信息, 申请信息 (with 外语水平), 附件信息; then submit.
