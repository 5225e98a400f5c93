// @ts-check
// 统计看板: charts by year, college, country and stage, each with its numbers a click away, under
// filters kept in the address; and the yearly report to print or download.
import { h, api, get, table, rules, roleSpec, field, formValues, showError, clearError, dialog, toast } from './lib.js';

const svgNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

// bar is one row of a chart: its words, an SVG bar per series (widths in per cent of the largest
// figure, so the chart fits any screen), and the figures. A row with a link opens the matching list.
function bar(row, series, most, link) {
  const label = link ? h('a', { href: link }, row.label) : h('span', {}, row.label);
  const bars = svg('svg', { class: 'stat-bars', role: 'presentation', 'aria-hidden': 'true', viewBox: '0 0 100 ' + series.length * 10, preserveAspectRatio: 'none' },
    ...series.map((s, i) => svg('rect', { x: 0, y: i * 10 + 1, height: 8, width: most ? Math.max((row[s.key] / most) * 100, row[s.key] ? 0.5 : 0) : 0, class: 'bar-' + i })));
  return h('div', { class: 'bar-row' }, h('div', { class: 'bar-label' }, label), h('div', { class: 'bar-track' }, bars),
    h('div', { class: 'bar-figures' }, series.map((s) => row[s.key]).join(' / ')));
}

// chart is a card: the bars, a legend, 查看数据 (the table, for screen readers and copying) and 导出Excel.
/** @param {{ key: string, title: string, rows: any[], series: { key: string, label: string }[], link?: (r: any) => string, columns?: any[], exportHref: (key: string) => string }} spec */
function chart({ key, title, rows, series, link, columns, exportHref }) {
  const most = Math.max(0, ...rows.flatMap((r) => series.map((s) => r[s.key])));
  const data = h('div', { class: 'chart-table', hidden: true },
    table(columns || [{ label: '类别', value: (r) => r.label }, ...series.map((s) => ({ label: s.label, value: (r) => r[s.key] }))], rows, '暂无数据'));
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', onclick: () => {
    data.hidden = !data.hidden;
    toggle.setAttribute('aria-expanded', String(!data.hidden));
    toggle.textContent = data.hidden ? '查看数据' : '收起数据';
  } }, '查看数据');
  return h('section', { class: 'stat-chart card', id: 'chart-' + key, 'aria-label': title },
    h('div', { class: 'chart-head' }, h('h2', {}, title),
      h('span', { class: 'ops' }, toggle, h('a', { href: exportHref(key), download: '' }, '导出Excel'))),
    h('p', { class: 'legend' }, series.map((s, i) => h('span', { class: 'legend-' + i }, s.label))),
    rows.length ? h('div', { class: 'bar-chart' }, rows.map((r) => bar(r, series, most, link && link(r)))) : h('p', { class: 'empty' }, '暂无数据'),
    data);
}

const counts = [{ key: 'applied', label: '申请人数' }, { key: 'admitted', label: '录取人数' }];
const hours = (x) => (x >= 48 ? (x / 24).toFixed(1) + '天' : x.toFixed(1) + '小时');

// statsParams are the filters in the address, as the API reads them.
function statsParams() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const p = new URLSearchParams();
  for (const k of ['year', 'college', 'termLength', 'fundingKind', 'country']) if (q.get(k)) p.set(k, q.get(k));
  return p;
}

function filters(params, years, colleges, scoped) {
  const select = (name, label, options) => h('label', { class: 'field' }, h('span', { class: 'label' }, label),
    h('select', { name }, h('option', { value: '' }, '全部'), options.map(([v, words]) => h('option', { value: v, selected: params.get(name) === String(v) }, words))));
  const form = h('form', { class: 'filters', role: 'search', onchange: () => {
    const p = new URLSearchParams();
    for (const el of form.elements) if (el.name && el.value) p.set(el.name, el.value);
    location.hash = '#/dashboard?' + p;
  }, onsubmit: (ev) => ev.preventDefault() },
  select('year', '年度', years.map((y) => [y, y + '年度'])),
  scoped ? '' : select('college', '学院', colleges.map((c) => [c.code, c.name])),
  select('termLength', '项目期限', rules.termLengths.map((t) => [t, t])),
  select('fundingKind', '经费类别', rules.fundingKinds.map((t) => [t, t])),
  select('country', '国家(地区)', rules.places.map((p) => [p.code, p.name])));
  return form;
}

export async function statisticsPage(state) {
  const params = statsParams();
  const scoped = roleSpec(state.me.role).scope === 'college';
  const office = roleSpec(state.me.role).dashboard;
  const [v, colleges, quotas] = await Promise.all([get('/statistics', {}, params), scoped ? { items: [] } : get('/colleges'),
    office ? get('/dashboard') : null]);
  const exportHref = (key) => '/api/v1/statistics/report.xlsx?' + new URLSearchParams([...params, ['chart', key]]);
  const listLink = (extra) => '#/list?' + new URLSearchParams({ ...(v.filter.year ? { year: v.filter.year } : {}), ...extra });
  const years = [...new Set([...v.byYear.map((r) => Number(r.key)), new Date().getFullYear()])].sort((a, b) => b - a);
  const f = v.funnel;
  const funnel = [['submitted', '提交申请', f.submitted], ['admitted', '录取', f.admitted], ['departed', '出行', f.departed],
    ['returned', '返校', f.returned], ['credited', '学分认定', f.credited]].map(([key, label, n]) => ({ key, label, n }));
  return h('section', { class: 'insight' },
    h('h1', {}, '统计看板', h('small', { class: 'muted' }, ' · ' + v.scope)),
    filters(params, years, colleges.items, scoped),
    h('div', { class: 'actions left' }, h('a', { class: 'button secondary', href: '#/dashboard/report?' + params }, '年度统计报表（打印）'),
      h('a', { class: 'button secondary', href: '/api/v1/statistics/report.xlsx?' + params, download: '' }, '下载年度统计报表（Excel）')),
    h('div', { class: 'charts' },
      chart({ key: 'funnel', title: '从申请到学分认定', rows: funnel, series: [{ key: 'n', label: '人数' }], exportHref }),
      chart({ key: 'byYear', title: '各年度申请与录取', rows: v.byYear, series: counts, exportHref,
        link: (r) => '#/list?' + new URLSearchParams({ year: r.key }) }),
      chart({ key: 'byCollege', title: '各学院申请与录取', rows: v.byCollege, series: counts, exportHref,
        link: (r) => listLink({ college: r.key }) }),
      chart({ key: 'byTravel', title: '出国与赴港澳台', rows: v.byTravel, series: counts, exportHref }),
      chart({ key: 'byCountry', title: '各国家(地区)', rows: v.byCountry, series: counts, exportHref,
        link: (r) => r.key && listLink({ country: r.key }) }),
      chart({ key: 'byPartner', title: '各合作院校', rows: v.byPartner, series: counts, exportHref,
        link: (r) => r.key && listLink({ partnerId: r.key }) }),
      chart({ key: 'byTermLength', title: '长期与短期项目', rows: v.byTermLength, series: counts, exportHref }),
      chart({ key: 'byFunding', title: '各经费类别', rows: v.byFunding, series: counts, exportHref }),
      chart({ key: 'stageTimes', title: '各审核环节用时（中位数 / 90%分位，小时）', exportHref,
        rows: v.stageTimes.map((t) => ({ ...t, median: Math.round(t.medianHours * 10) / 10, p90: Math.round(t.p90Hours * 10) / 10 })),
        series: [{ key: 'median', label: '中位数' }, { key: 'p90', label: '90%分位' }],
        link: (t) => listLink({ stage: t.stage }),
        columns: [{ label: '环节', value: (t) => t.label }, { label: '已完成审核', value: (t) => t.visits },
          { label: '用时中位数', value: (t) => hours(t.medianHours) }, { label: '90%分位', value: (t) => hours(t.p90Hours) },
          { label: '当前待审', value: (t) => t.openNow },
          { label: '当前超期', value: (t) => (t.overdueNow ? h('a', { class: 'bad', href: listLink({ stage: t.stage, overdue: 'true' }) }, t.overdueNow) : 0) }] })),
    quotas ? [h('h2', {}, '录取与推荐名额'),
      table([{ label: '项目', value: (p) => p.name }, { label: '编号', value: (p) => p.code }, { label: '年度', value: (p) => p.year },
        { label: '已录取 / 名额', value: (p) => p.admitted + ' / ' + (p.quota ?? '不限') }], quotas.projects)] : '');
}

// reportPage is 年度学生出国(境)交流情况统计 as a page to print: every table under the filters.
export async function reportPage() {
  const params = statsParams();
  const v = await get('/statistics', {}, params);
  const tableOf = (title, rows) => [h('h2', {}, title), table([{ label: '类别', value: (r) => r.label },
    { label: '申请人数', value: (r) => r.applied }, { label: '录取人数', value: (r) => r.admitted }], rows, '暂无数据')];
  const f = v.funnel;
  return h('section', { class: 'report' },
    h('div', { class: 'actions left no-print' }, h('a', { class: 'button secondary', href: '#/dashboard?' + params }, '返回统计看板'),
      h('button', { type: 'button', class: 'primary', onclick: () => window.print() }, '打印')),
    h('h1', {}, (v.filter.year ? v.filter.year + '年度' : '历年') + '学生出国(境)交流情况统计', h('small', { class: 'muted' }, ' · ' + v.scope)),
    h('h2', {}, '总体情况'),
    table([{ label: '环节', value: (r) => r[0] }, { label: '人数', value: (r) => r[1] }],
      [['提交申请', f.submitted], ['录取', f.admitted], ['出行', f.departed], ['返校', f.returned], ['学分认定', f.credited]]),
    tableOf('按学院', v.byCollege), tableOf('出国与赴港澳台', v.byTravel), tableOf('按国家(地区)', v.byCountry),
    tableOf('按合作院校', v.byPartner), tableOf('长短期', v.byTermLength), tableOf('按经费类别', v.byFunding),
    h('h2', {}, '审核用时'),
    table([{ label: '环节', value: (t) => t.label }, { label: '已完成审核', value: (t) => t.visits },
      { label: '用时中位数', value: (t) => hours(t.medianHours) }, { label: '90%分位', value: (t) => hours(t.p90Hours) },
      { label: '当前待审', value: (t) => t.openNow }, { label: '当前超期', value: (t) => t.overdueNow }], v.stageTimes, '暂无数据'));
}

// partnersPage keeps the host institutions (合作院校), each in its country or region, which projects
// name so that statistics by partner and country are exact.
export async function partnersPage() {
  const { items: partners } = await get('/partners');
  const placeName = (code) => (rules.places.find((x) => x.code === code) || {}).name || code;
  const edit = (p = {}) => {
    const form = h('form', { class: 'grid-form', novalidate: true }, h('div', { class: 'form-error', hidden: true, role: 'alert' }),
      h('div', { class: 'grid' }, field({ name: 'name', label: '院校名称', required: true }, p.name), field({ name: 'nameEn', label: '英文名称' }, p.nameEn),
        field({ name: 'countryCode', label: '国家/地区', type: 'select', required: true, options: rules.places.map((x) => [x.code, x.name]) }, p.countryCode)));
    dialog(p.id ? '修改合作院校' : '添加合作院校', form, (close) => [h('button', { type: 'button', class: 'secondary', onclick: close }, '取消'),
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        clearError(form);
        try {
          await api(p.id ? 'PUT' : 'POST', p.id ? '/partners/' + p.id : '/partners', formValues(form));
          close();
          toast('合作院校已保存');
          location.hash = '#/admin/partners?r=' + Date.now();
        } catch (e) { showError(form, e); }
      } }, '保存')]);
  };
  return h('section', {}, h('h1', {}, '合作院校'),
    h('p', { class: 'muted' }, '项目选择合作院校后，统计看板按院校和国家(地区)准确计数；港澳台计为“赴港澳台”。'),
    h('div', { class: 'actions left' }, h('button', { type: 'button', class: 'primary', onclick: () => edit() }, '添加合作院校')),
    table([{ label: '院校名称', value: (p) => p.name }, { label: '英文名称', value: (p) => p.nameEn },
      { label: '国家/地区', value: (p) => placeName(p.countryCode) }, { label: '项目数', value: (p) => p.projects },
      { label: '操作', value: (p) => h('button', { type: 'button', class: 'link', onclick: () => edit(p) }, '修改') }], partners, '暂无合作院校'));
}
