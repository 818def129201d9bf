/** The kamen command itself: `serve` bootstraps and prints the snippet, `env` prints exports, `account create` works. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { ROOT_KEYS_HINT } from '../../src/cli/snippets.js';
import { repoRoot } from '../helpers/paths.js';
import { kamenArgs } from './cli-run.js';
import { tempDir } from '../helpers/temp-dir.js';

function serve(dataDir: string): Promise<{ stop: () => Promise<void>; output: string; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, kamenArgs('serve', '--port', '0', '--console-port', '0', '--data-dir', dataDir), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) {
        resolve({
          stop: () =>
            new Promise<void>((done) => {
              child.removeAllListeners('exit');
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
          output,
          url: m[1]!,
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`kamen serve exited ${code}: ${output}`)));
  });
}

test('kamen serve bootstraps once, env prints exports, account create adds a member with its access role', async () => {
  const dataDir = tempDir('kamen-cli-');
  const first = await serve(dataDir);
  try {
    const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
    assert.equal(fs.statSync(path.join(dataDir, 'bootstrap.json')).mode & 0o777, 0o600);
    assert.match(boot.managementAccountId, /^[1-9]\d{11}$/);
    assert.match(first.output, new RegExp(`aws_access_key_id = ${boot.accessKeyId}`));
    assert.match(first.output, /export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/);
    assert.match(first.output, /export HTTPS_PROXY=/);
    // only root keys are printed, so the output points to the README step that creates an IAM admin user
    assert.ok(first.output.includes(ROOT_KEYS_HINT), first.output);
    assert.match(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'), /### From root keys to an IAM admin user/);
    assert.ok(fs.existsSync(path.join(dataDir, 'ca.pem')));

    const env = spawnSync(process.execPath, kamenArgs('env', '--data-dir', dataDir), { encoding: 'utf8' });
    assert.equal(env.status, 0, env.stderr);
    assert.match(env.stdout, new RegExp(`export AWS_SECRET_ACCESS_KEY=${boot.secretAccessKey.replace(/[+/]/g, '\\$&')}`));
    assert.match(env.stdout, new RegExp(`export AWS_CA_BUNDLE=${dataDir}/ca.pem`));
    assert.ok(env.stdout.includes(ROOT_KEYS_HINT), env.stdout);

    const created = spawnSync(process.execPath, kamenArgs('account', 'create', '--name', 'aws-a', '--id', '111111111111', '--data-dir', dataDir, '--json'), { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    const acct = JSON.parse(created.stdout);
    assert.equal(acct.AccountId, '111111111111');

    const creds = { accessKeyId: acct.AccessKeyId, secretAccessKey: acct.SecretAccessKey };
    const sts = new STSClient({ endpoint: first.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, 'arn:aws:iam::111111111111:root');
    const iam = new IAMClient({ endpoint: first.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
    const role = await iam.send(new GetRoleCommand({ RoleName: 'OrganizationAccountAccessRole' }));
    const trust = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!));
    assert.equal(trust.Statement[0].Principal.AWS, `arn:aws:iam::${boot.managementAccountId}:root`);
    const att = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'OrganizationAccountAccessRole' }));
    assert.deepEqual(att.AttachedPolicies?.map((p) => p.PolicyArn), ['arn:aws:iam::aws:policy/AdministratorAccess']);

    const dup = spawnSync(process.execPath, kamenArgs('account', 'create', '--name', 'again', '--id', '111111111111', '--data-dir', dataDir), { encoding: 'utf8' });
    assert.notEqual(dup.status, 0);
  } finally {
    await first.stop();
  }
  // a second start finds the same organization and does not bootstrap again
  const second = await serve(dataDir);
  try {
    assert.doesNotMatch(second.output, /created organization/);
    const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
    const sts = new STSClient({ endpoint: second.url, region: 'us-east-1', credentials: { accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey }, maxAttempts: 1 });
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, boot.managementAccountId);
  } finally {
    await second.stop();
  }
});
