// @ts-check
// The selection round (选拔): the offices' index of rounds and ranking board, each college's
// 推荐排序, and the 公示 that everyone signed in (or, where allowed, anyone) may read and object to.
import { h, api, get, toast, showError, clearError, field, formValues, table, fmtTime, dialog, confirmDialog, fromBeijingInput } from './lib.js';

const num = (v, digits = 2) => (v === null || v === undefined ? '—' : Number(v).toFixed(digits).replace(/\.?0+$/, ''));

export async function roundsPage() {
  const { items } = await get('/selection-rounds');
  return h('section', {}, h('h1', {}, '项目选拔'),
    h('p', { class: 'muted' }, '有选拔环节的项目：学院审核、教务处（研究生院）审核通过的申请进入选拔，经推荐排序、面试、拟录取与候补、公示后录取。'),
    h('div', { class: 'actions left' }, h('a', { class: 'button secondary', href: '#/publicity' }, '查看公示')),
    table([
      { label: '项目', value: (r) => h('a', { href: '#/selection/' + r.projectId }, r.projectName) },
      { label: '年度', value: (r) => r.year }, { label: '阶段', value: (r) => r.stageLabel },
      { label: '候选人', value: (r) => r.candidates }, { label: '已录取 / 名额', value: (r) => r.admitted + ' / ' + r.quota },
      { label: '待处理异议', value: (r) => (r.pendingObjections ? h('span', { class: 'badge warn' }, r.pendingObjections) : '0') },
      { label: '公示截止', value: (r) => fmtTime(r.publicUntil) || '—' },
    ], items, '暂无进入选拔的项目'));
}

const sorts = {
  composite: ['综合成绩', (c) => c.composite], gpa: ['GPA', (c) => c.gpa ?? -1],
  score: ['面试成绩', (c) => (c.absent ? -1 : c.score ?? -1)], rank: ['学院排序', (c) => -(c.collegeRank || 999)],
};

// boardPage is the ranking board: every candidate with their scores and composite, sortable, the
// quota line drawn; the office's actions on it and each college's 推荐排序.
export async function boardPage(state, id) {
  const b = await get('/projects/{pid}/selection', { pid: id });
  const reload = () => { location.hash = `#/selection/${id}?r=${Date.now()}`; };
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const sort = sorts[params.get('sort')] ? params.get('sort') : 'composite';
  const rows = [...b.candidates].sort((x, y) => sorts[sort][1](y) - sorts[sort][1](x));
  const office = b.can.propose || b.can.interview;
  const chosen = new Set();
  const proposal = new Map();
  const columns = [
    office && b.can.interview ? { label: '选择', value: (c) => (c.outcome === 'candidate' ? h('input', { type: 'checkbox', 'aria-label': '选择 ' + c.name, onchange: (e) => { e.target.checked ? chosen.add(c.applicationId) : chosen.delete(c.applicationId); } }) : '') } : null,
    { label: '姓名', value: (c) => h('a', { href: '#/applications/' + c.applicationId }, c.name) },
    { label: '学号', value: (c) => c.studentNo }, { label: '学院', value: (c) => c.collegeName }, { label: '专业', value: (c) => c.major },
    { label: 'GPA', value: (c) => num(c.gpa) },
    { label: '学院排序', value: (c) => (c.collegeRank ? '第' + c.collegeRank + '位' : '未排序') },
    b.interview ? { label: '面试', value: (c) => (c.interviewAt ? [fmtTime(c.interviewAt), h('br'), c.place] : '未安排') } : null,
    b.interview ? { label: '面试成绩', value: (c) => (c.absent ? h('span', { class: 'bad' }, '缺席') : num(c.score)) } : null,
    { label: '综合成绩', value: (c) => h('strong', {}, num(c.composite)) },
    { label: '结果', value: (c) => c.outcomeLabel },
    office && b.can.propose ? { label: '拟录取/候补', value: (c) => h('select', { 'aria-label': c.name + ' 的结果', onchange: (e) => proposal.set(c.applicationId, e.target.value) },
      h('option', { value: '' }, '不列入'), h('option', { value: 'admit' }, '拟录取'), h('option', { value: 'waitlist' }, '候补')) } : null,
    office && b.interview && b.can.interview ? { label: '操作', value: (c) => (c.interviewAt ? h('button', { type: 'button', class: 'secondary small', onclick: () => scoreDialog(b, c, reload) }, '录入成绩') : '') } : null,
  ].filter(Boolean);
  const board = table(columns, rows, '还没有进入选拔的申请');
  // The quota line: after the quota-th candidate in the order of the composite.
  const body = board.querySelector('tbody');
  if (body && sort === 'composite' && rows.length > b.quota) {
    body.children[b.quota - 1].after(h('tr', { class: 'quota-line' }, h('td', { colspan: columns.length }, `名额线：推荐名额 ${b.quota} 人`)));
  }
  return h('section', { class: 'board' }, h('h1', {}, '项目选拔：', b.projectName),
    h('p', {}, `${b.year} 年度 · 阶段：`, h('strong', {}, b.stageLabel), ` · 推荐名额 ${b.quota} 人 · 候选 ${b.candidates.length} 人`,
      b.publicUntil ? ' · 公示：' + fmtTime(b.publishedAt) + ' 至 ' + fmtTime(b.publicUntil) : '',
      b.waitlistUntil ? ' · 候补有效期至 ' + fmtTime(b.waitlistUntil) : ''),
    b.pendingReviews ? h('p', { class: 'notice warn' }, `还有 ${b.pendingReviews} 份申请在学院、教务处（研究生院）审核中，审核完成后才能提出拟录取名单。`) : '',
    b.stage === 'publicity' ? h('p', {}, h('a', { href: '#/publicity/' + b.roundId }, '查看公示页面')) : '',
    h('p', { class: 'muted' }, `综合成绩 = GPA×${b.settings.weightGpa}%（按5分制）` + (b.interview ? ` + 面试×${b.settings.weightInterview}%` : '') + ` + 学院排序×${b.settings.weightRank}%，满分100。`),
    h('div', { class: 'actions left' }, h('label', { class: 'inline' }, '排序方式 ',
      h('select', { 'aria-label': '排序方式', onchange: (e) => { location.hash = `#/selection/${id}?sort=${e.target.value}`; } },
        Object.entries(sorts).map(([k, [label]]) => h('option', { value: k, selected: k === sort }, label)))),
    b.can.interview ? h('button', { type: 'button', class: 'secondary', onclick: () => interviewDialog(id, [...chosen], reload) }, '安排面试') : ''),
    board,
    b.can.rank ? rankSection(id, b, reload) : '',
    b.can.propose ? proposeForm(id, b, rows, proposal, reload) : '',
    b.objections.length || b.can.resolve ? objectionsSection(id, b, reload) : '');
}

function interviewDialog(id, ids, done) {
  if (!ids.length) { toast('请先在表中勾选要安排面试的学生', 'error'); return; }
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('p', { class: 'muted' }, `为已选的 ${ids.length} 名学生安排同一场面试；学生会收到系统通知和带日历附件的邮件。`),
    field({ name: 'at', label: '面试时间（北京时间）', type: 'datetime-local', required: true }), field({ name: 'minutes', label: '时长（分钟）', type: 'number', required: true }, 20),
    field({ name: 'place', label: '地点或线上会议链接', required: true, wide: true }));
  dialog('安排面试', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      clearError(form);
      const v = formValues(form);
      if (!v.at) { showError(form, { message: '请填写面试时间', fields: { at: '请填写面试时间' } }); return; }
      e.target.disabled = true;
      try {
        await api('POST', `/projects/${id}/selection/interviews`, { applicationIds: ids, at: fromBeijingInput(v.at), minutes: v.minutes, place: v.place });
        close(); toast('面试已安排，学生已收到通知'); done();
      } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
    } }, '安排')]);
}

function scoreDialog(b, c, done) {
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    field({ name: 'score', label: '面试成绩（0–100）', type: 'number' }, c.score), field({ name: 'absent', label: '缺席面试', type: 'checkbox' }, c.absent));
  dialog('面试成绩：' + c.name, form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      clearError(form);
      const v = formValues(form);
      e.target.disabled = true;
      try {
        await api('POST', `/projects/${b.projectId}/selection/scores`, { applicationId: c.applicationId, score: v.absent ? null : v.score, absent: v.absent });
        close(); toast('成绩已保存'); done();
      } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
    } }, '保存')]);
}

// rankSection is a college's 推荐排序: its candidates in order, moved up and down, each with a reason.
function rankSection(id, b, done) {
  const mine = [...b.candidates].sort((x, y) => (x.collegeRank || 999) - (y.collegeRank || 999));
  const list = h('ol', { class: 'rank-list' });
  const row = (c) => h('li', { dataset: { id: c.applicationId } },
    h('span', { class: 'who' }, c.name, ' ', h('small', { class: 'muted' }, 'GPA ' + num(c.gpa))),
    h('input', { name: 'reason', value: c.rankReason || '', placeholder: '推荐理由（选填）', 'aria-label': c.name + ' 的推荐理由', maxlength: 500 }),
    h('button', { type: 'button', class: 'secondary small', 'aria-label': '上移 ' + c.name, onclick: (e) => { const li = e.target.closest('li'); li.previousElementSibling?.before(li); } }, '↑'),
    h('button', { type: 'button', class: 'secondary small', 'aria-label': '下移 ' + c.name, onclick: (e) => { const li = e.target.closest('li'); li.nextElementSibling?.after(li); } }, '↓'));
  list.append(...mine.map(row));
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'rank-form' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }), list,
    h('div', { class: 'actions left' }, h('button', { type: 'submit', class: 'primary' }, '保存推荐排序')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const order = [...list.children].map((li) => ({ applicationId: Number(li.dataset.id), reason: li.querySelector('[name=reason]').value.trim() }));
    try { await api('POST', `/projects/${id}/selection/rank`, { order }); toast('推荐排序已保存'); done(); } catch (e) { showError(form, e); }
  });
  return h('section', {}, h('h2', {}, '推荐排序（本学院）'), h('p', { class: 'muted' }, '按推荐顺序排列本学院的全部候选人，第一位为最优先推荐。'), form);
}

// proposeForm names the 拟录取 and the 候补 (in the board's order) and starts the 公示.
function proposeForm(id, b, rows, proposal, done) {
  const today = new Date(Date.now() + 8 * 3600000);
  const until = new Date(today.getTime() + 60 * 86400000).toISOString().slice(0, 10);
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'propose-form' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('p', { class: 'muted' }, `在上表“拟录取/候补”一列中选择；拟录取不超过 ${b.quota} 人，候补不超过 ${b.settings.waitlistSize} 人，候补按上表顺序递补。公示 ${b.settings.publicityDays} 个工作日，递补公示 ${b.settings.substituteDays} 个工作日。`),
    h('div', { class: 'grid' }, field({ name: 'waitlistUntil', label: '候补有效期至', type: 'date' }, until),
      field({ name: 'opinion', label: '拟录取意见', type: 'textarea', wide: true })),
    h('div', { class: 'actions left' }, h('button', { type: 'submit', class: 'primary' }, '提出拟录取名单并公示')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const pick = (kind) => rows.filter((c) => proposal.get(c.applicationId) === kind);
    const admit = pick('admit'), waitlist = pick('waitlist');
    const v = formValues(form);
    const words = `拟录取：${admit.map((c) => c.name).join('、') || '无'}；候补：${waitlist.map((c, i) => (i + 1) + '.' + c.name).join(' ') || '无'}。公示开始后不能再修改排序和成绩。确定公示吗？`;
    if (!(await confirmDialog('提出拟录取名单', words, '确定公示', '再看看'))) return;
    try {
      await api('POST', `/projects/${id}/selection/proposal`, { admit: admit.map((c) => c.applicationId), waitlist: waitlist.map((c) => c.applicationId), waitlistUntil: v.waitlistUntil, opinion: v.opinion });
      toast('拟录取名单已公示'); done();
    } catch (e) { showError(form, e); }
  });
  return h('section', {}, h('h2', {}, '拟录取与候补'), form);
}

function objectionsSection(id, b, done) {
  const resolve = (o, uphold) => {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', {}, uphold ? '异议成立：取消该生的拟录取，候补第一位递补并单独公示。' : '异议不成立：该生继续公示。'),
      field({ name: 'reply', label: '处理意见', type: 'textarea', required: true, wide: true }));
    dialog((uphold ? '异议成立：' : '异议不成立：') + o.candidate, form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async (e) => {
        clearError(form);
        e.target.disabled = true;
        try {
          await api('POST', `/projects/${id}/selection/objections/resolve`, { objectionId: o.id, uphold, reply: formValues(form).reply });
          close(); toast('异议已处理'); done();
        } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
      } }, '确定')]);
  };
  return h('section', {}, h('h2', {}, '公示异议'), table([
    { label: '被异议人', value: (o) => o.candidate }, { label: '异议理由', value: (o) => o.reason },
    { label: '提出人', value: (o) => [o.objector.name, o.contact ? h('br') : '', o.contact || ''] }, { label: '提出时间', value: (o) => fmtTime(o.at) },
    { label: '状态', value: (o) => [o.statusLabel, o.reply ? h('br') : '', o.reply ? h('small', { class: 'muted' }, o.reply) : ''] },
    { label: '处理', value: (o) => (o.status === 'pending' && b.can.resolve ? [h('button', { type: 'button', class: 'secondary small', onclick: () => resolve(o, true) }, '成立'), ' ',
      h('button', { type: 'button', class: 'secondary small', onclick: () => resolve(o, false) }, '不成立')] : '') },
  ], b.objections, '暂无异议'));
}

export async function publicityIndexPage() {
  const { items } = await get('/publicity', {}, '', { stay: true });
  return h('section', {}, h('h1', {}, '拟录取名单公示'),
    table([
      { label: '项目', value: (p) => h('a', { href: '#/publicity/' + p.roundId }, p.projectName) }, { label: '年度', value: (p) => p.year },
      { label: '公示期', value: (p) => fmtTime(p.publishedAt) + ' 至 ' + fmtTime(p.publicUntil) },
    ], items, '当前没有正在公示的名单'));
}

// publicityPage is one 公示: the names, the period, how to object, and 提出异议 for the signed-in.
export async function publicityPage(state, rid) {
  const p = await get('/publicity/{rid}', { rid }, '', { stay: true });
  const object = (n) => {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', { class: 'muted' }, '异议实名提交，提出人信息仅外事部门可见。'),
      field({ name: 'reason', label: '异议理由', type: 'textarea', required: true, wide: true }), field({ name: 'contact', label: '联系方式（选填）' }));
    dialog('对 ' + n.name + ' 提出异议', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async (e) => {
        clearError(form);
        e.target.disabled = true;
        try {
          await api('POST', `/publicity/${encodeURIComponent(rid)}/objections`, { applicationId: n.applicationId, ...formValues(form) });
          close(); toast('异议已提交，外事部门将处理并答复');
        } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
      } }, '提交异议')]);
  };
  return h('section', { class: 'publicity' }, h('h1', {}, p.projectName, ' 拟录取名单公示'),
    h('p', {}, `${p.year} 年度 · 推荐名额 ${p.quota} 人 · 公示期：`, h('strong', {}, fmtTime(p.publishedAt) + ' 至 ' + fmtTime(p.publicUntil))),
    p.opinion ? h('p', {}, '说明：', p.opinion) : '',
    table([
      { label: '序号', value: (_, i) => i + 1 }, { label: '姓名', value: (n) => n.name }, { label: '学号', value: (n) => n.studentNo },
      { label: '学院', value: (n) => n.college }, { label: '专业', value: (n) => n.major },
      { label: '公示截止', value: (n) => [fmtTime(n.publicUntil), n.substitute ? h('span', { class: 'badge' }, '递补') : ''] },
      p.canObject ? { label: '异议', value: (n) => h('button', { type: 'button', class: 'secondary small', onclick: () => object(n) }, '提出异议') } : null,
    ].filter(Boolean), p.names, '名单为空'),
    h('p', { class: 'notice' }, p.howToObject),
    h('div', { class: 'actions left no-print' }, h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, '打印'),
      p.canObject ? h('a', { class: 'button secondary', href: `/api/v1/publicity/${encodeURIComponent(rid)}/export.xlsx` }, '导出Excel') : ''));
}

// selectionFields are the round's settings on the project form; readSelection turns them back
// into the project's selection (null without a round).
export function selectionFields(p) {
  const s = p.selection || { publicityDays: 5, substituteDays: 3, waitlistSize: 5, weightGpa: p.hasInterview ? 50 : 70, weightInterview: p.hasInterview ? 30 : 0, weightRank: p.hasInterview ? 20 : 30 };
  return [h('h2', {}, '选拔设置'),
    h('p', { class: 'muted' }, '勾选后，学院和教务处（研究生院）审核通过的申请进入选拔：学院推荐排序、面试（如有）、外事部门提出拟录取与候补并公示，公示期满无异议后录取。项目有学生申请后不能再修改。'),
    h('div', { class: 'grid' },
      field({ name: 'selection.on', label: '通过选拔录取（排序、面试、公示）', type: 'checkbox' }, !!p.selection),
      field({ name: 'selection.publicityDays', label: '公示期（工作日）', type: 'number' }, s.publicityDays),
      field({ name: 'selection.substituteDays', label: '递补公示期（工作日）', type: 'number' }, s.substituteDays),
      field({ name: 'selection.waitlistSize', label: '候补人数上限', type: 'number' }, s.waitlistSize),
      field({ name: 'selection.weightGpa', label: 'GPA权重（%）', type: 'number' }, s.weightGpa),
      field({ name: 'selection.weightInterview', label: '面试权重（%）', type: 'number', hint: '无面试环节时为0' }, s.weightInterview),
      field({ name: 'selection.weightRank', label: '学院排序权重（%）', type: 'number', hint: '三项权重之和为100' }, s.weightRank),
      field({ name: 'selection.publicView', label: '公示页面无需登录即可查看', type: 'checkbox' }, s.publicView))];
}

export function readSelection(all) {
  const out = {};
  for (const k of Object.keys(all)) {
    if (k.startsWith('selection.')) { out[k.slice(10)] = all[k]; delete all[k]; }
  }
  const on = out.on;
  delete out.on;
  return on ? out : null;
}
