// @ts-check
// Widgets shared by the student's and the staff's pages: paging, files and messages.
import { h, api, upload, toast, table, confirmDialog, fmtTime, fmtSize, dialog, field, formValues, showError, clearError } from './lib.js';

// query is the part of the address after '?', where a page keeps its filters.
export function query() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? location.hash.slice(i + 1) : '');
}

// listQuery makes a list's form open the list again with its values in the address (empty ones left out).
export function listQuery(form, base) {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(formValues(form))) if (v !== '' && v !== null && v !== false) p.set(k, v === true ? 'true' : String(v).trim());
    location.hash = base + '?' + p;
  });
  return form;
}

export function pager(data, link) {
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  if (pages <= 1) return h('p', { class: 'muted' }, '共 ' + data.total + ' 条');
  return h('nav', { class: 'pager' }, '共 ' + data.total + ' 条 ',
    data.page > 1 ? h('a', { href: link(data.page - 1) }, '上一页') : '', ' 第 ' + data.page + '/' + pages + ' 页 ',
    data.page < pages ? h('a', { href: link(data.page + 1) }, '下一页') : '');
}

// attachmentTable is 附件信息: one row per requirement with its status and its files.
// attachmentTable lists requirements with their files; kind says which upload they take
// (required: the application's attachments, predeparture: the 行前材料清单).
/**
 * @param {number | string} id
 * @param {any[]} requirements
 * @param {boolean} editable
 * @param {{ kind?: string, done?: () => void }} [options]
 */
export function attachmentTable(id, requirements, editable, { kind = 'required', done = undefined } = {}) {
  const after = done || (() => { location.hash = '#/applications/' + id + '/edit?step=3&r=' + Date.now(); });
  return table([
    { label: '序号', value: (_, i) => i + 1 },
    { label: '附件类型', value: (r) => h('span', {}, r.kind, r.required ? h('em', { class: 'req' }, '*') : '') },
    { label: '附件格式', value: (r) => r.formats.join(',') }, { label: '附件大小', value: (r) => '最大' + fmtSize(r.maxBytes) },
    { label: '上传状态', value: (r) => r.files.length ? h('span', { class: 'ok' }, '✔ 已上传')
      : r.required ? h('span', { class: 'bad' }, '✘ 未上传') : h('span', { class: 'muted' }, '未上传（选填）') },
    { label: '上传时间', value: (r) => r.files.length ? fmtTime(r.files[r.files.length - 1].uploadedAt) : '' },
    { label: '操作', value: (r) => h('div', { class: 'ops column' },
      r.files.map((f) => h('span', { class: 'file' }, fileLinks(id, f),
        editable ? h('button', { type: 'button', class: 'link danger', onclick: async () => {
          if (await confirmDialog('删除附件', '确定删除 ' + f.fileName + ' 吗？')) {
            await api('DELETE', `/applications/${id}/attachments/${f.id}`);
            after();
          }
        } }, '删除') : '')),
      editable ? uploadButton('上传', `/applications/${id}/attachments?kind=${kind}&requirementId=${r.id}`, r.formats, after) : '') },
  ], requirements, '该项目无需上传附件');
}

export function fileLinks(id, f) {
  const base = `/api/v1/applications/${id}/attachments/${f.id}`;
  const viewable = previewable[f.contentType];
  return h('span', { class: 'file-links' }, h('span', { class: 'name' }, f.fileName + ' (' + fmtSize(f.sizeBytes) + ')'),
    viewable ? h('button', { type: 'button', class: 'link', onclick: () => preview(f, base + '?inline=1') }, '预览') : '',
    h('a', { href: base, download: f.fileName }, '下载'), h('a', { href: base + '?inline=1', target: '_blank', rel: 'noopener' }, '新窗口查看'));
}

// Files a browser shows itself are previewed in place, over the page, so a reviewer reading an
// application never leaves it (the API serves only these types inline).
const previewable = { 'image/png': 'img', 'image/jpeg': 'img', 'application/pdf': 'iframe' };
function preview(f, src) {
  const body = previewable[f.contentType] === 'img'
    ? h('img', { class: 'preview', src, alt: f.fileName })
    : h('iframe', { class: 'preview', src, title: f.fileName });
  dialog(f.fileName, h('div', { class: 'preview-box' }, body), (close) => [h('button', { type: 'button', class: 'primary', onclick: close }, '关闭')]);
}

// uploadButton opens a file picker and shows the upload's progress.
export function uploadButton(label, path, formats, done) {
  const input = h('input', { type: 'file', class: 'file-input', accept: formats.map((f) => '.' + f).join(',') });
  const bar = h('progress', { max: 100, value: 0, hidden: true });
  const status = h('span', { class: 'upload-status' });
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    bar.hidden = false;
    status.textContent = '';
    try {
      const stored = await upload(path, file, (v) => { bar.value = v; status.textContent = v + '%'; });
      status.textContent = '100% 上传成功';
      toast(file.name + ' 上传成功');
      done(stored);
    } catch (e) {
      bar.hidden = true;
      status.textContent = e.fields?.file || e.message;
      status.className = 'upload-status bad';
    }
  });
  return h('label', { class: 'upload' }, h('span', { class: 'button secondary small' }, label), input, bar, status);
}

// giveUp is 放弃录取: the student states why, and the place goes back to the project.
export function giveUp(id) {
  const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true }),
    h('p', { class: 'notice warn' }, '放弃录取后申请即结束，推荐名额将退回项目，且不能撤销。'),
    field({ name: 'reason', label: '放弃原因', type: 'textarea', required: true }));
  dialog('放弃录取', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
    h('button', { type: 'button', class: 'primary danger', onclick: async (e) => {
      clearError(form);
      e.target.disabled = true;
      try {
        await api('POST', `/applications/${id}/give-up`, formValues(form), { minimal: true });
        close();
        toast('已放弃录取');
        location.hash = '#/applications/' + id + '?r=' + Date.now();
      } catch (err) { showError(form, err); } finally { e.target.disabled = false; }
    } }, '确定放弃')]);
}

export async function message(id, name, question) {
  if (question && !(await confirmDialog('确认', question))) return;
  try {
    await api('POST', `/applications/${id}/${name}`, undefined, { minimal: true });
    toast('操作成功');
    location.hash = name === 'delete' ? '#/applications?r=' + Date.now() : '#/applications/' + id + '?r=' + Date.now();
  } catch (e) {
    // "提交前请先完善以下内容" is followed by what is missing.
    const missing = Object.values(e.fields || {});
    toast(missing.length ? e.message + '：' + missing.join('；') : e.message, 'error');
  }
}

// withdrawQuestion is what a student is asked before withdrawing: after the window has closed a
// withdrawn application can no longer be handed in, and the student is told so first.
export function withdrawQuestion(ends) {
  return ends ? '申报已截止：撤回后将不能再提交，申请将随即过期。确定撤回吗？' : '撤回后申请回到可修改状态，修改后需重新提交。确定撤回吗？';
}
