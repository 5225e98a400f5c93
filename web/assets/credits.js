// @ts-check
// 学分认定: the student's lines on 申请查看, the reviewers' decision on each line beside 审核, and the
// catalogue and conversion tables 教务处 imports.
import { h, api, get, toast, showError, clearError, field, table, upload, rules } from './lib.js';

// The words are the process's (GET /process): what a line asks for, and a review's decision on it.
const kinds = () => rules.creditKinds.map((o) => [o.value, o.label]);
const decisions = () => rules.lineDecisions.map((o) => [o.value, o.label]);
const label = (list, v) => (list().find(([k]) => k === v) || [v, v])[1];
const num = (v) => (v === null || v === undefined ? '—' : String(v));

// creditsBlock is the request's lines: an editor while the student works on it, else the lines with
// the converted grades and each review's decision.
export function creditsBlock(id, req, reload) {
  if (!req) return null;
  if (req.editable) return linesEditor(id, req.lines, reload);
  return [req.outcome ? h('p', {}, '认定结果：', h('strong', {}, req.outcome)) : '',
    h('p', {}, h('a', { class: 'button secondary', href: `#/applications/${id}/credits-print` }, '打印学分认定表')),
    table([
      { label: '行', value: (l) => l.line }, { label: '境外课程', value: (l) => [l.courseName, l.hostCode ? h('br') : '', l.hostCode] },
      { label: '学分/学时', value: (l) => l.credits + ' / ' + l.hours }, { label: '成绩', value: (l) => l.grade + '（' + l.scale + '）' },
      { label: '换算成绩', value: (l) => num(l.proposedScore) },
      { label: '申请认定', value: (l) => [label(kinds, l.kind), l.homeCode ? h('br') : '', l.homeCode ? l.homeCode + ' ' + (l.homeName || '') : l.elective] },
      { label: '认定结果', value: (l) => (l.decision ? [h('strong', { class: l.decision === 'refused' ? 'bad' : '' }, label(decisions, l.decision)),
        l.score !== null ? ' 成绩 ' + l.score : '', l.finalCredits !== null ? ' 学分 ' + l.finalCredits : '', l.opinion ? [h('br'), h('small', { class: 'muted' }, l.opinion)] : ''] : '待审核') },
    ], req.lines, '尚未填写课程')];
}

// linesEditor lets the student list the courses; errors come back beside their cells (lines.N.field).
function linesEditor(id, lines, reload) {
  const rows = h('div', { class: 'credit-lines' });
  const renumber = () => [...rows.children].forEach((row, i) => {
    row.querySelector('.n').textContent = '第' + (i + 1) + '门';
    row.querySelectorAll('[data-field]').forEach((el) => { el.name = `lines.${i}.${el.dataset.field}`; });
  });
  const add = (l = { kind: 'course' }) => {
    const input = (f, lbl, type = 'text', hint) => {
      const el = field({ name: f, label: lbl, type, hint, options: f === 'kind' ? kinds() : undefined }, l[f]);
      el.querySelector('input, select').dataset.field = f;
      return el;
    };
    const row = h('fieldset', { class: 'grid credit-line' }, h('legend', { class: 'n' }),
      input('courseName', '课程名称（原文）'), input('hostCode', '境外课程代码'), input('credits', '学分/ECTS', 'number'), input('hours', '学时', 'number'),
      input('grade', '成绩（按成绩单）'), input('scale', '成绩制式', 'text', '如 ECTS、US、UK、百分制'), input('kind', '认定方式', 'select'),
      input('homeCode', '本校课程代码', 'text', '认定为本校课程时填写'), input('elective', '选修学分类别', 'text', '认定为选修学分时填写'),
      h('button', { type: 'button', class: 'link danger', onclick: () => { row.remove(); renumber(); } }, '移除'));
    rows.append(row);
    renumber();
  };
  (lines.length ? lines : [undefined]).forEach((l) => add(l));
  const form = h('form', { class: 'grid-form', novalidate: true, id: 'credit-form' }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    h('p', { class: 'muted' }, '逐门填写在境外修读的课程，并选择申请认定的方式；上传境外成绩单后提交。本校课程代码可在下方查询。'),
    rows, h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'secondary', onclick: () => add() }, '+添加课程'),
      h('button', { type: 'submit', class: 'primary' }, '保存课程')), courseSearch());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const body = [...rows.children].map((row) => {
      const v = {};
      row.querySelectorAll('[data-field]').forEach((el) => { v[el.dataset.field] = el.type === 'number' ? (el.value === '' ? 0 : Number(el.value)) : el.value.trim(); });
      return v;
    });
    try { await api('PUT', `/applications/${id}/credit-lines`, { lines: body }); toast('课程已保存'); reload(); } catch (e) { showError(form, e); }
  });
  return form;
}

// courseSearch finds home courses by code or name.
function courseSearch() {
  const out = h('ul', { class: 'course-hits' });
  const q = h('input', { type: 'search', placeholder: '输入课程代码或名称查询本校课程', 'aria-label': '查询本校课程' });
  q.addEventListener('input', async () => {
    if (!q.value.trim()) { out.replaceChildren(); return; }
    const { items } = await get('/home-courses', {}, 'q=' + encodeURIComponent(q.value.trim()));
    out.replaceChildren(...items.slice(0, 10).map((c) => h('li', {}, h('code', {}, c.code), ' ', c.name, ' · ', c.credits, '学分')));
  });
  return h('div', { class: 'course-search' }, q, out);
}

// decisionFields are a review's decision on each line, inside the 审核 form; lineDecisions reads them.
export function decisionFields(req) {
  const asked = (req?.lines || []).filter((l) => l.kind !== 'none');
  if (!asked.length) return '';
  return h('fieldset', { class: 'line-decisions' }, h('legend', {}, '逐门课程认定'),
    asked.map((l) => h('div', { class: 'grid line-decision', dataset: { line: l.line } },
      h('p', { class: 'wide' }, h('strong', {}, '第' + l.line + '门：' + l.courseName), ' ', l.grade + '（' + l.scale + '）',
        l.proposedScore !== null ? '，换算 ' + l.proposedScore + ' 分' : '', ' → ', label(kinds, l.kind), ' ', l.homeCode ? l.homeCode + ' ' + (l.homeName || '') : l.elective,
        l.decision ? h('span', { class: 'muted' }, '（上一审核：' + label(decisions, l.decision) + '）') : ''),
      field({ name: `line.${l.line}.decision`, label: '认定', type: 'select', options: decisions() }, l.decision || ''),
      field({ name: `line.${l.line}.score`, label: '认定成绩（百分制）', type: 'number' }, l.score ?? ''),
      field({ name: `line.${l.line}.credits`, label: '认定学分', type: 'number' }, l.finalCredits ?? ''),
      field({ name: `line.${l.line}.opinion`, label: '理由', hint: '修改或不予认定时必填' }, l.opinion || ''))));
}

export function lineDecisions(form) {
  return [...form.querySelectorAll('.line-decision')].map((row) => {
    const n = row.dataset.line;
    const get = (f) => row.querySelector(`[name="line.${n}.${f}"]`).value.trim();
    const d = { line: Number(n), decision: get('decision'), opinion: get('opinion') };
    if (get('score') !== '') d.score = Number(get('score'));
    if (get('credits') !== '') d.credits = Number(get('credits'));
    return d;
  }).filter((d) => d.decision);
}

// coursesPage is 教务处's catalogue and conversion tables: an import each (preview, then apply) and a search.
export async function coursesPage() {
  const { items: grades } = await get('/grade-conversions');
  const importer = (title, path, hint) => {
    const result = h('div', { class: 'import-result' });
    const input = h('input', { type: 'file', accept: '.xlsx,.csv', 'aria-label': title });
    const run = async (mode) => {
      const file = input.files[0];
      if (!file) { toast('请选择文件', 'error'); return; }
      try {
        const r = await upload(`${path}?mode=${mode}`, file);
        const bad = r.rows.filter((row) => row.problems?.length);
        result.replaceChildren(h('p', {}, (r.applied ? '已导入：' : '预览：') + Object.entries(r.counts).map(([k, v]) => k + ' ' + v).join('，')),
          bad.length ? table([{ label: '行', value: (row) => row.line }, { label: '问题', value: (row) => row.problems.map((p) => p.column + '：' + p.message).join('；') }], bad) : '');
        if (r.applied) toast(title + '已导入');
      } catch (e) { result.replaceChildren(h('p', { class: 'error' }, e.message)); }
    };
    return h('section', { class: 'block' }, h('h2', {}, title), h('p', { class: 'muted' }, hint), input,
      h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'secondary', onclick: () => run('preview') }, '预览'),
        h('button', { type: 'button', class: 'primary', onclick: () => run('apply') }, '导入')), result);
  };
  return h('section', {}, h('h1', {}, '课程与成绩换算'),
    importer('本校课程目录', '/home-courses/import', '表头：课程代码、课程名称、学分，可选开课学院、课程类别；.xlsx 或 .csv（UTF-8 或 GB18030）。已有课程按代码更新。'),
    importer('成绩换算表', '/grade-conversions/import', '表头：成绩制式、成绩、百分制成绩；文件中的成绩制式整表替换。'),
    h('section', { class: 'block' }, h('h2', {}, '查询本校课程'), courseSearch()),
    h('section', { class: 'block' }, h('h2', {}, '现有成绩换算'), table([{ label: '成绩制式', value: (g) => g.scale }, { label: '成绩', value: (g) => g.grade },
      { label: '百分制', value: (g) => g.score }], grades, '尚未导入成绩换算表')));
}
