// @ts-check
// 审计日志: who did what, to what, when and from where, in words, with filters.
import { h, api, get, table, fmtTime, roleNames, rules } from './lib.js';
import { pager, query, listQuery } from './widgets.js';
import { projectLabels } from './staff.js';

// The audit log in words: what was done, to what, and each field as it was and as it became.
const auditActions = {
  'account.create': '新建账号', 'account.update': '修改账号', 'account.reset_password': '重置密码', 'account.change_password': '修改本人密码',
  'application.decide': '审核', 'college.save': '保存学院', 'college.import': '导入学院', 'roster.import': '导入名单',
  'project.create': '新建项目', 'project.update': '修改项目', 'project.copy': '复制项目', 'project.publish': '发布项目', 'project.unpublish': '取消发布项目',
  'auth.login': '登录', 'auth.login_failed': '登录失败', 'application.export': '导出申请', 'abroad.export': '导出在外学生', 'attachment.read': '查看附件',
  'retention.erase': '保存期满删除个人信息', 'opinion_phrases.update': '修改审核常用语', 'calendar.update': '修改工作日历',
  'event_endpoint.create': '添加推送地址', 'event_endpoint.update': '修改推送地址', 'event_endpoint.rotate_secret': '更换推送密钥', 'event_endpoint.redeliver': '重新推送事件', 'statistics.export': '导出统计', 'temporal.decode': '在 Temporal 界面解密查看',
};
const auditTargets = { account: '账号', application: '申请', project: '项目', college: '学院', roster: '名单', profile: '个人资料', attachment: '附件', opinion_phrases: '审核常用语', calendar: '工作日历', event_endpoint: '推送地址' };
const auditFields = {
  displayName: '姓名', role: '角色', college: '学院', disabled: '停用', email: '电子邮件', username: '用户名', decision: '审核结果', opinion: '审核意见',
  stage: '环节', name: '名称', code: '编号', year: '年度', published: '已发布', quota: '推荐名额', from: '复制自', create: '新建', update: '更新',
  unchanged: '未变', disable: '停用', invalid: '有误', kind: '事件', step: '进度', actor: '操作人', detail: '详情',
  casSignIn: '允许统一身份认证登录', source: '登录方式', reason: '原因', fields: '删除的字段', closedBefore: '结束早于', leftBefore: '离校早于',
};
function auditValue(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') return JSON.stringify(v);
  return roleNames[v] || String(v);
}
// A field's name in words: the audit's own, then the application's and the project's labels.
function fieldLabel(k) {
  return auditFields[k] || rules.form?.find((f) => f.name === k)?.label || projectLabels[k] || k;
}
function auditChanges(e) {
  const before = e.before && typeof e.before === 'object' ? e.before : {};
  const after = e.after && typeof e.after === 'object' ? e.after : {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (!keys.length) return h('span', { class: 'muted' }, '—');
  return h('table', { class: 'changes' }, h('tbody', {}, keys.map((k) =>
    h('tr', {}, h('th', {}, fieldLabel(k)), h('td', {}, auditValue(before[k])), h('td', {}, '→ ', auditValue(after[k]))))));
}


// Families of actions for the filter: the first part of an action's code.
const auditFamilies = { 'auth.': '登录', 'account.': '账号', 'application.': '申请', 'project.': '项目', 'college.': '学院', 'roster.': '名单',
  'attachment.': '附件', 'event_endpoint.': '事件推送', 'retention.': '保存期满删除', 'temporal.': 'Temporal' };

export async function auditPage() {
  const q = query();
  const params = new URLSearchParams({ pageSize: '50', page: q.get('page') || '1' });
  for (const k of ['actor', 'action', 'targetType', 'targetId', 'from', 'to']) if (q.get(k)) params.set(k, q.get(k));
  // A filter the API refuses (a date that is not one) is said beside the filters, the list empty.
  let data, problem = '';
  try {
    data = await get('/audit', {}, params);
  } catch (e) {
    if (e.status !== 422) throw e;
    data = { items: [], total: 0, page: 1, pageSize: 50 };
    problem = Object.values(e.fields).join('；') || e.message;
  }
  const select = (name, label, options) => h('label', { class: 'field' }, h('span', { class: 'label' }, label),
    h('select', { name }, h('option', { value: '' }, '全部'), Object.entries(options).map(([v, t]) => h('option', { value: v, selected: q.get(name) === v }, t))));
  const input = (name, label, attrs = {}) => h('label', { class: 'field' }, h('span', { class: 'label' }, label), h('input', { name, value: q.get(name) || '', ...attrs }));
  const form = listQuery(h('form', { class: 'filters', role: 'search' },
    input('actor', '操作人', { placeholder: '工号/学号或姓名' }),
    select('action', '操作', { ...Object.fromEntries(Object.entries(auditFamilies).map(([k, v]) => [k, v + '（全部）'])), ...auditActions }),
    select('targetType', '对象类型', auditTargets), input('targetId', '对象编号', { placeholder: '如 申请号' }),
    input('from', '开始日期', { type: 'date' }), input('to', '结束日期', { type: 'date' }),
    h('button', { class: 'primary', type: 'submit' }, '查询')), '#/admin/audit');
  const link = (n) => { const p = new URLSearchParams(q); p.set('page', n); return '#/admin/audit?' + p; };
  return h('section', {}, h('h1', {}, '审计日志'), form,
    problem ? h('p', { class: 'field-error', role: 'alert' }, problem) : h('p', { class: 'muted' }, `共 ${data.total} 条`),
    table([{ label: '时间（北京时间）', value: (e) => fmtTime(e.createdAt) }, { label: '操作人', value: (e) => e.actorName || '系统' },
      { label: '操作', value: (e) => auditActions[e.action] || (e.action.endsWith('.via_temporal') ? '经 Temporal 操作' : e.action) },
      { label: '对象', value: (e) => h('span', {}, auditTargets[e.targetType] || e.targetType, ' ', e.targetName || e.targetId,
        e.targetName ? h('small', { class: 'muted' }, '（' + e.targetId + '）') : '') },
      { label: '变更（之前 → 之后）', value: auditChanges },
      { label: '来源地址', value: (e) => e.remoteAddr }], data.items, '暂无符合条件的记录'),
    pager(data, link));
}
