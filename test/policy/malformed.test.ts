/** IAM's MalformedPolicyDocument answers (test/vectors/policy/malformed-policies.json): the first failing check's text, or valid. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readVectors } from '../helpers/paths.js';
import { assertValidPolicy, validatePolicy, type PolicyKind } from '../../src/policy/index.js';
import { isKamenError } from '../../src/errors.js';

interface MalformedCase {
  name: string;
  kind: PolicyKind;
  document?: unknown;
  text?: string;
  managed?: boolean;
  expect: string;
}

const { malformed } = readVectors<{ malformed: MalformedCase[] }>('policy', 'malformed-policies.json');

for (const c of malformed) {
  test(`${c.kind}: ${c.name} → ${c.expect}`, () => {
    const text = c.text ?? JSON.stringify(c.document, null, 2);
    const opts = c.managed ? { requireCurrentVersion: true } : {};
    const { errors } = validatePolicy(text, c.kind, opts);
    if (c.expect === 'valid') {
      assert.deepEqual(errors, [], 'IAM accepts this document');
      assert.doesNotThrow(() => assertValidPolicy(text, c.kind, opts));
      return;
    }
    assert.ok(errors.length > 0, 'IAM rejects this document');
    assert.equal(errors[0]!.message, c.expect, JSON.stringify(errors));
    assert.throws(() => assertValidPolicy(text, c.kind, opts), (e: unknown) => isKamenError(e, 'ERR_MALFORMED_POLICY_DOCUMENT') && e.message === c.expect);
  });
}
