/** STS session-tag refusals carry AWS's code, status and text (test/vectors/protocol/sts-messages.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../src/errors.js';
import { createCodec, loadServiceModel } from '../../src/protocol/index.js';
import { readVectors } from '../helpers/paths.js';
import { addAccount, addRole, addUser, allow, callerFor, inline, newWorld } from '../authz/world.js';
import { harness } from '../authz/setup.js';

interface Case {
  name: string;
  first: Record<string, unknown>;
  second?: Record<string, unknown>;
  code: string;
  status: number;
  message: string;
}

const A = '222222222222';
const sts = createCodec(loadServiceModel('sts'));
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: A }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };

test('STS session-tag refusals match AWS', async (t) => {
  for (const c of readVectors<{ cases: Case[] }>('protocol', 'sts-messages.json').cases) {
    await t.test(c.name, async () => {
      const w = await newWorld();
      try {
        await addAccount(w, A);
        await addRole(w, A, 'R1', trust);
        await addRole(w, A, 'R2', trust);
        const alice = await addUser(w, A, 'alice');
        await inline(w, A, 'user', 'alice', allow(['sts:AssumeRole', 'sts:TagSession']));
        await inline(w, A, 'role', 'R1', allow(['sts:AssumeRole', 'sts:TagSession']));
        const h = harness(w);
        const caller = await callerFor(w, alice);
        let attempt: Promise<unknown> = h.call(caller, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${A}:role/R1`, RoleSessionName: 's1', ...c.first });
        if (c.second) {
          const creds = ((await attempt) as { Credentials: { AccessKeyId: string; SessionToken: string } }).Credentials;
          const session = await callerFor(w, { accessKeyId: creds.AccessKeyId }, creds.SessionToken);
          attempt = h.call(session, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${A}:role/R2`, RoleSessionName: 's2', ...c.second });
        }
        await assert.rejects(attempt, (err: unknown) => {
          assert.ok(isKamenError(err), String(err));
          assert.equal(err.message, c.message);
          const wire = sts.renderError(err, 'rid');
          assert.equal(wire.status, c.status);
          assert.match(wire.body, new RegExp(`<Code>${c.code}</Code>`));
          return true;
        });
      } finally {
        await w.store.close();
      }
    });
  }
});
