// The national household template (全国防返贫监测信息系统 家庭成员): column names,
// value lists and the keys the registry API uses for them. Mirrors
// src/domain/registry/template.c; loadTemplate() takes the server's own list
// (GET /api/v1/registry/template) when it answers.
import { api } from '../api.js';

const { reactive } = window.Vue;

const YES_NO = ['是', '否'];

// key: the JSON key of the registry API; col: the template header;
// level: 'household' or 'member'; values: the allowed values (null = free text).
// Reactive, so that forms pick up the server's lists when they arrive.
export const COLUMNS = reactive([
  { key: 'hh_no', col: '户编号', level: 'household', required: true },
  { key: 'village_code', col: '行政区划代码', level: 'household', required: true },
  { key: 'group', col: '组', level: 'household' },
  { key: 'name', col: '姓名', level: 'member', required: true },
  { key: 'id_number', col: '证件号码', level: 'member', required: true },
  {
    key: 'relation', col: '与户主关系', level: 'member', required: true,
    values: ['户主', '配偶', '之子', '之女', '之儿媳', '之女婿', '之孙子', '之孙女', '之外孙子',
      '之外孙女', '之父', '之母', '之岳父', '之岳母', '之公公', '之婆婆', '之祖父', '之祖母',
      '之外祖父', '之外祖母', '之兄弟姐妹', '之曾孙子', '之曾孙女', '其他'],
  },
  { key: 'gender', col: '性别', level: 'member', required: true, values: ['男', '女'] },
  { key: 'nation', col: '民族', level: 'member' },
  {
    key: 'education', col: '文化程度', level: 'member',
    values: ['学龄前儿童', '文盲或半文盲', '小学', '初中', '高中', '中专', '大专', '本科及以上'],
  },
  {
    key: 'school', col: '在校生情况', level: 'member',
    values: ['非在校生', '学前教育', '小学', '初中', '高中', '中职', '高职', '大专及以上', '失学辍学'],
  },
  { key: 'health', col: '健康状况', level: 'member', values: ['健康', '长期慢性病', '患有大病', '残疾'] },
  { key: 'disability', col: '残疾等级', level: 'member', values: ['一级', '二级', '三级', '四级'] },
  {
    key: 'labor', col: '劳动技能', level: 'member',
    values: ['普通劳动力', '技能劳动力', '弱劳动力或半劳动力', '丧失劳动力', '无劳动力'],
  },
  {
    key: 'work', col: '务工状况', level: 'member',
    values: ['未务工', '乡镇内务工', '县内乡镇外务工', '省内县外务工', '省外务工', '境外务工'],
  },
  { key: 'work_months', col: '务工时间(月)', level: 'member' },
  { key: 'insured', col: '医保参保', level: 'member', values: YES_NO },
  { key: 'hh_type', col: '户类型', level: 'household', required: true, values: ['脱贫户', '一般农户'] },
  {
    key: 'category', col: '监测对象类别', level: 'household', required: true,
    values: ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'],
  },
  { key: 'tuopin_year', col: '脱贫年度', level: 'household' },
  { key: 'phone', col: '联系电话', level: 'member' },
  { key: 'housing_safe', col: '住房安全', level: 'household', values: YES_NO },
  { key: 'water_safe', col: '饮水安全', level: 'household', values: YES_NO },
  {
    key: 'risk_type', col: '风险类型', level: 'household',
    values: ['因病', '因残', '因学', '因灾', '因意外事故', '因产业失败', '因务工就业不稳', '缺劳动力',
      '住房出现安全问题', '其他'],
  },
  { key: 'helper', col: '帮扶责任人', level: 'household' },
]);

const BY_KEY = Object.fromEntries(COLUMNS.map((c) => [c.key, c]));
const BY_COL = Object.fromEntries(COLUMNS.map((c) => [c.col, c]));

// The column for an API key or a template header (error.field may be either).
export function column(keyOrCol) {
  return BY_KEY[keyOrCol] || BY_COL[keyOrCol] || null;
}

export function valuesOf(key) {
  const c = BY_KEY[key];
  return (c && c.values) || [];
}

// The template header row as CSV (UTF-8 with BOM so that Excel opens it right).
export function templateCsv() {
  return '\ufeff' + COLUMNS.map((c) => c.col).join(',') + '\r\n';
}

let loading = null;

// Replaces the columns' names, value lists and required flags with the
// server's; the built-in list stays in use when the request fails.
export function loadTemplate() {
  if (!loading) {
    loading = api.get('/registry/template', null, { quiet: true })
      .then((res) => {
        for (const c of res.columns || []) {
          const mine = BY_KEY[c.key];
          if (!mine) continue;
          if (Array.isArray(c.values) && c.values.length) mine.values = c.values.slice();
          if (typeof c.required === 'boolean') mine.required = c.required;
          if (c.name && c.name !== mine.col) {
            delete BY_COL[mine.col];
            mine.col = c.name;
            BY_COL[c.name] = mine;
          }
        }
        return true;
      })
      .catch(() => {
        loading = null;
        return false;
      });
  }
  return loading;
}

// 是/否 for the flag values the API may send (true/false, 1/0, '是'/'否').
export function yesNo(v) {
  if (v === true || v === 1 || v === '1' || v === '是') return '是';
  if (v === false || v === 0 || v === '0' || v === '否') return '否';
  return '';
}
