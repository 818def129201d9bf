/** IAM tag rules for every taggable kind: reserved `aws:` keys and values are InvalidInput, the 50-tag quota is LimitExceeded. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readVectors } from '../../helpers/paths.js';
import { ACCT, env, type Env } from './helpers.js';

interface Rules {
  messages: { reservedKey: string; reservedValue: string; limit: string };
  reservedKeys: string[];
  reservedValues: string[];
  allowedKeys: string[];
  allowedValues: string[];
}
const rules = readVectors<Rules>('iam', 'tag-rules.json');

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' }] });
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

type Tags = Array<{ Key: string; Value: string }>;

/** Each kind: its operations, how to create one (with tags), and the input naming a missing one. */
interface Kind {
  kind: string;
  tag: string;
  untag: string;
  list: string;
  create(e: Env, tags?: Tags): Promise<Record<string, string>>;
  /** The number of entities of the kind in the account. */
  count(e: Env): Promise<number>;
  missing: Record<string, string>;
}

const KINDS: Kind[] = [
  {
    kind: 'user',
    tag: 'TagUser',
    untag: 'UntagUser',
    list: 'ListUserTags',
    create: async (e, tags) => (await e.call('CreateUser', { UserName: 'u1', ...(tags ? { Tags: tags } : {}) }), { UserName: 'u1' }),
    count: async (e) => (await e.call('ListUsers')).Users.length,
    missing: { UserName: 'nobody' },
  },
  {
    kind: 'role',
    tag: 'TagRole',
    untag: 'UntagRole',
    list: 'ListRoleTags',
    create: async (e, tags) => (await e.call('CreateRole', { RoleName: 'r1', AssumeRolePolicyDocument: TRUST, ...(tags ? { Tags: tags } : {}) }), { RoleName: 'r1' }),
    count: async (e) => (await e.call('ListRoles')).Roles.length,
    missing: { RoleName: 'nobody' },
  },
  {
    kind: 'policy',
    tag: 'TagPolicy',
    untag: 'UntagPolicy',
    list: 'ListPolicyTags',
    create: async (e, tags) => ({ PolicyArn: (await e.call('CreatePolicy', { PolicyName: 'p1', PolicyDocument: DOC, ...(tags ? { Tags: tags } : {}) })).Policy.Arn }),
    count: async (e) => (await e.call('ListPolicies', { Scope: 'Local' })).Policies.length,
    missing: { PolicyArn: `arn:aws:iam::${ACCT}:policy/nobody` },
  },
  {
    kind: 'instance profile',
    tag: 'TagInstanceProfile',
    untag: 'UntagInstanceProfile',
    list: 'ListInstanceProfileTags',
    create: async (e, tags) => (await e.call('CreateInstanceProfile', { InstanceProfileName: 'ip1', ...(tags ? { Tags: tags } : {}) }), { InstanceProfileName: 'ip1' }),
    count: async (e) => (await e.call('ListInstanceProfiles')).InstanceProfiles.length,
    missing: { InstanceProfileName: 'nobody' },
  },
  {
    kind: 'MFA device',
    tag: 'TagMFADevice',
    untag: 'UntagMFADevice',
    list: 'ListMFADeviceTags',
    create: async (e, tags) => ({ SerialNumber: (await e.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'm1', ...(tags ? { Tags: tags } : {}) })).VirtualMFADevice.SerialNumber }),
    count: async (e) => (await e.call('ListVirtualMFADevices')).VirtualMFADevices.length,
    missing: { SerialNumber: `arn:aws:iam::${ACCT}:mfa/nobody` },
  },
];

async function withEnv(fn: (e: Env) => Promise<void>): Promise<void> {
  const e = await env();
  try {
    await fn(e);
  } finally {
    await e.close();
  }
}

const tagsOf = async (e: Env, k: Kind, id: Record<string, string>): Promise<Tags> => (await e.call(k.list, { ...id, MaxItems: 1000 })).Tags;

describe('IAM tag rules, every taggable kind', () => {
  for (const k of KINDS) {
    it(`${k.kind}: ${k.tag} refuses keys and values beginning with aws: (any case) and changes nothing`, () =>
      withEnv(async (e) => {
        const id = await k.create(e);
        await e.call(k.tag, { ...id, Tags: [{ Key: 'keep', Value: 'v' }] });
        for (const key of rules.reservedKeys) {
          await e.fails(k.tag, { ...id, Tags: [{ Key: 'ok', Value: 'v' }, { Key: key, Value: 'v' }] }, 'ERR_INVALID_INPUT', rules.messages.reservedKey);
        }
        for (const value of rules.reservedValues) {
          await e.fails(k.tag, { ...id, Tags: [{ Key: 'ok', Value: value }] }, 'ERR_INVALID_INPUT', rules.messages.reservedValue);
        }
        assert.deepEqual(await tagsOf(e, k, id), [{ Key: 'keep', Value: 'v' }], 'a refused request adds nothing');
      }));

    it(`${k.kind}: keys and values that merely contain aws are accepted`, () =>
      withEnv(async (e) => {
        const id = await k.create(e);
        const tags = rules.allowedKeys.map((key, i) => ({ Key: key, Value: rules.allowedValues[i % rules.allowedValues.length]! }));
        await e.call(k.tag, { ...id, Tags: tags });
        assert.deepEqual(await tagsOf(e, k, id), tags);
      }));

    it(`${k.kind}: ${k.untag} refuses an aws: key (InvalidInput) and removes nothing`, () =>
      withEnv(async (e) => {
        const id = await k.create(e);
        await e.call(k.tag, { ...id, Tags: [{ Key: 'a', Value: '1' }] });
        for (const key of rules.reservedKeys) await e.fails(k.untag, { ...id, TagKeys: ['a', key] }, 'ERR_INVALID_INPUT', rules.messages.reservedKey);
        assert.deepEqual(await tagsOf(e, k, id), [{ Key: 'a', Value: '1' }]);
      }));

    it(`${k.kind}: the reserved prefix is reported before the entity is looked up`, () =>
      withEnv(async (e) => {
        await e.fails(k.tag, { ...k.missing, Tags: [{ Key: 'aws:x', Value: 'v' }] }, 'ERR_INVALID_INPUT', rules.messages.reservedKey);
        await e.fails(k.untag, { ...k.missing, TagKeys: ['aws:x'] }, 'ERR_INVALID_INPUT', rules.messages.reservedKey);
        await e.fails(k.tag, { ...k.missing, Tags: [{ Key: 'a', Value: 'v' }] }, 'ERR_NO_SUCH_ENTITY');
      }));

    it(`${k.kind}: creating one with a reserved tag is InvalidInput and creates nothing`, () =>
      withEnv(async (e) => {
        await assert.rejects(k.create(e, [{ Key: 'AWS:owner', Value: 'x' }]), (err: any) => err.code === 'ERR_INVALID_INPUT' && err.message === rules.messages.reservedKey);
        await assert.rejects(k.create(e, [{ Key: 'owner', Value: 'aws:x' }]), (err: any) => err.code === 'ERR_INVALID_INPUT' && err.message === rules.messages.reservedValue);
        assert.equal(await k.count(e), 0);
      }));

    it(`${k.kind}: at most 50 tags in all (LimitExceeded, nothing added); replacing values at 50 still works`, () =>
      withEnv(async (e) => {
        const id = await k.create(e);
        const first = Array.from({ length: 30 }, (_, i) => ({ Key: `a${i}`, Value: 'x' }));
        await e.call(k.tag, { ...id, Tags: first });
        const more = Array.from({ length: 21 }, (_, i) => ({ Key: `b${i}`, Value: 'y' }));
        await e.fails(k.tag, { ...id, Tags: more }, 'ERR_LIMIT_EXCEEDED', rules.messages.limit);
        assert.equal((await tagsOf(e, k, id)).length, 30);
        await e.call(k.tag, { ...id, Tags: more.slice(0, 20) });
        await e.call(k.tag, { ...id, Tags: [{ Key: 'a0', Value: 'replaced' }] });
        const all = await tagsOf(e, k, id);
        assert.equal(all.length, 50);
        assert.deepEqual(all[0], { Key: 'a0', Value: 'replaced' });
      }));
  }
});
