// @ts-check
// 申请查看: the manual's sections, the actions of the student, and the reviewer's decision.
import { h, api, get, toast, showError, clearError, field, formValues, table, fmtTime, fmtDate, rules, confirmDialog, formRows, stageNames, roleSpec } from './lib.js';
import { attachmentTable, fileLinks, uploadButton, message, giveUp, withdrawQuestion } from './widgets.js';
import { stayBlock, travelBlock } from './abroad.js';
import { creditsBlock, decisionFields, lineDecisions } from './credits.js';

const decisionLabel = (v) => rules.decisions.find((d) => d.value === v)?.label || v;

// masked shows only the last four characters of a 身份证号 until the reader asks for the rest,
// so that it is not read over a shoulder or kept in a screenshot by accident.
function masked(value) {
  if (!value || value.length <= 4) return value;
  const text = h('span', {}, '*'.repeat(value.length - 4) + value.slice(-4));
  const show = h('button', { type: 'button', class: 'link', onclick: () => { text.textContent = value; show.remove(); } }, '显示');
  return h('span', {}, text, ' ', show);
}

// basicRows and detailRows are 基本信息 and 详细信息 as the manual lists them, from the catalogue;
// the print view uses them too, unmasked.
const hidden = ['idcard', 'passport'];
export function basicRows(a, mask = true) {
  return formRows('basicInfo', a, (f, text, v) => (mask && hidden.includes(f.kind) ? masked(v) : text));
}

export function detailRows(a) {
  return [
    ['项目名称', a.projectName], ['项目编号', a.projectCode], ['项目年度', a.projectYear], ['项目类别', a.projectCategory],
    ...formRows('applyInfo', a),
    ['提交时间', fmtTime(a.submittedAt)], ['申报须知', '已阅读并接受（' + a.noticeVersion + '，' + fmtTime(a.noticeAcceptedAt) + '）'],
    ['提交内容指纹(SHA-256)', a.snapshotSha256 || '—'],
  ];
}

export async function detailPage(state, id) {
  const d = await get('/applications/{id}', { id });
  const a = d.application;
  const credits = a.phase === 'credits' ? await get('/applications/{id}/credit-lines', { id }) : null;
  const actions = d.actions.map((x) => x.action);
  const section = new URLSearchParams(location.hash.split('?')[1] || '').get('section');
  const reload = () => { location.hash = '#/applications/' + id + '?r=' + Date.now(); };

  const progress = d.timeline.filter((e) => !['refused', 'reminder'].includes(e.kind));
  /** @type {Array<{ step: string, who: string, opinion: string, at: string, pending?: boolean }>} */
  const progressRows = progress.map((e) => ({ step: e.step, who: e.actorName, opinion: e.opinion, at: fmtTime(e.occurredAt) }));
  if (d.pendingStep) progressRows.push({ step: d.pendingStep, who: '', opinion: '', at: '', pending: true });

  const own = roleSpec(state.me.role).scope === 'own';
  const basic = basicRows(a);
  // The fingerprint of what was submitted is for the offices (and the printed form), not a student's reading.
  const detail = detailRows(a).filter(([k]) => !(own && k.startsWith('提交内容指纹')));
  const facts = (rows) => h('dl', { class: 'facts two' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v instanceof Node ? v : v === null || v === undefined || v === '' ? '—' : String(v))]));
  const block = (key, title, ...content) => h('section', { class: 'block' + (section === key ? ' focus' : ''), id: 'sec-' + key },
    h('h2', {}, title), content);

  const other = (kind) => d.otherFiles.filter((f) => f.kind === kind);
  // The application phase's requirements are 附件信息; each later phase has a section of its own (rules.phases).
  const [firstPhase, ...laterPhases] = rules.phases;
  const requirementsOf = (p) => d.requirements.filter((r) => (r.phase || firstPhase.name) === p.name);
  const phaseAt = rules.phases.findIndex((p) => p.name === a.phase);
  const fileList = (files, deletable) => files.length ? h('ul', { class: 'files' }, files.map((f) => h('li', {}, fileLinks(id, f), ' ', fmtTime(f.uploadedAt),
    deletable ? h('button', { type: 'button', class: 'link danger', onclick: async () => {
      if (await confirmDialog('删除文件', '确定删除 ' + f.fileName + ' 吗？')) { await api('DELETE', `/applications/${id}/attachments/${f.id}`); reload(); }
    } }, '删除') : ''))) : h('p', { class: 'muted' }, '暂无');

  const studentTools = [];
  if (own) {
    if (actions.includes('edit')) studentTools.push(h('a', { class: 'button primary', href: '#/applications/' + id + '/edit' }, '申请修改'));
    if (actions.includes('withdraw')) studentTools.push(h('button', { type: 'button', class: 'secondary', id: 'withdraw', onclick: () => message(id, 'withdraw', withdrawQuestion(d.withdrawEnds)) }, '撤回修改'));
    if (actions.includes('delete')) studentTools.push(h('button', { type: 'button', class: 'secondary danger', onclick: () => message(id, 'delete', '确定删除该申请吗？删除后申请结束，可以申请其他项目。') }, '申请删除'));
    if (actions.includes('give-up')) studentTools.push(h('button', { type: 'button', class: 'secondary danger', onclick: () => giveUp(id) }, '放弃录取'));
  }

  // Beside the decision form: who applies (photo, 学习经历) and, for a resubmission, what changed.
  const ap = d.applicant || {};
  const applicantBlock = d.applicant && block('applicant', '申请人',
    h('div', { class: 'applicant' },
      ap.hasPhoto ? h('img', { class: 'photo', src: `/api/v1/applications/${id}/photo`, alt: a.form.nameCn + '的照片', width: 105, height: 147 }) : h('p', { class: 'muted' }, '未上传照片'),
      h('div', {}, ap.photoCheckResult ? h('p', { class: 'muted' }, '照片检测结果：' + ap.photoCheckResult) : '',
        h('h3', {}, '学习经历'),
        table([{ label: '起止时间', value: (e) => e.startDate + ' 至 ' + e.endDate }, { label: '学校', value: (e) => e.schoolName }, { label: '学历', value: (e) => e.degree }],
          ap.learningExperiences || [], '暂无学习经历'))));
  const changes = d.changes || [];
  const changesBlock = changes.length ? block('changes', '与上次提交相比的变化',
    table([{ label: '部分', value: (c) => c.section }, { label: '项目', value: (c) => c.field }, { label: '上次', value: (c) => c.before || '—' }, { label: '本次', value: (c) => c.after || '—' }], changes)) : '';

  const blocks = [
    applicantBlock, changesBlock,
    block('progress', '进度信息', h('p', { class: 'muted' }, '系统编号: ' + a.systemNo + ' · 申请状态: ', h('strong', { class: 'status' }, a.status), a.overdue ? h('span', { class: 'badge warn' }, '已超期') : ''),
      h('ol', { class: 'timeline' }, progressRows.map((r, i) => h('li', { class: r.pending ? 'pending' : 'done' },
        h('span', { class: 'n' }, i + 1), h('div', {}, h('strong', {}, r.step), r.pending ? h('span', { class: 'muted' }, ' 待处理') : '',
          h('div', { class: 'muted' }, [r.who, r.at].filter(Boolean).join(' · ')), r.opinion ? h('div', { class: 'opinion' }, '审核意见：' + r.opinion) : ''))))),
    block('basic', '基本信息', facts(basic)),
    block('detail', '详细信息', facts(detail), d.languageScores.length ? table([
      { label: '外语语种', value: (l) => l.language }, { label: '成绩要求', value: (l) => l.requirement },
      { label: '考试时间', value: (l) => l.examDate }, { label: '学生成绩', value: (l) => l.score }], d.languageScores) : '',
      d.awards.length ? [h('h3', {}, '获奖情况'), table([
        { label: '奖项名称', value: (w) => w.name }, { label: '奖项级别', value: (w) => w.level },
        { label: '获奖时间', value: (w) => w.awardedOn }, { label: '颁奖单位', value: (w) => w.issuer }], d.awards)] : ''),
    block('funding', '资助情况', d.funding?.source ? facts([['资助来源', d.funding.source], ['资助金额', d.funding.amount], ['备注', d.funding.note]]) : h('p', { class: 'muted' }, '暂无')),
    block('files', '附件信息', attachmentTable(id, requirementsOf(firstPhase), false)),
  ];
  if (other('supplement').length || actions.includes('supplement')) {
    blocks.push(block('supplement', '补交材料附件', fileList(other('supplement'), false),
      actions.includes('supplement') ? uploadButton('上传补交材料', `/applications/${id}/supplements`, rules.defaultFormats, reload) : ''));
  }
  laterPhases.forEach((p, i) => {
    const files = other(p.uploadKind);
    if (phaseAt < i + 1 && !files.length) return;
    const canEdit = actions.includes(p.editAction);
    // The project's checklist for the phase (行前材料清单), one row per item, then anything else handed in.
    const checklist = requirementsOf(p);
    const list = checklist.length ? [attachmentTable(id, checklist, canEdit, { kind: p.uploadKind, done: reload }),
      files.length || canEdit ? h('h3', {}, '其他' + p.uploadLabel) : ''] : [];
    const notBefore = p.notBefore && rules.form.find((f) => f.name === p.notBefore);
    const lines = p.name === 'credits' ? creditsBlock(id, credits, reload) : '';
    blocks.push(block(p.name, p.name === 'credits' ? '学分认定' : p.uploadLabel + (checklist.length ? '清单' : ''), lines,
      p.name === 'credits' ? h('h3', {}, p.uploadLabel) : '', list, fileList(files, actions.includes(p.deleteAction)),
      canEdit ? uploadButton('上传' + (checklist.length ? '其他' : '') + p.uploadLabel, `/applications/${id}/attachments?kind=${p.uploadKind}`, rules.defaultFormats, reload) : '',
      canEdit ? h('button', { type: 'button', class: 'primary', onclick: () => message(id, p.submit, '确定' + p.submitLabel + '吗？') }, p.submitLabel)
        : notBefore && a.phase === p.name && !a.closedAt ? h('p', { class: 'muted' }, notBefore.label + ' ' + (a.form[notBefore.name] || '') + ' 之后可提交' + p.uploadLabel + '。') : ''));
  });
  const stay = stayBlock(d, actions, own, reload);
  // Abroad, 报平安 is what the page is for: it comes right after the progress; afterwards it stays
  // before the return report, as the student lived it.
  if (stay) {
    const at = blocks.findIndex((b) => b && b.id === (a.checkInDue ? 'sec-progress' : 'sec-return'));
    blocks.splice(at < 0 ? blocks.length : at + (a.checkInDue ? 1 : 0), 0, block('stay', '在外报平安', stay));
  }
  const travel = travelBlock(d, own && a.stage === rules.sections.find((s) => s.code === 'travelInfo').stage, reload);
  if (travel) {
    const at = blocks.findIndex((b) => b && b.id === 'sec-predeparture');
    blocks.splice(at < 0 ? blocks.length : at, 0, block('travel', '出行信息', travel));
  }
  blocks.push(block('history', '历史记录', table([
    { label: '序号', value: (e) => e.seq }, { label: '进度说明', value: (e) => e.step }, { label: '审核人', value: (e) => e.actorName },
    { label: '审核意见', value: (e) => e.opinion }, { label: '时间', value: (e) => fmtTime(e.occurredAt) }], d.timeline)));

  return h('section', {},
    h('nav', { class: 'crumbs' }, h('a', { href: own ? '#/applications' : '#/reviews' }, own ? '行前手续及回国手续申请' : '审核队列'), ' » 申请查看'),
    h('h1', {}, a.projectName, ' ', h('small', { class: 'muted' }, a.form.nameCn)),
    h('nav', { class: 'toc' }, [['progress', '进度信息'], ['basic', '基本信息'], ['detail', '详细信息'], ['funding', '资助情况'], ['files', '附件信息'], ['history', '历史记录']]
      .map(([k, t]) => h('a', { href: '#/applications/' + id + '?section=' + k }, t))),
    studentTools.length || a.snapshotSha256 ? h('div', { class: 'actions' }, studentTools,
      a.snapshotSha256 ? h('a', { class: 'button secondary', href: '#/applications/' + id + '/print' }, '打印申请表') : '') : '',
    d.decideBlocked ? h('p', { class: 'notice warn', role: 'note' }, d.decideBlocked) : '',
    roleSpec(state.me.role).scope === 'all' && d.temporalUrl ? h('p', {}, h('a', { href: d.temporalUrl, target: '_blank', rel: 'noopener' }, '在 Temporal UI 中查看工作流')) : '',
    // The application first, as a reviewer reads it; the decision stays in view at the bottom of
    // the window (on a phone it follows the application).
    blocks, actions.includes('decide') ? decisionForm(id, a, credits, (await get('/opinion-phrases')).phrases) : '');
}

// decisionForm is the reviewer's decision; offered are the office's ready-made opinions by decision.
function decisionForm(id, a, credits, offered) {
  const admission = rules.admissionStages.includes(a.stage);
  // 学分认定 decides line by line and never rejects a request whole.
  const labels = rules.decisions.map((d) => [d.value, d.label]).filter(([v]) => !(credits && v === 'reject'));
  // Ready-made opinions for the decision chosen: one click puts the words in the box, to edit.
  const phrases = h('div', { class: 'phrases', role: 'group', 'aria-label': '常用审核意见' });
  const showPhrases = (decision) => phrases.replaceChildren(...(offered[decision] || []).map((p) =>
    h('button', { type: 'button', class: 'chip', onclick: () => { form.opinion.value = p; form.opinion.focus(); } }, p)));
  const form = h('form', { class: 'decide bar grid-form', novalidate: true, 'aria-label': '审核' },
    // The stage being decided, not the status word (申请中 says nothing of who decides).
    h('h2', {}, '审核：', stageNames[a.stage] || a.status),
    h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('div', { class: 'field radios', role: 'radiogroup', 'aria-label': '审核结果' }, h('span', { class: 'label' }, '审核结果'),
      // Nothing chosen beforehand: a decision is the reviewer's own act.
      labels.map(([v, t]) => h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'decision', value: v, onchange: () => showPhrases(v) }), t))),
    credits ? decisionFields(credits) : '',
    field({ name: 'opinion', label: '审核意见', type: 'textarea', hint: '退回或不通过时必须填写', wide: true }),
    phrases,
    admission ? h('fieldset', {}, h('legend', {}, '资助情况（录取时填写，可选）'), h('div', { class: 'grid' },
      field({ name: 'funding.source', label: '资助来源' }), field({ name: 'funding.amount', label: '资助金额', type: 'number' }), field({ name: 'funding.note', label: '备注' }))) : '',
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit', id: 'decide-submit' }, '提交审核')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const v = formValues(form);
    const chosen = form.querySelector('input[name=decision]:checked');
    if (!chosen) { showError(form, { message: '请选择审核结果', fields: { decision: '请选择审核结果' } }); return; }
    const body = { decision: chosen.value, opinion: v.opinion };
    if (credits && chosen.value === 'approve') body.lines = lineDecisions(form);
    if (v['funding.source']) body.funding = { source: v['funding.source'], amount: v['funding.amount'] || 0, note: v['funding.note'] };
    try {
      await api('POST', `/applications/${id}/decide`, body, { minimal: true });
      toast('已' + decisionLabel(body.decision));
      location.hash = '#/reviews?r=' + Date.now();
    } catch (e) { showError(form, e); }
  });
  return form;
}
