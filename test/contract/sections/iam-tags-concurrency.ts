/**
 * Contract (service level): concurrent Tag…/Untag… calls on one IAM entity serialize in the store's transactions, so
 * the entity ends with exactly the union/difference of the acknowledged calls, and the 50-tag quota holds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, Tag } from '../../../src/store/store.js';
import { A1, instanceProfile, mfa, policy, role, user, version, withStore } from '../fixtures.js';
import { concurrently, iamHarness, tagSet, type IamHarness } from '../iam-harness.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A1}:root` }, Action: 'sts:AssumeRole' }] });
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

interface Kind {
  kind: string;
  tag: string;
  untag: string;
  list: string;
  /** Creates one entity of the kind and returns the input that names it. */
  create(h: IamHarness): Promise<Record<string, string>>;
}

const KINDS: Kind[] = [
  { kind: 'user', tag: 'TagUser', untag: 'UntagUser', list: 'ListUserTags', create: async (h) => (await h.call('CreateUser', { UserName: 'u1' }), { UserName: 'u1' }) },
  { kind: 'role', tag: 'TagRole', untag: 'UntagRole', list: 'ListRoleTags', create: async (h) => (await h.call('CreateRole', { RoleName: 'r1', AssumeRolePolicyDocument: TRUST }), { RoleName: 'r1' }) },
  { kind: 'policy', tag: 'TagPolicy', untag: 'UntagPolicy', list: 'ListPolicyTags', create: async (h) => ({ PolicyArn: (await h.call('CreatePolicy', { PolicyName: 'p1', PolicyDocument: DOC })).Policy.Arn }) },
  {
    kind: 'instance profile',
    tag: 'TagInstanceProfile',
    untag: 'UntagInstanceProfile',
    list: 'ListInstanceProfileTags',
    create: async (h) => (await h.call('CreateInstanceProfile', { InstanceProfileName: 'ip1' }), { InstanceProfileName: 'ip1' }),
  },
  {
    kind: 'MFA device',
    tag: 'TagMFADevice',
    untag: 'UntagMFADevice',
    list: 'ListMFADeviceTags',
    create: async (h) => ({ SerialNumber: (await h.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'm1' })).VirtualMFADevice.SerialNumber }),
  },
];

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

async function listTags(h: IamHarness, k: Kind, id: Record<string, string>): Promise<string[]> {
  return tagSet((await h.call(k.list, { ...id, MaxItems: 1000 })).Tags);
}

/** Store-level read and write of one entity's tags, per taggable kind. */
interface StoreKind {
  kind: string;
  create(s: Store): Promise<void>;
  read(s: Store): Promise<Tag[] | undefined>;
  write(s: Store, tags: Tag[]): Promise<void>;
}

const P1 = policy(A1, 'p1');
const M1 = mfa(A1, 'm1');
const STORE_KINDS: StoreKind[] = [
  { kind: 'user', create: (s) => s.createUser(user(A1, 'u1')), read: async (s) => (await s.getUser(A1, 'u1'))?.tags, write: (s, tags) => s.updateUser(A1, 'u1', { tags }) },
  { kind: 'role', create: (s) => s.createRole(role(A1, 'r1')), read: async (s) => (await s.getRole(A1, 'r1'))?.tags, write: (s, tags) => s.updateRole(A1, 'r1', { tags }) },
  {
    kind: 'policy',
    create: (s) => s.createPolicy(P1, version(P1.arn, 'v1', { isDefaultVersion: true })),
    read: async (s) => (await s.getPolicy(P1.arn))?.tags,
    write: (s, tags) => s.updatePolicy(P1.arn, { tags }),
  },
  {
    kind: 'instance profile',
    create: (s) => s.createInstanceProfile(instanceProfile(A1, 'ip1')),
    read: async (s) => (await s.getInstanceProfile(A1, 'ip1'))?.tags,
    write: (s, tags) => s.updateInstanceProfile(A1, 'ip1', { tags }),
  },
  { kind: 'MFA device', create: (s) => s.createMfaDevice(M1), read: async (s) => (await s.getMfaDevice(M1.serialNumber))?.tags, write: (s, tags) => s.updateMfaDevice(M1.serialNumber, { tags }) },
];

/** Registers the concurrent tagging tests (every taggable IAM kind), at the store level and through the operations. */
export function iamTagsConcurrencyContract(makeStore: () => Promise<Store>): void {
  describe('read-modify-write of tags in store transactions', () => {
    for (const k of STORE_KINDS) {
      it(`${k.kind}: 30 concurrent transactions that read the tags and append one keep all 30; reads see the transaction's own write`, () =>
        withStore(makeStore, async (s) => {
          await k.create(s);
          await k.read(s); // a warm read, so a backend's cache of committed rows is in play
          await Promise.all(
            range(30, (i) => `t${i}`).map((key) =>
              s.transaction(async () => {
                const tags = (await k.read(s)) ?? [];
                await k.write(s, [...tags, { Key: key, Value: 'v' }]);
                assert.ok((await k.read(s))?.some((t) => t.Key === key), 'the transaction reads its own write');
              }),
            ),
          );
          assert.deepEqual(((await k.read(s)) ?? []).map((t) => t.Key).sort(), range(30, (i) => `t${i}`).sort());
        }));
    }
  });

  describe('IAM tags under concurrency (service level)', () => {
    for (const k of KINDS) {
      it(`${k.kind}: 40 concurrent ${k.tag} calls leave every acknowledged tag`, () =>
        withStore(makeStore, async (s) => {
          const h = iamHarness(s);
          const id = await k.create(h);
          const keys = range(40, (i) => `k${i}`);
          const r = await concurrently(keys.map((key, i) => () => h.call(k.tag, { ...id, Tags: [{ Key: key, Value: `v${i}` }] })));
          assert.deepEqual(r.codes, []);
          assert.deepEqual(await listTags(h, k, id), keys.map((key, i) => `${key}=v${i}`).sort());
        }));

      it(`${k.kind}: concurrent ${k.untag} and ${k.tag} calls leave exactly the acknowledged difference and union`, () =>
        withStore(makeStore, async (s) => {
          const h = iamHarness(s);
          const id = await k.create(h);
          const old = range(20, (i) => `old${i}`);
          await h.call(k.tag, { ...id, Tags: old.map((key) => ({ Key: key, Value: 'x' })) });
          const fresh = range(20, (i) => `new${i}`);
          const calls = [
            ...old.map((key) => () => h.call(k.untag, { ...id, TagKeys: [key] })),
            ...fresh.map((key) => () => h.call(k.tag, { ...id, Tags: [{ Key: key, Value: 'y' }] })),
          ];
          // interleave untags and tags so both kinds of write race each other
          const mixed = calls.map((_, i) => calls[(i % 2) * 20 + Math.floor(i / 2)]!);
          const r = await concurrently(mixed);
          assert.deepEqual(r.codes, []);
          assert.equal(r.ok.length, 40);
          assert.deepEqual(await listTags(h, k, id), fresh.map((key) => `${key}=y`).sort());
        }));

      it(`${k.kind}: concurrent ${k.tag} calls at the 50-tag quota: exactly the ones that fit succeed`, () =>
        withStore(makeStore, async (s) => {
          const h = iamHarness(s);
          const id = await k.create(h);
          const base = range(45, (i) => `base${i}`);
          await h.call(k.tag, { ...id, Tags: base.map((key) => ({ Key: key, Value: 'b' })) });
          const extra = range(10, (i) => `extra${i}`);
          const r = await concurrently(extra.map((key) => () => h.call(k.tag, { ...id, Tags: [{ Key: key, Value: 'e' }] })));
          assert.equal(r.ok.length, 5, 'five more tags fit');
          assert.deepEqual(r.codes, Array(5).fill('ERR_LIMIT_EXCEEDED'));
          const expected = [...base.map((key) => `${key}=b`), ...r.ok.map((i) => `${extra[i]}=e`)].sort();
          assert.deepEqual(await listTags(h, k, id), expected);
        }));
    }
  });
}
