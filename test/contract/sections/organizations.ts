/** Contract: the organization, accounts, OUs, CreateAccount statuses, and SCPs with their targets. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Organization, OrgPolicy, Store } from '../../../src/store/store.js';
import { isKamenError } from '../../../src/errors.js';
import { A1, account, at, drain, T0, withStore } from '../fixtures.js';

const ROOT = 'r-ab12';

function org(): Organization {
  return {
    id: 'o-abcdefghij',
    arn: `arn:aws:organizations::${A1}:organization/o-abcdefghij`,
    managementAccountId: A1,
    managementAccountEmail: 'mgmt@example.com',
    rootId: ROOT,
    featureSet: 'ALL',
    createdAt: T0,
  };
}

function scp(id: string, name: string, extra: Partial<OrgPolicy> = {}): OrgPolicy {
  return {
    id,
    arn: `arn:aws:organizations::${A1}:policy/o-abcdefghij/service_control_policy/${id}`,
    name,
    description: `${name} policy`,
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}',
    ...extra,
  };
}

/** Registers the Organizations contract tests. */
export function organizationContract(makeStore: () => Promise<Store>): void {
  describe('organizations', () => {
    it('creates, reads, refuses a second, and deletes the organization', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.getOrganization(), undefined);
        await s.createOrganization(org());
        assert.deepEqual(await s.getOrganization(), org());
        await assert.rejects(s.createOrganization({ ...org(), id: 'o-zzzzzzzzzz' }), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        assert.equal((await s.getOrganization())?.id, 'o-abcdefghij');
        await s.deleteOrganization();
        assert.equal(await s.getOrganization(), undefined);
      }));

    it('puts (inserts then updates), gets, lists and deletes accounts', () =>
      withStore(makeStore, async (s) => {
        const a = account('333333333333', 'dev', ROOT, at(10));
        await s.putAccount(a);
        assert.deepEqual(await s.getAccount(a.id), a);
        const moved = { ...a, name: 'dev2', parentId: 'ou-ab12-11111111', status: 'SUSPENDED' as const };
        await s.putAccount(moved);
        assert.deepEqual(await s.getAccount(a.id), moved);
        assert.equal(await s.getAccount('999999999999'), undefined);
        assert.deepEqual((await s.listAccounts()).items, [moved]);
        await s.deleteAccount(a.id);
        assert.equal(await s.getAccount(a.id), undefined);
        assert.deepEqual((await s.listAccounts()).items, []);
      }));

    it('paginates accounts in join order with opaque markers, and per parent', () =>
      withStore(makeStore, async (s) => {
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          const id = String(400000000000 + i);
          ids.push(id);
          // joined in reverse id order for the first five, same instant for the last two (ties broken by id)
          await s.putAccount(account(id, 'acct' + i, i % 2 === 0 ? ROOT : 'ou-ab12-22222222', i < 5 ? at(100 - i) : at(200)));
        }
        const expected = [...ids.slice(0, 5).reverse(), ...ids.slice(5)];
        const all = await drain((o) => s.listAccounts(o), 3);
        assert.deepEqual(all.items.map((a) => a.id), expected);
        assert.deepEqual(all.sizes, [3, 3, 1]);
        const first = await s.listAccounts({ maxItems: 3 });
        assert.ok(first.nextMarker && !first.nextMarker.includes(expected[2]!), 'marker is opaque');
        const underRoot = await drain((o) => s.listAccountsForParent(ROOT, o), 2);
        assert.deepEqual(underRoot.items.map((a) => a.id), expected.filter((id) => Number(id.slice(-1)) % 2 === 0));
        assert.deepEqual((await s.listAccountsForParent('ou-none-00000000')).items, []);
        await assert.rejects(s.listAccounts({ marker: 'not-a-marker!' }), (e) => isKamenError(e));
      }));

    it('puts, lists (by name, paginated) and deletes organizational units', () =>
      withStore(makeStore, async (s) => {
        const names = ['Prod', 'dev', 'Sandbox', 'audit'];
        for (const [i, name] of names.entries()) {
          await s.putOrganizationalUnit({ id: `ou-ab12-0000000${i}`, arn: `arn:ou/${i}`, name, parentId: ROOT });
        }
        await s.putOrganizationalUnit({ id: 'ou-ab12-10000000', arn: 'arn:ou/x', name: 'nested', parentId: 'ou-ab12-00000000' });
        const ou0 = await s.getOrganizationalUnit('ou-ab12-00000000');
        assert.deepEqual(ou0, { id: 'ou-ab12-00000000', arn: 'arn:ou/0', name: 'Prod', parentId: ROOT });
        const all = await drain((o) => s.listOrganizationalUnitsForParent(ROOT, o), 3);
        assert.deepEqual(all.items.map((o) => o.name), ['audit', 'dev', 'Prod', 'Sandbox']);
        assert.deepEqual((await s.listOrganizationalUnitsForParent('ou-ab12-00000000')).items.map((o) => o.name), ['nested']);
        await s.putOrganizationalUnit({ id: 'ou-ab12-00000000', arn: 'arn:ou/0', name: 'Production', parentId: ROOT });
        assert.equal((await s.getOrganizationalUnit('ou-ab12-00000000'))?.name, 'Production');
        await s.deleteOrganizationalUnit('ou-ab12-00000001');
        assert.equal(await s.getOrganizationalUnit('ou-ab12-00000001'), undefined);
        assert.equal((await s.listOrganizationalUnitsForParent(ROOT)).items.length, 3);
      }));

    it('round-trips CreateAccount statuses with and without optional fields', () =>
      withStore(makeStore, async (s) => {
        const pending = { id: 'car-00000001', accountName: 'dev', state: 'IN_PROGRESS' as const, requestedTimestamp: at(1) };
        await s.putCreateAccountStatus(pending);
        assert.deepEqual(await s.getCreateAccountStatus(pending.id), pending);
        const done = { ...pending, state: 'SUCCEEDED' as const, completedTimestamp: at(2), accountId: '333333333333' };
        await s.putCreateAccountStatus(done);
        assert.deepEqual(await s.getCreateAccountStatus(pending.id), done);
        const failed = { id: 'car-00000002', accountName: 'x', state: 'FAILED' as const, requestedTimestamp: at(3), completedTimestamp: at(4), failureReason: 'EMAIL_ALREADY_EXISTS' };
        await s.putCreateAccountStatus(failed);
        assert.deepEqual(await s.getCreateAccountStatus(failed.id), failed);
        assert.equal(await s.getCreateAccountStatus('car-99999999'), undefined);
      }));

    it('stores SCPs, attaches them to targets idempotently, and lists both ways', () =>
      withStore(makeStore, async (s) => {
        const full = scp('p-FullAWSAccess', 'FullAWSAccess', { awsManaged: true, description: 'Allows access to every operation' });
        const deny = scp('p-11111111', 'DenyEc2');
        await s.putOrgPolicy(full);
        await s.putOrgPolicy(deny);
        assert.deepEqual(await s.getOrgPolicy(full.id), full);
        assert.equal(await s.getOrgPolicy('p-nope'), undefined);
        assert.deepEqual((await s.listOrgPolicies()).map((p) => p.id), [deny.id, full.id]);
        await s.attachOrgPolicy(full.id, ROOT);
        await s.attachOrgPolicy(full.id, '333333333333');
        await s.attachOrgPolicy(full.id, ROOT);
        await s.attachOrgPolicy(deny.id, '333333333333');
        assert.deepEqual(await s.listOrgPolicyTargets(full.id), [ROOT, '333333333333']);
        assert.deepEqual((await s.listOrgPoliciesForTarget('333333333333')).map((p) => p.id), [deny.id, full.id]);
        await s.detachOrgPolicy(full.id, '333333333333');
        assert.deepEqual(await s.listOrgPolicyTargets(full.id), [ROOT]);
        await s.putOrgPolicy({ ...deny, content: '{}', name: 'DenyEc2v2' });
        assert.equal((await s.getOrgPolicy(deny.id))?.content, '{}');
        await s.deleteOrgPolicy(deny.id);
        assert.equal(await s.getOrgPolicy(deny.id), undefined);
        assert.deepEqual(await s.listOrgPoliciesForTarget('333333333333'), []);
      }));

    it('drops policy attachments of a deleted OU or account', () =>
      withStore(makeStore, async (s) => {
        const p = scp('p-22222222', 'P');
        await s.putOrgPolicy(p);
        await s.putOrganizationalUnit({ id: 'ou-ab12-33333333', arn: 'arn:ou', name: 'x', parentId: ROOT });
        await s.putAccount(account('555555555555', 'a', ROOT, at(1)));
        await s.attachOrgPolicy(p.id, 'ou-ab12-33333333');
        await s.attachOrgPolicy(p.id, '555555555555');
        await s.deleteOrganizationalUnit('ou-ab12-33333333');
        await s.deleteAccount('555555555555');
        assert.deepEqual(await s.listOrgPolicyTargets(p.id), []);
      }));
  });
}
