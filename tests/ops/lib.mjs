// Helpers of the operations tests: RFC 6238 codes, a Prometheus text-format checker,
// and writing a configuration file.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

// Base32 (RFC 4648) → bytes.
export function unbase32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let acc = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    assert.ok(v >= 0, 'bad base32 character ' + ch);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// The 6-digit TOTP code of a base32 secret for a 30-second step.
export function totpAt(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', unbase32(secret)).update(msg).digest();
  const off = mac[19] & 0x0f;
  const bin = mac.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 1000000).padStart(6, '0');
}

export const totpStep = (t = Date.now() / 1000) => Math.floor(t / 30);

// Writes DIR/NAME with the given `key = value` options.
export async function writeConfig(dir, options, name = 'zhenxing.conf') {
  const file = path.join(dir, name);
  const text = '# written by the ops tests\n' + Object.entries(options).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

// Checks text against the Prometheus text exposition format 0.0.4 and returns
// {families: Map(name → {type, help, samples: [{name, labels, value}]})}.
// Asserts: HELP/TYPE syntax, one TYPE per family before its samples, metric and label
// name syntax, escaped label values, numeric values, counters end in _total, and for
// histograms per label set: le buckets ascending with non-decreasing counts, a +Inf
// bucket equal to _count, and a _sum.
export function parsePrometheus(text) {
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
  const families = new Map();
  const familyOf = (sample) => {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      const base = sample.slice(0, -suffix.length);
      if (sample.endsWith(suffix) && families.get(base)?.type === 'histogram') return base;
    }
    return sample;
  };
  assert.ok(text.endsWith('\n'), 'exposition must end with a newline');
  for (const [i, line] of text.split('\n').slice(0, -1).entries()) {
    const where = `line ${i + 1}: ${line}`;
    if (line.startsWith('#')) {
      const m = line.match(/^# (HELP|TYPE) (\S+) (.*)$/);
      if (!m) continue; // other comments are allowed
      assert.match(m[2], NAME, where);
      const fam = families.get(m[2]) || { type: null, help: null, samples: [] };
      if (m[1] === 'TYPE') {
        assert.equal(fam.type, null, 'second TYPE for ' + where);
        assert.equal(fam.samples.length, 0, 'TYPE after samples: ' + where);
        assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]), where);
        fam.type = m[3];
      } else {
        fam.help = m[3];
      }
      families.set(m[2], fam);
      continue;
    }
    assert.ok(line.trim() !== '', 'blank line inside the exposition at ' + where);
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/);
    assert.ok(m, 'bad sample syntax at ' + where);
    const labels = {};
    if (m[3] !== undefined && m[3] !== '') {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/gy;
      let pos = 0;
      let lm;
      while (pos < m[3].length && (lm = re.exec(m[3]))) {
        assert.match(lm[1], LABEL, where);
        assert.ok(!(lm[1] in labels), 'repeated label at ' + where);
        labels[lm[1]] = lm[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
        pos = re.lastIndex;
      }
      assert.equal(pos, m[3].length, 'bad label syntax at ' + where);
    }
    const value = m[4];
    assert.ok(/^([+-]?Inf|NaN|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/.test(value), 'bad value at ' + where);
    const fam = families.get(familyOf(m[1]));
    assert.ok(fam && fam.type, 'sample without a TYPE line: ' + where);
    fam.samples.push({ name: m[1], labels, value: Number(value.replace('Inf', 'Infinity')) });
  }
  for (const [name, fam] of families) {
    assert.ok(fam.help !== null, 'no HELP for ' + name);
    if (fam.type === 'counter') assert.ok(name.endsWith('_total'), 'counter not named *_total: ' + name);
    if (fam.type === 'histogram') checkHistogram(name, fam);
  }
  return { families };
}

function checkHistogram(name, fam) {
  const key = (labels) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());
  const sets = new Map();
  for (const s of fam.samples) {
    const k = key(s.labels);
    const set = sets.get(k) || { buckets: [], sum: null, count: null };
    if (s.name === name + '_bucket') {
      assert.ok('le' in s.labels, `${name}_bucket without le`);
      set.buckets.push({ le: Number(s.labels.le.replace('Inf', 'Infinity')), v: s.value });
    } else if (s.name === name + '_sum') set.sum = s.value;
    else if (s.name === name + '_count') set.count = s.value;
    else assert.fail(`unexpected sample ${s.name} in histogram ${name}`);
    sets.set(k, set);
  }
  assert.ok(sets.size > 0, 'histogram without series: ' + name);
  for (const [k, set] of sets) {
    assert.ok(set.buckets.length > 0, `no buckets for ${name} ${k}`);
    for (let i = 1; i < set.buckets.length; i++) {
      assert.ok(set.buckets[i].le > set.buckets[i - 1].le, `le not ascending for ${name} ${k}`);
      assert.ok(set.buckets[i].v >= set.buckets[i - 1].v, `bucket counts decrease for ${name} ${k}`);
    }
    const last = set.buckets[set.buckets.length - 1];
    assert.equal(last.le, Infinity, `no +Inf bucket for ${name} ${k}`);
    assert.notEqual(set.sum, null, `no _sum for ${name} ${k}`);
    assert.equal(set.count, last.v, `_count differs from the +Inf bucket for ${name} ${k}`);
  }
}
