/** `kamen store copy`: a SQLite data dir moved into PostgreSQL reads back the same through the Store, and an occupied target is refused. */
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventRowBatch } from '../../src/audit/event-row.js';
import { pushEventRows } from '../../src/audit/record.js';
import { isKamenError } from '../../src/errors.js';
import { loadOrCreateMasterKey, openStore } from '../../src/store/open.js';
import { copySqliteToPostgres } from '../../src/store/postgres/copy.js';
import { clusterOrSkip } from '../helpers/postgres.js';
import { A1, A2, accessKey, account, at, group, instanceProfile, mfa, policy, role, T0, tempCred, user, version } from '../contract/fixtures.js';

const got = await clusterOrSkip();
if ('skip' in got) {
  it('kamen store copy', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());

  it('copies every table, keeps secrets readable under the same master key, and verifies counts and reads', async () => {
    const url = await cluster.createDatabase('copy');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-copy-'));
    try {
      const src = await openStore({ dataDir });
      await src.createOrganization({ id: 'o-abcdefghij', arn: 'arn:aws:organizations::111111111111:organization/o-abcdefghij', managementAccountId: A1, managementAccountEmail: 'm@example.com', rootId: 'r-ab12', featureSet: 'ALL', createdAt: T0 });
      await src.putAccount(account(A1, 'mgmt', 'r-ab12', at(1)));
      await src.putAccount(account(A2, 'dev', 'r-ab12', at(2)));
      await src.putOrgPolicy({ id: 'p-FullAWSAccess', arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', name: 'FullAWSAccess', description: 'd', type: 'SERVICE_CONTROL_POLICY', awsManaged: true, content: '{}' });
      await src.attachOrgPolicy('p-FullAWSAccess', 'r-ab12');
      await src.attachOrgPolicy('p-FullAWSAccess', A2);
      await src.putRootUser({ accountId: A1, email: 'Owner@Example.com', passwordHash: 'scrypt$x', createDate: T0 });
      await src.setAccountAlias(A1, 'acme');
      await src.createUser(user(A1, 'Alice', { tags: [{ Key: 'k', Value: 'v' }] }));
      await src.createGroup(group(A1, 'devs'));
      await src.addUserToGroup(A1, 'devs', 'Alice');
      const key = accessKey(A1, 'Alice');
      await src.createAccessKey(key);
      await src.createAccessKey(accessKey(A1, undefined));
      await src.putLoginProfile({ accountId: A1, userName: 'Alice', passwordHash: 'h', passwordResetRequired: true, createDate: T0 });
      const dev = mfa(A1, 'alice-phone', { userName: 'Alice', enableDate: T0, lastUsedStep: 42 });
      await src.createMfaDevice(dev);
      await src.createRole(role(A1, 'Deployer', { lastUsed: { date: at(3), region: 'us-east-1' } }));
      await src.createInstanceProfile(instanceProfile(A1, 'web', { roleNames: ['Deployer'] }));
      const p = policy(A1, 'P');
      await src.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
      await src.createPolicyVersion(version(p.arn, 'v2', { isDefaultVersion: true }));
      await src.attachPolicy({ accountId: A1, kind: 'role', principalName: 'Deployer', policyArn: p.arn });
      await src.putInlinePolicy({ accountId: A1, kind: 'user', principalName: 'Alice', policyName: 'inline', document: '{"a":1}' });
      const temp = await src.putTemporaryCredential(tempCred(A1, at(9999)));
      await src.setSetting('bootstrap.account', A1);
      // audit events: one block of two (a detached batch), one of one (a transaction), and one of two rows of facts
      // (the writer thread's rows block: its event IDs are made when it is read)
      const ev = (n: number, account = A1) => ({ accountId: account, eventId: `00000000-0000-4000-8000-00000000000${n}`, eventTime: at(10 + n), eventName: 'GetUser', eventSource: 'iam.amazonaws.com', readOnly: true, username: 'Alice', resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: 'Alice' }], record: `{"n":${n}}`, awsRegion: 'us-east-1' });
      await src.appendEventsDetached!([ev(1), ev(2)]);
      await src.transaction(() => src.appendEvents([ev(3, A2)]));
      const rows = new EventRowBatch();
      const alice = { kind: 'user' as const, accountId: A1, arn: `arn:aws:iam::${A1}:user/Alice`, userId: 'AIDAALICE', accessKeyId: 'AKIAALICE', userName: 'Alice' };
      for (const n of [20, 21]) pushEventRows(rows, { requestId: `req-${n}`, eventTimeMs: at(n).getTime(), service: 'iam', operation: 'GetUser', region: 'us-east-1', sourceIp: '203.0.113.9', userAgent: 'aws-cli/2.9.19', secureTransport: false, caller: alice, input: { UserName: 'Alice' } });
      await src.appendEventRows!(rows.bytes());
      const events = await src.readEventsAfter(0, 10);
      await src.close();

      const report = await copySqliteToPostgres({ fromDataDir: dataDir, toUrl: url + '?schema=moved' });
      assert.equal(report.tables.iam_users, 1);
      assert.equal(report.tables.access_keys, 2);
      assert.equal(report.tables.org_policy_targets, 2);
      assert.equal(report.tables.policy_versions, 2);
      assert.equal(report.tables.settings, 1);
      assert.equal(report.tables.temporary_credentials, 1);
      assert.equal(report.tables.events, 5);
      assert.equal(report.tables.event_resources, 5);
      assert.ok(report.sampled >= 10, `sampled ${report.sampled}`);

      const dst = await openStore({ url, schema: 'moved', masterKey: loadOrCreateMasterKey(dataDir) });
      try {
        assert.equal((await dst.getAccessKey(key.accessKeyId))?.secretAccessKey, key.secretAccessKey, 'secrets decrypt with the same master key');
        assert.deepEqual(await dst.getMfaDevice(dev.serialNumber), dev);
        assert.deepEqual(await dst.getTemporaryCredential(temp.accessKeyId), temp, 'sessions keep working after the move');
        assert.equal((await dst.getLoginProfile(A1, 'alice'))?.passwordResetRequired, true);
        assert.equal((await dst.getOrgPolicy('p-FullAWSAccess'))?.awsManaged, true);
        assert.equal((await dst.getPolicy(p.arn))?.defaultVersionId, 'v2');
        assert.deepEqual((await dst.getInstanceProfile(A1, 'WEB'))?.roleNames, ['Deployer']);
        assert.equal(await dst.getSetting('bootstrap.account'), A1);
        assert.deepEqual(await dst.readEventsAfter(0, 10), events, 'events keep their positions');
        const found = await dst.lookupEvents({ accountId: A1, region: 'us-east-1', attribute: { key: 'ResourceName', value: 'Alice' }, startMs: 0, endMs: at(100).getTime(), limit: 10 });
        assert.deepEqual(found.slice(2).map((e) => e.record), ['{"n":2}', '{"n":1}']);
        // the rows' events, newest first, with the IDs and records they were read with before the move
        assert.deepEqual(found.slice(0, 2).map((e) => (JSON.parse(e.record) as { requestID: string; eventID: string }).requestID), ['req-21', 'req-20']);
        const moved = events.filter((e) => e.record.includes('"requestID":"req-2'));
        assert.deepEqual(found.slice(0, 2).map((e) => [e.eventId, e.record]).reverse(), moved.map((e) => [e.eventId, e.record]));
        assert.equal(await dst.getAccountIdByAlias('ACME'), A1);
        await dst.attachOrgPolicy('p-FullAWSAccess', A1);
        assert.deepEqual(await dst.listOrgPolicyTargets('p-FullAWSAccess'), ['r-ab12', A2, A1], 'new rows continue after the copied ones');
      } finally {
        await dst.close();
      }

      await assert.rejects(copySqliteToPostgres({ fromDataDir: dataDir, toUrl: url, schema: 'moved' }), (e) => isKamenError(e) && /already holds rows/.test(e.message));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
