/** Organizations tree: ListRoots, OUs (create/describe/update/delete), ListParents, ListChildren, ListAccountsForParent, MoveAccount. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../../src/errors.js';
import { orgPathForAccount } from '../../../src/services/organizations/index.js';
import { MGMT, orgWorld, rejectsWith } from './setup.js';

test('ListRoots: one root named Root with SCPs enabled', async () => {
  const w = await orgWorld();
  try {
    const org = (await w.store.getOrganization())!;
    assert.deepEqual(await w.call('ListRoots'), {
      Roots: [{ Id: w.rootId, Arn: `arn:aws:organizations::${MGMT}:root/${org.id}/${w.rootId}`, Name: 'Root', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }],
    });
  } finally {
    await w.close();
  }
});

test('OUs: create, describe, rename, list, duplicates, depth, delete', async () => {
  const w = await orgWorld();
  try {
    const org = (await w.store.getOrganization())!;
    const eng = (await w.call('CreateOrganizationalUnit', { ParentId: w.rootId, Name: 'eng' })).OrganizationalUnit;
    assert.match(eng.Id, new RegExp(`^ou-${w.rootId.slice(2)}-[a-z0-9]{8}$`));
    assert.equal(eng.Arn, `arn:aws:organizations::${MGMT}:ou/${org.id}/${eng.Id}`);
    assert.equal(eng.Name, 'eng');
    assert.deepEqual(await w.call('DescribeOrganizationalUnit', { OrganizationalUnitId: eng.Id }), { OrganizationalUnit: eng });
    // new OUs get FullAWSAccess, as AWS attaches it
    assert.deepEqual((await w.store.listOrgPoliciesForTarget(eng.Id)).map((p) => p.id), ['p-FullAWSAccess']);

    await rejectsWith(w.call('CreateOrganizationalUnit', { ParentId: w.rootId, Name: 'eng' }), 'duplicateOu');
    await rejectsWith(w.call('CreateOrganizationalUnit', { ParentId: 'ou-zzzz-zzzzzzzz', Name: 'x' }), 'parentNotFound');
    const web = (await w.call('CreateOrganizationalUnit', { ParentId: eng.Id, Name: 'web' })).OrganizationalUnit;
    const ops = (await w.call('CreateOrganizationalUnit', { ParentId: w.rootId, Name: 'ops' })).OrganizationalUnit;
    // the same name under another parent is fine
    await w.call('CreateOrganizationalUnit', { ParentId: ops.Id, Name: 'web' });

    const list = await w.call('ListOrganizationalUnitsForParent', { ParentId: w.rootId });
    assert.deepEqual(list.OrganizationalUnits.map((o: any) => o.Name), ['eng', 'ops']);
    const p1 = await w.call('ListOrganizationalUnitsForParent', { ParentId: w.rootId, MaxResults: 1 });
    assert.equal(p1.OrganizationalUnits.length, 1);
    const p2 = await w.call('ListOrganizationalUnitsForParent', { ParentId: w.rootId, MaxResults: 1, NextToken: p1.NextToken });
    assert.deepEqual([...p1.OrganizationalUnits, ...p2.OrganizationalUnits].map((o: any) => o.Name), ['eng', 'ops']);
    assert.equal(p2.NextToken, undefined);
    await rejectsWith(w.call('ListOrganizationalUnitsForParent', { ParentId: 'ou-zzzz-zzzzzzzz' }), 'parentNotFound');

    const renamed = await w.call('UpdateOrganizationalUnit', { OrganizationalUnitId: web.Id, Name: 'frontend' });
    assert.deepEqual(renamed, { OrganizationalUnit: { ...web, Name: 'frontend' } });
    assert.equal((await w.call('DescribeOrganizationalUnit', { OrganizationalUnitId: web.Id })).OrganizationalUnit.Name, 'frontend');
    await w.call('CreateOrganizationalUnit', { ParentId: eng.Id, Name: 'backend' });
    await rejectsWith(w.call('UpdateOrganizationalUnit', { OrganizationalUnitId: web.Id, Name: 'backend' }), 'duplicateOu');
    await rejectsWith(w.call('UpdateOrganizationalUnit', { OrganizationalUnitId: 'ou-zzzz-zzzzzzzz', Name: 'x' }), 'ouNotFound');
    await rejectsWith(w.call('DescribeOrganizationalUnit', { OrganizationalUnitId: 'ou-zzzz-zzzzzzzz' }), 'ouNotFound');

    // five levels deep is the limit
    let parent = web.Id;
    for (let depth = 3; depth <= 5; depth++) parent = (await w.call('CreateOrganizationalUnit', { ParentId: parent, Name: `l${depth}` })).OrganizationalUnit.Id;
    await assert.rejects(w.call('CreateOrganizationalUnit', { ParentId: parent, Name: 'l6' }), (e) => isKamenError(e, 'ERR_ORG_CONSTRAINT_VIOLATION'));

    // delete: not while it has children
    await rejectsWith(w.call('DeleteOrganizationalUnit', { OrganizationalUnitId: eng.Id }), 'ouNotEmpty');
    const leaf = (await w.call('CreateOrganizationalUnit', { ParentId: ops.Id, Name: 'leaf' })).OrganizationalUnit;
    assert.deepEqual(await w.call('DeleteOrganizationalUnit', { OrganizationalUnitId: leaf.Id }), {});
    await rejectsWith(w.call('DescribeOrganizationalUnit', { OrganizationalUnitId: leaf.Id }), 'ouNotFound');
    await rejectsWith(w.call('DeleteOrganizationalUnit', { OrganizationalUnitId: leaf.Id }), 'ouNotFound');
    assert.deepEqual(await w.store.listOrgPoliciesForTarget(leaf.Id), []);
  } finally {
    await w.close();
  }
});

test('MoveAccount, ListAccountsForParent, ListParents, ListChildren, orgPathForAccount', async () => {
  const w = await orgWorld();
  try {
    w.clock.advance(1000); // accounts list in join order
    const dev = (await w.call('CreateAccount', { AccountName: 'dev', Email: 'dev@example.com' })).CreateAccountStatus.AccountId;
    const eng = (await w.call('CreateOrganizationalUnit', { ParentId: w.rootId, Name: 'eng' })).OrganizationalUnit;
    const web = (await w.call('CreateOrganizationalUnit', { ParentId: eng.Id, Name: 'web' })).OrganizationalUnit;

    assert.deepEqual((await w.call('ListAccountsForParent', { ParentId: w.rootId })).Accounts.map((a: any) => a.Id), [MGMT, dev]);
    assert.deepEqual(await w.call('ListParents', { ChildId: dev }), { Parents: [{ Id: w.rootId, Type: 'ROOT' }] });
    assert.deepEqual(await orgPathForAccount(w.store, dev), [w.rootId, dev]);

    // errors, in AWS's order of checks
    await rejectsWith(w.call('MoveAccount', { AccountId: '123123123123', SourceParentId: w.rootId, DestinationParentId: eng.Id }), 'accountNotFound');
    await rejectsWith(w.call('MoveAccount', { AccountId: dev, SourceParentId: 'ou-zzzz-zzzzzzzz', DestinationParentId: eng.Id }), 'sourceParentNotFound');
    await rejectsWith(w.call('MoveAccount', { AccountId: dev, SourceParentId: w.rootId, DestinationParentId: 'ou-zzzz-zzzzzzzz' }), 'destinationParentNotFound');
    await rejectsWith(w.call('MoveAccount', { AccountId: dev, SourceParentId: w.rootId, DestinationParentId: w.rootId }), 'duplicateAccount');

    assert.deepEqual(await w.call('MoveAccount', { AccountId: dev, SourceParentId: w.rootId, DestinationParentId: web.Id }), {});
    assert.equal((await w.store.getAccount(dev))?.parentId, web.Id);
    assert.deepEqual((await w.call('ListAccountsForParent', { ParentId: w.rootId })).Accounts.map((a: any) => a.Id), [MGMT]);
    assert.deepEqual((await w.call('ListAccountsForParent', { ParentId: web.Id })).Accounts.map((a: any) => a.Id), [dev]);
    await rejectsWith(w.call('ListAccountsForParent', { ParentId: 'ou-zzzz-zzzzzzzz' }), 'parentNotFound');
    assert.deepEqual(await w.call('ListParents', { ChildId: dev }), { Parents: [{ Id: web.Id, Type: 'ORGANIZATIONAL_UNIT' }] });
    assert.deepEqual(await w.call('ListParents', { ChildId: web.Id }), { Parents: [{ Id: eng.Id, Type: 'ORGANIZATIONAL_UNIT' }] });
    assert.deepEqual(await w.call('ListParents', { ChildId: eng.Id }), { Parents: [{ Id: w.rootId, Type: 'ROOT' }] });
    await rejectsWith(w.call('ListParents', { ChildId: '123123123123' }), 'childNotFound');
    await rejectsWith(w.call('ListParents', { ChildId: 'ou-zzzz-zzzzzzzz' }), 'childNotFound');
    assert.deepEqual(await orgPathForAccount(w.store, dev), [w.rootId, eng.Id, web.Id, dev]);
    assert.deepEqual(await orgPathForAccount(w.store, MGMT), [w.rootId, MGMT]);
    assert.deepEqual(await orgPathForAccount(w.store, '123123123123'), []);

    // moving from the wrong source parent
    await rejectsWith(w.call('MoveAccount', { AccountId: dev, SourceParentId: eng.Id, DestinationParentId: w.rootId }), 'accountNotFound');

    assert.deepEqual(await w.call('ListChildren', { ParentId: w.rootId, ChildType: 'ORGANIZATIONAL_UNIT' }), { Children: [{ Id: eng.Id, Type: 'ORGANIZATIONAL_UNIT' }] });
    assert.deepEqual(await w.call('ListChildren', { ParentId: w.rootId, ChildType: 'ACCOUNT' }), { Children: [{ Id: MGMT, Type: 'ACCOUNT' }] });
    assert.deepEqual(await w.call('ListChildren', { ParentId: web.Id, ChildType: 'ACCOUNT' }), { Children: [{ Id: dev, Type: 'ACCOUNT' }] });
    assert.deepEqual(await w.call('ListChildren', { ParentId: web.Id, ChildType: 'ORGANIZATIONAL_UNIT' }), { Children: [] });
    await rejectsWith(w.call('ListChildren', { ParentId: 'r-zzzz', ChildType: 'ACCOUNT' }), 'parentNotFound');

    // paging ListChildren
    for (let i = 0; i < 3; i++) await w.call('CreateOrganizationalUnit', { ParentId: w.rootId, Name: `x${i}` });
    const c1 = await w.call('ListChildren', { ParentId: w.rootId, ChildType: 'ORGANIZATIONAL_UNIT', MaxResults: 2 });
    assert.equal(c1.Children.length, 2);
    const c2 = await w.call('ListChildren', { ParentId: w.rootId, ChildType: 'ORGANIZATIONAL_UNIT', MaxResults: 2, NextToken: c1.NextToken });
    assert.equal(c2.Children.length, 2);
    assert.equal(c2.NextToken, undefined);
    assert.equal(new Set([...c1.Children, ...c2.Children].map((c: any) => c.Id)).size, 4);
    await rejectsWith(w.call('ListChildren', { ParentId: w.rootId, ChildType: 'ACCOUNT', NextToken: '!!' }), 'invalidNextToken');

    // the account moves back; the OU can then be deleted once empty
    await w.call('MoveAccount', { AccountId: dev, SourceParentId: web.Id, DestinationParentId: w.rootId });
    assert.deepEqual(await w.call('DeleteOrganizationalUnit', { OrganizationalUnitId: web.Id }), {});
  } finally {
    await w.close();
  }
});
