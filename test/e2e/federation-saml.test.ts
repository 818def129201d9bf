/**
 * Seed 003's SAML flow end to end with samlify as the IdP: CreateSAMLProvider from its metadata, a bastion role
 * trusting it, AssumeRoleWithSAML through SDK v3, the `aws` on PATH (AWS_ENDPOINT_URL) and Debian's /usr/bin/aws 2.9
 * (proxy mode); then the walkthrough's chained profile (source_profile → role in a member account) from those credentials.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoleCommand, CreateSAMLProviderCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { cleanEnv, debianAws, endpointUrlAws, runAws, startKamen, tempHome, writeAwsFiles, type TestKamen } from './harness.js';
import { samlifyIdp, type SamlifyIdp } from '../federation/samlify-idp.js';

let k: TestKamen;
let idp: SamlifyIdp;
let acct: string;
let providerArn: string;
let roleArn: string;
let memberRoleArn: string;

before(async () => {
  k = await startKamen();
  acct = k.boot.managementAccountId;
  idp = samlifyIdp();
  const iam = new IAMClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, maxAttempts: 1 });
  providerArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'GoogleWorkspace', SAMLMetadataDocument: idp.metadata }))).SAMLProviderArn!;
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }] };
  roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'ima-role', AssumeRolePolicyDocument: JSON.stringify(trust), MaxSessionDuration: 43200 }))).Role!.Arn!;
  // The walkthrough's switch target (from_fumidai) trusts the bastion role; the bastion role may assume it.
  const fromTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: roleArn }, Action: 'sts:AssumeRole' }] };
  memberRoleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'from_fumidai', AssumeRolePolicyDocument: JSON.stringify(fromTrust) }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({ RoleName: 'ima-role', PolicyName: 'switch', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: memberRoleArn }] }) }));
});
after(async () => {
  await k.stop();
});

test('SDK v3: AssumeRoleWithSAML (unsigned) with a samlify-signed response; the credentials work', async () => {
  const sts = new STSClient({ endpoint: k.url, region: 'ap-northeast-1', credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
  const assertion = await idp.login({ roles: [`${roleArn},${providerArn}`], nameId: 'akibin@example.com', sessionName: 'akibin@example.com', sessionDuration: 43200 });
  const out = await sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: providerArn, SAMLAssertion: assertion, DurationSeconds: 43200 }));
  assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${acct}:assumed-role/ima-role/akibin@example.com`);
  assert.equal(out.Subject, 'akibin@example.com');
  assert.equal(out.Issuer, idp.entityId);
  assert.equal(out.Audience, 'https://signin.aws.amazon.com/saml');
  const session = new STSClient({ endpoint: k.url, region: 'ap-northeast-1', credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! }, maxAttempts: 1 });
  assert.equal((await session.send(new GetCallerIdentityCommand({}))).Arn, out.AssumedRoleUser?.Arn);
  // The same response again is a replay.
  await assert.rejects(sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: providerArn, SAMLAssertion: assertion })), (e: Error) => e.name === 'InvalidIdentityTokenException' && /already been used/.test(e.message));
});

const variants = [
  { name: 'aws on PATH with AWS_ENDPOINT_URL', bin: endpointUrlAws(), env: (home: string) => cleanEnv(home, { AWS_ENDPOINT_URL: k.url }) },
  { name: 'Debian /usr/bin/aws 2.9.19 through proxy mode', bin: debianAws(), env: (home: string) => cleanEnv(home, { HTTPS_PROXY: k.url, AWS_CA_BUNDLE: k.caPath }) },
];

for (const v of variants) {
  describe(v.name, { skip: v.bin ? false : `${v.name}: not installed` }, () => {
    test('aws sts assume-role-with-saml, then the chained from_fumidai profile (source_profile)', async () => {
      const home = tempHome();
      writeAwsFiles(home, '', '[default]\nregion = ap-northeast-1\noutput = json\n');
      const env = v.env(home);
      const assertion = await idp.login({ roles: [`${providerArn},${roleArn}`], nameId: 'akibin@example.com', sessionName: 'akibin' });
      const r = await runAws(v.bin!, ['sts', 'assume-role-with-saml', '--role-arn', roleArn, '--principal-arn', providerArn, '--saml-assertion', assertion], env);
      assert.equal(r.code, 0, r.stderr);
      const c = r.json().Credentials;
      assert.equal(r.json().AssumedRoleUser.Arn, `arn:aws:sts::${acct}:assumed-role/ima-role/akibin`);
      writeAwsFiles(
        home,
        `[sts]\naws_access_key_id = ${c.AccessKeyId}\naws_secret_access_key = ${c.SecretAccessKey}\naws_session_token = ${c.SessionToken}\n`,
        `[default]\nregion = ap-northeast-1\noutput = json\n[profile sts]\nregion = ap-northeast-1\n[profile from_fumidai]\nrole_arn = ${memberRoleArn}\nsource_profile = sts\nregion = ap-northeast-1\n`,
      );
      const who = await runAws(v.bin!, ['sts', 'get-caller-identity', '--profile', 'from_fumidai'], env);
      assert.equal(who.code, 0, who.stderr);
      assert.match(who.json().Arn, new RegExp(`^arn:aws:sts::${acct}:assumed-role/from_fumidai/`));
      const bad = await runAws(v.bin!, ['sts', 'assume-role-with-saml', '--role-arn', roleArn, '--principal-arn', providerArn, '--saml-assertion', assertion], env);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /InvalidIdentityToken/);
    });
  });
}
