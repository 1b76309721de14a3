// The PostgreSQL schema is valid for Citus (issue #10, migration 0015; docs/scaling.md):
// the lint of tests/lib/citus_lint.mjs over pg_catalog finds nothing on the migrated
// schema, and finds exactly the kinds of violation 0015 removed on a schema stopped at
// 0014 (so the lint itself can fail). An upgrade from 0014 with rows in every table keeps
// them, fills the derived tables' county, and deletes cascade per county afterwards.
// The lint needs PostgreSQL (tests/run api-pg); the upgrade runs on both backends.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { CATALOG_SQL, lint, parseCatalog, readClassification } from '../lib/citus_lint.mjs';
import { PG, dropDb, freshDb, runOk, sql, tempDir } from '../lib/zxserver.mjs';

const FIXTURE = 'tests/data/citus/rows_0014.sql';

async function catalogOf(db) {
  return parseCatalog(await sql(db, CATALOG_SQL));
}

async function count(db, query) {
  return Number((await sql(db, query)).trim());
}

describe('Citus schema lint', { skip: !PG && 'needs PostgreSQL (tests/run api-pg)' }, () => {
  let dir;
  let latest;
  let old;
  let classes;

  before(async () => {
    dir = await tempDir('zx-citus-');
    classes = await readClassification();
    latest = await freshDb(dir, 'latest');
    await runOk(['migrate', '--db', latest]);
    old = await freshDb(dir, 'v14');
    await runOk(['migrate', '--db', old, '--to', '14']);
  });

  after(async () => {
    if (latest) await dropDb(latest);
    if (old) await dropDb(old);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('every table migrate creates is classified, and the schema breaks no Citus rule', async () => {
    const cat = await catalogOf(latest);
    assert.ok(cat.tables.size >= 40, `only ${cat.tables.size} tables`);
    assert.ok(cat.fkeys.length >= 30 && cat.uniques.length >= 40, 'the catalog query found the keys');
    assert.deepEqual(lint(cat, classes), []);
  });

  test('the lint reports the violations of the schema before 0015', async () => {
    const bad = lint(await catalogOf(old), classes).join('\n');
    // a table 0015 added a column to is reported, and every kind of rule fires
    assert.match(bad, /household_counts: distributed but has no NOT NULL column county/);
    assert.match(bad, /households: unique index households_pkey \(id\) lacks county/);
    assert.match(bad, /cases: unique index cases_open_household \(household_id\) lacks county/);
    assert.match(bad, /persons: foreign key persons_household_id_fkey \(household_id\) → households \(id\): county must be paired/);
    assert.match(bad, /dept_warnings: foreign key dept_warnings_batch_id_fkey/);
  });

  test('the lint catches an unclassified table, a reference → distributed key and SET NULL of county', () => {
    const cat = {
      tables: new Map([['households', { county: 'true' }], ['areas', { county: 'true' }], ['scratch', { county: '' }],
        ['users', { county: '' }]]),
      uniques: [{ table: 'households', name: 'households_pkey', cols: ['id', 'county'] }],
      fkeys: [
        { table: 'areas', name: 'a_fk', cols: ['code'], ref: 'households', refCols: ['id'], onDelete: 'a', onUpdate: 'a', setCols: null },
        { table: 'households', name: 'h_fk', cols: ['id', 'county'], ref: 'households', refCols: ['id', 'county'], onDelete: 'n', onUpdate: 'a', setCols: null },
        { table: 'households', name: 'u_fk', cols: ['id'], ref: 'users', refCols: ['id'], onDelete: 'a', onUpdate: 'a', setCols: null },
      ],
    };
    const cls = new Map([['households', 'distributed'], ['areas', 'reference'], ['users', 'local'], ['gone', 'local']]);
    const bad = lint(cat, cls).join('\n');
    assert.match(bad, /scratch: not classified/);
    assert.match(bad, /gone: classified in docs\/scaling.md but not in the schema/);
    assert.match(bad, /areas: foreign key a_fk .*reference table may reference only reference tables/);
    assert.match(bad, /h_fk .*SET NULL\/DEFAULT must name its columns/);
    assert.match(bad, /u_fk .*may not reference a coordinator-local one/);
  });
});

describe('upgrade from schema 0014 with rows in every table', () => {
  let dir;
  let db;
  let before0015;

  before(async () => {
    dir = await tempDir('zx-citus-up-');
    db = await freshDb(dir, 'up.db');
    await runOk(['migrate', '--db', db, '--to', '14']);
    // (comment lines dropped: the sqlite3 shell would take a leading -- for an option)
    let rows = (await readFile(FIXTURE, 'utf8')).replace(/^--.*\n/gm, '');
    // The sqlite3 shell lacks zh_key(), which SQLite's 姓名 indexes call: no persons there,
    // nor the rows that point at them (SQLite's 0015 does not touch either table).
    if (!PG) {
      rows = rows.replace(/INSERT INTO persons [\s\S]*?;\n/, '').replace(/INSERT INTO dept_warnings [\s\S]*?;\n/, '');
      rows += 'UPDATE ledger_entries SET person_id = NULL;';
    }
    await sql(db, rows);
    before0015 = await tableCounts(db);
  });

  after(async () => {
    if (db) await dropDb(db);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function tables(d) {
    const q = PG
      ? "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY 1"
      : "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";
    return (await sql(d, q)).trim().split('\n');
  }

  async function tableCounts(d) {
    const out = {};
    for (const t of await tables(d)) out[t] = await count(d, `SELECT count(*) FROM ${t}`);
    return out;
  }

  test('every table had rows, and every row is still there', async () => {
    const empty = Object.entries(before0015).filter(([t, n]) => n === 0 && (PG || !['persons', 'dept_warnings'].includes(t)));
    assert.deepEqual(empty, [], 'the fixture fills every table of 0014');
    await runOk(['migrate', '--db', db]);
    const now = await tableCounts(db);
    for (const [t, n] of Object.entries(before0015)) {
      if (t !== 'zx_schema') assert.equal(now[t], n, `rows of ${t}`);
    }
  });

  test('the derived tables carry the county of their area, also for rows written after', async () => {
    for (const t of ['household_counts', 'household_totals', 'income_rollup']) {
      assert.equal(await count(db, `SELECT count(*) FROM ${t} WHERE county <> substr(area_code, 1, 6)`), 0, t);
    }
    assert.equal(await count(db, "SELECT count(*) FROM household_totals WHERE county = '510723'"), 2);
    await sql(db, `INSERT INTO households (id, county, area_code, hh_no, hh_type, category, size, created_at, updated_at)
      VALUES (10, '510723', '510723100001', '5107231000010010', '一般农户', '突发严重困难户', 3, 1700000000, 1700000000);
      INSERT INTO income_surveys (id, county, area_code, household_id, year, wage, business, property, transfer, expense,
        net, size, net_per_capita, updated_at)
      VALUES (10, '510723', '510723100001', 10, 2024, 300000, 0, 0, 0, 0, 300000, 3, 100000, 1700000000);`);
    assert.equal(await count(db, "SELECT households FROM household_counts WHERE county = '510723' AND category = '突发严重困难户'"), 1);
    assert.equal(await count(db, "SELECT persons FROM household_totals WHERE county = '510723' AND area_code = '510723000000' AND category = '突发严重困难户'"), 3);
    assert.equal(await count(db, "SELECT households FROM income_rollup WHERE county = '510723' AND monitored = 1"), 1);
    for (const t of ['household_counts', 'household_totals', 'income_rollup']) {
      assert.equal(await count(db, `SELECT count(*) FROM ${t} WHERE county <> substr(area_code, 1, 6)`), 0, t);
    }
  });

  test('on PostgreSQL, deleting a household cascades in its county and nulls only the ids', { skip: !PG && 'PostgreSQL' }, async () => {
    await sql(db, 'DELETE FROM households WHERE id = 1');
    assert.equal(await count(db, 'SELECT count(*) FROM persons WHERE household_id = 1'), 0);
    assert.equal(await count(db, 'SELECT count(*) FROM dept_warnings WHERE household_id = 1'), 0);
    assert.equal(await count(db, 'SELECT count(*) FROM ledger_beneficiaries WHERE household_id = 1'), 0);
    // ON DELETE SET NULL (person_id) / (household_id): the ledger row stays, in its county
    assert.equal((await sql(db, "SELECT county || '|' || coalesce(person_id::text, '-') || '|' || coalesce(household_id::text, '-') FROM ledger_entries WHERE id = 3")).trim(), '510722|-|-');
    // the other county's rows and the city batch's other warning are untouched
    assert.equal(await count(db, 'SELECT count(*) FROM dept_warnings WHERE batch_id = 1'), 1);
    assert.equal(await count(db, "SELECT count(*) FROM persons WHERE county = '510723'"), 1);
    // a row pointing into another county is refused
    await assert.rejects(sql(db, "INSERT INTO visits (id, county, area_code, household_id, visitor, visit_ymd, client_key, created_at) VALUES (9, '510722', '510722101002', 3, 'x', 20240101, 'k9', 1)"), /foreign key/);
  });
});
