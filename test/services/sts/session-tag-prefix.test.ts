/** STS session tags: keys (and transitive keys) beginning with the reserved `aws:` prefix are refused (test/vectors/sts/session-tag-prefix.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../../src/errors.js';
import { readVectors } from '../../helpers/paths.js';
import { MGMT, addRole, addUser, allow, callerFor, inline, newWorld } from '../../authz/world.js';
import { harness } from '../../authz/setup.js';

interface Case {
  operation: 'AssumeRole' | 'GetFederationToken';
  input: Record<string, unknown>;
  refused: boolean;
}
interface Vectors {
  refusal: { code: string; message: string };
  cases: Case[];
}

test('AssumeRole and GetFederationToken refuse aws: session tag keys', async () => {
  const V = readVectors<Vectors>('sts', 'session-tag-prefix.json');
  assert.ok(V.cases.some((c) => c.refused) && V.cases.some((c) => !c.refused));
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await addUser(w, MGMT, 'alice');
    await inline(w, MGMT, 'user', 'alice', allow(['sts:AssumeRole', 'sts:TagSession', 'sts:GetFederationToken']));
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
    const { arn } = await addRole(w, MGMT, 'tagged', trust);
    const alice = await callerFor(w, u);
    for (const [i, c] of V.cases.entries()) {
      const label = `${c.operation} ${JSON.stringify(c.input)}`;
      const input = c.operation === 'AssumeRole' ? { RoleArn: arn, RoleSessionName: `s${i}`, ...c.input } : c.input;
      const call = h.call(alice, 'sts', c.operation, input);
      if (!c.refused) {
        const out = await call;
        assert.match(out.Credentials.AccessKeyId, /^ASIA/, label);
        continue;
      }
      await assert.rejects(call, (e: unknown) => isKamenError(e, V.refusal.code as 'ERR_INVALID_PARAMETER_VALUE') && e.message === V.refusal.message, label);
    }
  } finally {
    await w.close();
  }
});
