// The household import gives the same registry on PostgreSQL (new households and members
// written with COPY) as on SQLite (row by row): the same file imported into a SQLite file and
// into a PostgreSQL schema with the same key file — a first import (streamed), then a second
// file with 200 new households, a changed 联系电话, a changed 户主 name and a member moving
// from a registered household into a new one — leaves the same households, members (blind
// index and masked forms included), household_counts, household_totals, change history and
// audit counts, and both commands print the same result. Runs in tests/run api-pg only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { PG, ZX_BIN, dropDb, freshDb, runOk, sql, tempDir } from '../lib/zxserver.mjs';

const GEN = path.join(path.dirname(ZX_BIN), '..', 'bench', 'gen_households');

// Households whose members are written in file order: its rows, the header's columns.
function parse(csv) {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const cols = header.split(',');
  return { header, col: (name) => cols.indexOf(name), rows: rows.map((r) => r.split(',')) };
}

// The second file: every household of the first plus 200 more, with one phone and one
// head name changed, and the last member of another household moved into a new one.
function secondFile(first, all) {
  const f = parse(first);
  const a = parse(all);
  const [HH, ID, NAME, REL, PHONE] = ['户编号', '证件号码', '姓名', '与户主关系', '联系电话'].map(a.col);
  const rows = a.rows.map((r) => [...r]);
  const firstIds = new Set(f.rows.map((r) => r[ID]));
  assert.ok(rows.slice(0, f.rows.length).every((r) => firstIds.has(r[ID])), 'the generator is not prefix-stable');
  rows[0][PHONE] = '13900000001';
  const heads = rows.filter((r) => r[REL] === '户主');
  heads[3][NAME] = heads[3][NAME] + '新';
  // A household of the first file with at least three members gives up its last one.
  const hh = heads.slice(10).find((h) => rows.filter((r) => r[HH] === h[HH]).length >= 3)[HH];
  const members = rows.filter((r) => r[HH] === hh);
  const mover = members[members.length - 1];
  const head = members[0];
  rows.splice(rows.indexOf(mover), 1);
  const moved = [...head];
  const personal = ['姓名', '证件号码', '性别', '民族', '文化程度', '在校生情况', '健康状况', '残疾等级', '劳动技能', '务工状况', '务工时间(月)', '医保参保'];
  for (const c of personal.map(a.col)) {
    moved[c] = mover[c];
  }
  moved[HH] = head[HH].slice(0, 12) + '9999';
  moved[REL] = '户主';
  moved[PHONE] = '';
  rows.push(moved);
  return { csv: [a.header, ...rows.map((r) => r.join(','))].join('\n') + '\n', moved: moved[HH], from: hh };
}

const QUERIES = {
  households: `SELECT county, area_code, hh_no, grp, head_name, hh_type, category, tuopin_year, housing_safe,
      water_safe, risk_type, helper, size FROM households ORDER BY hh_no`,
  persons: `SELECT p.county, h.hh_no, p.area_code, p.seq, p.name, p.id_bidx, p.id_masked, p.relation, p.gender,
      p.birth_ymd, p.nation, p.education, p.school, p.health, p.disability, p.labor, p.work, p.work_months,
      p.insured, p.phone_masked, p.phone_enc <> '', length(p.id_enc)
      FROM persons p JOIN households h ON h.id = p.household_id ORDER BY h.hh_no, p.seq`,
  household_counts: `SELECT area_code, hh_type, category, households, persons FROM household_counts
      WHERE households <> 0 OR persons <> 0 ORDER BY area_code, hh_type, category`,
  household_totals: `SELECT area_code, hh_type, category, households, persons FROM household_totals
      WHERE households <> 0 OR persons <> 0 ORDER BY area_code, hh_type, category`,
  history: `SELECT c.county, c.area_code, h.hh_no, c.source, c.field, c.old_value, c.new_value,
      c.person_id IS NULL FROM household_changes c LEFT JOIN households h ON h.id = c.household_id
      ORDER BY h.hh_no, c.field, c.old_value, c.new_value`,
  audit: `SELECT action, area_code, object, result, detail FROM audit_log WHERE action = 'import.households' ORDER BY id`,
};

describe('household import: PostgreSQL (COPY) and SQLite give the same registry', { skip: !PG && 'needs PostgreSQL (tests/run api-pg)' }, () => {
  let dir;
  let lite;
  let pg;
  let files;

  before(async () => {
    dir = await tempDir('zx-impboth-');
    lite = path.join(dir, 'lite.db');
    await runOk(['demo', '--db', lite, '--households', '0']);
    pg = await freshDb(dir, 'pg.db');
    await copyFile(lite + '.key', path.join(dir, 'pg.db.key')); // same key: same blind indexes
    await runOk(['demo', '--db', pg, '--households', '0']);
    const gen = promisify(execFile);
    await gen(GEN, ['--households', '400', '--seed', '11', '-o', path.join(dir, 'first.csv')]);
    await gen(GEN, ['--households', '600', '--seed', '11', '-o', path.join(dir, 'all.csv')]);
    const first = await readFile(path.join(dir, 'first.csv'), 'utf8');
    const second = secondFile(first, await readFile(path.join(dir, 'all.csv'), 'utf8'));
    await writeFile(path.join(dir, 'second.csv'), second.csv);
    files = { first: path.join(dir, 'first.csv'), second: path.join(dir, 'second.csv'), ...second };
  });

  after(async () => {
    if (pg) await dropDb(pg);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a first import, then new, changed and moved members: equal tables on both backends', async () => {
    for (const file of [files.first, files.second]) {
      const a = await runOk(['import', 'households', '--db', lite, file]);
      const b = await runOk(['import', 'households', '--db', pg, file]);
      assert.equal(b.stdout, a.stdout);
    }
    assert.equal((await sql(pg, 'SELECT count(*) FROM households')).trim(), '601');
    for (const [name, q] of Object.entries(QUERIES)) {
      const [a, b] = [await sql(lite, q), await sql(pg, q)];
      assert.ok(a.split('\n').length > 2 || name === 'audit', `${name}: too few rows to compare`);
      // psql prints booleans as t/f, the sqlite3 shell as 1/0.
      assert.equal(b.replace(/\|t(?=\||$)/gm, '|1').replace(/\|f(?=\||$)/gm, '|0'), a, `${name} differ`);
    }
    const moves = await sql(pg, `SELECT h.hh_no, c.field FROM household_changes c JOIN households h ON h.id = c.household_id
      WHERE c.field IN ('新增成员', '移除成员') ORDER BY 1, 2`);
    assert.equal(moves.trim(), `${files.from}|移除成员\n${files.moved}|新增成员`);
  });
});
