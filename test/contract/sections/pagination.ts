/**
 * Contract: keyset pagination of every store listing: full walks see each row once and in order while rows change
 * behind and ahead of the cursor; markers are tamper-evident and bound to the account and the listing's parameters;
 * MaxItems edges.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ListOptions, Page, Store } from '../../../src/store/store.js';
import { isKamenError, type ErrorCode } from '../../../src/errors.js';
import { iamHarness } from '../iam-harness.js';
import { A1, A2, account, at, group, instanceProfile, mfa, policy, role, user, version, withStore } from '../fixtures.js';

const ROOT = 'r-ab12';
const PARENT2 = 'ou-ab12-99999999';

/** One listing under test: how to make its i-th row (with a given name), how to list, remove, and name a row. */
interface Listing {
  name: string;
  code: ErrorCode;
  add(s: Store, name: string, i: number): Promise<void>;
  remove(s: Store, name: string): Promise<void>;
  list(s: Store, opts: ListOptions): Promise<Page<unknown>>;
  /** The sort key of an item, compared as strings. */
  key(item: unknown): string;
}

const pad = (i: number): string => String(i).padStart(6, '0');
const lower = (k: string): string => k.toLowerCase();

const LISTINGS: Listing[] = [
  {
    name: 'listUsers',
    code: 'ERR_VALIDATION',
    add: (s, n) => s.createUser(user(A1, n)),
    remove: (s, n) => s.deleteUser(A1, n),
    list: (s, o) => s.listUsers(A1, o),
    key: (x) => lower((x as { userName: string }).userName),
  },
  {
    name: 'listGroups',
    code: 'ERR_VALIDATION',
    add: (s, n) => s.createGroup(group(A1, n)),
    remove: (s, n) => s.deleteGroup(A1, n),
    list: (s, o) => s.listGroups(A1, o),
    key: (x) => lower((x as { groupName: string }).groupName),
  },
  {
    name: 'listRoles',
    code: 'ERR_VALIDATION',
    add: (s, n) => s.createRole(role(A1, n)),
    remove: (s, n) => s.deleteRole(A1, n),
    list: (s, o) => s.listRoles(A1, o),
    key: (x) => lower((x as { roleName: string }).roleName),
  },
  {
    name: 'listPolicies',
    code: 'ERR_VALIDATION',
    add: (s, n) => {
      const p = policy(A1, n);
      return s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
    },
    remove: (s, n) => s.deletePolicy(policy(A1, n).arn),
    list: (s, o) => s.listPolicies(A1, o),
    key: (x) => lower((x as { policyName: string }).policyName),
  },
  {
    name: 'listInstanceProfiles',
    code: 'ERR_VALIDATION',
    add: (s, n) => s.createInstanceProfile(instanceProfile(A1, n)),
    remove: (s, n) => s.deleteInstanceProfile(A1, n),
    list: (s, o) => s.listInstanceProfiles(A1, o),
    key: (x) => lower((x as { name: string }).name),
  },
  {
    name: 'listGroupMembers',
    code: 'ERR_VALIDATION',
    add: async (s, n) => {
      if (!(await s.getGroup(A1, 'Team'))) await s.createGroup(group(A1, 'Team'));
      await s.createUser(user(A1, n));
      await s.addUserToGroup(A1, 'Team', n);
    },
    remove: (s, n) => s.removeUserFromGroup(A1, 'Team', n),
    list: (s, o) => s.listGroupMembers(A1, 'Team', o),
    key: (x) => lower((x as { userName: string }).userName),
  },
  {
    name: 'listGroupsForUser',
    code: 'ERR_VALIDATION',
    add: async (s, n) => {
      if (!(await s.getUser(A1, 'alice'))) await s.createUser(user(A1, 'alice'));
      await s.createGroup(group(A1, n));
      await s.addUserToGroup(A1, n, 'alice');
    },
    remove: (s, n) => s.removeUserFromGroup(A1, n, 'alice'),
    list: (s, o) => s.listGroupsForUser(A1, 'alice', o),
    key: (x) => lower((x as { groupName: string }).groupName),
  },
  {
    name: 'listVirtualMfaDevices',
    code: 'ERR_VALIDATION',
    add: (s, n) => s.createMfaDevice(mfa(A1, n)),
    remove: (s, n) => s.deleteMfaDevice(mfa(A1, n).serialNumber),
    list: (s, o) => s.listVirtualMfaDevices(A1, 'Any', o),
    key: (x) => lower((x as { name: string }).name),
  },
  {
    name: 'listAccountsForParent',
    code: 'ERR_ORG_INVALID_INPUT',
    // the join time orders accounts: a name sorts like its index
    add: (s, n, i) => s.putAccount(account(accountId(i), n, ROOT, at(i))),
    remove: (s, n) => s.deleteAccount(accountId(Number(n.slice(-6)))),
    list: (s, o) => s.listAccountsForParent(ROOT, o),
    key: (x) => lower((x as { name: string }).name),
  },
  {
    name: 'listOrganizationalUnitsForParent',
    code: 'ERR_ORG_INVALID_INPUT',
    add: (s, n, i) => s.putOrganizationalUnit({ id: `ou-ab12-${String(i).padStart(8, '0')}`, arn: `arn:ou/${i}`, name: n, parentId: ROOT }),
    remove: (s, n) => s.deleteOrganizationalUnit(`ou-ab12-${n.slice(-6).padStart(8, '0')}`),
    list: (s, o) => s.listOrganizationalUnitsForParent(ROOT, o),
    key: (x) => lower((x as { name: string }).name),
  },
];

function accountId(i: number): string {
  return String(100000000000 + i);
}

/** A name whose case alternates, sorting (without case) like its index. */
function nameOf(i: number): string {
  return (i % 2 === 0 ? 'Row-' : 'row-') + pad(i);
}

/** Tampers with one character of the marker's payload (before the signature). */
function tamper(marker: string): string {
  const i = Math.min(3, marker.length - 1);
  const c = marker[i] === 'A' ? 'B' : 'A';
  return marker.slice(0, i) + c + marker.slice(i + 1);
}

/** Registers the pagination contract tests. */
export function paginationContract(makeStore: () => Promise<Store>): void {
  describe('keyset pagination', () => {
    for (const l of LISTINGS) {
      it(`${l.name}: a full walk returns every row once, in order, while rows are added and removed around the cursor`, () =>
        withStore(makeStore, async (s) => {
          const N = 60;
          // rows at even indices (×10) now; during the walk rows are added behind the cursor (×10+1), added ahead
          // (×10+5) and removed ahead (even ×10)
          for (let i = 0; i < N; i += 2) await l.add(s, nameOf(i * 10), i * 10);
          const removedAhead = new Set<string>();
          const addedAhead = new Set<string>();
          const added = new Set<number>();
          const addOnce = async (i: number): Promise<boolean> => {
            if (added.has(i)) return false;
            added.add(i);
            await l.add(s, nameOf(i), i);
            return true;
          };
          const seen: string[] = [];
          let marker: string | undefined;
          let pages = 0;
          do {
            const page = await l.list(s, marker === undefined ? { maxItems: 4 } : { maxItems: 4, marker });
            seen.push(...page.items.map(l.key));
            marker = page.nextMarker;
            pages++;
            if (marker === undefined) break;
            const b = Math.floor(Number(seen[seen.length - 1]!.slice(-6)) / 10);
            if (b >= 1) await addOnce((b - 1) * 10 + 1);
            if (b + 3 < N && (await addOnce((b + 3) * 10 + 5))) addedAhead.add(nameOf((b + 3) * 10 + 5).toLowerCase());
            const gone = (b + 4 + (b % 2)) * 10;
            if (gone < N * 10 && pages % 2 === 0 && !removedAhead.has(nameOf(gone).toLowerCase())) {
              await l.remove(s, nameOf(gone));
              removedAhead.add(nameOf(gone).toLowerCase());
            }
          } while (pages < 200);
          assert.ok(pages > 5, 'the walk spans several pages');
          assert.deepEqual(seen, [...seen].sort(), 'in order');
          assert.equal(new Set(seen).size, seen.length, 'no row twice');
          for (let i = 0; i < N; i += 2) {
            const k = nameOf(i * 10).toLowerCase();
            if (removedAhead.has(k)) assert.ok(!seen.includes(k), `${k} was removed before the cursor reached it`);
            else assert.ok(seen.includes(k), `${k} is listed`);
          }
          for (const k of addedAhead) assert.ok(seen.includes(k), `${k} added ahead is listed`);
          for (const i of added) if (i % 10 === 1) assert.ok(!seen.includes(nameOf(i).toLowerCase()), 'rows added behind are not listed');
          assert.ok(removedAhead.size > 0 && addedAhead.size > 0, 'the walk changed rows on both sides');
        }));

      it(`${l.name}: a tampered or unsigned marker is refused with AWS's error`, () =>
        withStore(makeStore, async (s) => {
          for (let i = 0; i < 3; i++) await l.add(s, nameOf(i), i);
          const first = await l.list(s, { maxItems: 1 });
          assert.ok(first.nextMarker);
          const ok = await l.list(s, { maxItems: 1, marker: first.nextMarker });
          assert.equal(ok.items.length, 1);
          const refused = (e: unknown): boolean => isKamenError(e, l.code);
          await assert.rejects(l.list(s, { marker: tamper(first.nextMarker) }), refused);
          const unsigned = first.nextMarker.split('.')[0]!;
          await assert.rejects(l.list(s, { marker: unsigned }), refused);
          const forged = Buffer.from(JSON.stringify(['zzzz']), 'utf8').toString('base64url') + '.' + first.nextMarker.split('.')[1]!;
          await assert.rejects(l.list(s, { marker: forged }), refused);
          await assert.rejects(l.list(s, { marker: '%%%not-a-marker' }), refused);
        }));
    }

    it('a marker from another account, another listing or other parameters is refused', () =>
      withStore(makeStore, async (s) => {
        for (const a of [A1, A2]) {
          for (let i = 0; i < 3; i++) {
            await s.createRole(role(a, nameOf(i), { path: '/a/' }));
            await s.createUser(user(a, nameOf(i), { path: '/a/' }));
            await s.createGroup(group(a, nameOf(i)));
          }
        }
        const invalid = (e: unknown): boolean => isKamenError(e, 'ERR_VALIDATION');
        const roles1 = (await s.listRoles(A1, { maxItems: 1 })).nextMarker!;
        assert.equal((await s.listRoles(A1, { maxItems: 1, marker: roles1 })).items.length, 1);
        await assert.rejects(s.listRoles(A2, { maxItems: 1, marker: roles1 }), invalid, 'another account');
        await assert.rejects(s.listUsers(A1, { maxItems: 1, marker: roles1 }), invalid, 'another listing');
        await assert.rejects(s.listRoles(A1, { maxItems: 1, marker: roles1, pathPrefix: '/a/' }), invalid, 'another PathPrefix');
        const prefixed = (await s.listRoles(A1, { maxItems: 1, pathPrefix: '/a/' })).nextMarker!;
        assert.equal((await s.listRoles(A1, { maxItems: 1, marker: prefixed, pathPrefix: '/a/' })).items.length, 1);
        await assert.rejects(s.listRoles(A1, { maxItems: 1, marker: prefixed, pathPrefix: '/b/' }), invalid);
        await assert.rejects(s.listRoles(A1, { maxItems: 1, marker: prefixed }), invalid);

        for (let i = 0; i < 3; i++) {
          await s.addUserToGroup(A1, nameOf(0), nameOf(i));
          await s.addUserToGroup(A1, nameOf(1), nameOf(i));
        }
        const members = (await s.listGroupMembers(A1, nameOf(0), { maxItems: 1 })).nextMarker!;
        assert.equal((await s.listGroupMembers(A1, nameOf(0).toUpperCase(), { maxItems: 1, marker: members })).items.length, 1);
        await assert.rejects(s.listGroupMembers(A1, nameOf(1), { maxItems: 1, marker: members }), invalid, 'another group');
        await assert.rejects(s.listGroupMembers(A2, nameOf(0), { maxItems: 1, marker: members }), invalid, 'another account');

        for (let i = 0; i < 3; i++) await s.createMfaDevice(mfa(A1, nameOf(i), i === 0 ? {} : { userName: nameOf(i), enableDate: at(i) }));
        const anyMfa = (await s.listVirtualMfaDevices(A1, 'Any', { maxItems: 1 })).nextMarker!;
        await assert.rejects(s.listVirtualMfaDevices(A1, 'Assigned', { maxItems: 1, marker: anyMfa }), invalid, 'another AssignmentStatus');
        const assigned = await s.listVirtualMfaDevices(A1, 'Assigned', { maxItems: 1 });
        assert.deepEqual(assigned.items.map((d) => d.name), [nameOf(1)]);
        const rest = await s.listVirtualMfaDevices(A1, 'Assigned', { maxItems: 1, marker: assigned.nextMarker! });
        assert.deepEqual(rest.items.map((d) => d.name), [nameOf(2)]);
        assert.deepEqual((await s.listVirtualMfaDevices(A1, 'Unassigned')).items.map((d) => d.name), [nameOf(0)]);

        const orgInvalid = (e: unknown): boolean => isKamenError(e, 'ERR_ORG_INVALID_INPUT');
        await s.putOrganizationalUnit({ id: PARENT2, arn: 'arn:ou/p2', name: 'p2', parentId: ROOT });
        for (let i = 0; i < 3; i++) {
          await s.putAccount(account(accountId(i), `a${i}`, ROOT, at(i)));
          await s.putAccount(account(accountId(10 + i), `b${i}`, PARENT2, at(i)));
        }
        const accts = (await s.listAccountsForParent(ROOT, { maxItems: 1 })).nextMarker!;
        await assert.rejects(s.listAccountsForParent(PARENT2, { maxItems: 1, marker: accts }), orgInvalid, 'another parent');
        await assert.rejects(s.listAccounts({ maxItems: 1, marker: accts }), orgInvalid, 'another listing');
      }));

    it('IAM ListRoles and ListVirtualMFADevices page through the store; a marker used by another account is a ValidationError', () =>
      withStore(makeStore, async (s) => {
        const h = iamHarness(s);
        for (const a of [A1, A2]) for (let i = 0; i < 5; i++) await s.createRole(role(a, nameOf(i)));
        const names: string[] = [];
        let marker: string | undefined;
        let first: string | undefined;
        do {
          const out = await h.call('ListRoles', marker === undefined ? { MaxItems: 2 } : { MaxItems: 2, Marker: marker });
          names.push(...(out.Roles as Array<{ RoleName: string }>).map((r) => r.RoleName));
          assert.equal(out.IsTruncated, out.Marker !== undefined);
          marker = out.Marker as string | undefined;
          first ??= marker;
        } while (marker !== undefined);
        assert.deepEqual(names, [0, 1, 2, 3, 4].map(nameOf));
        await assert.rejects(h.call('ListRoles', { MaxItems: 2, Marker: first }, A2), (e) => isKamenError(e, 'ERR_VALIDATION'));
        await assert.rejects(h.call('ListUsers', { MaxItems: 2, Marker: first }), (e) => isKamenError(e, 'ERR_VALIDATION'));
        for (let i = 0; i < 3; i++) await s.createMfaDevice(mfa(A1, nameOf(i)));
        const v1 = await h.call('ListVirtualMFADevices', { MaxItems: 2 });
        assert.equal(v1.IsTruncated, true);
        const v2 = await h.call('ListVirtualMFADevices', { MaxItems: 2, Marker: v1.Marker });
        const serials = [...v1.VirtualMFADevices, ...v2.VirtualMFADevices].map((d: { SerialNumber: string }) => d.SerialNumber);
        assert.deepEqual(serials, [0, 1, 2].map((i) => mfa(A1, nameOf(i)).serialNumber));
        await assert.rejects(h.call('ListVirtualMFADevices', { MaxItems: 2, Marker: v1.Marker, AssignmentStatus: 'Unassigned' }), (e) => isKamenError(e, 'ERR_VALIDATION'));
      }));

    it('MaxItems: 1, exactly 1000, and more than 1000 (a page holds at most 1000)', () =>
      withStore(makeStore, async (s) => {
        await s.transaction(async () => {
          for (let i = 0; i < 1001; i++) await s.createRole(role(A1, nameOf(i)));
        });
        const one = await s.listRoles(A1, { maxItems: 1 });
        assert.deepEqual(one.items.map((r) => r.roleName), [nameOf(0)]);
        assert.ok(one.nextMarker);
        const thousand = await s.listRoles(A1, { maxItems: 1000 });
        assert.equal(thousand.items.length, 1000);
        assert.ok(thousand.nextMarker);
        const rest = await s.listRoles(A1, { maxItems: 1000, marker: thousand.nextMarker });
        assert.deepEqual(rest.items.map((r) => r.roleName), [nameOf(1000)]);
        assert.equal(rest.nextMarker, undefined);
        const over = await s.listRoles(A1, { maxItems: 5000 });
        assert.equal(over.items.length, 1000);
        assert.ok(over.nextMarker);
        const all = await s.listRoles(A1, { maxItems: 1001 });
        assert.equal(all.items.length, 1000);
        assert.equal((await s.listRoles(A1, {})).items.length, 100, 'the default page is 100');
      }));
  });
}
