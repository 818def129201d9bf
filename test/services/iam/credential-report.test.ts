import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readVectors } from '../../helpers/paths.js';
import { ACCT, T0, env, type Env } from './helpers.js';

const v = readVectors<Record<string, string>>('iam', 'credential-report.json');
const cert = readVectors<{ certs: Record<string, string> }>('iam', 'credential-material.json').certs;

describe('IAM credential reports', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('answers ReportNotPresent, then STARTED, COMPLETE while fresh, ReportExpired after four hours', async () => {
    await e.fails('GetCredentialReport', {}, 'ERR_REPORT_NOT_PRESENT');
    assert.equal((await e.call('GenerateCredentialReport')).State, 'STARTED');
    assert.deepEqual(await e.call('GenerateCredentialReport'), { State: 'COMPLETE' });
    const got = await e.call('GetCredentialReport');
    assert.equal(got.ReportFormat, 'text/csv');
    assert.equal(got.GeneratedTime.getTime(), T0);
    e.clock.set(T0 + 4 * 3600_000);
    await e.fails('GetCredentialReport', {}, 'ERR_REPORT_EXPIRED');
    assert.equal((await e.call('GenerateCredentialReport')).State, 'STARTED');
    assert.equal((await e.call('GetCredentialReport')).GeneratedTime.getTime(), T0 + 4 * 3600_000);
  });

  it('writes AWS\'s columns and cell values for root, a bare user and a user with credentials', async () => {
    await e.call('CreateUser', { UserName: 'bare' });
    await e.call('CreateUser', { UserName: 'busy', Path: '/ops/' });
    await e.call('UpdateAccountPasswordPolicy', { MaxPasswordAge: 90 });
    await e.call('CreateLoginProfile', { UserName: 'busy', Password: 'Correct-Horse-Battery-1' });
    const key = (await e.call('CreateAccessKey', { UserName: 'busy' })).AccessKey;
    await e.store.updateAccessKey(key.AccessKeyId, { lastUsed: { date: new Date(T0 + 3600_000), serviceName: 'ec2', region: 'eu-west-1' } });
    e.clock.set(Date.UTC(2027, 0, 1));
    await e.call('UploadSigningCertificate', { UserName: 'busy', CertificateBody: cert['self'] });
    e.clock.set(T0);
    // the certificate's upload date is the clock's at upload; rewrite it to T0 for the vector
    const [c] = await e.store.listAccountUserCredentials(ACCT, 'signing-certificate');
    await e.store.deleteUserCredential(ACCT, 'signing-certificate', c!.id);
    await e.store.createUserCredential({ ...c!, createDate: new Date(T0) });
    await e.call('GenerateCredentialReport');
    const csv = Buffer.from((await e.call('GetCredentialReport')).Content).toString('utf8');
    const lines = csv.split('\n');
    assert.equal(lines[0], v['header']);
    assert.ok(lines[1]!.startsWith(v['rootPrefix']!), lines[1]);
    assert.ok(lines[1]!.includes(v['rootTail']!), lines[1]);
    assert.equal(lines[1]!.split(',').length, 22);
    assert.equal(lines[2], v['bare']);
    assert.equal(lines[3], v['busy']);
    assert.equal(lines.length, 4);
  });
});
