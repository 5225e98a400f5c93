// @ts-check
// 打印申请表: the submitted application on A4, for the offices' signed and stamped paper file.
import { h, api, get, fmtTime, fmtDate, rules } from './lib.js';
import { basicRows, detailRows } from './application.js';


// signatureBox is an office's block: the latest decision at its stage, who made it and when, and
// room for the signature and the stamp.
const signatureBox = (decisions) => ({ stage, office: title }) => {
  const e = decisions.filter((x) => x.detail && x.detail.stage === stage).pop();
  return h('div', { class: 'sign-box' }, h('h3', {}, title),
    h('p', { class: 'opinion' }, e ? e.step + (e.opinion ? '：' + e.opinion : '') : ''),
    h('p', { class: 'sign-line' }, '审核人：', e ? e.actorName : ''),
    h('p', { class: 'sign-line' }, '签字（盖章）：', h('span', { class: 'blank' })),
    h('p', { class: 'sign-line' }, '日期：', h('span', {}, e ? fmtDate(e.occurredAt) : '　　年　　月　　日')));
};

export async function printPage(_, id) {
  const d = await get('/applications/{id}', { id });
  const a = d.application;
  const cell = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));
  const grid = (rows) => h('table', { class: 'form-grid' }, h('tbody', {},
    Array.from({ length: Math.ceil(rows.length / 2) }, (_, i) => rows.slice(2 * i, 2 * i + 2)).map((pair) =>
      h('tr', {}, pair.map(([k, v]) => [h('th', {}, k), h('td', {}, cell(v))])))));
  const list = (columns, rows, empty) => rows.length ? h('table', { class: 'form-list' },
    h('thead', {}, h('tr', {}, columns.map(([label]) => h('th', {}, label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map(([, value]) => h('td', {}, cell(value(r)))))))) : h('p', { class: 'muted' }, empty);
  // The offices that sign come from the process definition, each the latest decision at its stage;
  // a block for other applicants (研究生院 for an undergraduate, say) is left out.
  const decisions = d.timeline.filter((e) => e.kind === 'decided');
  const offices = rules.signatures.filter((s) => (!s.applicants || (s.applicants === 'graduate') === !!a.form.isPostgraduate) &&
    (!s.admission || (s.admission === 'round') === !!a.selection));
  const signature = signatureBox(decisions);
  const files = d.requirements.filter((r) => (r.phase || rules.phases[0].name) === rules.phases[0].name).flatMap((r) => r.files.map((f) => ({ ...f, kind: r.kind })))
    .concat(d.otherFiles.filter((f) => f.kind === 'supplement').map((f) => ({ ...f, kind: f.label })));

  return h('section', { class: 'print-view' },
    h('div', { class: 'actions no-print' }, h('a', { class: 'button secondary', href: '#/applications/' + id }, '返回申请查看'),
      h('button', { type: 'button', class: 'primary', onclick: () => window.print() }, '打印'),
      h('span', { class: 'muted' }, '请使用 A4 纸打印；在打印对话框中可另存为 PDF。')),
    h('article', { class: 'sheet' },
      h('header', { class: 'sheet-head' },
        h('div', {}, h('h1', {}, '学生因公出国（境）项目申请表'),
          h('p', {}, '系统编号：', a.systemNo, '　申请状态：', a.status),
          h('p', {}, '提交时间：', a.submittedAt ? fmtDate(a.submittedAt) + ' ' + fmtTime(a.submittedAt).slice(11) : '未提交'),
          a.snapshotSha256 ? '' : h('p', { class: 'draft-mark' }, '未提交的申请，仅供核对')),
        h('figure', { class: 'qr' }, h('img', { src: `/api/v1/applications/${id}/qr`, alt: '申请二维码', width: 96, height: 96 }),
          h('figcaption', {}, '扫码查看申请'))),
      h('section', {}, h('h2', {}, '一、基本信息'),
        h('div', { class: 'with-photo' }, grid(basicRows(a, false)),
          h('img', { class: 'photo', src: `/api/v1/applications/${id}/photo`, alt: a.form.nameCn + '的照片', width: 105, height: 147 }))),
      h('section', {}, h('h2', {}, '二、申请信息'), grid(detailRows(a).filter(([k]) => !k.startsWith('提交内容指纹')))),
      h('section', {}, h('h2', {}, '三、外语水平'), list([['外语语种', (l) => l.language], ['成绩要求', (l) => l.requirement],
        ['考试时间', (l) => l.examDate], ['学生成绩', (l) => l.score]], d.languageScores, '无')),
      h('section', {}, h('h2', {}, '四、获奖情况'), list([['奖项名称', (w) => w.name], ['奖项级别', (w) => w.level],
        ['获奖时间', (w) => w.awardedOn], ['颁奖单位', (w) => w.issuer]], d.awards, '无')),
      h('section', {}, h('h2', {}, '五、附件'), list([['附件类型', (f) => f.kind], ['文件名', (f) => f.fileName],
        ['上传时间', (f) => fmtTime(f.uploadedAt)]], files, '无')),
      h('section', { class: 'signatures' }, h('h2', {}, '六、审核意见'), offices.map(signature)),
      h('footer', { class: 'sheet-foot' }, '提交内容指纹（SHA-256）：', h('code', {}, a.snapshotSha256 || '—'),
        h('br'), '打印时间：', fmtTime(new Date().toISOString()), '。本表由外事综合服务系统生成，内容以系统中提交的版本为准。')));
}

// 打印学分认定表: the request and its decisions on A4, signed by the offices the definition names.
export async function creditsPrintPage(_, id) {
  const [d, req] = await Promise.all([get('/applications/{id}', { id }), get('/applications/{id}/credit-lines', { id })]);
  const a = d.application;
  const decisions = d.timeline.filter((e) => e.kind === 'decided');
  const offices = rules.creditSignatures.filter((s) => !s.applicants || (s.applicants === 'graduate') === !!a.form.isPostgraduate);
  const word = (list, v) => (list.find((o) => o.value === v) || { label: v }).label;
  const cell = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));
  const signature = signatureBox(decisions);
  /** @type {Array<[string, (l: any) => any]>} */
  const columns = [['行', (l) => l.line], ['境外课程', (l) => l.courseName + (l.hostCode ? '（' + l.hostCode + '）' : '')], ['学分', (l) => l.credits],
    ['原始成绩', (l) => l.grade + '（' + l.scale + '）'], ['认定方式', (l) => word(rules.creditKinds, l.kind)], ['本校课程/类别', (l) => (l.homeCode ? l.homeCode + ' ' + (l.homeName || '') : l.elective)],
    ['认定学分', (l) => (l.decision && l.decision !== 'refused' ? l.finalCredits ?? l.homeCredits ?? l.credits : '')],
    ['认定成绩', (l) => (l.decision && l.decision !== 'refused' ? l.score ?? l.proposedScore : '')], ['结果', (l) => (l.decision ? word(rules.lineDecisions, l.decision) : '待审核')]];
  return h('section', { class: 'print-view' },
    h('div', { class: 'actions no-print' }, h('a', { class: 'button secondary', href: '#/applications/' + id + '?section=credits' }, '返回申请查看'),
      h('button', { type: 'button', class: 'primary', onclick: () => window.print() }, '打印'),
      h('span', { class: 'muted' }, '请使用 A4 纸打印；在打印对话框中可另存为 PDF。')),
    h('article', { class: 'sheet' },
      h('header', { class: 'sheet-head' },
        h('div', {}, h('h1', {}, '学生境外修读课程学分认定表'),
          h('p', {}, '系统编号：', a.systemNo, '　状态：', a.status, req.outcome ? '　认定结果：' + req.outcome : ''),
          h('p', {}, '姓名：', a.form.nameCn, '　学号：', cell(a.form.studentNo), '　学院：', a.collegeName),
          h('p', {}, '项目：', a.projectName, '（', a.projectCode, '）'),
          a.phase !== 'credits' || a.stage === 'credit_request' ? h('p', { class: 'draft-mark' }, '未提交的学分认定申请，仅供核对') : ''),
        h('figure', { class: 'qr' }, h('img', { src: `/api/v1/applications/${id}/qr`, alt: '申请二维码', width: 96, height: 96 }),
          h('figcaption', {}, '扫码查看申请'))),
      h('section', {}, h('h2', {}, '一、课程与认定'), h('table', { class: 'form-list' },
        h('thead', {}, h('tr', {}, columns.map(([label]) => h('th', {}, label)))),
        h('tbody', {}, req.lines.map((l) => h('tr', {}, columns.map(([, value]) => h('td', {}, cell(value(l))))))))),
      h('section', {}, h('h2', {}, '二、说明'), h('p', {}, req.lines.filter((l) => l.opinion).map((l) => '第' + l.line + '行：' + l.opinion).join('；') || '无')),
      h('section', { class: 'signatures' }, h('h2', {}, '三、审核意见'), offices.map(signature)),
      h('footer', { class: 'sheet-foot' }, '提交内容指纹（SHA-256）：', h('code', {}, a.snapshotSha256 || '—'),
        h('br'), '打印时间：', fmtTime(new Date().toISOString()), '。本表由外事综合服务系统生成，内容以系统中的记录为准。')));
}
