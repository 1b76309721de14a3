// `zhenxing copy` between a SQLite file and PostgreSQL (tests/run api-pg: needs ZX_TEST_PG).
// A demo county with monitoring and 帮扶 rows (policy, unmatched warnings, income surveys,
// visits whose notes hold tabs, newlines and backslashes) goes SQLite → PostgreSQL →
// SQLite: both copies report the same checksum, `check` passes on every copy, the rows
// read back the same, ids continue after the copied ones; a non-empty target, an
// unreachable server and a row PostgreSQL refuses all leave the target untouched.
import assert from 'node:assert/strict';
import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PG, freshDb, run, runOk, sql, tempDir } from '../lib/zxserver.mjs';

const YEAR = new Date().getFullYear() - 1;
const SUM = /校验和 ([0-9a-f]{64})/;

describe('zhenxing copy', { skip: !PG && 'needs PostgreSQL (tests/run api-pg)' }, () => {
  let dir;
  let lite;
  let pg;
  let pgKey;
  let back;
  let sumThere;

  before(async () => {
    dir = await tempDir('zx-copy-');
    lite = path.join(dir, 'a.db');
    await runOk(['demo', '--db', lite, '--households', '150', '--seed', '9']);
    await runOk(['policy', 'set', '--db', lite, '--area', '510722', '--year', String(YEAR), '--income-line', '7000']);
    await runOk(['import', 'warnings', '--db', lite, '--allow-unmatched', 'tests/data/monitoring/warnings_sample.csv']);
    await sql(lite, `
      UPDATE households SET category = '边缘易致贫户', risk_type = '因病' WHERE id IN (SELECT id FROM households ORDER BY id LIMIT 12);
      INSERT INTO income_surveys (county, area_code, household_id, year, wage, business, property, transfer, expense,
        net, size, net_per_capita, updated_by, updated_at)
        SELECT county, area_code, id, ${YEAR}, size * 500000, 0, 0, 0, 0, size * 500000, size, 500000, 'copy', 1700000000
        FROM households ORDER BY id LIMIT 40;
      INSERT INTO visits (county, area_code, household_id, visitor, visit_ymd, checklist, findings, followups, client_key, created_at)
        SELECT county, area_code, id, '测试帮扶员', 20250301, 5, '发现' || char(9) || '一\\二' || char(10) || '三', '', 'k' || id, 1700000000
        FROM households WHERE category <> '';`);
    pg = await freshDb(dir, 'pg');
    pgKey = path.join(dir, 'pg.key');
    back = path.join(dir, 'b.db');
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('SQLite → PostgreSQL: verified, the key file copied, check passes', async () => {
    const r = await runOk(['copy', '--from', lite, '--to', pg, '--to-key', pgKey]);
    assert.match(r.stdout, /已复制 \d+ 张表、\d+ 行（SQLite → PostgreSQL），行数与校验和两边一致/);
    sumThere = r.stdout.match(SUM)[1];
    assert.match(r.stderr, /复制 persons\s+\d+ 行/);
    await access(pgKey);
    const check = await runOk(['check', '--db', pg]);
    assert.match(check.stdout, /哈希链完整/);
    const visits = (await sql(lite, 'SELECT count(*) FROM visits')).trim();
    assert.ok(Number(visits) >= 12);
    assert.equal((await sql(pg, 'SELECT count(*) FROM visits')).trim(), visits);
  });

  test('PostgreSQL → SQLite gives the same checksum and the same rows', async () => {
    const r = await runOk(['copy', '--from', pg, '--from-key', pgKey, '--to', back]);
    assert.match(r.stdout, /（PostgreSQL → SQLite）/);
    assert.equal(r.stdout.match(SUM)[1], sumThere);
    assert.match((await runOk(['check', '--db', back])).stdout, /哈希链完整/);
    for (const q of ['SELECT id, findings FROM visits ORDER BY id', 'SELECT id, hh_no, category, size FROM households ORDER BY id',
      'SELECT count(*), sum(net) FROM income_surveys', 'SELECT count(*) FROM warning_unmatched', 'SELECT * FROM policies']) {
      assert.equal(await sql(back, q), await sql(lite, q), q);
    }
    assert.match(await sql(back, 'SELECT findings FROM visits LIMIT 1'), /发现\t一\\二\n三/);
  });

  test('new rows on the copy get ids after the copied ones', async () => {
    const before = Number((await sql(pg, 'SELECT max(id) FROM users')).trim());
    await runOk(['user', 'add', '--db', pg, '--name', 'after_copy', '--role', 'county_admin', '--area', '510722000000']);
    assert.equal(Number((await sql(pg, "SELECT id FROM users WHERE username = 'after_copy'")).trim()), before + 1);
  });

  test('a target that is not empty is refused and left as it was', async () => {
    const r = await run(['copy', '--from', lite, '--to', pg, '--to-key', pgKey]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /只写入新的或空的数据库/);
    const r2 = await run(['copy', '--from', pg, '--from-key', pgKey, '--to', back]);
    assert.equal(r2.code, 1, r2.stderr);
    assert.match(r2.stderr, /已存在且不是空的/);
    assert.equal((await sql(pg, "SELECT count(*) FROM users WHERE username = 'after_copy'")).trim(), '1');
  });

  test('an unreachable server is a Chinese error and nothing is written', async () => {
    const key = path.join(dir, 'down.key');
    const r = await run(['copy', '--from', lite, '--to', 'postgresql://zx@127.0.0.1:1/zx?connect_timeout=2', '--to-key', key]);
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /无法连接 PostgreSQL/);
    await assert.rejects(access(key));
  });

  test('a row PostgreSQL refuses rolls the whole copy back: no table, no key file', async () => {
    const bad = path.join(dir, 'bad.db');
    await runOk(['demo', '--db', bad, '--households', '20', '--seed', '3']);
    // Bytes that are not UTF-8: SQLite keeps them, PostgreSQL refuses them mid-copy.
    await sql(bad, "INSERT INTO meta (key, value) VALUES ('zz_bad', CAST(X'C328' AS TEXT))");
    const target = await freshDb(dir, 'bad-pg');
    const key = path.join(dir, 'bad-pg.key');
    const r = await run(['copy', '--from', bad, '--to', target, '--to-key', key]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /复制失败，目标数据库未作任何改动/);
    assert.equal((await sql(target, 'SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace')).trim(), '0');
    await assert.rejects(access(key));
  });
});
