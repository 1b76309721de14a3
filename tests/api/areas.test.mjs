// Area scoping over HTTP: an area outside the caller's subtree answers 404 exactly like an
// area that does not exist; inside it, the area comes with household and person counts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertError, startCounty } from '../lib/zxserver.mjs';

const HOUSEHOLDS = 200;
let zx;
let admin;

before(async () => {
  zx = await startCounty({
    households: HOUSEHOLDS,
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'town_a', role: 'town_admin', where: 'townA' },
    ],
  });
  admin = await zx.login(zx.admin.username);
});

after(async () => {
  await zx?.stop();
});

async function get(session, path) {
  return zx.req(path, { session });
}

describe('county admin', () => {
  test('county root has the demo households and persons in its counts', async () => {
    const r = await get(admin, `/api/v1/areas/${zx.areas.county}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, zx.areas.county);
    assert.equal(r.json.name, '三台县');
    assert.equal(r.json.level, 3);
    assert.equal(r.json.households, HOUSEHOLDS);
    assert.ok(r.json.persons > HOUSEHOLDS, 'households have more than one member on average');
    assert.equal(r.json.children, 33);
  });

  test('children of the county are its 33 towns, their counts sum to the county\'s', async () => {
    const root = (await get(admin, `/api/v1/areas/${zx.areas.county}`)).json;
    const r = await get(admin, `/api/v1/areas/${zx.areas.county}/children`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 33);
    let hh = 0;
    let persons = 0;
    for (const t of r.json.items) {
      assert.equal(t.level, 4);
      assert.equal(t.parent, zx.areas.county);
      assert.equal(t.has_children, true);
      hh += t.households;
      persons += t.persons;
    }
    assert.equal(hh, root.households);
    assert.equal(persons, root.persons);
  });

  test('children of a town are villages of that town only', async () => {
    const r = await get(admin, `/api/v1/areas/${zx.areas.townA}/children`);
    assert.equal(r.status, 200, r.text);
    const codes = r.json.items.map((v) => v.code);
    assert.ok(codes.includes(zx.areas.villageA));
    assert.ok(!codes.includes(zx.areas.villageB));
    for (const v of r.json.items) {
      assert.equal(v.level, 5);
      assert.equal(v.has_children, false);
      assert.ok(v.code.startsWith(zx.areas.townA.slice(0, 9)));
    }
  });

  test('an unknown area code inside the county is 404', async () => {
    assertError(await get(admin, '/api/v1/areas/510722999999'), 404, 'not_found');
  });

  test('a malformed area code is 400 with a Chinese message', async () => {
    assertError(await get(admin, '/api/v1/areas/abc'), 400, 'invalid_area_code');
    assertError(await get(admin, '/api/v1/areas/5107220000001'), 400, 'invalid_area_code');
  });
});

describe('village clerk of village A', () => {
  let clerk;
  before(async () => {
    clerk = await zx.login('clerk_a');
  });

  test('GET /areas/{A} answers with the same counts the county admin sees for A', async () => {
    const r = await get(clerk, `/api/v1/areas/${zx.areas.villageA}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, zx.areas.villageA);
    assert.equal(r.json.level, 5);
    assert.equal(r.json.households, zx.areas.villageAInfo.households);
    assert.equal(r.json.persons, zx.areas.villageAInfo.persons);
    assert.ok(r.json.households > 0, 'village A was picked for holding households');
  });

  test('GET /areas/{B} is 404, the same answer as for an area that does not exist', async () => {
    const r = await get(clerk, `/api/v1/areas/${zx.areas.villageB}`);
    const err = assertError(r, 404, 'not_found');
    const missing = await get(admin, '/api/v1/areas/510722999999');
    assert.equal(err.message, missing.json.error.message);
    assert.ok(!r.text.includes(zx.areas.villageBInfo.name), 'the name of B leaked');
  });

  test('GET /areas/{B}/children is 404', async () => {
    assertError(await get(clerk, `/api/v1/areas/${zx.areas.villageB}/children`), 404, 'not_found');
  });

  test('its own town and the county are 404 too', async () => {
    assertError(await get(clerk, `/api/v1/areas/${zx.areas.townA}`), 404, 'not_found');
    assertError(await get(clerk, `/api/v1/areas/${zx.areas.townA}/children`), 404, 'not_found');
    assertError(await get(clerk, `/api/v1/areas/${zx.areas.county}`), 404, 'not_found');
  });

  test('a village next door in the same town is 404', async () => {
    const town = (await get(admin, `/api/v1/areas/${zx.areas.townA}/children`)).json.items;
    const neighbour = town.find((v) => v.code !== zx.areas.villageA);
    assert.ok(neighbour);
    assertError(await get(clerk, `/api/v1/areas/${neighbour.code}`), 404, 'not_found');
  });
});

describe('town admin of town A', () => {
  let town;
  before(async () => {
    town = await zx.login('town_a');
  });

  test('sees its town and its villages', async () => {
    const r = await get(town, `/api/v1/areas/${zx.areas.townA}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.level, 4);
    const kids = await get(town, `/api/v1/areas/${zx.areas.townA}/children`);
    assert.equal(kids.status, 200);
    assert.ok(kids.json.items.some((v) => v.code === zx.areas.villageA));
    assert.equal((await get(town, `/api/v1/areas/${zx.areas.villageA}`)).status, 200);
  });

  test('the county root is 404', async () => {
    assertError(await get(town, `/api/v1/areas/${zx.areas.county}`), 404, 'not_found');
    assertError(await get(town, `/api/v1/areas/${zx.areas.county}/children`), 404, 'not_found');
  });

  test('the other town and its village are 404', async () => {
    assertError(await get(town, `/api/v1/areas/${zx.areas.townB}`), 404, 'not_found');
    assertError(await get(town, `/api/v1/areas/${zx.areas.villageB}`), 404, 'not_found');
  });
});

describe('without a session', () => {
  test('areas need a login', async () => {
    assertError(await zx.req(`/api/v1/areas/${zx.areas.county}`), 401);
    assertError(await zx.req(`/api/v1/areas/${zx.areas.county}/children`), 401);
  });
});
