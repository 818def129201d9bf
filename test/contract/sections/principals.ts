/** Contract: root users, account aliases, IAM users, groups and membership, roles, login profiles. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isKamenError } from '../../../src/errors.js';
import { A1, A2, accessKey, at, drain, group, instanceProfile, mfa, role, T0, user, withStore } from '../fixtures.js';

const exists = (e: unknown): boolean => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS');
const conflict = (e: unknown): boolean => isKamenError(e, 'ERR_DELETE_CONFLICT');

/** Registers the principals contract tests. */
export function principalsContract(makeStore: () => Promise<Store>): void {
  describe('root users and aliases', () => {
    it('puts, gets and updates root users; emails are unique case-insensitively', () =>
      withStore(makeStore, async (s) => {
        const root = { accountId: A1, email: 'Owner@Example.com', passwordHash: 'scrypt$16384$8$1$a$b', createDate: T0 };
        await s.putRootUser(root);
        assert.deepEqual(await s.getRootUser(A1), root);
        assert.deepEqual(await s.getRootUserByEmail('owner@example.com'), root);
        assert.equal(await s.getRootUser(A2), undefined);
        assert.equal(await s.getRootUserByEmail('nobody@example.com'), undefined);
        await s.putRootUser({ ...root, passwordHash: 'scrypt$new' });
        assert.equal((await s.getRootUser(A1))?.passwordHash, 'scrypt$new');
        await assert.rejects(s.putRootUser({ ...root, accountId: A2, email: 'OWNER@example.com' }), exists);
      }));

    it('sets, replaces, finds and deletes account aliases; an alias belongs to one account', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.getAccountAlias(A1), undefined);
        await s.setAccountAlias(A1, 'acme-prod');
        assert.equal(await s.getAccountAlias(A1), 'acme-prod');
        assert.equal(await s.getAccountIdByAlias('acme-prod'), A1);
        await assert.rejects(s.setAccountAlias(A2, 'acme-prod'), exists);
        await s.setAccountAlias(A1, 'acme-main');
        assert.equal(await s.getAccountIdByAlias('acme-prod'), undefined);
        await s.setAccountAlias(A2, 'acme-prod');
        assert.equal(await s.getAccountIdByAlias('acme-prod'), A2);
        await s.setAccountAlias(A1, undefined);
        assert.equal(await s.getAccountAlias(A1), undefined);
        assert.equal(await s.getAccountIdByAlias('acme-main'), undefined);
      }));
  });

  describe('users', () => {
    it('creates and reads users exactly (dates to the millisecond, tags in order), by name and by id', () =>
      withStore(makeStore, async (s) => {
        const u = user(A1, 'alice', {
          path: '/eng/',
          tags: [{ Key: 'team', Value: 'core' }, { Key: 'Cost', Value: '' }],
          permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
          passwordLastUsed: at(5),
        });
        await s.createUser(u);
        assert.deepEqual(await s.getUser(A1, 'alice'), u);
        assert.deepEqual(await s.getUserById(u.userId), u);
        assert.equal((await s.getUser(A1, 'alice'))?.createDate.getTime(), T0.getTime());
        assert.equal(await s.getUser(A2, 'alice'), undefined);
        assert.equal(await s.getUserById('AIDANOPE'), undefined);
        const bare = user(A1, 'bob');
        await s.createUser(bare);
        const got = await s.getUser(A1, 'bob');
        assert.deepEqual(got, bare);
        assert.ok(got && !('permissionsBoundaryArn' in got) && !('passwordLastUsed' in got), 'absent optionals are omitted');
      }));

    it('keeps user names unique case-insensitively within an account, and finds them in any case', () =>
      withStore(makeStore, async (s) => {
        await s.createUser(user(A1, 'Alice'));
        await assert.rejects(s.createUser(user(A1, 'alice')), exists);
        await assert.rejects(s.createUser(user(A1, 'ALICE')), (e) => exists(e) && (e as Error).message.length > 0);
        await s.createUser(user(A2, 'alice'));
        assert.equal((await s.getUser(A1, 'aLiCe'))?.userName, 'Alice');
        assert.equal((await s.listUsers(A1)).items.length, 1);
      }));

    it('updates fields, clears optional ones with an explicit undefined, and ignores unknown users', () =>
      withStore(makeStore, async (s) => {
        const u = user(A1, 'carol', { permissionsBoundaryArn: 'arn:b' });
        await s.createUser(u);
        await s.updateUser(A1, 'carol', { path: '/x/', arn: `arn:aws:iam::${A1}:user/x/carol`, tags: [{ Key: 'a', Value: 'b' }], passwordLastUsed: at(9) });
        let got = await s.getUser(A1, 'carol');
        assert.equal(got?.path, '/x/');
        assert.equal(got?.arn, `arn:aws:iam::${A1}:user/x/carol`);
        assert.deepEqual(got?.tags, [{ Key: 'a', Value: 'b' }]);
        assert.equal(got?.passwordLastUsed?.getTime(), at(9).getTime());
        assert.equal(got?.permissionsBoundaryArn, 'arn:b', 'fields absent from the patch are kept');
        await s.updateUser(A1, 'carol', { permissionsBoundaryArn: undefined });
        got = await s.getUser(A1, 'carol');
        assert.equal(got?.permissionsBoundaryArn, undefined);
        assert.equal(got?.path, '/x/');
        await s.updateUser(A1, 'nobody', { path: '/y/' });
        assert.equal(await s.getUser(A1, 'nobody'), undefined);
      }));

    it('renames a user, carrying memberships, policies, keys, login profile and MFA with it', () =>
      withStore(makeStore, async (s) => {
        await s.createUser(user(A1, 'dave'));
        await s.createUser(user(A1, 'erin'));
        await s.createGroup(group(A1, 'devs'));
        await s.addUserToGroup(A1, 'devs', 'dave');
        await s.putInlinePolicy({ accountId: A1, kind: 'user', principalName: 'dave', policyName: 'p', document: '{}' });
        await s.attachPolicy({ accountId: A1, kind: 'user', principalName: 'dave', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
        const key = accessKey(A1, 'dave');
        await s.createAccessKey(key);
        await s.putLoginProfile({ accountId: A1, userName: 'dave', passwordHash: 'h', passwordResetRequired: false, createDate: T0 });
        const dev = mfa(A1, 'dave-phone', { userName: 'dave', enableDate: T0 });
        await s.createMfaDevice(dev);

        await assert.rejects(s.updateUser(A1, 'dave', { userName: 'ERIN' }), exists);
        assert.ok(await s.getUser(A1, 'dave'), 'a failed rename changes nothing');

        await s.updateUser(A1, 'dave', { userName: 'david', arn: `arn:aws:iam::${A1}:user/david` });
        assert.equal(await s.getUser(A1, 'dave'), undefined);
        assert.equal((await s.getUser(A1, 'david'))?.arn, `arn:aws:iam::${A1}:user/david`);
        assert.deepEqual((await s.listGroupMembers(A1, 'devs')).items.map((u) => u.userName), ['david']);
        assert.deepEqual((await s.listInlinePolicies(A1, 'user', 'david')).map((p) => p.policyName), ['p']);
        assert.deepEqual(await s.listAttachedPolicies(A1, 'user', 'david'), ['arn:aws:iam::aws:policy/ReadOnlyAccess']);
        assert.equal((await s.getAccessKey(key.accessKeyId))?.userName, 'david');
        assert.deepEqual((await s.listAccessKeys(A1, 'david')).map((k) => k.accessKeyId), [key.accessKeyId]);
        assert.equal((await s.getLoginProfile(A1, 'david'))?.passwordHash, 'h');
        assert.equal((await s.getMfaDevice(dev.serialNumber))?.userName, 'david');
        assert.deepEqual(await s.listInlinePolicies(A1, 'user', 'dave'), []);
      }));

    it('lists users alphabetically (case-insensitive) with maxItems, markers and pathPrefix', () =>
      withStore(makeStore, async (s) => {
        const names = ['zed', 'Bob', 'alice', 'Carol', 'dave', 'Eve', 'frank'];
        for (const n of names) await s.createUser(user(A1, n, { path: n < 'd' && n !== 'Eve' ? '/eng/' : '/ops/' }));
        await s.createUser(user(A2, 'aaron'));
        const sorted = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
        for (const size of [1, 2, 3, 7, 100]) {
          const all = await drain((o) => s.listUsers(A1, o), size);
          assert.deepEqual(all.items.map((u) => u.userName), sorted, `page size ${size}`);
          assert.equal(all.pages, Math.max(1, Math.ceil(names.length / size)));
        }
        const eng = await drain((o) => s.listUsers(A1, o), 2, '/eng/');
        assert.deepEqual(eng.items.map((u) => u.userName), ['alice', 'Bob', 'Carol']);
        assert.deepEqual((await s.listUsers(A1, { pathPrefix: '/' })).items.length, names.length);
        assert.deepEqual((await s.listUsers(A1, { pathPrefix: '/EN' })).items, [], 'path prefixes are case-sensitive');
        assert.deepEqual((await s.listUsers(A1, { pathPrefix: '/e' })).items.length, 3);
        const last = await s.listUsers(A1, { maxItems: 7 });
        assert.equal(last.nextMarker, undefined, 'no marker when the page holds the rest');
        await assert.rejects(s.listUsers(A1, { marker: '%%%garbage' }), (e) => isKamenError(e));
      }));

    it('returns at most 100 users per page by default', () =>
      withStore(makeStore, async (s) => {
        await s.transaction(async () => {
          for (let i = 0; i < 103; i++) await s.createUser(user(A1, 'u' + String(i).padStart(3, '0')));
        });
        const first = await s.listUsers(A1);
        assert.equal(first.items.length, 100);
        assert.ok(first.nextMarker);
        const rest = await s.listUsers(A1, { marker: first.nextMarker });
        assert.deepEqual(rest.items.map((u) => u.userName), ['u100', 'u101', 'u102']);
        assert.equal(rest.nextMarker, undefined);
      }));

    it('pagination stays stable when rows are inserted or deleted between pages', () =>
      withStore(makeStore, async (s) => {
        for (const n of ['a', 'c', 'e', 'g']) await s.createUser(user(A1, n));
        const p1 = await s.listUsers(A1, { maxItems: 2 });
        assert.deepEqual(p1.items.map((u) => u.userName), ['a', 'c']);
        await s.createUser(user(A1, 'b'));
        await s.createUser(user(A1, 'f'));
        await s.deleteUser(A1, 'c');
        const p2 = await s.listUsers(A1, { maxItems: 10, marker: p1.nextMarker });
        assert.deepEqual(p2.items.map((u) => u.userName), ['e', 'f', 'g']);
      }));

    it('refuses to delete a user that still has dependents, and cascades only when asked', () =>
      withStore(makeStore, async (s) => {
        await s.createUser(user(A1, 'frank'));
        await s.createGroup(group(A1, 'g'));
        const key = accessKey(A1, 'frank');
        await s.createAccessKey(key);
        await assert.rejects(s.deleteUser(A1, 'frank'), conflict);
        await s.deleteAccessKey(key.accessKeyId);
        await s.addUserToGroup(A1, 'g', 'frank');
        await assert.rejects(s.deleteUser(A1, 'frank'), conflict);
        await s.removeUserFromGroup(A1, 'g', 'frank');
        await s.putInlinePolicy({ accountId: A1, kind: 'user', principalName: 'frank', policyName: 'p', document: '{}' });
        await assert.rejects(s.deleteUser(A1, 'frank'), conflict);
        await s.deleteInlinePolicy(A1, 'user', 'frank', 'p');
        await s.deleteUser(A1, 'FRANK');
        assert.equal(await s.getUser(A1, 'frank'), undefined);

        await s.createUser(user(A1, 'gina'));
        await s.createAccessKey(accessKey(A1, 'gina'));
        await s.addUserToGroup(A1, 'g', 'gina');
        await s.putInlinePolicy({ accountId: A1, kind: 'user', principalName: 'gina', policyName: 'p', document: '{}' });
        await s.attachPolicy({ accountId: A1, kind: 'user', principalName: 'gina', policyArn: 'arn:aws:iam::aws:policy/X' });
        await s.putLoginProfile({ accountId: A1, userName: 'gina', passwordHash: 'h', passwordResetRequired: true, createDate: T0 });
        const dev = mfa(A1, 'gina', { userName: 'gina', enableDate: T0 });
        await s.createMfaDevice(dev);
        await s.deleteUser(A1, 'gina', { cascade: true });
        assert.equal(await s.getUser(A1, 'gina'), undefined);
        // a new user with the same name inherits nothing
        await s.createUser(user(A1, 'gina'));
        assert.deepEqual(await s.listAccessKeys(A1, 'gina'), []);
        assert.deepEqual((await s.listGroupsForUser(A1, 'gina')).items, []);
        assert.deepEqual(await s.listInlinePolicies(A1, 'user', 'gina'), []);
        assert.deepEqual(await s.listAttachedPolicies(A1, 'user', 'gina'), []);
        assert.equal(await s.getLoginProfile(A1, 'gina'), undefined);
        const after = await s.getMfaDevice(dev.serialNumber);
        assert.ok(after, 'the MFA device survives, deactivated');
        assert.equal(after.userName, undefined);
        assert.equal(after.enableDate, undefined);
        await s.deleteUser(A1, 'gina');
        await s.deleteUser(A1, 'nobody');
      }));

    it('puts, replaces, reads and deletes login profiles', () =>
      withStore(makeStore, async (s) => {
        await s.createUser(user(A1, 'hank'));
        assert.equal(await s.getLoginProfile(A1, 'hank'), undefined);
        const lp = { accountId: A1, userName: 'hank', passwordHash: 'scrypt$1', passwordResetRequired: true, createDate: T0 };
        await s.putLoginProfile(lp);
        assert.deepEqual(await s.getLoginProfile(A1, 'hank'), lp);
        assert.deepEqual(await s.getLoginProfile(A1, 'HANK'), lp);
        await s.putLoginProfile({ ...lp, passwordHash: 'scrypt$2', passwordResetRequired: false });
        assert.deepEqual(await s.getLoginProfile(A1, 'hank'), { ...lp, passwordHash: 'scrypt$2', passwordResetRequired: false });
        await s.deleteLoginProfile(A1, 'hank');
        assert.equal(await s.getLoginProfile(A1, 'hank'), undefined);
      }));
  });

  describe('groups', () => {
    it('creates, reads, updates, renames and lists groups; names unique case-insensitively', () =>
      withStore(makeStore, async (s) => {
        const g = group(A1, 'Admins', { path: '/ops/' });
        await s.createGroup(g);
        assert.deepEqual(await s.getGroup(A1, 'admins'), g);
        await assert.rejects(s.createGroup(group(A1, 'ADMINS')), exists);
        await s.createGroup(group(A1, 'readers'));
        await s.createGroup(group(A1, 'Billing', { path: '/ops/' }));
        assert.deepEqual((await drain((o) => s.listGroups(A1, o), 1)).items.map((x) => x.groupName), ['Admins', 'Billing', 'readers']);
        assert.deepEqual((await s.listGroups(A1, { pathPrefix: '/ops/' })).items.map((x) => x.groupName), ['Admins', 'Billing']);
        await s.putInlinePolicy({ accountId: A1, kind: 'group', principalName: 'Admins', policyName: 'p', document: '{}' });
        await s.attachPolicy({ accountId: A1, kind: 'group', principalName: 'Admins', policyArn: 'arn:aws:iam::aws:policy/X' });
        await s.createUser(user(A1, 'u1'));
        await s.addUserToGroup(A1, 'Admins', 'u1');
        await assert.rejects(s.updateGroup(A1, 'Admins', { groupName: 'readers' }), exists);
        await s.updateGroup(A1, 'Admins', { groupName: 'Operators', path: '/', arn: `arn:aws:iam::${A1}:group/Operators` });
        assert.equal(await s.getGroup(A1, 'Admins'), undefined);
        const renamed = await s.getGroup(A1, 'operators');
        assert.equal(renamed?.groupId, g.groupId);
        assert.equal(renamed?.path, '/');
        assert.deepEqual((await s.listGroupsForUser(A1, 'u1')).items.map((x) => x.groupName), ['Operators']);
        assert.deepEqual((await s.listInlinePolicies(A1, 'group', 'Operators')).map((p) => p.policyName), ['p']);
        assert.deepEqual(await s.listAttachedPolicies(A1, 'group', 'Operators'), ['arn:aws:iam::aws:policy/X']);
      }));

    it('manages membership idempotently with paginated listings both ways', () =>
      withStore(makeStore, async (s) => {
        for (const n of ['x', 'W', 'y', 'v']) await s.createUser(user(A1, n));
        for (const n of ['g3', 'G1', 'g2']) await s.createGroup(group(A1, n));
        for (const u of ['x', 'W', 'y', 'v']) await s.addUserToGroup(A1, 'G1', u);
        await s.addUserToGroup(A1, 'g1', 'X');
        await s.addUserToGroup(A1, 'g3', 'x');
        await s.addUserToGroup(A1, 'g2', 'x');
        const members = await drain((o) => s.listGroupMembers(A1, 'G1', o), 3);
        assert.deepEqual(members.items.map((u) => u.userName), ['v', 'W', 'x', 'y']);
        assert.equal(members.items[0]?.accountId, A1);
        const groups = await drain((o) => s.listGroupsForUser(A1, 'x', o), 2);
        assert.deepEqual(groups.items.map((g) => g.groupName), ['G1', 'g2', 'g3']);
        await s.removeUserFromGroup(A1, 'g1', 'X');
        assert.deepEqual((await s.listGroupMembers(A1, 'G1')).items.map((u) => u.userName), ['v', 'W', 'y']);
        await s.removeUserFromGroup(A1, 'g1', 'X');
        assert.deepEqual((await s.listGroupsForUser(A1, 'nobody')).items, []);
      }));

    it('refuses to delete a group with members or policies unless cascading', () =>
      withStore(makeStore, async (s) => {
        await s.createGroup(group(A1, 'g'));
        await s.createUser(user(A1, 'u'));
        await s.addUserToGroup(A1, 'g', 'u');
        await assert.rejects(s.deleteGroup(A1, 'g'), conflict);
        await s.removeUserFromGroup(A1, 'g', 'u');
        await s.attachPolicy({ accountId: A1, kind: 'group', principalName: 'g', policyArn: 'arn:p' });
        await assert.rejects(s.deleteGroup(A1, 'g'), conflict);
        await s.detachPolicy({ accountId: A1, kind: 'group', principalName: 'g', policyArn: 'arn:p' });
        await s.deleteGroup(A1, 'g');
        assert.equal(await s.getGroup(A1, 'g'), undefined);

        await s.createGroup(group(A1, 'h'));
        await s.addUserToGroup(A1, 'h', 'u');
        await s.putInlinePolicy({ accountId: A1, kind: 'group', principalName: 'h', policyName: 'p', document: '{}' });
        await s.deleteGroup(A1, 'h', { cascade: true });
        await s.createGroup(group(A1, 'h'));
        assert.deepEqual((await s.listGroupMembers(A1, 'h')).items, []);
        assert.deepEqual(await s.listInlinePolicies(A1, 'group', 'h'), []);
      }));
  });

  describe('roles', () => {
    it('creates and reads roles exactly, by name (any case) and by id; names unique case-insensitively', () =>
      withStore(makeStore, async (s) => {
        const r = role(A1, 'Deployer', {
          path: '/service/',
          description: 'deploys things',
          maxSessionDuration: 43200,
          permissionsBoundaryArn: 'arn:b',
          tags: [{ Key: 'k', Value: 'v' }],
          lastUsed: { date: at(3), region: 'us-east-1' },
        });
        await s.createRole(r);
        assert.deepEqual(await s.getRole(A1, 'deployer'), r);
        assert.deepEqual(await s.getRoleById(r.roleId), r);
        await assert.rejects(s.createRole(role(A1, 'DEPLOYER')), exists);
        const plain = role(A1, 'plain');
        await s.createRole(plain);
        const got = await s.getRole(A1, 'plain');
        assert.deepEqual(got, plain);
        assert.ok(got && !('description' in got) && !('lastUsed' in got));
        assert.equal(await s.getRoleById('AROANOPE'), undefined);
      }));

    it('updates role fields, clears the description and boundary, and records last use', () =>
      withStore(makeStore, async (s) => {
        await s.createRole(role(A1, 'r', { description: 'd', permissionsBoundaryArn: 'arn:b' }));
        await s.updateRole(A1, 'R', { assumeRolePolicyDocument: '{"new":true}', maxSessionDuration: 7200, lastUsed: { date: at(7), region: 'eu-west-1' } });
        let got = await s.getRole(A1, 'r');
        assert.equal(got?.assumeRolePolicyDocument, '{"new":true}');
        assert.equal(got?.maxSessionDuration, 7200);
        assert.deepEqual(got?.lastUsed, { date: at(7), region: 'eu-west-1' });
        assert.equal(got?.description, 'd');
        await s.updateRole(A1, 'r', { description: undefined, permissionsBoundaryArn: undefined, tags: [{ Key: 'x', Value: 'y' }] });
        got = await s.getRole(A1, 'r');
        assert.equal(got?.description, undefined);
        assert.equal(got?.permissionsBoundaryArn, undefined);
        assert.deepEqual(got?.tags, [{ Key: 'x', Value: 'y' }]);
        assert.equal(got?.maxSessionDuration, 7200);
      }));

    it('lists roles alphabetically with markers and pathPrefix', () =>
      withStore(makeStore, async (s) => {
        for (const [n, p] of [['b', '/aws-service-role/'], ['A', '/'], ['c', '/aws-service-role/x/'], ['D', '/']] as const) {
          await s.createRole(role(A1, n, { path: p }));
        }
        assert.deepEqual((await drain((o) => s.listRoles(A1, o), 3)).items.map((r) => r.roleName), ['A', 'b', 'c', 'D']);
        assert.deepEqual((await drain((o) => s.listRoles(A1, o), 1, '/aws-service-role/')).items.map((r) => r.roleName), ['b', 'c']);
        assert.deepEqual((await s.listRoles(A2)).items, []);
      }));

    it('refuses to delete a role in an instance profile or with policies unless cascading', () =>
      withStore(makeStore, async (s) => {
        await s.createRole(role(A1, 'r'));
        await s.createInstanceProfile(instanceProfile(A1, 'ip', { roleNames: ['r'] }));
        await assert.rejects(s.deleteRole(A1, 'r'), conflict);
        await s.updateInstanceProfile(A1, 'ip', { roleNames: [] });
        await s.putInlinePolicy({ accountId: A1, kind: 'role', principalName: 'r', policyName: 'p', document: '{}' });
        await assert.rejects(s.deleteRole(A1, 'r'), conflict);
        await s.deleteInlinePolicy(A1, 'role', 'r', 'p');
        await s.deleteRole(A1, 'r');
        assert.equal(await s.getRole(A1, 'r'), undefined);

        await s.createRole(role(A1, 'q'));
        await s.updateInstanceProfile(A1, 'ip', { roleNames: ['q'] });
        await s.attachPolicy({ accountId: A1, kind: 'role', principalName: 'q', policyArn: 'arn:p' });
        await s.deleteRole(A1, 'q', { cascade: true });
        assert.deepEqual((await s.getInstanceProfile(A1, 'ip'))?.roleNames, []);
        assert.equal(await s.countPolicyAttachments('arn:p'), 0);
      }));
  });
}
