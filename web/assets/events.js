// @ts-check
// 事件推送: campus systems (教务系统, OA, 消息平台) told of what happens here, kept by administrators:
// each endpoint's events, what was delivered, what waits and why, and redelivery.
import { h, api, get, toast, showError, clearError, field, formValues, table, dialog, fmtTime, rules, confirmDialog } from './lib.js';

const eventName = (v) => rules.campusEvents.find((e) => e.value === v)?.label || v;

// endpointForm is the form of a new endpoint (ep undefined) or of one to change.
function endpointForm(ep, done) {
  const chosen = ep ? ep.events : rules.campusEvents.map((e) => e.value);
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
    field({ name: 'name', label: '名称', required: true, hint: '如 教务系统、OA' }, ep?.name || ''),
    field({ name: 'url', label: '推送地址', required: true, wide: true, hint: 'http:// 或 https:// 开头；不跟随重定向' }, ep?.url || ''),
    h('fieldset', { class: 'field checks', name: 'events' }, h('legend', { class: 'label' }, '推送的事件'),
      rules.campusEvents.map((e) => h('label', { class: 'radio' }, h('input', { type: 'checkbox', name: 'events', value: e.value, checked: chosen.includes(e.value) }), e.label))),
    ep ? field({ name: 'enabled', label: '启用（停用后推送停在当前位置，再启用时继续）', type: 'checkbox' }, ep.enabled) : '',
    h('div', { class: 'actions left' }, h('button', { type: 'submit', class: 'primary' }, ep ? '保存' : '添加')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError(form);
    const v = formValues(form);
    const body = { name: v.name, url: v.url, events: [...form.querySelectorAll('input[name=events]:checked')].map((c) => c.value) };
    if (ep) body.enabled = v.enabled;
    try {
      const saved = await api(ep ? 'PUT' : 'POST', '/event-endpoints' + (ep ? '/' + ep.id : ''), body);
      done(saved);
    } catch (err) { showError(form, err); }
  });
  return form;
}

// showSecret shows a secret just made: it is not shown again.
function showSecret(saved) {
  dialog('签名密钥', h('div', {}, h('p', {}, '请将此密钥配置到「' + saved.name + '」的接收程序中，用于校验推送的签名。关闭后不再显示。'),
    h('p', {}, h('code', { class: 'secret' }, saved.secret))),
  (close) => [h('button', { type: 'button', class: 'primary', onclick: () => { close(); location.hash = '#/admin/events?r=' + Date.now(); } }, '已保存密钥')]);
}

function deliveries(ep, list) {
  return table([
    { label: '事件编号', value: (d) => d.eventId },
    { label: '事件', value: (d) => eventName(d.type) },
    { label: '申请', value: (d) => h('a', { href: '#/applications/' + d.applicationId }, d.systemNo) },
    { label: '发生时间', value: (d) => fmtTime(d.occurredAt) },
    { label: '结果', value: (d) => (d.deliveredAt ? h('span', { class: 'ok' }, '已送达') : h('span', { class: 'bad' }, '未送达：' + d.lastError)) },
    { label: '尝试次数', value: (d) => d.attempts },
    { label: '最近尝试', value: (d) => fmtTime(d.lastTriedAt) },
    { label: '操作', value: (d) => h('button', { type: 'button', class: 'link', onclick: async () => {
      if (!(await confirmDialog('重新推送', '将从事件 ' + d.eventId + ' 起按顺序重新推送该事件及其后的全部事件，接收方可按事件编号去重。确定吗？', '重新推送', '取消'))) return;
      await api('POST', `/event-endpoints/${ep.id}/redeliver`, { eventId: d.eventId });
      toast('已安排重新推送');
      location.hash = '#/admin/events?r=' + Date.now();
    } }, '从此处重新推送') },
  ], list, '暂无推送记录');
}

export async function eventsPage() {
  const { items } = await get('/event-endpoints');
  const cards = await Promise.all(items.map(async (ep) => {
    const { items: tries } = await get('/event-endpoints/{eid}/deliveries', { eid: ep.id });
    return h('section', { class: 'card endpoint', id: 'endpoint-' + ep.id },
      h('h2', {}, ep.name, ' ', h('small', { class: ep.enabled ? 'muted' : 'bad' }, ep.enabled ? '启用' : '已停用')),
      h('p', { class: 'muted' }, ep.url),
      h('p', {}, '已送达 ' + ep.delivered + ' 条 · 待推送 ' + ep.waiting + ' 条',
        ep.lastError ? h('span', { class: 'bad' }, ' · 最近失败：' + ep.lastError + '（' + fmtTime(ep.lastErrorAt) + '，将自动重试）') : ''),
      h('p', { class: 'muted' }, '事件：' + ep.events.map(eventName).join('、')),
      h('div', { class: 'actions left' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog('修改推送地址', endpointForm(ep, () => { toast('已保存'); location.hash = '#/admin/events?r=' + Date.now(); }), (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消')]) }, '修改'),
        h('button', { type: 'button', class: 'secondary', onclick: async () => {
          if (!(await confirmDialog('更换签名密钥', '更换后旧密钥立即失效，接收方须改用新密钥。确定吗？', '更换', '取消'))) return;
          showSecret(await api('POST', `/event-endpoints/${ep.id}/rotate-secret`));
        } }, '更换密钥')),
      h('h3', {}, '最近推送'), deliveries(ep, tries));
  }));
  return h('section', {}, h('h1', {}, '事件推送'),
    h('p', {}, '向校内系统（教务系统、OA、消息平台等）推送申请的进展：每个事件按发生顺序逐条推送，带 HMAC 签名与时间戳；接收方暂时不可用时自动重试，恢复后按顺序补发，不会丢失。'),
    cards, h('section', { class: 'card' }, h('h2', {}, '添加推送地址'), endpointForm(undefined, showSecret)));
}
