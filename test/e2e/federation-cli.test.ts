/**
 * Seed 003's CLI flow without Google: `kamen sso login --idp <IdP-initiated URL>` reads the SAMLResponse from the IdP's
 * page (samlify-signed), calls AssumeRoleWithSAML and writes [sts]; the walkthrough's chained profile
 * (role_arn + source_profile = sts) then works unchanged in the `aws` CLI. Also `--credential-process` and the errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CreateRoleCommand, CreateSAMLProviderCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { cleanEnv, endpointUrlAws, runAws, startKamen, tempHome, writeAwsFiles, type TestKamen } from './harness.js';
import { kamenArgs } from './cli-run.js';
import { samlifyIdp, type SamlifyIdp } from '../federation/samlify-idp.js';

let k: TestKamen;
let idp: SamlifyIdp;
let idpServer: http.Server;
let idpUrl: string;
let roles: string[];
let bastion: string;
let member: string;

function kamen(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, kamenArgs(...args), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  k = await startKamen();
  idp = samlifyIdp();
  const iam = new IAMClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, maxAttempts: 1 });
  const provider = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Google', SAMLMetadataDocument: idp.metadata }))).SAMLProviderArn!;
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithSAML' }] });
  bastion = (await iam.send(new CreateRoleCommand({ RoleName: 'ima-role', AssumeRolePolicyDocument: trust, MaxSessionDuration: 43200 }))).Role!.Arn!;
  const other = (await iam.send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: trust }))).Role!.Arn!;
  member = (await iam.send(new CreateRoleCommand({ RoleName: 'from_fumidai', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: bastion }, Action: 'sts:AssumeRole' }] }) }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({ RoleName: 'ima-role', PolicyName: 'switch', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: member }] }) }));
  roles = [`${bastion},${provider}`, `${other},${provider}`];
  // The IdP-initiated sign-in page: an auto-submitting form carrying a fresh signed response each time.
  idpServer = http.createServer((_req, res) => {
    idp.login({ roles, nameId: 'akibin@example.com', sessionName: 'akibin' }).then((r) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<html><body onload="document.forms[0].submit()"><form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="${r}"/></form></body></html>`);
    });
  });
  await new Promise<void>((r) => idpServer.listen(0, '127.0.0.1', r));
  idpUrl = `http://127.0.0.1:${(idpServer.address() as AddressInfo).port}/sso/saml?idpid=test`;
});
after(async () => {
  await new Promise((r) => idpServer.close(r));
  await k.stop();
});

test('kamen sso login writes [sts]; the chained from_fumidai profile works in the aws CLI', async () => {
  const home = tempHome();
  const env = cleanEnv(home, { AWS_ENDPOINT_URL: k.url });
  const several = await kamen(['sso', 'login', '--idp', idpUrl], env);
  assert.equal(several.code, 1);
  assert.match(several.stderr, /offers several roles; choose one with --role-arn/);
  const r = await kamen(['sso', 'login', '--idp', idpUrl, '--role-arn', bastion, '--profile', 'sts', '--duration', '43200'], env);
  assert.equal(r.code, 0, r.stderr);
  const creds = fs.readFileSync(path.join(home, '.aws', 'credentials'), 'utf8');
  assert.match(creds, /^\[sts\]\naws_access_key_id = ASIA/m);
  const cp = await kamen(['sso', 'login', '--idp', idpUrl, '--role-arn', bastion, '--credential-process'], env);
  assert.equal(cp.code, 0, cp.stderr);
  const json = JSON.parse(cp.stdout);
  assert.equal(json.Version, 1);
  assert.match(json.AccessKeyId, /^ASIA/);
  const aws = endpointUrlAws();
  if (!aws) return; // the CLI half needs the aws on PATH (installed by .ci/run)
  writeAwsFiles(home, creds, `[default]\nregion = ap-northeast-1\n[profile sts]\nregion = ap-northeast-1\n[profile from_fumidai]\nrole_arn = ${member}\nsource_profile = sts\nregion = ap-northeast-1\n`);
  const who = await runAws(aws, ['sts', 'get-caller-identity', '--profile', 'from_fumidai'], env);
  assert.equal(who.code, 0, who.stderr);
  assert.match(who.json().Arn, /:assumed-role\/from_fumidai\//);
  const base = await runAws(aws, ['sts', 'get-caller-identity', '--profile', 'sts'], env);
  assert.equal(base.json().Arn, `${bastion.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/akibin`);
});
