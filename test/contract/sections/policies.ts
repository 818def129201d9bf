/** Contract: customer managed policies and versions, inline policies, and managed policy attachments. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isKamenError } from '../../../src/errors.js';
import { A1, A2, at, DOC, drain, policy, T0, version, withStore } from '../fixtures.js';

/** Registers the policies contract tests. */
export function policiesContract(makeStore: () => Promise<Store>): void {
  describe('managed policies', () => {
    it('creates a policy with its first version and reads both back exactly', () =>
      withStore(makeStore, async (s) => {
        const p = policy(A1, 'ReadS3', { path: '/team/', description: 'read', tags: [{ Key: 'a', Value: '1' }] });
        const v1 = version(p.arn, 'v1', { isDefaultVersion: true, createDate: at(1) });
        await s.createPolicy(p, v1);
        assert.deepEqual(await s.getPolicy(p.arn), p);
        assert.deepEqual(await s.getPolicyVersion(p.arn, 'v1'), v1);
        assert.deepEqual(await s.listPolicyVersions(p.arn), [v1]);
        assert.equal(await s.getPolicy(`arn:aws:iam::${A1}:policy/nope`), undefined);
        assert.equal(await s.getPolicyVersion(p.arn, 'v9'), undefined);
        const bare = policy(A1, 'Bare');
        await s.createPolicy(bare, version(bare.arn, 'v1', { isDefaultVersion: true }));
        const got = await s.getPolicy(bare.arn);
        assert.ok(got && !('description' in got));
      }));

    it('keeps policy names unique case-insensitively per account', () =>
      withStore(makeStore, async (s) => {
        const p = policy(A1, 'Admin');
        await s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
        const dup = policy(A1, 'ADMIN');
        await assert.rejects(s.createPolicy(dup, version(dup.arn, 'v1', { isDefaultVersion: true })), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        assert.equal(await s.getPolicy(dup.arn), undefined);
        assert.equal(await s.getPolicyVersion(dup.arn, 'v1'), undefined, 'a failed create leaves no version behind');
        const other = policy(A2, 'Admin');
        await s.createPolicy(other, version(other.arn, 'v1', { isDefaultVersion: true }));
      }));

    it('lists versions newest first and switches the default version', () =>
      withStore(makeStore, async (s) => {
        const p = policy(A1, 'P');
        await s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
        for (let i = 2; i <= 10; i++) {
          await s.createPolicyVersion(version(p.arn, 'v' + i, { createDate: at(i), isDefaultVersion: i === 3 }));
        }
        let versions = await s.listPolicyVersions(p.arn);
        assert.deepEqual(versions.map((v) => v.versionId), ['v10', 'v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1']);
        assert.deepEqual(versions.filter((v) => v.isDefaultVersion).map((v) => v.versionId), ['v3']);
        assert.equal((await s.getPolicy(p.arn))?.defaultVersionId, 'v3');
        await s.setDefaultPolicyVersion(p.arn, 'v10');
        assert.equal((await s.getPolicy(p.arn))?.defaultVersionId, 'v10');
        assert.equal((await s.getPolicyVersion(p.arn, 'v10'))?.isDefaultVersion, true);
        assert.equal((await s.getPolicyVersion(p.arn, 'v3'))?.isDefaultVersion, false);
        await s.deletePolicyVersion(p.arn, 'v2');
        versions = await s.listPolicyVersions(p.arn);
        assert.equal(versions.length, 9);
        assert.ok(!versions.some((v) => v.versionId === 'v2'));
        await assert.rejects(s.createPolicyVersion(version(p.arn, 'v10')), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        assert.equal((await s.getPolicyVersion(p.arn, 'v10'))?.document, DOC('s3:v10'));
      }));

    it('updates the default version, update date, tags and description', () =>
      withStore(makeStore, async (s) => {
        const p = policy(A1, 'P', { description: 'x' });
        await s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
        await s.createPolicyVersion(version(p.arn, 'v2'));
        await s.updatePolicy(p.arn, { defaultVersionId: 'v2', updateDate: at(60), tags: [{ Key: 't', Value: 'u' }] });
        const got = await s.getPolicy(p.arn);
        assert.equal(got?.defaultVersionId, 'v2');
        assert.equal(got?.updateDate.getTime(), at(60).getTime());
        assert.equal(got?.createDate.getTime(), T0.getTime());
        assert.deepEqual(got?.tags, [{ Key: 't', Value: 'u' }]);
        assert.equal(got?.description, 'x');
        assert.equal((await s.getPolicyVersion(p.arn, 'v2'))?.isDefaultVersion, true);
        await s.updatePolicy(p.arn, { description: undefined });
        assert.equal((await s.getPolicy(p.arn))?.description, undefined);
      }));

    it('deletes a policy with its versions, but not while it is attached', () =>
      withStore(makeStore, async (s) => {
        const p = policy(A1, 'P');
        await s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
        await s.createPolicyVersion(version(p.arn, 'v2'));
        await s.attachPolicy({ accountId: A1, kind: 'role', principalName: 'r', policyArn: p.arn });
        await assert.rejects(s.deletePolicy(p.arn), (e) => isKamenError(e, 'ERR_DELETE_CONFLICT'));
        await s.detachPolicy({ accountId: A1, kind: 'role', principalName: 'r', policyArn: p.arn });
        await s.deletePolicy(p.arn);
        assert.equal(await s.getPolicy(p.arn), undefined);
        assert.deepEqual(await s.listPolicyVersions(p.arn), []);
        await s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
        assert.deepEqual((await s.listPolicyVersions(p.arn)).map((v) => v.versionId), ['v1'], 'no stale versions come back');
      }));

    it('lists an account\'s policies alphabetically with markers and pathPrefix', () =>
      withStore(makeStore, async (s) => {
        for (const [n, path] of [['delta', '/'], ['Alpha', '/a/'], ['charlie', '/a/b/'], ['Bravo', '/']] as const) {
          const p = policy(A1, n, { path });
          await s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
        }
        const other = policy(A2, 'zulu');
        await s.createPolicy(other, version(other.arn, 'v1', { isDefaultVersion: true }));
        assert.deepEqual((await drain((o) => s.listPolicies(A1, o), 3)).items.map((p) => p.policyName), ['Alpha', 'Bravo', 'charlie', 'delta']);
        assert.deepEqual((await drain((o) => s.listPolicies(A1, o), 1, '/a/')).items.map((p) => p.policyName), ['Alpha', 'charlie']);
      }));
  });

  describe('inline policies', () => {
    it('puts (insert or replace), reads, lists sorted and deletes, separately per principal kind', () =>
      withStore(makeStore, async (s) => {
        const base = { accountId: A1, kind: 'user' as const, principalName: 'alice' };
        await s.putInlinePolicy({ ...base, policyName: 'zeta', document: DOC('s3:*') });
        await s.putInlinePolicy({ ...base, policyName: 'Alpha', document: DOC('ec2:*') });
        await s.putInlinePolicy({ ...base, policyName: 'beta', document: DOC('iam:*') });
        await s.putInlinePolicy({ accountId: A1, kind: 'role', principalName: 'alice', policyName: 'roleonly', document: '{}' });
        await s.putInlinePolicy({ ...base, accountId: A2, policyName: 'other', document: '{}' });
        assert.deepEqual((await s.listInlinePolicies(A1, 'user', 'alice')).map((p) => p.policyName), ['Alpha', 'beta', 'zeta']);
        assert.deepEqual(await s.getInlinePolicy(A1, 'user', 'alice', 'zeta'), { ...base, policyName: 'zeta', document: DOC('s3:*') });
        assert.equal((await s.getInlinePolicy(A1, 'user', 'ALICE', 'ZETA'))?.document, DOC('s3:*'));
        await s.putInlinePolicy({ ...base, policyName: 'zeta', document: DOC('sqs:*') });
        assert.equal((await s.getInlinePolicy(A1, 'user', 'alice', 'zeta'))?.document, DOC('sqs:*'));
        assert.equal((await s.listInlinePolicies(A1, 'user', 'alice')).length, 3);
        assert.equal(await s.getInlinePolicy(A1, 'group', 'alice', 'zeta'), undefined);
        assert.deepEqual((await s.listInlinePolicies(A1, 'role', 'alice')).map((p) => p.policyName), ['roleonly']);
        await s.deleteInlinePolicy(A1, 'user', 'alice', 'beta');
        assert.deepEqual((await s.listInlinePolicies(A1, 'user', 'alice')).map((p) => p.policyName), ['Alpha', 'zeta']);
        await s.deleteInlinePolicy(A1, 'user', 'alice', 'missing');
      }));
  });

  describe('policy attachments', () => {
    it('attaches idempotently, lists per principal and per policy, and counts across accounts', () =>
      withStore(makeStore, async (s) => {
        const ro = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
        const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
        await s.attachPolicy({ accountId: A1, kind: 'user', principalName: 'alice', policyArn: ro });
        await s.attachPolicy({ accountId: A1, kind: 'user', principalName: 'alice', policyArn: ro });
        await s.attachPolicy({ accountId: A1, kind: 'user', principalName: 'alice', policyArn: admin });
        await s.attachPolicy({ accountId: A1, kind: 'group', principalName: 'devs', policyArn: ro });
        await s.attachPolicy({ accountId: A1, kind: 'role', principalName: 'app', policyArn: ro });
        await s.attachPolicy({ accountId: A2, kind: 'role', principalName: 'app', policyArn: ro });
        assert.deepEqual((await s.listAttachedPolicies(A1, 'user', 'alice')).sort(), [admin, ro].sort());
        assert.deepEqual(await s.listAttachedPolicies(A1, 'user', 'ALICE').then((a) => a.length), 2);
        assert.deepEqual(await s.listAttachedPolicies(A1, 'group', 'alice'), []);
        const who = await s.listPolicyAttachments(A1, ro);
        assert.deepEqual(
          who.map((a) => `${a.kind}:${a.principalName}`).sort(),
          ['group:devs', 'role:app', 'user:alice'],
        );
        assert.ok(who.every((a) => a.accountId === A1 && a.policyArn === ro));
        assert.equal(await s.countPolicyAttachments(ro), 4);
        assert.equal(await s.countPolicyAttachments(admin), 1);
        assert.equal(await s.countPolicyAttachments('arn:aws:iam::aws:policy/None'), 0);
        await s.detachPolicy({ accountId: A1, kind: 'user', principalName: 'alice', policyArn: ro });
        await s.detachPolicy({ accountId: A1, kind: 'user', principalName: 'alice', policyArn: ro });
        assert.deepEqual(await s.listAttachedPolicies(A1, 'user', 'alice'), [admin]);
        assert.equal(await s.countPolicyAttachments(ro), 3);
      }));
  });
}
