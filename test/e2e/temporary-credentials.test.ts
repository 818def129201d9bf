/** Temporary credentials over the wire: they survive a restart, expire with ExpiredToken (a frozen server clock), and stay so once swept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { frozenClock } from '../../src/clock.js';
import { startKamen } from './harness.js';

test('assumed-role credentials work across a restart and expire with ExpiredToken', async () => {
  const clock = frozenClock(Date.now());
  const k = await startKamen({ clock });
  try {
    const acct = k.boot.managementAccountId;
    const cfg = (creds: any, offsetMs = 0) => ({ endpoint: k.url, region: 'us-east-1', credentials: creds, maxAttempts: 1, systemClockOffset: offsetMs });
    const root = { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey };
    const iam = new IAMClient(cfg(root));
    await iam.send(new CreateUserCommand({ UserName: 'dev' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'dev', PolicyName: 'assume', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${acct}:role/*` }] }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'dev' }))).AccessKey!;
    await iam.send(new CreateRoleCommand({ RoleName: 'short', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:user/dev` }, Action: 'sts:AssumeRole' }] }) }));
    const dev = new STSClient(cfg({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const out = await dev.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${acct}:role/short`, RoleSessionName: 'brief', DurationSeconds: 900 }));
    const c = out.Credentials!;
    assert.equal(c.Expiration!.getTime(), Math.floor(clock.now() / 1000) * 1000 + 900_000);
    const temp = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };

    await k.stop();
    await k.restart();
    const id = await new STSClient(cfg(temp)).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, `arn:aws:sts::${acct}:assumed-role/short/brief`);

    // a wrong session token is refused
    await assert.rejects(new STSClient(cfg({ ...temp, sessionToken: temp.sessionToken.slice(0, -4) + 'AAAA' })).send(new GetCallerIdentityCommand({})), (e: any) => e.name === 'InvalidClientTokenId');
    // GetSessionToken cannot be called with session credentials
    await assert.rejects(new STSClient(cfg(temp)).send(new GetSessionTokenCommand({})), (e: any) => e.name === 'AccessDenied');

    clock.advance(901_000);
    await assert.rejects(new STSClient(cfg(temp, 901_000)).send(new GetCallerIdentityCommand({})), (e: any) => {
      assert.equal(e.name, 'ExpiredToken');
      assert.equal(e.message, 'The security token included in the request is expired');
      return true;
    });

    // 36 hours on, a restart sweeps the expired row; the key still answers ExpiredToken, not "unknown"
    const later = 901_000 + 129_601_000;
    clock.advance(129_601_000);
    await k.stop();
    await k.restart();
    const deadline = Date.now() + 5000;
    while ((await k.kamen.store.getTemporaryCredential(temp.accessKeyId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await k.kamen.store.getTemporaryCredential(temp.accessKeyId), undefined, 'swept at start');
    await assert.rejects(new STSClient(cfg(temp, later)).send(new GetCallerIdentityCommand({})), (e: any) => e.name === 'ExpiredToken');
    await assert.rejects(new STSClient(cfg({ ...temp, sessionToken: temp.sessionToken.slice(0, -4) + 'AAAA' }, later)).send(new GetCallerIdentityCommand({})), (e: any) => e.name === 'InvalidClientTokenId');
  } finally {
    await k.stop();
  }
});
