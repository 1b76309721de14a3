// The income figures of a county report (issue #7, P4) over HTTP on either backend: the
// preview, the Markdown and the DOCX download fill 人均纯收入 and its growth from the
// income_rollup roll-up (migration 0013), and the values equal Σ 纯收入 / Σ 人口 computed here
// with a plain join of the surveys and their households. Then a survey is corrected and a
// household becomes 监测户 (the roll-up's triggers), and the next download follows the data.
// Runs in the api and the api-pg tiers (fig_income once failed on PostgreSQL with
// "operator is not unique: unknown * unknown").
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { sql, startCounty } from '../lib/zxserver.mjs';

const exec = promisify(execFile);
const YEAR = 2026;
const COUNTY = '510722000000';
const BODY = '## 一、收入\n\n脱贫户人均纯收入{{tuopin_income_per_capita}}，上年{{tuopin_income_per_capita_last}}，'
  + '同比增长{{tuopin_income_growth_pct}}；监测户人均纯收入{{monitored_income_per_capita}}，'
  + '同比增长{{monitored_income_growth_pct}}；收入调查{{surveyed_households}}。';
let zx;
let admin;
let draft;

// Σ 纯收入 (分) and Σ 人口 of the surveys of one year whose household matches cond, by a join.
async function sums(year, cond) {
  const out = (await sql(zx.db, `SELECT coalesce(sum(s.net), 0) || ',' || coalesce(sum(s.size), 0) || ',' || count(*)
    FROM income_surveys s JOIN households h ON h.id = s.household_id
    WHERE s.year = ${year} AND ${cond}`)).trim();
  const [net, persons, households] = out.split(',').map(Number);
  return { net, persons, households };
}

const yuan = (s) => `${Math.round(s.net / 100 / s.persons)}元`;
const growth = (now, last) => {
  const a = now.net / now.persons;
  const b = last.net / last.persons;
  return `${(Math.round(((a - b) / b) * 1000) / 10).toFixed(1)}%`;
};

// The texts the figures must have now, from the surveys themselves.
async function expected() {
  const tuopin = "h.hh_type = '脱贫户'";
  const monitored = "h.category <> ''";
  const [t, tl, m, ml, all] = await Promise.all([sums(YEAR, tuopin), sums(YEAR - 1, tuopin),
    sums(YEAR, monitored), sums(YEAR - 1, monitored), sums(YEAR, 'true')]);
  assert.ok(t.persons > 0 && tl.persons > 0 && m.persons > 0 && ml.persons > 0, 'surveys of both kinds');
  return {
    tuopin_income_per_capita: yuan(t),
    tuopin_income_per_capita_last: yuan(tl),
    tuopin_income_growth_pct: growth(t, tl),
    monitored_income_per_capita: yuan(m),
    monitored_income_growth_pct: growth(m, ml),
    surveyed_households: `${all.households}户`,
  };
}

function sentence(e) {
  return `脱贫户人均纯收入${e.tuopin_income_per_capita}，上年${e.tuopin_income_per_capita_last}，`
    + `同比增长${e.tuopin_income_growth_pct}；监测户人均纯收入${e.monitored_income_per_capita}，`
    + `同比增长${e.monitored_income_growth_pct}；收入调查${e.surveyed_households}。`;
}

before(async () => {
  zx = await startCounty({ households: 300, seed: 23 });
  admin = await zx.login(zx.admin.username);
  // A survey for every household of the county in both years (another module's facts, written
  // straight into the live database): 人均 between 3,000 and 42,999 元 from the id, last year
  // 80–120 % of it, so the bands and both growth figures have work to do.
  const rows = (await sql(zx.db, `SELECT id || ',' || size || ',' || area_code FROM households
    WHERE size > 0 ORDER BY id`)).trim().split('\n').map((r) => r.split(','));
  assert.ok(rows.length > 100, 'the demo county needs households');
  const values = [];
  for (const [id, size, area] of rows) {
    const pc = 300000 + ((Number(id) * 7919) % 4000000);
    for (const [year, pct] of [[YEAR, 100], [YEAR - 1, 80 + (Number(id) % 41)]]) {
      const net = Math.floor((pc * Number(size) * pct) / 100);
      values.push(`('510722', '${area}', ${id}, ${year}, ${net}, 0, 0, 0, 0, ${net}, ${size}, `
        + `${Math.round(net / Number(size))}, 't', 0)`);
    }
  }
  await sql(zx.db, `INSERT INTO income_surveys (county, area_code, household_id, year, wage, business,
    property, transfer, expense, net, size, net_per_capita, updated_by, updated_at) VALUES ${values.join(',\n')};`);
  const r = await zx.req('/api/v1/reports', {
    method: 'POST', session: admin, json: { area: COUNTY, year: YEAR, title: '收入情况' },
  });
  assert.equal(r.status, 201, r.text);
  const u = await zx.req(`/api/v1/reports/${r.json.report.id}`, {
    method: 'PUT', session: admin, json: { title: '收入情况', body: BODY, version: r.json.report.version },
  });
  assert.equal(u.status, 200, u.text);
  draft = u.json.report;
});

after(async () => {
  await zx?.stop();
});

async function download(format) {
  const res = await fetch(`${zx.url}/api/v1/reports/${draft.id}/download?format=${format}`,
    { headers: { Cookie: admin.cookie } });
  assert.equal(res.status, 200, format);
  return Buffer.from(await res.arrayBuffer());
}

// The text of the DOCX body (word/document.xml without its tags).
async function docxText(bytes, name) {
  const dir = path.join(zx.dir, 'docx');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const { stdout } = await exec('unzip', ['-p', file, 'word/document.xml'], { maxBuffer: 16 << 20 });
  return stdout.replace(/<[^>]*>/g, '');
}

describe('income figures in the county report', () => {
  test('preview, Markdown and DOCX hold the population-weighted 人均纯收入 of the surveys', async () => {
    const e = await expected();
    const p = await zx.req(`/api/v1/reports/${draft.id}/preview`, { session: admin });
    assert.equal(p.status, 200, p.text);
    for (const [name, text] of Object.entries(e)) assert.equal(p.json.figures[name].text, text, name);
    const para = p.json.blocks.find((b) => b.runs.some((x) => x.figure === 'tuopin_income_per_capita'));
    assert.equal(para.runs.map((x) => x.text).join(''), sentence(e));
    const md = (await download('md')).toString('utf8');
    assert.ok(md.includes(sentence(e)), md);
    const docx = await download('docx');
    assert.equal(docx.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    assert.ok((await docxText(docx, 'a.docx')).includes(sentence(e)));
  });

  test('a corrected survey and a new 监测户 change the next download', async () => {
    const before = await expected();
    const [id, size] = (await sql(zx.db, `SELECT h.id || ',' || h.size FROM households h
      WHERE h.hh_type = '脱贫户' AND h.category = '' AND h.size > 0 ORDER BY h.id LIMIT 1`)).trim().split(',');
    assert.ok(Number(id) > 0, 'a 脱贫户 that is not monitored');
    // 人均 9,000,000 分 more this year: moves the county's 脱贫户 average by several 元.
    await sql(zx.db, `UPDATE income_surveys SET net = net + ${9000000 * Number(size)}, wage = wage + ${9000000 * Number(size)},
      net_per_capita = (net + ${9000000 * Number(size)}) / size WHERE household_id = ${id} AND year = ${YEAR};
      UPDATE households SET category = '边缘易致贫户' WHERE id = ${id};`);
    const after = await expected();
    assert.notEqual(after.tuopin_income_per_capita, before.tuopin_income_per_capita);
    assert.notEqual(after.monitored_income_per_capita, before.monitored_income_per_capita);
    const md = (await download('md')).toString('utf8');
    assert.ok(md.includes(sentence(after)), md);
    const p = await zx.req(`/api/v1/reports/${draft.id}/preview`, { session: admin });
    for (const [name, text] of Object.entries(after)) assert.equal(p.json.figures[name].text, text, name);
  });
});
