/**
 * The real AWS CLI against kamen: the `aws` on PATH through AWS_ENDPOINT_URL (when it honours it) and Debian's
 * /usr/bin/aws 2.9.19 through proxy mode. The CLI's own parsing is the check of the wire shapes.
 */
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv, debianAws, endpointUrlAws, runAws, startKamen, tempHome, type TestKamen } from './harness.js';

let k: TestKamen;
before(async () => {
  k = await startKamen();
});
after(async () => {
  await k.stop();
});

interface Variant {
  name: string;
  bin: string | undefined;
  env(home: string): Record<string, string>;
}

const variants: Variant[] = [
  {
    name: 'aws on PATH with AWS_ENDPOINT_URL',
    bin: endpointUrlAws(),
    env: (home) => cleanEnv(home, { AWS_ENDPOINT_URL: k.url }),
  },
  {
    name: 'Debian /usr/bin/aws 2.9.19 through proxy mode',
    bin: debianAws(),
    env: (home) => cleanEnv(home, { HTTPS_PROXY: k.url, AWS_CA_BUNDLE: k.caPath }),
  },
];

for (const v of variants) {
  describe(v.name, { skip: v.bin ? false : `${v.name}: not installed` }, () => {
    const tag = v.name.startsWith('Debian') ? 'px' : 'ep';
    let home: string;
    let env: Record<string, string>;
    const aws = (...args: string[]) => runAws(v.bin!, args, env);

    before(() => {
      home = tempHome();
      env = v.env(home);
      fs.writeFileSync(path.join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${k.boot.accessKeyId}\naws_secret_access_key = ${k.boot.secretAccessKey}\n`);
      fs.writeFileSync(path.join(home, '.aws', 'config'), `[default]\nregion = ap-northeast-1\noutput = json\n`);
    });

    test('iam create-user / create-access-key / list-users', async () => {
      const u = await aws('iam', 'create-user', '--user-name', `testuser-${tag}`);
      assert.equal(u.code, 0, u.stderr);
      assert.equal(u.json().User.UserName, `testuser-${tag}`);
      assert.equal(u.json().User.Arn, `arn:aws:iam::${k.boot.managementAccountId}:user/testuser-${tag}`);
      const key = await aws('iam', 'create-access-key', '--user-name', `testuser-${tag}`);
      assert.equal(key.code, 0, key.stderr);
      assert.equal(key.json().AccessKey.Status, 'Active');
      assert.match(key.json().AccessKey.CreateDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      const list = await aws('iam', 'list-users');
      assert.equal(list.code, 0, list.stderr);
      assert.ok(list.json().Users.some((x: any) => x.UserName === `testuser-${tag}`));
    });

    test('create-policy and create-role from file://, attach, list', async () => {
      const policyFile = path.join(home, 'policy.json');
      fs.writeFileSync(policyFile, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstanceTypes', Resource: '*' }] }, null, 2));
      const trustFile = path.join(home, 'trust.json');
      fs.writeFileSync(trustFile, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${k.boot.managementAccountId}:root` }, Action: 'sts:AssumeRole' }] }));
      const p = await aws('iam', 'create-policy', '--policy-name', `ToyPolicy-${tag}`, '--policy-document', `file://${policyFile}`);
      assert.equal(p.code, 0, p.stderr);
      const arn = p.json().Policy.Arn;
      assert.equal(arn, `arn:aws:iam::${k.boot.managementAccountId}:policy/ToyPolicy-${tag}`);
      const r = await aws('iam', 'create-role', '--role-name', `toy-role-${tag}`, '--assume-role-policy-document', `file://${trustFile}`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json().Role.AssumeRolePolicyDocument, JSON.parse(fs.readFileSync(trustFile, 'utf8')));
      const a = await aws('iam', 'attach-role-policy', '--role-name', `toy-role-${tag}`, '--policy-arn', arn);
      assert.equal(a.code, 0, a.stderr);
      const l = await aws('iam', 'list-attached-role-policies', '--role-name', `toy-role-${tag}`);
      assert.equal(l.code, 0, l.stderr);
      assert.deepEqual(l.json().AttachedPolicies, [{ PolicyName: `ToyPolicy-${tag}`, PolicyArn: arn }]);
      const v = await aws('iam', 'get-policy-version', '--policy-arn', arn, '--version-id', 'v1');
      assert.equal(v.code, 0, v.stderr);
      assert.deepEqual(v.json().PolicyVersion.Document, JSON.parse(fs.readFileSync(policyFile, 'utf8')));
    });

    test('error cases print AWS error codes and messages', async () => {
      const missing = await aws('iam', 'get-user', '--user-name', 'nobody');
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /An error occurred \(NoSuchEntity\) when calling the GetUser operation: The user with name nobody cannot be found\./);
      const dup = await aws('iam', 'create-user', '--user-name', `testuser-${tag}`);
      assert.match(dup.stderr, /\(EntityAlreadyExists\) when calling the CreateUser operation: User with name testuser-\w+ already exists\./);
      const bad = path.join(home, 'bad.json');
      fs.writeFileSync(bad, '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"');
      const mal = await aws('iam', 'create-policy', '--policy-name', 'Broken', '--policy-document', `file://${bad}`);
      assert.match(mal.stderr, /\(MalformedPolicyDocument\) when calling the CreatePolicy operation/);
    });

    test('sts get-caller-identity', async () => {
      const id = await aws('sts', 'get-caller-identity');
      assert.equal(id.code, 0, id.stderr);
      assert.deepEqual(id.json(), { UserId: k.boot.managementAccountId, Account: k.boot.managementAccountId, Arn: `arn:aws:iam::${k.boot.managementAccountId}:root` });
    });

    test('organizations describe-organization and list-accounts', async () => {
      const d = await aws('organizations', 'describe-organization');
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.json().Organization.MasterAccountId, k.boot.managementAccountId);
      const l = await aws('organizations', 'list-accounts');
      assert.equal(l.code, 0, l.stderr);
      assert.ok(l.json().Accounts.some((a: any) => a.Id === k.boot.managementAccountId && a.Status === 'ACTIVE'));
    });
  });
}
