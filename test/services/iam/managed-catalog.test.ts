import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadManagedPolicyCatalog } from '../../../src/services/iam/managed-catalog.js';
import { readVectors } from '../../helpers/paths.js';

interface Expect {
  arn: string;
  name: string;
  path: string;
  statementAction?: string;
}

describe('AWS managed policy catalog', () => {
  const catalog = loadManagedPolicyCatalog();
  const expected = readVectors<Expect[]>('iam', 'managed-policies.json');

  for (const x of expected) {
    it(`has ${x.arn} with its real document`, () => {
      const e = catalog.get(x.arn);
      assert.ok(e, x.arn);
      assert.equal(e.name, x.name);
      assert.equal(e.path, x.path);
      assert.match(e.policyId, /^ANPA[A-Z2-7]{17}$/);
      assert.match(e.defaultVersionId, /^v\d+$/);
      assert.ok(e.createDate.getTime() > Date.UTC(2014, 0, 1));
      assert.ok(e.updateDate.getTime() >= e.createDate.getTime());
      const doc = JSON.parse(e.document);
      assert.equal(doc.Version, '2012-10-17');
      assert.ok(Array.isArray(doc.Statement) || typeof doc.Statement === 'object');
      if (x.statementAction) assert.deepEqual(doc.Statement[0].Action, x.statementAction);
      const versions = e.versions();
      assert.equal(versions[0]!.versionId, e.defaultVersionId);
      assert.equal(versions[0]!.document, e.document);
    });
  }

  it('lists well over a thousand policies sorted by name, with stable IDs', () => {
    const list = catalog.list();
    assert.ok(list.length > 1000);
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]!.name.toLowerCase() <= list[i]!.name.toLowerCase());
    const again = loadManagedPolicyCatalog();
    assert.equal(again.get(list[0]!.arn)!.policyId, list[0]!.policyId);
    assert.equal(new Set(list.map((p) => p.policyId)).size, list.length);
  });

  it('reads nothing until the first lookup', () => {
    const lazy = loadManagedPolicyCatalog('/nonexistent/managedPolicies.json');
    assert.throws(() => lazy.get('arn:aws:iam::aws:policy/AdministratorAccess'), /ENOENT/);
  });

  it('answers undefined for unknown ARNs', () => {
    assert.equal(catalog.get('arn:aws:iam::aws:policy/NoSuchThing'), undefined);
    assert.equal(catalog.get('arn:aws:iam::123456789012:policy/AdministratorAccess'), undefined);
  });
});
