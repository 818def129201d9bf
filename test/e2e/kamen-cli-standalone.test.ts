/** The CLI flags of the organization lifecycle and drop-in mode: serve --no-organization, account create --standalone, --accept-any-credentials. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateOrganizationCommand, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { runKamen, serveKamen } from './cli-run.js';

const creds = (k: { accessKeyId: string; secretAccessKey: string }) => ({ accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey });

test('kamen serve --no-organization and account create --standalone make accounts outside any organization', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-cli-standalone-'));
  const env = { KAMEN_MASTER_KEY: '' };
  let served = await serveKamen(['--port', '0', '--no-console', '--data-dir', dataDir, '--no-organization'], env);
  try {
    assert.match(served.output(), /created standalone account \d{12}/);
    const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
    assert.equal(boot.organizationId, '');
    const org = new OrganizationsClient({ region: 'us-east-1', endpoint: served.url, credentials: creds(boot), maxAttempts: 1 });
    await assert.rejects(org.send(new DescribeOrganizationCommand({})), (e: Error) => e.name === 'AWSOrganizationsNotInUseException');
    await served.stop();

    const made = runKamen(['account', 'create', '--standalone', '--name', 'bee', '--data-dir', dataDir, '--json'], env);
    assert.equal(made.status, 0, made.stderr);
    const bee = JSON.parse(made.stdout) as { AccountId: string; AccessKeyId: string; SecretAccessKey: string };
    // Without --standalone there is no organization to add a member to.
    assert.notEqual(runKamen(['account', 'create', '--name', 'cee', '--data-dir', dataDir], env).status, 0);

    served = await serveKamen(['--port', '0', '--no-console', '--data-dir', dataDir], env);
    assert.doesNotMatch(served.output(), /created (standalone account|organization)/);
    const beeOrg = new OrganizationsClient({ region: 'us-east-1', endpoint: served.url, credentials: { accessKeyId: bee.AccessKeyId, secretAccessKey: bee.SecretAccessKey }, maxAttempts: 1 });
    await assert.rejects(beeOrg.send(new DescribeOrganizationCommand({})), (e: Error) => e.name === 'AWSOrganizationsNotInUseException');
    const created = await beeOrg.send(new CreateOrganizationCommand({}));
    assert.equal(created.Organization?.MasterAccountId, bee.AccountId);
  } finally {
    await served.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('kamen serve --accept-any-credentials warns loudly and adopts unknown keys into the default account', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-cli-dropin-'));
  const served = await serveKamen(['--port', '0', '--no-console', '--data-dir', dataDir, '--accept-any-credentials', '--default-account', '123456789012']);
  try {
    await served.waitFor(/WARNING: POST .*\/_kamen\/reset/);
    assert.match(served.output(), /drop-in mode \(--accept-any-credentials\) is ON/);
    assert.match(served.output(), /account 123456789012, and its signature is NOT verified/);
    const sts = new STSClient({ region: 'us-east-1', endpoint: served.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, '123456789012');
  } finally {
    await served.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  assert.notEqual(runKamen(['serve', '--port', '0', '--data-dir', dataDir, '--default-account', '123456789012']).status, 0);
});
