/** Account provisioning: bootstrapOrganization (org, management account, root user, root key, FullAWSAccess) and createMemberAccount. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frozenClock } from '../../../src/clock.js';
import { isKamenError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/open.js';
import { verifyPassword } from '../../../src/store/passwords.js';
import { bootstrapOrganization, createMemberAccount, MANAGEMENT_ACCOUNT_SETTING } from '../../../src/services/accounts/index.js';

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

test('bootstrapOrganization creates the organization, management account, root user and root key', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  const clock = frozenClock(T0);
  try {
    const info = await bootstrapOrganization(store, clock, {});
    assert.ok(info);
    assert.match(info.organizationId, /^o-[a-z0-9]{10}$/);
    assert.match(info.managementAccountId, /^[1-9]\d{11}$/);
    assert.equal(info.rootEmail, 'admin@kamen.local');
    assert.match(info.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(info.secretAccessKey.length, 40);
    assert.ok(info.rootPassword.length >= 16);

    const org = await store.getOrganization();
    assert.ok(org);
    const M = info.managementAccountId;
    assert.equal(org.id, info.organizationId);
    assert.equal(org.arn, `arn:aws:organizations::${M}:organization/${org.id}`);
    assert.equal(org.managementAccountId, M);
    assert.equal(org.managementAccountEmail, 'admin@kamen.local');
    assert.match(org.rootId, /^r-[a-z0-9]{4}$/);
    assert.equal(org.featureSet, 'ALL');
    assert.equal(org.createdAt.getTime(), T0);

    const acct = await store.getAccount(M);
    assert.deepEqual(acct, {
      id: M,
      arn: `arn:aws:organizations::${M}:account/${org.id}/${M}`,
      name: 'management',
      email: 'admin@kamen.local',
      status: 'ACTIVE',
      joinedMethod: 'CREATED',
      joinedTimestamp: new Date(T0),
      parentId: org.rootId,
    });
    const root = await store.getRootUser(M);
    assert.ok(root);
    assert.match(root.passwordHash, /^scrypt\$/);
    assert.equal(await verifyPassword(info.rootPassword, root.passwordHash), true);
    assert.equal(await verifyPassword(info.rootPassword + 'x', root.passwordHash), false);
    const key = await store.getAccessKey(info.accessKeyId);
    assert.equal(key?.accountId, M);
    assert.equal(key?.userName, undefined);
    assert.equal(key?.secretAccessKey, info.secretAccessKey);
    assert.equal(key?.status, 'Active');
    assert.equal(await store.getSetting(MANAGEMENT_ACCOUNT_SETTING), M);
    // SCPs: AWS attaches FullAWSAccess to the root (and to each account)
    assert.deepEqual((await store.listOrgPoliciesForTarget(org.rootId)).map((p) => [p.id, p.awsManaged]), [['p-FullAWSAccess', true]]);
    assert.deepEqual((await store.listOrgPoliciesForTarget(M)).map((p) => p.id), ['p-FullAWSAccess']);

    // idempotent: a second call changes nothing
    assert.equal(await bootstrapOrganization(store, clock, {}), undefined);
    assert.equal((await store.getOrganization())?.id, info.organizationId);
    assert.equal((await store.listAccounts()).items.length, 1);
  } finally {
    await store.close();
  }
});

test('bootstrapOrganization honours a fixed account ID, email and password', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  try {
    const info = await bootstrapOrganization(store, frozenClock(T0), { accountId: '123456789012', email: 'ops@example.com', password: 'Secret-Pass-1234' });
    assert.equal(info?.managementAccountId, '123456789012');
    assert.equal(info?.rootEmail, 'ops@example.com');
    assert.equal(info?.rootPassword, 'Secret-Pass-1234');
    assert.equal((await store.getRootUserByEmail('ops@example.com'))?.accountId, '123456789012');
    const other = await openStore({ dataDir: ':memory:' });
    try {
      await assert.rejects(bootstrapOrganization(other, frozenClock(T0), { accountId: '012345678901' }), (e) => isKamenError(e, 'ERR_ORG_INVALID_INPUT'));
      assert.equal(await other.getOrganization(), undefined);
    } finally {
      await other.close();
    }
  } finally {
    await store.close();
  }
});

test('createMemberAccount: fixed ID, root user, root key, OrganizationAccountAccessRole as AWS creates it', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  const clock = frozenClock(T0);
  try {
    const info = (await bootstrapOrganization(store, clock, { accountId: '999999999999' }))!;
    clock.advance(60_000);
    const r = await createMemberAccount(store, clock, { name: 'dev', accountId: '111111111111', email: 'dev@example.com' });
    const org = (await store.getOrganization())!;
    assert.deepEqual(r.account, {
      id: '111111111111',
      arn: `arn:aws:organizations::999999999999:account/${org.id}/111111111111`,
      name: 'dev',
      email: 'dev@example.com',
      status: 'ACTIVE',
      joinedMethod: 'CREATED',
      joinedTimestamp: new Date(T0 + 60_000),
      parentId: org.rootId,
    });
    assert.deepEqual(await store.getAccount('111111111111'), r.account);
    assert.equal((await store.getRootUser('111111111111'))?.email, 'dev@example.com');
    const key = await store.getAccessKey(r.accessKeyId);
    assert.equal(key?.accountId, '111111111111');
    assert.equal(key?.userName, undefined);
    assert.equal(key?.secretAccessKey, r.secretAccessKey);

    const role = await store.getRole('111111111111', 'OrganizationAccountAccessRole');
    assert.ok(role);
    assert.equal(role.path, '/');
    assert.equal(role.arn, 'arn:aws:iam::111111111111:role/OrganizationAccountAccessRole');
    assert.match(role.roleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(role.maxSessionDuration, 3600);
    assert.deepEqual(JSON.parse(role.assumeRolePolicyDocument), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${info.managementAccountId}:root` }, Action: 'sts:AssumeRole' }],
    });
    assert.deepEqual(await store.listAttachedPolicies('111111111111', 'role', 'OrganizationAccountAccessRole'), ['arn:aws:iam::aws:policy/AdministratorAccess']);
    assert.deepEqual((await store.listOrgPoliciesForTarget('111111111111')).map((p) => p.id), ['p-FullAWSAccess']);

    // a random ID and a default email when none are given
    const r2 = await createMemberAccount(store, clock, { name: 'qa' });
    assert.match(r2.account.id, /^[1-9]\d{11}$/);
    assert.notEqual(r2.account.id, '111111111111');
    assert.ok(r2.account.email.includes('@'));
    assert.equal((await store.listAccounts()).items.length, 3);
  } finally {
    await store.close();
  }
});

test('createMemberAccount refuses a duplicate ID or email and leaves nothing behind; needs an organization', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  const clock = frozenClock(T0);
  try {
    await assert.rejects(createMemberAccount(store, clock, { name: 'x' }), (e) => isKamenError(e, 'ERR_ORG_NOT_IN_USE'));
    const info = (await bootstrapOrganization(store, clock, {}))!;
    await createMemberAccount(store, clock, { name: 'dev', accountId: '111111111111', email: 'dev@example.com' });
    await assert.rejects(createMemberAccount(store, clock, { name: 'dev2', accountId: '111111111111', email: 'other@example.com' }), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
    await assert.rejects(createMemberAccount(store, clock, { name: 'dev3', accountId: '222222222222', email: 'DEV@example.com' }), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
    await assert.rejects(createMemberAccount(store, clock, { name: 'mgmt', accountId: info.managementAccountId }), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
    await assert.rejects(createMemberAccount(store, clock, { name: 'bad', accountId: '12345' }), (e) => isKamenError(e, 'ERR_ORG_INVALID_INPUT'));
    await assert.rejects(createMemberAccount(store, clock, { name: 'lost', accountId: '333333333333', parentId: 'ou-zzzz-zzzzzzzz' }), (e) => isKamenError(e, 'ERR_ORG_PARENT_NOT_FOUND'));
    // the failed attempts left no rows (one transaction each)
    assert.equal(await store.getAccount('222222222222'), undefined);
    assert.equal(await store.getRootUser('222222222222'), undefined);
    assert.equal(await store.getAccount('333333333333'), undefined);
    assert.equal(await store.getRole('333333333333', 'OrganizationAccountAccessRole'), undefined);
    assert.equal((await store.listAccounts()).items.length, 2);
  } finally {
    await store.close();
  }
});
