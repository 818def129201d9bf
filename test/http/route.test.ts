/** Routing by Host and by SigV4 scope, from data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceFromHost, serviceFromScope } from '../../src/http/route.js';
import { readVectors } from '../helpers/paths.js';

const v = readVectors<{ byHost: any[]; byScope: any[] }>('http', 'routes.json');

for (const c of v.byHost) {
  test(`host ${c.host} → ${c.service}`, () => {
    const r = serviceFromHost(c.host);
    assert.equal(r?.service ?? null, c.service);
    if (c.region) assert.equal(r?.region, c.region);
  });
}

for (const c of v.byScope) {
  test(`scope ${c.authorization ?? c.query} → ${c.service}`, () => {
    const r = serviceFromScope(c.authorization ?? undefined, c.query);
    assert.equal(r?.service ?? null, c.service);
    if (c.region) assert.equal(r?.region, c.region);
  });
}
