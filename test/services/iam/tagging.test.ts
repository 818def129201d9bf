/**
 * Tag…/Untag…/List…Tags for every taggable IAM entity, and a missing entity is NoSuchEntity. Tag keys compare as the IAM
 * User Guide documents per kind (id_tags.md, "Case sensitivity"): without case for users and roles (case preserved, a
 * new tag replaces the old one), exactly for customer managed policies, instance profiles and virtual MFA devices.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACCT, env } from './helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' }] });
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

/** Each kind: how to create one, the input naming it, and one naming nothing. */
const KINDS: Array<{ kind: string; keyCase: 'insensitive' | 'sensitive'; tag: string; untag: string; list: string; create: (e: Awaited<ReturnType<typeof env>>) => Promise<Record<string, string>>; missing: Record<string, string> }> = [
  { kind: 'user', keyCase: 'insensitive', tag: 'TagUser', untag: 'UntagUser', list: 'ListUserTags', create: async (e) => (await e.call('CreateUser', { UserName: 'u1' }), { UserName: 'u1' }), missing: { UserName: 'nobody' } },
  { kind: 'role', keyCase: 'insensitive', tag: 'TagRole', untag: 'UntagRole', list: 'ListRoleTags', create: async (e) => (await e.call('CreateRole', { RoleName: 'r1', AssumeRolePolicyDocument: TRUST }), { RoleName: 'r1' }), missing: { RoleName: 'nobody' } },
  { kind: 'policy', keyCase: 'sensitive', tag: 'TagPolicy', untag: 'UntagPolicy', list: 'ListPolicyTags', create: async (e) => ({ PolicyArn: (await e.call('CreatePolicy', { PolicyName: 'p1', PolicyDocument: DOC })).Policy.Arn }), missing: { PolicyArn: `arn:aws:iam::${ACCT}:policy/nobody` } },
  { kind: 'MFA device', keyCase: 'sensitive', tag: 'TagMFADevice', untag: 'UntagMFADevice', list: 'ListMFADeviceTags', create: async (e) => ({ SerialNumber: (await e.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'm1' })).VirtualMFADevice.SerialNumber }), missing: { SerialNumber: `arn:aws:iam::${ACCT}:mfa/nobody` } },
  { kind: 'instance profile', keyCase: 'sensitive', tag: 'TagInstanceProfile', untag: 'UntagInstanceProfile', list: 'ListInstanceProfileTags', create: async (e) => (await e.call('CreateInstanceProfile', { InstanceProfileName: 'ip1' }), { InstanceProfileName: 'ip1' }), missing: { InstanceProfileName: 'nobody' } },
];

describe('IAM tagging, every taggable kind', () => {
  for (const k of KINDS) {
    it(`${k.kind}: tag merges keys ${k.keyCase === 'insensitive' ? 'without' : 'with'} case, untag removes, list pages; missing → NoSuchEntity`, async () => {
      const e = await env();
      try {
        const id = await k.create(e);
        await e.call(k.tag, { ...id, Tags: [{ Key: 'team', Value: 'red' }, { Key: 'env', Value: 'dev' }] });
        await e.call(k.tag, { ...id, Tags: [{ Key: 'TEAM', Value: 'blue' }] });
        if (k.keyCase === 'insensitive') {
          // TEAM replaces team (one key, the new case kept)
          assert.deepEqual((await e.call(k.list, id)).Tags, [{ Key: 'TEAM', Value: 'blue' }, { Key: 'env', Value: 'dev' }]);
          const first = await e.call(k.list, { ...id, MaxItems: 1 });
          assert.equal(first.IsTruncated, true);
          assert.deepEqual(first.Tags, [{ Key: 'TEAM', Value: 'blue' }]);
          assert.deepEqual((await e.call(k.list, { ...id, Marker: first.Marker })).Tags, [{ Key: 'env', Value: 'dev' }]);
          await e.call(k.untag, { ...id, TagKeys: ['team'] });
          assert.deepEqual((await e.call(k.list, id)).Tags, [{ Key: 'env', Value: 'dev' }]);
          // two keys that differ only in case are one key: a duplicate in one request
          await e.fails(k.tag, { ...id, Tags: [{ Key: 'Costcenter', Value: '1234' }, { Key: 'costcenter', Value: '5678' }] }, 'ERR_INVALID_INPUT', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
        } else {
          // TEAM is another key than team: both are kept
          assert.deepEqual((await e.call(k.list, id)).Tags, [{ Key: 'team', Value: 'red' }, { Key: 'env', Value: 'dev' }, { Key: 'TEAM', Value: 'blue' }]);
          const first = await e.call(k.list, { ...id, MaxItems: 1 });
          assert.equal(first.IsTruncated, true);
          assert.deepEqual(first.Tags, [{ Key: 'team', Value: 'red' }]);
          assert.deepEqual((await e.call(k.list, { ...id, Marker: first.Marker })).Tags, [{ Key: 'env', Value: 'dev' }, { Key: 'TEAM', Value: 'blue' }]);
          // untag removes the exact key only
          await e.call(k.untag, { ...id, TagKeys: ['team'] });
          assert.deepEqual((await e.call(k.list, id)).Tags, [{ Key: 'env', Value: 'dev' }, { Key: 'TEAM', Value: 'blue' }]);
          await e.call(k.untag, { ...id, TagKeys: ['TEAM'] });
          assert.deepEqual((await e.call(k.list, id)).Tags, [{ Key: 'env', Value: 'dev' }]);
          // Costcenter and costcenter are two keys (the guide's example for a customer managed policy)
          await e.call(k.tag, { ...id, Tags: [{ Key: 'Costcenter', Value: '1234' }, { Key: 'costcenter', Value: '5678' }] });
          assert.deepEqual((await e.call(k.list, id)).Tags, [{ Key: 'env', Value: 'dev' }, { Key: 'Costcenter', Value: '1234' }, { Key: 'costcenter', Value: '5678' }]);
          await e.call(k.untag, { ...id, TagKeys: ['Costcenter', 'costcenter'] });
        }
        await e.fails(k.tag, { ...k.missing, Tags: [{ Key: 'a', Value: 'b' }] }, 'ERR_NO_SUCH_ENTITY');
        await e.fails(k.list, k.missing, 'ERR_NO_SUCH_ENTITY');
      } finally {
        await e.close();
      }
    });
  }
});
