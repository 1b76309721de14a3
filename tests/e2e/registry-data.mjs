// Synthetic household files for the registry browser tests: national-template
// CSV with valid 居民身份证号 (MOD 11-2 check character computed here), made up
// at run time so that no personal data is ever committed; and the set-up
// steps those tests share.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ZX_BIN } from './harness.mjs';

export const COUNTY = '510722000000';
// 老西街社区 in 潼川镇 (三台县), present in every demo database.
export const VILLAGE = '510722101002';

export const HEADER = ['户编号', '行政区划代码', '组', '姓名', '证件号码', '与户主关系', '性别', '民族',
  '文化程度', '在校生情况', '健康状况', '残疾等级', '劳动技能', '务工状况', '务工时间(月)', '医保参保',
  '户类型', '监测对象类别', '脱贫年度', '联系电话', '住房安全', '饮水安全', '风险类型', '帮扶责任人'];

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

// The 18-character ID for county 510722, birth YYYYMMDD and a 3-digit
// sequence (odd = male), with its check character.
export function idNumber(birth, seq) {
  const body = '510722' + birth + String(seq).padStart(3, '0');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i];
  return body + '10X98765432'[sum % 11];
}

// The same ID with a wrong check character.
export function badCheck(id) {
  const c = '0123456789X'.split('').find((x) => x !== id[17]);
  return id.slice(0, 17) + c;
}

export function masked(id) {
  return id.slice(0, 4) + '*'.repeat(10) + id.slice(14);
}

function field(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// rows: objects keyed by header name; missing cells are blank.
export function csv(rows, header = HEADER) {
  const lines = [header.map(field).join(',')];
  for (const r of rows) lines.push(header.map((h) => field(r[h])).join(','));
  return lines.join('\r\n') + '\r\n';
}

// Two households of VILLAGE with distinct serials (tag: 2 digits keeps
// households of different tests apart). Returns {rows, households, ids}.
export function sampleHouseholds(tag) {
  const t = String(tag).padStart(2, '0');
  const hh1 = `${VILLAGE}9${t}1`;
  const hh2 = `${VILLAGE}9${t}2`;
  const ids = {
    head1: idNumber('19650315', `${t}1`),
    wife1: idNumber('19680720', `${t}2`),
    son1: idNumber('19920105', `${t}3`),
    head2: idNumber('19580909', `${t}5`),
    daughter2: idNumber('20120601', `${t}4`),
  };
  const common = { 行政区划代码: VILLAGE, 民族: '汉族', 医保参保: '是' };
  const rows = [
    {
      ...common, 户编号: hh1, 组: '3组', 姓名: `测${t}甲`, 证件号码: ids.head1, 与户主关系: '户主', 性别: '男',
      文化程度: '初中', 在校生情况: '非在校生', 健康状况: '长期慢性病', 劳动技能: '普通劳动力', 务工状况: '乡镇内务工',
      '务工时间(月)': 6, 户类型: '脱贫户', 监测对象类别: '脱贫不稳定户', 脱贫年度: 2018, 联系电话: `138${t}001234`,
      住房安全: '否', 饮水安全: '是', 风险类型: '因病', 帮扶责任人: '帮扶员甲',
    },
    {
      ...common, 户编号: hh1, 组: '3组', 姓名: `测${t}乙`, 证件号码: ids.wife1, 与户主关系: '配偶', 性别: '女',
      文化程度: '小学', 在校生情况: '非在校生', 健康状况: '健康', 劳动技能: '普通劳动力', 务工状况: '未务工',
      '务工时间(月)': 0, 户类型: '脱贫户', 监测对象类别: '脱贫不稳定户', 脱贫年度: 2018,
    },
    {
      ...common, 户编号: hh1, 组: '3组', 姓名: `测${t}丙`, 证件号码: ids.son1, 与户主关系: '之子', 性别: '男',
      文化程度: '高中', 在校生情况: '非在校生', 健康状况: '健康', 劳动技能: '技能劳动力', 务工状况: '省外务工',
      '务工时间(月)': 10, 户类型: '脱贫户', 监测对象类别: '脱贫不稳定户', 脱贫年度: 2018,
    },
    {
      ...common, 户编号: hh2, 组: '5组', 姓名: `测${t}丁`, 证件号码: ids.head2, 与户主关系: '户主', 性别: '男',
      文化程度: '小学', 在校生情况: '非在校生', 健康状况: '健康', 劳动技能: '弱劳动力或半劳动力', 务工状况: '未务工',
      '务工时间(月)': 0, 户类型: '一般农户', 监测对象类别: '', 联系电话: `139${t}005678`,
      住房安全: '是', 饮水安全: '是',
    },
    {
      ...common, 户编号: hh2, 组: '5组', 姓名: `测${t}戊`, 证件号码: ids.daughter2, 与户主关系: '之孙女', 性别: '女',
      文化程度: '小学', 在校生情况: '初中', 健康状况: '健康', 劳动技能: '无劳动力', 务工状况: '未务工',
      '务工时间(月)': 0, 户类型: '一般农户', 监测对象类别: '',
    },
  ];
  return { rows, households: [hh1, hh2], ids };
}

// Accounts start with a password that must be changed before anything else
// works (force_password_change): give every account of srv a new one.
// Updates srv.admin.password and srv.users[name] in place.
export async function settlePasswords(srv) {
  const accounts = [[srv.admin.username, srv.admin.password, (p) => { srv.admin.password = p; }]];
  for (const [name, pw] of Object.entries(srv.users)) {
    accounts.push([name, pw, (p) => { srv.users[name] = p; }]);
  }
  for (const [username, password, set] of accounts) {
    const r = await fetch(srv.url + '/api/v1/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
    if (!r.ok) throw new Error(`login ${username}: HTTP ${r.status} ${await r.text()}`);
    const { user, csrf_token: csrf } = await r.json();
    const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
    if (user.must_change_password) {
      const fresh = 'Zx' + Math.random().toString(36).slice(2, 10) + '7q';
      const c = await fetch(srv.url + '/api/v1/me/password', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Cookie: cookie },
        body: JSON.stringify({ old_password: password, new_password: fresh }),
      });
      if (!c.ok) throw new Error(`password change ${username}: HTTP ${c.status} ${await c.text()}`);
      set(fresh);
    }
    await fetch(srv.url + '/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf, Cookie: cookie } });
  }
}

// Imports rows into srv's database with `zhenxing import households` (the
// import page has tests of its own).
export async function seedHouseholds(srv, rows) {
  const file = path.join(srv.dir, 'seed-' + Date.now() + '.csv');
  await writeFile(file, csv(rows));
  await new Promise((resolve, reject) => {
    execFile(ZX_BIN, ['import', 'households', '--db', srv.db, file], { timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`import households failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}
