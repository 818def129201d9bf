/**
 * Seed 001 with CloudTrail: a partner user of account B with MFA assumes ex-for-aws-b in account A; the real AWS CLI's
 * `cloudtrail lookup-events` then shows, in each account, who did what — the AssumeRole in both accounts joined by one
 * sharedEventID, the role session's calls with mfaAuthenticated "true", the denied calls with their error — and the
 * history is still there after a restart. Once through AWS_ENDPOINT_URL, once through proxy mode.
 */
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { createMemberAccount } from '../../src/services/accounts/index.js';
import { cleanEnv, debianAws, endpointUrlAws, runAws, startKamen, tempHome, type TestKamen } from './harness.js';
import { clearOfTotpBoundary } from '../helpers/totp.js';

let k: TestKamen;
before(async () => {
  k = await startKamen();
});
after(async () => {
  await k.stop();
});

const variants = [
  { tag: 'ep', name: 'aws on PATH with AWS_ENDPOINT_URL', bin: endpointUrlAws(), env: (home: string, extra: Record<string, string> = {}) => cleanEnv(home, { AWS_ENDPOINT_URL: k.url, AWS_DEFAULT_REGION: 'ap-northeast-1', ...extra }) },
  { tag: 'px', name: 'Debian /usr/bin/aws through proxy mode', bin: debianAws(), env: (home: string, extra: Record<string, string> = {}) => cleanEnv(home, { HTTPS_PROXY: k.url, AWS_CA_BUNDLE: k.caPath, AWS_DEFAULT_REGION: 'ap-northeast-1', ...extra }) },
];

function totp(seed: string, atMs: number): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(seed), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: atMs });
}

for (const [vi, v] of variants.entries()) {
  describe(v.name, { skip: v.bin ? false : `${v.name}: not installed` }, () => {
    const aws = (env: Record<string, string>, ...args: string[]) => runAws(v.bin!, args, env);
    const ok = (r: { code: number; stderr: string }) => assert.equal(r.code, 0, r.stderr);

    test('001: lookup-events in each account shows the partner\'s MFA role session, the denials, and survives a restart', async () => {
      const idA = `44444444444${vi}`;
      const idB = `55555555555${vi}`;
      const a = await createMemberAccount(k.kamen.store, k.kamen.clock, { name: `ct-a${vi}`, accountId: idA, email: `ct-a${vi}@example.com` });
      const b = await createMemberAccount(k.kamen.store, k.kamen.clock, { name: `ct-b${vi}`, accountId: idB, email: `ct-b${vi}@example.com` });
      const home = tempHome();
      fs.writeFileSync(path.join(home, '.aws', 'credentials'), `[aws-a]\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n[aws-b]\naws_access_key_id = ${b.accessKeyId}\naws_secret_access_key = ${b.secretAccessKey}\n`);
      const env = v.env(home);
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${idB}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] });
      ok(await aws(env, 'iam', 'create-role', '--role-name', 'ex-for-aws-b', '--assume-role-policy-document', trust, '--profile', 'aws-a'));
      const roleArn = `arn:aws:iam::${idA}:role/ex-for-aws-b`;
      const allow = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }] });
      ok(await aws(env, 'iam', 'create-user', '--user-name', 'bob', '--profile', 'aws-b'));
      ok(await aws(env, 'iam', 'put-user-policy', '--user-name', 'bob', '--policy-name', 'get-access-aws-a', '--policy-document', allow, '--profile', 'aws-b'));
      const key = (await aws(env, 'iam', 'create-access-key', '--user-name', 'bob', '--profile', 'aws-b')).json().AccessKey;
      const seedFile = path.join(home, 'seed.txt');
      const dev = await aws(env, 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'bob', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed', '--profile', 'aws-b');
      ok(dev);
      const serial = dev.json().VirtualMFADevice.SerialNumber;
      const seed = fs.readFileSync(seedFile, 'utf8').trim();
      await clearOfTotpBoundary();
      const now = Date.now();
      ok(await aws(env, 'iam', 'enable-mfa-device', '--user-name', 'bob', '--serial-number', serial, '--authentication-code1', totp(seed, now - 60_000), '--authentication-code2', totp(seed, now - 30_000), '--profile', 'aws-b'));

      const benv = v.env(tempHome(), { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey });
      const noMfa = await aws(benv, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'partner');
      assert.notEqual(noMfa.code, 0);
      const withMfa = await aws(benv, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'partner', '--serial-number', serial, '--token-code', totp(seed, Date.now()));
      ok(withMfa);
      const c = withMfa.json().Credentials;
      const renv = v.env(tempHome(), { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken });
      ok(await aws(renv, 'sts', 'get-caller-identity'));
      const denied = await aws(renv, 'iam', 'list-users');
      assert.match(denied.stderr, /AccessDenied/);

      const check = async () => {
        // account B: bob's AssumeRole calls, the denied one with its error, the successful one with the shared event ID
        const inB = await aws(env, 'cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=AssumeRole', '--profile', 'aws-b');
        ok(inB);
        const bRecords = inB.json().Events.map((e: any) => JSON.parse(e.CloudTrailEvent));
        assert.equal(bRecords.length, 2);
        const [okB, deniedB] = bRecords;
        assert.equal(okB.userIdentity.type, 'IAMUser');
        assert.equal(okB.userIdentity.arn, `arn:aws:iam::${idB}:user/bob`);
        assert.equal(okB.requestParameters.roleArn, roleArn);
        assert.equal(okB.responseElements.credentials.accessKeyId, c.AccessKeyId);
        assert.equal(okB.responseElements.credentials.sessionToken, undefined);
        assert.equal(deniedB.errorCode, 'AccessDenied');
        assert.match(deniedB.errorMessage, /is not authorized to perform: sts:AssumeRole/);
        assert.ok(!inB.stdout.includes(c.SecretAccessKey) && !inB.stdout.includes(c.SessionToken) && !inB.stdout.includes(key.SecretAccessKey));
        // account A: the same AssumeRole, from account B, joined by the shared event ID
        const inA = await aws(env, 'cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=AssumeRole', '--profile', 'aws-a');
        ok(inA);
        const aRecords = inA.json().Events.map((e: any) => JSON.parse(e.CloudTrailEvent));
        const okA = aRecords.find((r: any) => !r.errorCode);
        assert.deepEqual(okA.userIdentity, { type: 'AWSAccount', principalId: okB.userIdentity.principalId, accountId: idB });
        assert.equal(okA.recipientAccountId, idA);
        assert.equal(okA.sharedEventID, okB.sharedEventID);
        // account A: the role session's own calls show who, with MFA
        // (event history is per region: the STS call is in the profile's region's, IAM's global ListUsers in us-east-1's)
        const session = await aws(env, 'cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=AccessKeyId,AttributeValue=${c.AccessKeyId}`, '--profile', 'aws-a');
        ok(session);
        const inRegion = session.json().Events.map((e: any) => JSON.parse(e.CloudTrailEvent));
        assert.deepEqual(inRegion.map((r: any) => [r.eventName, r.awsRegion]), [['GetCallerIdentity', 'ap-northeast-1']]);
        const global = await aws(env, 'cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=AccessKeyId,AttributeValue=${c.AccessKeyId}`, '--profile', 'aws-a', '--region', 'us-east-1');
        ok(global);
        const inEast = global.json().Events.map((e: any) => JSON.parse(e.CloudTrailEvent));
        assert.deepEqual(inEast.map((r: any) => [r.eventName, r.awsRegion]), [['ListUsers', 'us-east-1']]);
        const sRecords = [...inEast, ...inRegion];
        for (const r of sRecords) {
          assert.equal(r.userIdentity.type, 'AssumedRole');
          assert.equal(r.userIdentity.arn, `arn:aws:sts::${idA}:assumed-role/ex-for-aws-b/partner`);
          assert.equal(r.userIdentity.sessionContext.sessionIssuer.arn, roleArn);
          assert.equal(r.userIdentity.sessionContext.attributes.mfaAuthenticated, 'true');
        }
        assert.equal(sRecords[0].errorCode, 'AccessDenied');
      };
      await k.kamen.events.flush();
      await check();
      await k.stop();
      await k.restart();
      await check();
    });
  });
}
