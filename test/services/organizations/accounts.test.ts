/** Organizations: DescribeOrganization, CreateAccount and its statuses, ListAccounts paging, DescribeAccount, access rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../../src/store/open.js';
import { frozenClock } from '../../../src/clock.js';
import { createOrganizationsService } from '../../../src/services/organizations/index.js';
import { MGMT, T0, orgWorld, rejectsWith, rootCaller } from './setup.js';

test('DescribeOrganization: the management account and members see the organization', async () => {
  const w = await orgWorld();
  try {
    const org = (await w.store.getOrganization())!;
    const want = {
      Organization: {
        Id: org.id,
        Arn: `arn:aws:organizations::${MGMT}:organization/${org.id}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${MGMT}:account/${org.id}/${MGMT}`,
        MasterAccountId: MGMT,
        MasterAccountEmail: 'admin@kamen.local',
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    };
    assert.deepEqual(await w.call('DescribeOrganization'), want);
    const c = await w.call('CreateAccount', { AccountName: 'dev', Email: 'dev@example.com' });
    assert.deepEqual(await w.call('DescribeOrganization', {}, c.CreateAccountStatus.AccountId), want);
    // an account outside the organization
    await rejectsWith(w.call('DescribeOrganization', {}, '555555555555'), 'notInUse');
  } finally {
    await w.close();
  }
});

test('no organization: AWSOrganizationsNotInUseException', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  try {
    const svc = createOrganizationsService();
    const ctx = { requestId: 'r', caller: rootCaller(MGMT), store, clock: frozenClock(T0), region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: {} };
    await rejectsWith(svc.operations.DescribeOrganization!(ctx, {}), 'notInUse');
    await rejectsWith(svc.operations.ListAccounts!(ctx, {}), 'notInUse');
  } finally {
    await store.close();
  }
});

test('member accounts get AccessDeniedException on management-only operations', async () => {
  const w = await orgWorld();
  try {
    const dev = (await w.call('CreateAccount', { AccountName: 'dev', Email: 'dev@example.com' })).CreateAccountStatus.AccountId;
    const calls: Array<[string, Record<string, unknown>]> = [
      ['ListAccounts', {}],
      ['DescribeAccount', { AccountId: dev }],
      ['CreateAccount', { AccountName: 'x', Email: 'x@example.com' }],
      ['ListRoots', {}],
      ['CreateOrganizationalUnit', { ParentId: w.rootId, Name: 'ou' }],
      ['ListPolicies', { Filter: 'SERVICE_CONTROL_POLICY' }],
      ['MoveAccount', { AccountId: dev, SourceParentId: w.rootId, DestinationParentId: w.rootId }],
    ];
    for (const [op, input] of calls) await rejectsWith(w.call(op, input, dev), 'accessDenied');
  } finally {
    await w.close();
  }
});

test('CreateAccount succeeds at once; Describe/ListCreateAccountStatus; the role is created with the given RoleName', async () => {
  const w = await orgWorld();
  try {
    w.clock.advance(5000);
    const c = await w.call('CreateAccount', { AccountName: 'dev', Email: 'dev@example.com' });
    const s = c.CreateAccountStatus;
    assert.match(s.Id, /^car-[a-z0-9]{8,32}$/);
    assert.equal(s.State, 'SUCCEEDED');
    assert.equal(s.AccountName, 'dev');
    assert.match(s.AccountId, /^[1-9]\d{11}$/);
    assert.deepEqual(s.RequestedTimestamp, new Date(T0 + 5000));
    assert.deepEqual(s.CompletedTimestamp, new Date(T0 + 5000));
    assert.deepEqual(await w.call('DescribeCreateAccountStatus', { CreateAccountRequestId: s.Id }), { CreateAccountStatus: s });
    assert.ok(await w.store.getRole(s.AccountId, 'OrganizationAccountAccessRole'));

    const c2 = await w.call('CreateAccount', { AccountName: 'qa', Email: 'qa@example.com', RoleName: 'AdminRole' });
    const qa = c2.CreateAccountStatus.AccountId;
    assert.ok(await w.store.getRole(qa, 'AdminRole'));
    assert.equal(await w.store.getRole(qa, 'OrganizationAccountAccessRole'), undefined);
    assert.deepEqual(await w.store.listAttachedPolicies(qa, 'role', 'AdminRole'), ['arn:aws:iam::aws:policy/AdministratorAccess']);

    // a taken email: the request FAILS with EMAIL_ALREADY_EXISTS, no account is made
    const dup = await w.call('CreateAccount', { AccountName: 'dup', Email: 'DEV@example.com' });
    assert.equal(dup.CreateAccountStatus.State, 'FAILED');
    assert.equal(dup.CreateAccountStatus.FailureReason, 'EMAIL_ALREADY_EXISTS');
    assert.equal(dup.CreateAccountStatus.AccountId, undefined);
    assert.equal((await w.call('ListAccounts')).Accounts.length, 3);

    const all = await w.call('ListCreateAccountStatus', {});
    assert.deepEqual(all.CreateAccountStatuses.map((x: any) => x.AccountName), ['dev', 'qa', 'dup']);
    const ok = await w.call('ListCreateAccountStatus', { States: ['SUCCEEDED'] });
    assert.deepEqual(ok.CreateAccountStatuses.map((x: any) => x.AccountName), ['dev', 'qa']);
    const failed = await w.call('ListCreateAccountStatus', { States: ['FAILED'] });
    assert.deepEqual(failed.CreateAccountStatuses.map((x: any) => x.AccountName), ['dup']);
    const p1 = await w.call('ListCreateAccountStatus', { MaxResults: 2 });
    assert.equal(p1.CreateAccountStatuses.length, 2);
    assert.ok(p1.NextToken);
    const p2 = await w.call('ListCreateAccountStatus', { MaxResults: 2, NextToken: p1.NextToken });
    assert.deepEqual(p2.CreateAccountStatuses.map((x: any) => x.AccountName), ['dup']);
    assert.equal(p2.NextToken, undefined);
    await rejectsWith(w.call('ListCreateAccountStatus', { NextToken: 'garbage' }), 'invalidNextToken');

    await rejectsWith(w.call('DescribeCreateAccountStatus', { CreateAccountRequestId: 'car-doesnotexist00' }), 'casNotFound');
  } finally {
    await w.close();
  }
});

test('ListAccounts pages with MaxResults/NextToken and visits every account once; DescribeAccount', async () => {
  const w = await orgWorld();
  try {
    const ids = [MGMT];
    for (let i = 0; i < 6; i++) {
      w.clock.advance(1000);
      ids.push((await w.call('CreateAccount', { AccountName: `acct-${i}`, Email: `a${i}@example.com` })).CreateAccountStatus.AccountId);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await w.call('ListAccounts', { MaxResults: 3, ...(token ? { NextToken: token } : {}) });
      assert.ok(page.Accounts.length <= 3);
      seen.push(...page.Accounts.map((a: any) => a.Id));
      token = page.NextToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ids); // join order
    const all = await w.call('ListAccounts');
    assert.equal(all.Accounts.length, 7);
    assert.equal(all.NextToken, undefined);
    await rejectsWith(w.call('ListAccounts', { NextToken: 'not-a-token' }), 'invalidNextToken');
    await rejectsWith(w.call('ListAccountsForParent', { ParentId: w.rootId, NextToken: 'not-a-token' }), 'invalidNextToken');

    const d = await w.call('DescribeAccount', { AccountId: ids[1] });
    const org = (await w.store.getOrganization())!;
    assert.deepEqual(d, {
      Account: {
        Id: ids[1],
        Arn: `arn:aws:organizations::${MGMT}:account/${org.id}/${ids[1]}`,
        Email: 'a0@example.com',
        Name: 'acct-0',
        Status: 'ACTIVE',
        State: 'ACTIVE',
        JoinedMethod: 'CREATED',
        JoinedTimestamp: new Date(T0 + 1000),
      },
    });
    await rejectsWith(w.call('DescribeAccount', { AccountId: '123123123123' }), 'accountNotFound');
  } finally {
    await w.close();
  }
});
