// The Citus rules for zhenxing's PostgreSQL schema, checked on pg_catalog (Citus itself is
// not in Debian's archive, so this lint stands in for `create_distributed_table`).
//
// The classification of every table — distributed by `county`, reference (replicated to
// every worker) or coordinator-local — lives in ONE place, the table between the
// `citus-tables` markers of docs/scaling.md; readClassification() parses it.
//
// lint(rows) takes the catalog as fetched by CATALOG_SQL and returns the list of
// violations (empty when the schema is valid):
//   - every table of the schema is classified, and every classified table exists;
//   - a distributed table has a NOT NULL column county;
//   - every primary key, unique constraint and unique index (partial and expression ones
//     included) of a distributed table has county among its key columns;
//   - every foreign key between two distributed tables pairs county with county, and an
//     ON DELETE SET NULL / SET DEFAULT of one names its columns (PostgreSQL 15) without
//     county; ON UPDATE is NO ACTION or RESTRICT;
//   - no foreign key from a reference table to a distributed or coordinator-local one;
//   - no foreign key from a distributed table to a coordinator-local one.
import { readFile } from 'node:fs/promises';

export const CLASSES = ['distributed', 'reference', 'local'];

// Parses the markdown table between <!-- citus-tables:begin --> and <!-- citus-tables:end -->:
// rows `| table | class | … |`. Returns Map(table → class).
export async function readClassification(file = 'docs/scaling.md') {
  const text = await readFile(file, 'utf8');
  const m = text.match(/<!-- citus-tables:begin -->([\s\S]*?)<!-- citus-tables:end -->/);
  if (!m) throw new Error(`${file}: no citus-tables block`);
  const out = new Map();
  for (const line of m[1].split('\n')) {
    const cells = line.split('|').map((s) => s.trim());
    if (cells.length < 4 || cells[1] === 'table' || /^-+$/.test(cells[1])) continue;
    const name = cells[1].replace(/`/g, '');
    const cls = cells[2];
    if (!CLASSES.includes(cls)) throw new Error(`${file}: table ${name}: unknown class "${cls}"`);
    if (out.has(name)) throw new Error(`${file}: table ${name} classified twice`);
    out.set(name, cls);
  }
  return out;
}

// One line per fact, fields separated by '|' (psql -A -t -F '|'):
//   T|table|county column not-null ('t'/'f'/'' when the table has none)
//   U|table|index|key columns (comma-separated; expression columns left out)
//   F|table|constraint|columns|referenced table|referenced columns|ON DELETE|ON UPDATE|SET NULL columns
export const CATALOG_SQL = `
SELECT 'T', c.relname, coalesce((SELECT a.attnotnull::text FROM pg_attribute a
                                 WHERE a.attrelid = c.oid AND a.attname = 'county' AND NOT a.attisdropped), '')
FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'U', t.relname, i.relname || '|' || coalesce((SELECT string_agg(a.attname, ',' ORDER BY g.n)
         FROM generate_series(0, x.indnkeyatts - 1) g(n)
         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[g.n]), '')
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relnamespace = current_schema()::regnamespace AND x.indisunique
UNION ALL
SELECT 'F', t.relname, k.conname || '|' ||
       (SELECT string_agg(a.attname, ',' ORDER BY u.o) FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) || '|' || r.relname || '|' ||
       (SELECT string_agg(a.attname, ',' ORDER BY u.o) FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n) || '|' ||
       k.confdeltype::text || '|' || k.confupdtype::text || '|' ||
       coalesce((SELECT string_agg(a.attname, ',') FROM unnest(k.confdelsetcols) u(n)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n), '')
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
WHERE t.relnamespace = current_schema()::regnamespace AND k.contype = 'f'
ORDER BY 1, 2, 3`;

export function parseCatalog(text) {
  const tables = new Map();
  const uniques = [];
  const fkeys = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split('|');
    if (f[0] === 'T') tables.set(f[1], { county: f[2] });
    else if (f[0] === 'U') uniques.push({ table: f[1], name: f[2], cols: f[3] ? f[3].split(',') : [] });
    else if (f[0] === 'F') {
      fkeys.push({
        table: f[1], name: f[2], cols: f[3].split(','), ref: f[4], refCols: f[5].split(','),
        onDelete: f[6], onUpdate: f[7], setCols: f[8] ? f[8].split(',') : null,
      });
    }
  }
  return { tables, uniques, fkeys };
}

export function lint(catalog, classes) {
  const bad = [];
  const cls = (t) => classes.get(t);
  for (const t of catalog.tables.keys()) {
    if (!classes.has(t)) bad.push(`${t}: not classified in docs/scaling.md (distributed, reference or local)`);
  }
  for (const t of classes.keys()) {
    if (!catalog.tables.has(t)) bad.push(`${t}: classified in docs/scaling.md but not in the schema`);
  }
  for (const [t, info] of catalog.tables) {
    if (cls(t) === 'distributed' && info.county !== 'true') {
      bad.push(`${t}: distributed but has no NOT NULL column county`);
    }
  }
  for (const u of catalog.uniques) {
    if (cls(u.table) === 'distributed' && !u.cols.includes('county')) {
      bad.push(`${u.table}: unique index ${u.name} (${u.cols.join(', ')}) lacks county`);
    }
  }
  for (const k of catalog.fkeys) {
    const from = cls(k.table);
    const to = cls(k.ref);
    const what = `${k.table}: foreign key ${k.name} (${k.cols.join(', ')}) → ${k.ref} (${k.refCols.join(', ')})`;
    if (from === 'reference' && to !== 'reference') bad.push(`${what}: a reference table may reference only reference tables`);
    if (from === 'distributed' && to === 'local') bad.push(`${what}: a distributed table may not reference a coordinator-local one`);
    if (from === 'distributed' && to === 'distributed') {
      const i = k.cols.indexOf('county');
      if (i < 0 || k.refCols[i] !== 'county') bad.push(`${what}: county must be paired with county`);
      if ((k.onDelete === 'n' || k.onDelete === 'd') && (!k.setCols || k.setCols.includes('county'))) {
        bad.push(`${what}: ON DELETE SET NULL/DEFAULT must name its columns, county not among them`);
      }
      if (k.onUpdate !== 'a' && k.onUpdate !== 'r') bad.push(`${what}: ON UPDATE must be NO ACTION or RESTRICT`);
    }
  }
  return bad;
}
