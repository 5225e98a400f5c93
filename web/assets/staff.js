// @ts-check
// Pages of reviewers and administrators: queues, lists and export, projects, accounts.
import { h, api, get, toast, showError, clearError, field, formValues, table, dialog, confirmDialog, fmtTime, roleNames, stageNames, rules, roleSpec, beijingInput, fromBeijingInput } from './lib.js';
import { pager, query, listQuery } from './widgets.js';
import { selectionFields, readSelection } from './selection.js';


// searchForm is the search box of a list: the words, any extra filters, then 查询.
function searchForm(base, q, placeholder, extra = []) {
  return listQuery(h('form', { class: 'filters', role: 'search' },
    h('label', { class: 'field' }, h('span', { class: 'label' }, '搜索'), h('input', { name: 'q', value: q.get('q') || '', placeholder })),
    extra, h('button', { class: 'primary', type: 'submit' }, '查询')), base);
}

function filterForm(base, q, extra = []) {
  const form = h('form', { class: 'filters' },
    h('label', { class: 'field' }, h('span', { class: 'label' }, '项目年度'), h('input', { name: 'year', type: 'number', value: q.get('year') || '' })),
    h('label', { class: 'field' }, h('span', { class: 'label' }, '环节'), h('select', { name: 'stage' }, h('option', { value: '' }, '全部'),
      Object.entries(stageNames).map(([k, v]) => h('option', { value: k, selected: q.get('stage') === k }, v)))),
    h('label', { class: 'field' }, h('span', { class: 'label' }, '关键词'),
      h('input', { name: 'q', type: 'search', value: q.get('q') || '', placeholder: '姓名、学号、项目编号或名称' })),
    // A project chosen elsewhere (a dashboard's row) stays chosen.
    q.get('projectId') ? h('input', { type: 'hidden', name: 'projectId', value: q.get('projectId') }) : '',
    extra,
    h('label', { class: 'radio' }, h('input', { type: 'checkbox', name: 'overdue', checked: q.get('overdue') === 'true' }), '仅超期'),
    h('button', { class: 'primary', type: 'submit' }, '筛选'));
  return listQuery(form, base);
}

// collegePicker chooses a college by its name; the filter sends its code.
async function collegePicker(q) {
  const { items } = await get('/colleges');
  return h('label', { class: 'field' }, h('span', { class: 'label' }, '学院'), h('select', { name: 'college' }, h('option', { value: '' }, '全部'),
    items.map((c) => h('option', { value: c.code, selected: q.get('college') === c.code || q.get('college') === c.name }, c.name))));
}

function filterParams(q) {
  const p = new URLSearchParams();
  for (const k of ['q', 'year', 'stage', 'projectId', 'overdue', 'college', 'role', 'country', 'partnerId', 'page']) if (q.get(k)) p.set(k, q.get(k));
  return p;
}

export async function queuePage(state) {
  const q = query();
  const p = filterParams(q);
  p.set('pageSize', '50');
  const data = await get('/reviews', {}, p);
  const checks = new Map();
  const selectAll = h('input', { type: 'checkbox', 'aria-label': '全选', onchange: () => checks.forEach((c) => { c.checked = selectAll.checked; }) });
  const rows = table([
    { label: '选择', value: (r) => { if (r.blocked) return ''; const c = h('input', { type: 'checkbox', 'aria-label': '选择' }); checks.set(r.application.id, c); return c; } },
    { label: '系统编号', value: (r) => r.application.systemNo },
    { label: '学生姓名', value: (r) => h('a', { href: '#/applications/' + r.application.id }, r.application.nameCn || '（未填姓名）') },
    { label: '所在院系', value: (r) => r.application.collegeName }, { label: '项目名称', value: (r) => r.application.projectName },
    { label: '项目年度', value: (r) => r.application.projectYear }, { label: '当前环节', value: (r) => r.pendingStep },
    { label: '等待', value: (r) => h('span', { class: r.application.overdue ? 'bad' : '' }, r.waitingHours + ' 小时', r.application.overdue ? '（已超期）' : '') },
    { label: '操作', value: (r) => r.blocked
      ? h('span', {}, h('a', { href: '#/applications/' + r.application.id }, '查看'), h('span', { class: 'muted small-note', title: r.blocked }, '（已由您初审，需另一位审核员复审）'))
      : h('a', { href: '#/applications/' + r.application.id }, '审核') },
  ], data.items, '没有待审核的申请');
  // 批量通过 names each student and asks for the opinion before it acts; the result names them too.
  const names = new Map(data.items.map((r) => [r.application.id, r.application.nameCn + '（' + r.application.projectName + '）']));
  const batch = h('button', { type: 'button', class: 'primary', onclick: () => {
    const ids = [...checks].filter(([, c]) => c.checked).map(([id]) => id);
    if (!ids.length) { toast('请先选择申请', 'error'); return; }
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', {}, '将通过以下 ' + ids.length + ' 份申请：'), h('ul', { class: 'batch-names' }, ids.map((id) => h('li', {}, names.get(id)))),
      field({ name: 'opinion', label: '审核意见', type: 'textarea', wide: true }, '同意'));
    dialog('批量通过', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async (e) => {
        e.target.disabled = true;
        try {
          const res = await api('POST', '/reviews/batch-approve', { applicationIds: ids, opinion: formValues(form).opinion });
          close();
          dialog('批量通过结果', table([{ label: '申请', value: (r) => names.get(r.applicationId) || r.applicationId },
            { label: '结果', value: (r) => r.ok ? '通过' : '未处理：' + r.message }], res.results),
          (done) => [h('button', { type: 'button', class: 'primary', onclick: () => { done(); location.hash = '#/reviews?r=' + Date.now(); } }, '确定')]);
        } catch (err) { showError(form, err); e.target.disabled = false; }
      } }, '确认通过')]);
  } }, '批量通过');
  const admin = roleSpec(state.me.role).scope === 'all';
  return h('section', {}, h('h1', {}, admin ? '待审核申请' : '审核队列'),
    filterForm('#/reviews', q, [admin ? h('label', { class: 'field' }, h('span', { class: 'label' }, '待审角色'), h('select', { name: 'role' }, h('option', { value: '' }, '全部'),
      rules.roles.filter((r) => r.decides).map((r) => h('option', { value: r.code, selected: q.get('role') === r.code }, r.label)))) : '',
    roleSpec(state.me.role).scope === 'college' ? '' : await collegePicker(q)]),
    admin ? '' : h('div', { class: 'actions left' }, h('label', { class: 'radio' }, selectAll, '全选'), batch),
    rows, pager(data, (n) => { const pp = filterParams(q); pp.set('page', n); return '#/reviews?' + pp; }));
}

export async function listPage(state) {
  const q = query();
  const p = filterParams(q);
  p.set('pageSize', '50');
  const data = await get('/applications', {}, p);
  const exportParams = filterParams(q);
  exportParams.delete('page');
  const collegeFilter = roleSpec(state.me.role).scope === 'college' ? [] : [await collegePicker(q)];
  // A dashboard's bar may narrow the list to a place or a partner: said, with a way back.
  const wider = filterParams(q);
  wider.delete('country');
  wider.delete('partnerId');
  const place = (rules.places.find((x) => x.code === q.get('country')) || {}).name;
  const narrowed = q.get('country') || q.get('partnerId')
    ? h('p', { class: 'notice' }, place ? '仅显示国家(地区)为' + place + '的项目的申请 ' : '仅显示所选合作院校的项目的申请 ', h('a', { href: '#/list?' + wider }, '显示全部')) : '';
  return h('section', {}, h('h1', {}, '申请列表'),
    filterForm('#/list', q, collegeFilter), narrowed,
    h('div', { class: 'actions left' }, h('a', { class: 'button secondary', href: '/api/v1/exports/applications.xlsx?' + exportParams, download: true }, '导出Excel')),
    table([
      { label: '序号', value: (r) => r.no }, { label: '学生姓名', value: (r) => h('a', { href: '#/applications/' + r.application.id }, r.application.nameCn || '（未填姓名）') },
      { label: '学历', value: (r) => r.application.degreeLevel }, { label: '所在院系', value: (r) => r.application.collegeName },
      { label: '项目名称', value: (r) => r.application.projectName }, { label: '项目年度', value: (r) => r.application.projectYear },
      { label: '项目类别', value: (r) => r.application.projectCategory }, { label: '申请状态', value: (r) => r.application.status },
      // 申请中 does not say where: the stage does (学院审核, 教务处审核…).
      { label: '当前环节', value: (r) => stageNames[r.application.stage] || r.application.stage },
    ], data.items), pager(data, (n) => { const pp = filterParams(q); pp.set('page', n); return '#/list?' + pp; }));
}

export async function projectsAdminPage() {
  const q = query();
  const data = await get('/projects', {}, 'pageSize=100&q=' + encodeURIComponent(q.get('q') || ''));
  const copy = (p) => {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
      field({ name: 'year', label: '复制到哪一年度', type: 'number', required: true, hint: '复制的项目不发布，修改后再发布' }, p.year + 1));
    dialog('复制项目：' + p.name, form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async (ev) => {
        clearError(form);
        ev.target.disabled = true;
        try {
          const np = await api('POST', `/projects/${p.id}/copy`, { year: Number(formValues(form).year) });
          close();
          location.hash = '#/admin/projects/' + np.id;
        } catch (e) { showError(form, e); } finally { ev.target.disabled = false; }
      } }, '复制')]);
  };
  const publish = async (p, on) => {
    if (!on && !(await confirmDialog('取消发布', '取消发布后学生将看不到“' + p.name + '”，进行中的申请不受影响。确定取消发布吗？'))) return;
    if (on && !(await confirmDialog('发布', '发布后，符合条件的学生即可看到并申请“' + p.name + '”。确定发布吗？', '发布'))) return;
    await api('POST', `/projects/${p.id}/${on ? 'publish' : 'unpublish'}`);
    toast(on ? '已发布“' + p.name + '”' : '已取消发布“' + p.name + '”');
    // The list stays as it was searched.
    location.hash = '#/admin/projects?' + new URLSearchParams({ ...Object.fromEntries(q), r: String(Date.now()) });
  };
  return h('section', {}, h('h1', {}, '项目管理'),
    searchForm('#/admin/projects', q, '项目名称、编号、院校、国家'),
    h('div', { class: 'actions left' }, h('a', { class: 'button primary', href: '#/admin/projects/new' }, '新建项目')),
    table([
      { label: '项目名称', value: (r) => h('a', { href: '#/admin/projects/' + r.project.id }, r.project.name) },
      { label: '编号', value: (r) => r.project.code }, { label: '年度', value: (r) => r.project.year },
      { label: '申报时间', value: (r) => fmtTime(r.project.applyStart) + ' 至 ' + fmtTime(r.project.applyEnd) },
      { label: '名额', value: (r) => r.project.admittedCount + ' / ' + (r.project.quota ?? '不限') },
      { label: '状态', value: (r) => r.project.published ? '已发布' : '未发布' },
      { label: '操作', value: (r) => h('span', { class: 'ops' }, h('a', { href: '#/admin/projects/' + r.project.id }, '编辑'),
        h('button', { type: 'button', class: 'link', onclick: () => publish(r.project, !r.project.published) }, r.project.published ? '取消发布' : '发布'),
        h('button', { type: 'button', class: 'link', onclick: () => copy(r.project) }, '复制到下一年')) },
    ], data.items));
}

const projectSpecs = [
  { name: 'name', label: '项目名称', required: true }, { name: 'code', label: '项目编号', required: true }, { name: 'year', label: '项目年度', type: 'number', required: true },
  { name: 'terms', label: '项目学期' }, { name: 'startDate', label: '项目开始日期', type: 'date', required: true }, { name: 'endDate', label: '项目结束日期', type: 'date', required: true },
  { name: 'durationText', label: '项目时长' }, { name: 'nature', label: '项目性质', type: 'select', options: () => rules.projectChoices.nature }, { name: 'institutionName', label: '院校名称' },
  { name: 'institutionNameEn', label: '院校英文名' },
  { name: 'countryCode', label: '国家/地区', type: 'select', options: () => rules.places.map((p) => [p.code, p.name]), hint: '统计按国家(地区)计数' },
  { name: 'category', label: '项目类型', type: 'select', options: () => rules.projectCategories },
  { name: 'fundingKind', label: '经费类别', type: 'select', options: () => rules.fundingKinds },
  { name: 'feeMode', label: '项目费用模式', type: 'select', options: () => rules.projectChoices.feeMode }, { name: 'fee', label: '费用（元）', type: 'number' },
  { name: 'termLength', label: '项目期限', type: 'select', options: () => rules.termLengths, required: true },
  { name: 'teachingMode', label: '授课形式', type: 'select', options: () => rules.projectChoices.teachingMode },
  { name: 'hostUnit', label: '项目主办单位' }, { name: 'applyStart', label: '申报开始时间（北京时间）', type: 'datetime-local', required: true },
  { name: 'applyEnd', label: '申报结束时间（北京时间）', type: 'datetime-local', required: true },
  { name: 'eligibleDegreeLevels', label: '申请对象', type: 'checks', options: () => rules.degreeLevels, hint: '不选为不限' },
  { name: 'eligibleGrades', label: '申请年级', type: 'checks', options: () => rules.grades, hint: '不选为不限' }, { name: 'eligibleMajors', label: '招生专业', hint: '逗号分隔；空为不限' },
  { name: 'minGpa', label: 'GPA要求', type: 'number' }, { name: 'quota', label: '推荐名额', type: 'number', hint: '空为不限' },
  { name: 'checkInDays', label: '报平安间隔(天)', type: 'number', hint: '在外期间每隔几天报平安；空为系统默认' },
  { name: 'hasInterview', label: '是否有面试环节', type: 'checkbox' }, { name: 'creditBearing', label: '学分项目（回国后申请学分认定）', type: 'checkbox' }, { name: 'allowDatesOutside', label: '出行日期可超出项目起止日期', type: 'checkbox' },
  { name: 'notes', label: '其他说明', type: 'textarea', wide: true },
];

// projectLabels names a project's fields, for the audit log's changes.
export const projectLabels = Object.fromEntries(projectSpecs.map((f) => [f.name, f.label]));

export async function projectEditPage(_, id) {
  const p = id === 'new' ? { year: new Date().getFullYear(), termLength: '长期', requirements: [{ kind: '成绩单', formats: rules.defaultFormats, maxBytes: rules.defaultMaxBytes, required: true }] } : await api('GET', '/projects/' + id).then((r) => ({ ...r.project, requirements: r.requirements.map((x) => x.requirement) }));
  const values = { ...p, applyStart: beijingInput(p.applyStart), applyEnd: beijingInput(p.applyEnd),
    eligibleMajors: (p.eligibleMajors || []).join(',') };
  // A choice written before the lists existed stays among the choices, so that saving keeps it.
  const withCurrent = (s) => {
    if (s.type !== 'select' || typeof s.options !== 'function') return s;
    const v = values[s.name];
    return { ...s, options: () => { const o = s.options(); return !v || o.some((x) => (Array.isArray(x) ? x[0] : x) === v) ? o : [...o, v]; } };
  };
  // Several choices of a list (申请对象, 申请年级): a box each; none chosen is no limit.
  const checks = (s) => h('fieldset', { class: 'field checks' }, h('legend', { class: 'label' }, s.label),
    s.options().map((o) => h('label', { class: 'radio' }, h('input', { type: 'checkbox', name: s.name, value: o, checked: (p[s.name] || []).includes(o) }), o)),
    s.hint ? h('small', { class: 'hint' }, s.hint) : '');
  const specField = (s) => s.type === 'checks' ? checks(s) : field(withCurrent(s), values[s.name]);
  const { items: partners } = await get('/partners');
  const placeName = (code) => (rules.places.find((x) => x.code === code) || {}).name || code;
  const partnerField = field({ name: 'partnerId', label: '合作院校', type: 'select', hint: '在“合作院校”中维护；须在所选国家/地区',
    options: partners.map((x) => [String(x.id), x.name + '（' + placeName(x.countryCode) + '）']) }, p.partnerId ? String(p.partnerId) : '');
  const reqRows = h('div', { class: 'req-rows' });
  const addReq = (r = { kind: '', formats: ['pdf'], maxBytes: rules.defaultMaxBytes, required: false, phase: rules.phases[0].name }) => {
    const row = h('div', { class: 'grid req-row', dataset: { id: r.id || '' } },
      // A requirement is of the application (申请材料) or a checklist of a later phase (行前材料清单).
      field({ name: 'phase', label: '阶段', type: 'select', options: rules.phases.filter((ph) => ph.checklist)
        .map((ph, i) => [ph.name, i === 0 ? '申请材料' : ph.uploadLabel + '清单']) }, r.phase || rules.phases[0].name),
      field({ name: 'kind', label: '附件类型' }, r.kind), field({ name: 'formats', label: '附件格式', hint: '逗号分隔' }, r.formats.join(',')),
      field({ name: 'maxMB', label: '最大(M)', type: 'number' }, r.maxBytes / (1 << 20)), field({ name: 'required', label: '必须上传', type: 'checkbox' }, r.required),
      h('button', { type: 'button', class: 'link danger', onclick: () => row.remove() }, '移除'));
    reqRows.append(row);
  };
  (p.requirements || []).forEach(addReq);
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('div', { class: 'grid' }, projectSpecs.map(specField), partnerField),
    selectionFields(p),
    h('h2', {}, '项目所需附件 ', h('button', { type: 'button', class: 'secondary small', onclick: () => addReq() }, '+添加附件类型')),
    h('p', { class: 'muted' }, '“申请材料”随申请提交；“行前材料清单”是录取后、出发前学生须逐项上传的材料（如护照、签证、保险、行前教育证明）。'), reqRows,
    // An unpublished project is saved as a draft or saved and published at once; the office is told
    // which, and asked before students can see it.
    h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/admin/projects' }, '返回'),
      p.published ? h('button', { type: 'submit', class: 'primary' }, '保存')
        : [h('button', { type: 'submit', class: 'secondary', value: 'draft' }, '保存草稿'), h('button', { type: 'submit', class: 'primary', value: 'publish' }, '保存并发布')]));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const publishing = ev.submitter?.value === 'publish';
    if (publishing && !(await confirmDialog('保存并发布', '发布后，符合条件的学生即可看到并申请“' + (form.name?.value || '该项目') + '”。确定保存并发布吗？', '保存并发布'))) return;
    const all = formValues(form);
    const selection = readSelection(all);
    const list = (s) => (s || '').split(/[,，]/).map((x) => x.trim()).filter(Boolean);
    const chosen = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((e) => e.value);
    const body = { ...all, selection, year: all.year, applyStart: fromBeijingInput(all.applyStart), applyEnd: fromBeijingInput(all.applyEnd),
      eligibleDegreeLevels: chosen('eligibleDegreeLevels'), eligibleGrades: chosen('eligibleGrades'), eligibleMajors: list(all.eligibleMajors), fee: all.fee || 0,
      partnerId: all.partnerId ? Number(all.partnerId) : null, country: all.countryCode ? undefined : p.country,
      requirements: [...reqRows.children].map((row) => ({ id: Number(row.dataset.id) || undefined, kind: row.querySelector('[name=kind]').value.trim(),
        formats: list(row.querySelector('[name=formats]').value), maxBytes: Math.round(Number(row.querySelector('[name=maxMB]').value) * (1 << 20)),
        required: row.querySelector('[name=required]').checked, phase: row.querySelector('[name=phase]').value })) };
    for (const k of ['kind', 'formats', 'maxMB', 'required', 'phase']) delete body[k];
    try {
      const saved = await api(id === 'new' ? 'POST' : 'PUT', id === 'new' ? '/projects' : '/projects/' + id, body);
      if (publishing) await api('POST', `/projects/${saved.id}/publish`);
      toast(publishing ? '项目已保存并发布，学生现在可以看到' : p.published ? '项目已保存' : '项目已保存为草稿（未发布，学生看不到）');
      location.hash = '#/admin/projects/' + saved.id + '?r=' + Date.now();
    } catch (e) { showError(form, e); }
  });
  return h('section', {}, h('h1', {}, id === 'new' ? '新建项目' : '编辑项目'),
    id !== 'new' ? h('p', { class: 'notice' }, '修改不影响已经创建的申请：它们保留创建时的附件要求和规则。') : '', form);
}

export async function accountsPage() {
  const q = query();
  const data = await get('/accounts', {}, 'pageSize=100&q=' + encodeURIComponent(q.get('q') || '') + '&role=' + (q.get('role') || ''));
  const { items: colleges } = await get('/colleges');
  const edit = (a = {}) => {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }), h('div', { class: 'grid' },
      a.id ? '' : field({ name: 'username', label: '用户名（学号/工号）', required: true }),
      field({ name: 'displayName', label: '姓名', required: true }, a.displayName),
      field({ name: 'role', label: '角色', type: 'select', options: rules.roles.map((r) => [r.code, r.label]), required: true }, a.role),
      field({ name: 'collegeCode', label: '学院', type: 'select', options: colleges.map((c) => [c.code, c.name]), hint: '学生和学院审核员须选择所在学院' }, a.collegeCode),
      field({ name: 'email', label: '电子邮件', type: 'email', hint: '待审核等通知发到此邮箱（学生优先使用个人资料中的邮箱）' }, a.email),
      field({ name: 'casSignIn', label: '允许统一身份认证登录', type: 'checkbox', hint: '管理员账号只能使用本系统密码登录' }, a.id ? a.casSignIn : true),
      a.id ? field({ name: 'disabled', label: '停用', type: 'checkbox' }, a.disabled)
        : field({ name: 'password', label: '初始密码', type: 'password', hint: '留空则只能通过统一身份认证登录；至少12个字符，本人首次登录时须修改' })));
    dialog(a.id ? '修改账号' : '新建账号', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        clearError(form);
        try {
          await api(a.id ? 'PUT' : 'POST', '/accounts' + (a.id ? '/' + a.id : ''), formValues(form));
          close();
          location.hash = '#/admin/accounts?r=' + Date.now();
        } catch (e) { showError(form, e); }
      } }, '保存')]);
  };
  const reset = (a) => {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }), field({ name: 'password', label: '新密码', type: 'password', required: true,
      hint: '至少12个字符，不能是常见密码；本人下次登录时须改为自己的密码' }));
    dialog('重置密码：' + a.username, form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        try { await api('POST', `/accounts/${a.id}/password`, formValues(form)); close(); toast('密码已重置'); } catch (e) { showError(form, e); }
      } }, '重置')]);
  };
  return h('section', {}, h('h1', {}, '账号管理'),
    searchForm('#/admin/accounts', q, '学号/工号或姓名', [h('label', { class: 'field' }, h('span', { class: 'label' }, '角色'),
      h('select', { name: 'role' }, h('option', { value: '' }, '全部'), rules.roles.map((r) => h('option', { value: r.code, selected: q.get('role') === r.code }, r.label))))]),
    h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'primary', onclick: () => edit() }, '新建账号')),
    table([{ label: '用户名', value: (a) => a.username }, { label: '姓名', value: (a) => a.displayName }, { label: '角色', value: (a) => roleNames[a.role] },
      { label: '学院', value: (a) => a.collegeName || '' }, { label: '状态', value: (a) => a.disabled ? '已停用' : '正常' },
      { label: '操作', value: (a) => h('span', { class: 'ops' }, h('button', { type: 'button', class: 'link', onclick: () => edit(a) }, '修改'),
        h('button', { type: 'button', class: 'link', onclick: () => reset(a) }, '重置密码')) }], data.items));
}
