/** Management policy inheritance (effective-policy.ts) against the User Guide's operator rules, as data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkManagementPolicy, effectivePolicy } from '../../../src/services/organizations/effective-policy.js';
import { isKamenError } from '../../../src/errors.js';
import { readVectors } from '../../helpers/paths.js';

interface Vectors {
  cases: Array<{ name: string; levels: unknown[][]; effective: unknown }>;
  malformed: string[];
}
const V = readVectors<Vectors>('organizations', 'effective-policy.json');

test('effective policies merge root → OUs → account with the inheritance operators', () => {
  assert.ok(V.cases.length >= 6);
  for (const c of V.cases) {
    const docs = c.levels.map((l) => l.map((d) => JSON.stringify(d)));
    for (const level of docs) for (const d of level) checkManagementPolicy(d);
    assert.deepEqual(JSON.parse(effectivePolicy(docs)!), c.effective, c.name);
  }
});

test('no document anywhere on the path: no effective policy', () => {
  assert.equal(effectivePolicy([[], [], []]), undefined);
});

test('malformed management policies are MalformedPolicyDocumentException', () => {
  for (const text of V.malformed) {
    assert.throws(() => checkManagementPolicy(text), (e: unknown) => isKamenError(e, 'ERR_ORG_MALFORMED_POLICY'), text);
  }
  assert.throws(() => checkManagementPolicy(JSON.stringify({ tags: { x: { tag_value: { '@@assign': ['v'.repeat(10_001)] } } } })), (e: unknown) => isKamenError(e, 'ERR_ORG_CONSTRAINT_VIOLATION'));
});
