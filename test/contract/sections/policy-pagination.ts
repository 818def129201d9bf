/**
 * Contract: keyset pagination of ListPolicies (AWS managed catalog merged with customer managed policies),
 * ListEntitiesForPolicy and GetAccountAuthorizationDetails, through the IAM operations over each backend: full walks
 * equal the one-page answer, markers are signed and bound to the account and the listing's parameters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isKamenError } from '../../../src/errors.js';
import { iamHarness, type IamHarness } from '../iam-harness.js';
import { A1, A2, DOC, TRUST, withStore } from '../fixtures.js';

const invalid = (e: unknown): boolean => isKamenError(e, 'ERR_VALIDATION');

/** Customer managed policies whose names fall between, and collide with, AWS managed policy names. */
const LOCAL = [
  { name: 'AdministratorAccess', path: '/' },
  { name: 'amazonS3Mine', path: '/team/' },
  { name: 'Billing', path: '/' },
  { name: 'ReadOnlyAccess', path: '/team/' },
  { name: 'zz-last', path: '/' },
];

/** Tampers with one character of the marker's payload (before the signature). */
function tamper(marker: string): string {
  const c = marker[2] === 'A' ? 'B' : 'A';
  return marker.slice(0, 2) + c + marker.slice(3);
}

/** Every item of a paged IAM operation, with the page count: pages of `max` until IsTruncated is false. */
async function walk(h: IamHarness, op: string, input: Record<string, unknown>, max: number, pick: (out: any) => unknown[], acct = A1): Promise<{ items: unknown[]; pages: number; markers: string[] }> {
  const items: unknown[] = [];
  const markers: string[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const out = await h.call(op, { ...input, MaxItems: max, ...(marker ? { Marker: marker } : {}) }, acct);
    items.push(...pick(out));
    assert.equal(out.IsTruncated, out.Marker !== undefined);
    marker = out.Marker;
    if (marker) markers.push(marker);
    pages++;
    assert.ok(pages < 500, 'the walk ends');
  } while (marker);
  return { items, pages, markers };
}

const sortKey = (p: { PolicyName: string; Arn: string }): string => `${p.PolicyName.toLowerCase()}\0${p.Arn}`;

async function seed(h: IamHarness): Promise<void> {
  for (const a of [A1, A2]) for (const p of LOCAL) await h.call('CreatePolicy', { PolicyName: p.name, Path: p.path, PolicyDocument: DOC('s3:GetObject') }, a);
  for (const g of ['g1', 'G2']) await h.call('CreateGroup', { GroupName: g });
  for (const u of ['u1', 'U2', 'u3']) await h.call('CreateUser', { UserName: u, ...(u === 'u3' ? { Path: '/team/' } : {}) });
  for (const r of ['r1', 'R2', 'r3']) await h.call('CreateRole', { RoleName: r, AssumeRolePolicyDocument: TRUST });
}

/** Registers the policy listing pagination contract tests. */
export function policyPaginationContract(makeStore: () => Promise<Store>): void {
  describe('keyset pagination of ListPolicies, ListEntitiesForPolicy and GetAccountAuthorizationDetails', () => {
    it('ListPolicies: walks over the catalog merged with customer policies equal the sorted whole, for every Scope and PathPrefix', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await seed(h);
        const local = `arn:aws:iam::${A1}:policy/`;
        const pick = (o: any): unknown[] => o.Policies;
        const all = (await walk(h, 'ListPolicies', {}, 1000, pick)).items as Array<{ PolicyName: string; Arn: string }>;
        assert.ok(all.length > 1000, 'the catalog and the customer policies');
        assert.deepEqual(all.map(sortKey), all.map(sortKey).sort(), 'ordered by name, then ARN');
        assert.equal(new Set(all.map((p) => p.Arn)).size, all.length);
        assert.equal(all.filter((p) => p.Arn.startsWith(local)).length, LOCAL.length);
        assert.equal(all.filter((p) => p.Arn.includes(A2)).length, 0, 'no other account');
        // the AWS AdministratorAccess and the customer one both appear, adjacent
        const admin = all.findIndex((p) => p.PolicyName === 'AdministratorAccess');
        assert.equal(all[admin + 1]!.PolicyName, 'AdministratorAccess');
        for (const max of [7, 100]) {
          const small = await walk(h, 'ListPolicies', {}, max, pick);
          assert.deepEqual(small.items, all, `pages of ${max}`);
        }
        const localWalk = await walk(h, 'ListPolicies', { Scope: 'Local' }, 2, pick);
        assert.deepEqual((localWalk.items as Array<{ Arn: string }>).map((p) => p.Arn), all.filter((p) => p.Arn.startsWith(local)).map((p) => p.Arn));
        assert.equal(localWalk.pages, 3);
        const team = await walk(h, 'ListPolicies', { Scope: 'All', PathPrefix: '/team/' }, 1, pick);
        assert.deepEqual((team.items as Array<{ PolicyName: string }>).map((p) => p.PolicyName), ['amazonS3Mine', 'ReadOnlyAccess']);
        const aws = await walk(h, 'ListPolicies', { Scope: 'AWS', PathPrefix: '/job-function/' }, 3, pick);
        assert.ok(aws.items.length > 3 && (aws.items as Array<{ Path: string }>).every((p) => p.Path === '/job-function/'));
      }));

    it('ListPolicies OnlyAttached pages the policies in use, with their counts, by PolicyUsageFilter', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await seed(h);
        const mine = (n: string): string => `arn:aws:iam::${A1}:policy/${n}`;
        const team = (n: string): string => `arn:aws:iam::${A1}:policy/team/${n}`;
        await h.call('AttachUserPolicy', { UserName: 'u1', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
        await h.call('AttachRolePolicy', { RoleName: 'r1', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
        await h.call('AttachGroupPolicy', { GroupName: 'g1', PolicyArn: mine('Billing') });
        await h.call('AttachRolePolicy', { RoleName: 'R2', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
        await h.call('PutUserPermissionsBoundary', { UserName: 'U2', PermissionsBoundary: team('ReadOnlyAccess') });
        await h.call('PutRolePermissionsBoundary', { RoleName: 'r3', PermissionsBoundary: mine('zz-last') });
        await h.call('AttachUserPolicy', { UserName: 'u3', PolicyArn: mine('zz-last') });
        const pick = (o: any): unknown[] => o.Policies;
        const counts = (items: unknown[]): string[] =>
          (items as Array<{ Arn: string; AttachmentCount: number; PermissionsBoundaryUsageCount: number }>).map((p) => `${p.Arn} ${p.AttachmentCount} ${p.PermissionsBoundaryUsageCount}`);
        const any = await walk(h, 'ListPolicies', { OnlyAttached: true }, 1, pick);
        assert.deepEqual(counts(any.items), [
          'arn:aws:iam::aws:policy/AdministratorAccess 1 0',
          `${mine('Billing')} 1 0`,
          `${team('ReadOnlyAccess')} 0 1`, // the account's ARN sorts before aws's
          'arn:aws:iam::aws:policy/ReadOnlyAccess 2 0',
          `${mine('zz-last')} 1 1`,
        ]);
        assert.equal(any.pages, 5);
        const perms = await walk(h, 'ListPolicies', { OnlyAttached: true, PolicyUsageFilter: 'PermissionsPolicy', Scope: 'Local' }, 1, pick);
        assert.deepEqual(counts(perms.items), [`${mine('Billing')} 1 0`, `${mine('zz-last')} 1 1`]);
        const bounds = await walk(h, 'ListPolicies', { OnlyAttached: true, PolicyUsageFilter: 'PermissionsBoundary' }, 2, pick);
        assert.deepEqual(counts(bounds.items), [`${team('ReadOnlyAccess')} 0 1`, `${mine('zz-last')} 1 1`]);
        const one = await h.call('GetPolicy', { PolicyArn: mine('zz-last') });
        assert.deepEqual([one.Policy.AttachmentCount, one.Policy.PermissionsBoundaryUsageCount], [1, 1]);
      }));

    it('ListPolicies: rows added ahead of the cursor are listed, rows removed ahead are not, none twice', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await seed(h);
        const first = await h.call('ListPolicies', { Scope: 'Local', MaxItems: 2 });
        assert.deepEqual(first.Policies.map((p: { PolicyName: string }) => p.PolicyName), ['AdministratorAccess', 'amazonS3Mine']);
        await h.call('CreatePolicy', { PolicyName: 'Aardvark', PolicyDocument: DOC('s3:GetObject') }); // behind
        await h.call('CreatePolicy', { PolicyName: 'Cobalt', PolicyDocument: DOC('s3:GetObject') }); // ahead
        await h.call('DeletePolicy', { PolicyArn: `arn:aws:iam::${A1}:policy/Billing` }); // ahead
        const rest = await walk(h, 'ListPolicies', { Scope: 'Local', Marker: first.Marker }, 2, (o) => o.Policies.map((p: { PolicyName: string }) => p.PolicyName));
        assert.deepEqual(rest.items, ['Cobalt', 'ReadOnlyAccess', 'zz-last']);
      }));

    it('ListPolicies markers are signed and bound to the account, Scope, OnlyAttached, filter and PathPrefix', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await seed(h);
        const m = (await h.call('ListPolicies', { Scope: 'Local', MaxItems: 1 })).Marker as string;
        assert.equal((await h.call('ListPolicies', { Scope: 'Local', MaxItems: 1, Marker: m })).Policies.length, 1);
        await assert.rejects(h.call('ListPolicies', { Scope: 'Local', MaxItems: 1, Marker: m }, A2), invalid, 'another account');
        await assert.rejects(h.call('ListPolicies', { Scope: 'All', MaxItems: 1, Marker: m }), invalid, 'another Scope');
        await assert.rejects(h.call('ListPolicies', { Scope: 'Local', OnlyAttached: true, MaxItems: 1, Marker: m }), invalid, 'OnlyAttached');
        await assert.rejects(h.call('ListPolicies', { Scope: 'Local', PathPrefix: '/team/', MaxItems: 1, Marker: m }), invalid, 'another PathPrefix');
        await assert.rejects(h.call('ListPolicies', { Scope: 'Local', MaxItems: 1, Marker: tamper(m) }), invalid, 'tampered');
        await assert.rejects(h.call('ListUsers', { MaxItems: 1, Marker: m }), invalid, 'another listing');
        const offset = Buffer.from('o1').toString('base64url'); // the old unsigned offset marker
        await assert.rejects(h.call('ListPolicies', { Scope: 'Local', MaxItems: 1, Marker: offset }), invalid, 'unsigned');
      }));

    it('ListEntitiesForPolicy pages groups, roles and users (attached or bounded, each once) with bound markers', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await seed(h);
        const arn = `arn:aws:iam::${A1}:policy/Billing`;
        for (const g of ['g1', 'G2']) await h.call('AttachGroupPolicy', { GroupName: g, PolicyArn: arn });
        for (const u of ['u1', 'u3']) await h.call('AttachUserPolicy', { UserName: u, PolicyArn: arn });
        for (const u of ['U2', 'u3']) await h.call('PutUserPermissionsBoundary', { UserName: u, PermissionsBoundary: arn });
        await h.call('AttachRolePolicy', { RoleName: 'R2', PolicyArn: arn });
        await h.call('PutRolePermissionsBoundary', { RoleName: 'r1', PermissionsBoundary: arn });
        const names = (o: any): string[] => [
          ...o.PolicyGroups.map((x: { GroupName: string }) => `group ${x.GroupName}`),
          ...o.PolicyRoles.map((x: { RoleName: string }) => `role ${x.RoleName}`),
          ...o.PolicyUsers.map((x: { UserName: string }) => `user ${x.UserName}`),
        ];
        const whole = names(await h.call('ListEntitiesForPolicy', { PolicyArn: arn }));
        assert.deepEqual(whole, ['group g1', 'group G2', 'role r1', 'role R2', 'user u1', 'user U2', 'user u3']);
        for (const max of [1, 2, 3]) assert.deepEqual((await walk(h, 'ListEntitiesForPolicy', { PolicyArn: arn }, max, names)).items, whole, `pages of ${max}`);
        assert.deepEqual((await walk(h, 'ListEntitiesForPolicy', { PolicyArn: arn, EntityFilter: 'User' }, 1, names)).items, ['user u1', 'user U2', 'user u3']);
        assert.deepEqual((await walk(h, 'ListEntitiesForPolicy', { PolicyArn: arn, PolicyUsageFilter: 'PermissionsBoundary' }, 1, names)).items, ['role r1', 'user U2', 'user u3']);
        assert.deepEqual((await walk(h, 'ListEntitiesForPolicy', { PolicyArn: arn, PolicyUsageFilter: 'PermissionsPolicy' }, 2, names)).items, ['group g1', 'group G2', 'role R2', 'user u1', 'user u3']);
        assert.deepEqual((await walk(h, 'ListEntitiesForPolicy', { PolicyArn: arn, PathPrefix: '/team/' }, 1, names)).items, ['user u3']);
        const ids = await h.call('ListEntitiesForPolicy', { PolicyArn: arn, EntityFilter: 'Role' });
        assert.deepEqual(ids.PolicyRoles.map((r: { RoleId: string }) => r.RoleId), [(await s.getRole(A1, 'r1'))!.roleId, (await s.getRole(A1, 'R2'))!.roleId]);

        const m = (await h.call('ListEntitiesForPolicy', { PolicyArn: arn, MaxItems: 1 })).Marker as string;
        assert.equal(names(await h.call('ListEntitiesForPolicy', { PolicyArn: arn, MaxItems: 1, Marker: m }))[0], 'group G2');
        const other = `arn:aws:iam::${A1}:policy/zz-last`;
        await assert.rejects(h.call('ListEntitiesForPolicy', { PolicyArn: other, MaxItems: 1, Marker: m }), invalid, 'another policy');
        await assert.rejects(h.call('ListEntitiesForPolicy', { PolicyArn: arn, EntityFilter: 'Group', MaxItems: 1, Marker: m }), invalid, 'another EntityFilter');
        await assert.rejects(h.call('ListEntitiesForPolicy', { PolicyArn: arn, PolicyUsageFilter: 'PermissionsPolicy', MaxItems: 1, Marker: m }), invalid, 'another usage filter');
        await assert.rejects(h.call('ListEntitiesForPolicy', { PolicyArn: arn, MaxItems: 1, Marker: tamper(m) }), invalid, 'tampered');
        const awsArn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
        await h.call('AttachUserPolicy', { UserName: 'u1', PolicyArn: awsArn });
        await h.call('AttachUserPolicy', { UserName: 'u1', PolicyArn: awsArn }, A2).catch(() => undefined);
        await h.call('CreateUser', { UserName: 'u1' }, A2);
        await h.call('AttachUserPolicy', { UserName: 'u1', PolicyArn: awsArn }, A2);
        await h.call('CreateUser', { UserName: 'u4' }, A2);
        await h.call('AttachUserPolicy', { UserName: 'u4', PolicyArn: awsArn }, A2);
        const a2 = (await h.call('ListEntitiesForPolicy', { PolicyArn: awsArn, MaxItems: 1 }, A2)).Marker as string;
        assert.ok(a2);
        await assert.rejects(h.call('ListEntitiesForPolicy', { PolicyArn: awsArn, MaxItems: 1, Marker: a2 }), invalid, 'another account');
        assert.deepEqual(names(await h.call('ListEntitiesForPolicy', { PolicyArn: awsArn })), ['user u1']);
      }));

    it('GetAccountAuthorizationDetails: walks of any page size equal the whole answer; markers bound to account and Filter', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        await seed(h);
        await h.call('AttachUserPolicy', { UserName: 'u1', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
        await h.call('AttachRolePolicy', { RoleName: 'r1', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
        await h.call('PutRolePermissionsBoundary', { RoleName: 'r3', PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' });
        await h.call('AddUserToGroup', { UserName: 'u1', GroupName: 'g1' });
        const LISTS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];
        const flat = (o: any): unknown[] => LISTS.flatMap((l) => (o[l] as unknown[]).map((x) => ({ l, x })));
        const whole = flat(await h.call('GetAccountAuthorizationDetails', { MaxItems: 1000 }));
        const label = (e: any): string => `${e.l} ${e.x.UserName ?? e.x.GroupName ?? e.x.RoleName ?? e.x.Arn}`;
        assert.deepEqual(whole.map(label), [
          'UserDetailList u1', 'UserDetailList U2', 'UserDetailList u3',
          'GroupDetailList g1', 'GroupDetailList G2',
          'RoleDetailList r1', 'RoleDetailList R2', 'RoleDetailList r3',
          ...LOCAL.map((p) => `Policies arn:aws:iam::${A1}:policy${p.path}${p.name}`),
          'Policies arn:aws:iam::aws:policy/AdministratorAccess',
          'Policies arn:aws:iam::aws:policy/PowerUserAccess',
          'Policies arn:aws:iam::aws:policy/ReadOnlyAccess',
        ]);
        for (const max of [1, 2, 3, 8, 13]) {
          const w = await walk(h, 'GetAccountAuthorizationDetails', {}, max, flat);
          assert.deepEqual(w.items, whole, `pages of ${max}`);
          assert.equal(w.pages, Math.ceil(whole.length / max), `every page but the last is full (${max})`);
        }
        const roles = await walk(h, 'GetAccountAuthorizationDetails', { Filter: ['Role', 'AWSManagedPolicy'] }, 2, flat);
        assert.deepEqual(roles.items.map(label), whole.map(label).filter((l) => l.startsWith('RoleDetailList') || l.startsWith('Policies arn:aws:iam::aws:')));
        const m = (await h.call('GetAccountAuthorizationDetails', { MaxItems: 2 })).Marker as string;
        assert.equal(flat(await h.call('GetAccountAuthorizationDetails', { MaxItems: 2, Marker: m })).length, 2);
        await assert.rejects(h.call('GetAccountAuthorizationDetails', { MaxItems: 2, Marker: m }, A2), invalid, 'another account');
        await assert.rejects(h.call('GetAccountAuthorizationDetails', { MaxItems: 2, Marker: m, Filter: ['User'] }), invalid, 'another Filter');
        await assert.rejects(h.call('GetAccountAuthorizationDetails', { MaxItems: 2, Marker: tamper(m) }), invalid, 'tampered');
        await assert.rejects(h.call('GetAccountAuthorizationDetails', { MaxItems: 2, Marker: Buffer.from('o2').toString('base64url') }), invalid, 'unsigned');
      }));
  });
}
