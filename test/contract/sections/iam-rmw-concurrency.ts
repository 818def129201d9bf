/**
 * Contract (service level): IAM's check-then-write operations run in one store transaction each, so concurrent calls
 * never pass a quota together (policy versions, access keys, groups per user, roles per instance profile), and a
 * removal or state change is acknowledged once (group membership, default version, alias, password policy, MFA).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { totpCodeAt, totpStepAt } from '../../../src/services/iam/index.js';
import { verifyPassword } from '../../../src/store/passwords.js';
import { A1, A2, T0, withStore } from '../fixtures.js';
import { concurrently, iamHarness, type IamHarness } from '../iam-harness.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A1}:root` }, Action: 'sts:AssumeRole' }] });
const doc = (action: string): string => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

async function newPolicy(h: IamHarness, name: string): Promise<string> {
  return (await h.call('CreatePolicy', { PolicyName: name, PolicyDocument: doc('s3:GetObject') })).Policy.Arn as string;
}

async function versions(h: IamHarness, arn: string): Promise<Array<{ VersionId: string; IsDefaultVersion: boolean }>> {
  return (await h.call('ListPolicyVersions', { PolicyArn: arn })).Versions;
}

/** Registers the concurrent read-modify-write tests of the IAM operations. */
export function iamRmwConcurrencyContract(makeStore: () => Promise<Store>): void {
  describe('IAM read-modify-write under concurrency (service level)', () => {
    it('CreatePolicyVersion at 4 versions: of 10 concurrent calls exactly one succeeds, the rest are LimitExceeded', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        const arn = await newPolicy(h, 'p');
        for (let i = 0; i < 3; i++) await h.call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: doc(`s3:A${i}`) });
        const r = await concurrently(range(10, (i) => () => h.call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: doc(`s3:B${i}`) })));
        assert.equal(r.ok.length, 1);
        assert.deepEqual(r.codes, Array(9).fill('ERR_LIMIT_EXCEEDED'));
        const ids = (await versions(h, arn)).map((v) => v.VersionId);
        assert.equal(ids.length, 5);
        assert.equal(new Set(ids).size, 5, 'version IDs are distinct');
      }));

    it('concurrent CreatePolicyVersion with SetAsDefault: distinct versions, exactly one default, and it is the policy\'s', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        const arn = await newPolicy(h, 'p');
        const r = await concurrently(range(4, (i) => () => h.call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: doc(`s3:C${i}`), SetAsDefault: true })));
        assert.deepEqual(r.codes, []);
        const vs = await versions(h, arn);
        assert.deepEqual(vs.map((v) => v.VersionId).sort(), ['v1', 'v2', 'v3', 'v4', 'v5']);
        const defaults = vs.filter((v) => v.IsDefaultVersion);
        assert.equal(defaults.length, 1);
        assert.equal((await h.call('GetPolicy', { PolicyArn: arn })).Policy.DefaultVersionId, defaults[0]!.VersionId);
      }));

    it('SetDefaultPolicyVersion racing DeletePolicyVersion of the same version: one wins, the default always exists', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        const arn = await newPolicy(h, 'p');
        for (let round = 0; round < 8; round++) {
          const v = (await h.call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: doc(`s3:R${round}`) })).PolicyVersion.VersionId as string;
          const r = await concurrently([
            () => h.call('SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: v }),
            () => h.call('DeletePolicyVersion', { PolicyArn: arn, VersionId: v }),
          ]);
          assert.equal(r.ok.length, 1, `round ${round}: exactly one of set-default and delete succeeds`);
          const vs = await versions(h, arn);
          const def = (await h.call('GetPolicy', { PolicyArn: arn })).Policy.DefaultVersionId as string;
          assert.ok(vs.some((x) => x.VersionId === def), `round ${round}: the default version ${def} exists`);
          assert.equal(vs.filter((x) => x.IsDefaultVersion).length, 1);
          // keep at most two versions: drop every non-default one
          for (const x of vs) if (!x.IsDefaultVersion) await h.call('DeletePolicyVersion', { PolicyArn: arn, VersionId: x.VersionId });
        }
      }));

    it('CreateAccessKey for a user with one key: of 10 concurrent calls exactly one succeeds', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await h.call('CreateUser', { UserName: 'alice' });
        const first = (await h.call('CreateAccessKey', { UserName: 'alice' })).AccessKey.AccessKeyId as string;
        const results: string[] = [];
        const r = await concurrently(range(10, () => async () => results.push((await h.call('CreateAccessKey', { UserName: 'alice' })).AccessKey.AccessKeyId)));
        assert.equal(r.ok.length, 1);
        assert.deepEqual(r.codes, Array(9).fill('ERR_LIMIT_EXCEEDED'));
        const listed = (await h.call('ListAccessKeys', { UserName: 'alice' })).AccessKeyMetadata.map((k: { AccessKeyId: string }) => k.AccessKeyId);
        assert.deepEqual(listed.sort(), [first, ...results].sort());
      }));

    it('AddUserToGroup: of 15 concurrent adds for one user exactly 10 succeed (GroupsPerUser), and those are the groups', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await h.call('CreateUser', { UserName: 'alice' });
        const groups = range(15, (i) => `g${String(i).padStart(2, '0')}`);
        for (const g of groups) await h.call('CreateGroup', { GroupName: g });
        const r = await concurrently(groups.map((g) => () => h.call('AddUserToGroup', { GroupName: g, UserName: 'alice' })));
        assert.equal(r.ok.length, 10);
        assert.deepEqual(r.codes, Array(5).fill('ERR_LIMIT_EXCEEDED'));
        const member = (await h.call('ListGroupsForUser', { UserName: 'alice' })).Groups.map((g: { GroupName: string }) => g.GroupName);
        assert.deepEqual(member.sort(), r.ok.map((i) => groups[i]!).sort());
      }));

    it('concurrent RemoveUserFromGroup (twice each) and AddUserToGroup: each removal acknowledged once, members exact', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await h.call('CreateGroup', { GroupName: 'team' });
        const old = range(10, (i) => `old${i}`);
        const fresh = range(10, (i) => `new${i}`);
        for (const u of [...old, ...fresh]) await h.call('CreateUser', { UserName: u });
        for (const u of old) await h.call('AddUserToGroup', { GroupName: 'team', UserName: u });
        const calls = [
          ...old.flatMap((u) => [() => h.call('RemoveUserFromGroup', { GroupName: 'team', UserName: u }), () => h.call('RemoveUserFromGroup', { GroupName: 'team', UserName: u })]),
          ...fresh.map((u) => () => h.call('AddUserToGroup', { GroupName: 'team', UserName: u })),
        ];
        const r = await concurrently(calls);
        assert.equal(r.ok.length, 20, 'ten removals and ten adds are acknowledged');
        assert.deepEqual(r.codes, Array(10).fill('ERR_NO_SUCH_ENTITY'), 'each second removal finds no membership');
        const members = (await h.call('GetGroup', { GroupName: 'team' })).Users.map((u: { UserName: string }) => u.UserName);
        assert.deepEqual(members.sort(), [...fresh].sort());
      }));

    it('AddRoleToInstanceProfile: of 5 concurrent adds exactly one succeeds, and the profile holds that role', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await h.call('CreateInstanceProfile', { InstanceProfileName: 'ip' });
        const roles = range(5, (i) => `r${i}`);
        for (const r of roles) await h.call('CreateRole', { RoleName: r, AssumeRolePolicyDocument: TRUST });
        const r = await concurrently(roles.map((role) => () => h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: role })));
        assert.equal(r.ok.length, 1);
        assert.deepEqual(r.codes, Array(4).fill('ERR_LIMIT_EXCEEDED'));
        const held = (await h.call('GetInstanceProfile', { InstanceProfileName: 'ip' })).InstanceProfile.Roles.map((x: { RoleName: string }) => x.RoleName);
        assert.deepEqual(held, [roles[r.ok[0]!]]);
      }));

    it('UpdateLoginProfile: a concurrent password change and reset flag change both land', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await h.call('CreateUser', { UserName: 'alice' });
        await h.call('CreateLoginProfile', { UserName: 'alice', Password: 'Old-Passw0rd!' });
        const r = await concurrently([
          () => h.call('UpdateLoginProfile', { UserName: 'alice', Password: 'New-Passw0rd!' }),
          () => h.call('UpdateLoginProfile', { UserName: 'alice', PasswordResetRequired: true }),
        ]);
        assert.deepEqual(r.codes, []);
        const p = await s.getLoginProfile(A1, 'alice');
        assert.equal(p?.passwordResetRequired, true, 'the reset flag was kept');
        assert.equal(await verifyPassword('New-Passw0rd!', p!.passwordHash), true, 'the new password was kept');
      }));

    it('DeleteAccountAlias twice at once: one succeeds, one is NoSuchEntity; CreateAccountAlias of one alias by two accounts: one wins', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await h.call('CreateAccountAlias', { AccountAlias: 'acme' });
        const del = await concurrently(range(2, () => () => h.call('DeleteAccountAlias', { AccountAlias: 'acme' })));
        assert.equal(del.ok.length, 1);
        assert.deepEqual(del.codes, ['ERR_NO_SUCH_ENTITY']);
        const create = await concurrently([A1, A2].map((a) => () => h.call('CreateAccountAlias', { AccountAlias: 'shared' }, a)));
        assert.equal(create.ok.length, 1);
        assert.deepEqual(create.codes, ['ERR_ENTITY_ALREADY_EXISTS']);
        const owners = [await s.getAccountAlias(A1), await s.getAccountAlias(A2)].filter((x) => x !== undefined);
        assert.deepEqual(owners, ['shared']);
      }));

    it('DeleteAccountPasswordPolicy twice at once: one succeeds, one is NoSuchEntity', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await h.call('UpdateAccountPasswordPolicy', { MinimumPasswordLength: 12 });
        const r = await concurrently(range(2, () => () => h.call('DeleteAccountPasswordPolicy')));
        assert.equal(r.ok.length, 1);
        assert.deepEqual(r.codes, ['ERR_NO_SUCH_ENTITY']);
      }));

    it('MFA: one device enabled for two users at once goes to one; deleting it twice at once succeeds once', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        for (const u of ['alice', 'bob']) await h.call('CreateUser', { UserName: u });
        const created = (await h.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'm1' })).VirtualMFADevice;
        const seed = Buffer.from(created.Base32StringSeed as Buffer).toString('ascii');
        const step = totpStepAt(T0.getTime());
        const codes = { SerialNumber: created.SerialNumber, AuthenticationCode1: totpCodeAt(seed, step - 1), AuthenticationCode2: totpCodeAt(seed, step) };
        const r = await concurrently(['alice', 'bob'].map((u) => () => h.call('EnableMFADevice', { UserName: u, ...codes })));
        assert.equal(r.ok.length, 1);
        assert.deepEqual(r.codes, ['ERR_ENTITY_ALREADY_EXISTS']);
        const owner = ['alice', 'bob'][r.ok[0]!]!;
        assert.equal((await s.getMfaDevice(created.SerialNumber))?.userName, owner);
        await h.call('DeactivateMFADevice', { UserName: owner, SerialNumber: created.SerialNumber });
        const del = await concurrently(range(2, () => () => h.call('DeleteVirtualMFADevice', { SerialNumber: created.SerialNumber })));
        assert.equal(del.ok.length, 1);
        assert.deepEqual(del.codes, ['ERR_NO_SUCH_ENTITY']);
      }));
  });
}
