/** Accept/Decline/DescribeHandshake are authorized on the handshake's ARN (…:handshake/<org>/<type>/<id>), through the SDK v3. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as O from '@aws-sdk/client-organizations';
import * as I from '@aws-sdk/client-iam';
import { openKamen } from '../../../src/app.js';
import { startServer } from '../../../src/http/server.js';
import { createStandaloneAccount } from '../../../src/services/accounts/standalone.js';

type Creds = { accessKeyId: string; secretAccessKey: string };

test('a member principal is decided on the handshake ARN: a Deny on it refuses, an Allow on its type pattern grants', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-hsauthz-'));
  const kamen = await openKamen({ dataDir: dir, log: () => {}, withCa: false, organization: false });
  const running = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  const org = (c: Creds) => new O.OrganizationsClient({ region: 'us-east-1', endpoint: running.url, credentials: c, maxAttempts: 1 });
  const iam = (c: Creds) => new I.IAMClient({ region: 'us-east-1', endpoint: running.url, credentials: c, maxAttempts: 1 });
  try {
    const boot = kamen.bootstrap!;
    const A = org({ accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey });
    const orgId = (await A.send(new O.CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
    const b = await createStandaloneAccount(kamen.store, kamen.clock, { name: 'bee' });
    const bRoot = { accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey };
    const inv = (await A.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: b.account.id, Type: 'ACCOUNT' } }))).Handshake!;
    assert.equal(inv.Arn, `arn:aws:organizations::${boot.managementAccountId}:handshake/${orgId}/invite/${inv.Id}`);

    const user = async (name: string, statements: unknown[]): Promise<Creds> => {
      await iam(bRoot).send(new I.CreateUserCommand({ UserName: name }));
      await iam(bRoot).send(new I.PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
      const k = (await iam(bRoot).send(new I.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    };
    // Allowed everything, denied exactly this handshake: Describe works (it is allowed), Accept and Decline are refused.
    const denied = org(await user('denied', [
      { Effect: 'Allow', Action: 'organizations:*', Resource: '*' },
      { Effect: 'Deny', Action: ['organizations:AcceptHandshake', 'organizations:DeclineHandshake'], Resource: inv.Arn },
    ]));
    assert.equal((await denied.send(new O.DescribeHandshakeCommand({ HandshakeId: inv.Id }))).Handshake?.Id, inv.Id);
    for (const cmd of [new O.AcceptHandshakeCommand({ HandshakeId: inv.Id }), new O.DeclineHandshakeCommand({ HandshakeId: inv.Id })]) {
      await assert.rejects(denied.send(cmd as O.AcceptHandshakeCommand), (e: Error) => e.name === 'AccessDeniedException');
    }
    // An Allow on another type's handshakes grants nothing; one on invite handshakes of the organization grants accepting.
    const otherType = org(await user('other', [{ Effect: 'Allow', Action: 'organizations:*', Resource: `arn:aws:organizations::*:handshake/${orgId}/enable_all_features/*` }]));
    await assert.rejects(otherType.send(new O.DescribeHandshakeCommand({ HandshakeId: inv.Id })), (e: Error) => e.name === 'AccessDeniedException');
    const invites = org(await user('invites', [{ Effect: 'Allow', Action: 'organizations:*', Resource: `arn:aws:organizations::*:handshake/${orgId}/invite/*` }]));
    assert.equal((await invites.send(new O.AcceptHandshakeCommand({ HandshakeId: inv.Id }))).Handshake?.State, 'ACCEPTED');
    // A handshake kamen does not hold: with the Allow on invite handshakes the caller is denied (its type is unknown).
    await assert.rejects(invites.send(new O.DescribeHandshakeCommand({ HandshakeId: 'h-0000000000' })), (e: Error) => e.name === 'AccessDeniedException');
    const all = org(await user('all', [{ Effect: 'Allow', Action: 'organizations:*', Resource: '*' }]));
    await assert.rejects(all.send(new O.DescribeHandshakeCommand({ HandshakeId: 'h-0000000000' })), (e: Error) => e.name === 'HandshakeNotFoundException');
  } finally {
    await running.close();
    await kamen.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
