/** Handshake expiry (frozen clock) and the policy types Enable/DisablePolicyType accept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStandaloneAccount } from '../../../src/services/accounts/standalone.js';
import { MGMT, orgWorld, rejectsWith } from './setup.js';

test('an invitation expires 15 days after it is requested and can no longer be accepted', async () => {
  const w = await orgWorld();
  try {
    const b = await createStandaloneAccount(w.store, w.clock, { name: 'bee', accountId: '222233334444' });
    const h = (await w.call('InviteAccountToOrganization', { Target: { Id: b.account.id, Type: 'ACCOUNT' } })).Handshake;
    assert.equal(h.State, 'OPEN');
    w.clock.advance(15 * 24 * 3600 * 1000 - 1);
    assert.equal((await w.call('DescribeHandshake', { HandshakeId: h.Id }, b.account.id)).Handshake.State, 'OPEN');
    w.clock.advance(1);
    assert.equal((await w.call('DescribeHandshake', { HandshakeId: h.Id }, b.account.id)).Handshake.State, 'EXPIRED');
    await rejectsWith(w.call('AcceptHandshake', { HandshakeId: h.Id }, b.account.id), 'invalidHandshakeTransition');
    assert.equal(await w.store.getAccount(b.account.id), undefined);
    // An expired invitation does not block a new one.
    const again = (await w.call('InviteAccountToOrganization', { Target: { Id: b.account.id, Type: 'ACCOUNT' } })).Handshake;
    assert.equal((await w.call('AcceptHandshake', { HandshakeId: again.Id }, b.account.id)).Handshake.State, 'ACCEPTED');
    assert.equal((await w.store.getAccount(b.account.id))?.joinedMethod, 'INVITED');
  } finally {
    await w.close();
  }
});

test('an invitation by email is accepted by the account whose root user has that email', async () => {
  const w = await orgWorld();
  try {
    const b = await createStandaloneAccount(w.store, w.clock, { name: 'bee', email: 'Bee@Example.com' });
    const h = (await w.call('InviteAccountToOrganization', { Target: { Id: 'bee@example.com', Type: 'EMAIL' } })).Handshake;
    assert.deepEqual(h.Parties[1], { Id: 'bee@example.com', Type: 'EMAIL' });
    const other = await createStandaloneAccount(w.store, w.clock, { name: 'other' });
    await rejectsWith(w.call('AcceptHandshake', { HandshakeId: h.Id }, other.account.id), 'handshakeNotFound');
    assert.equal((await w.call('AcceptHandshake', { HandshakeId: h.Id }, b.account.id)).Handshake.State, 'ACCEPTED');
  } finally {
    await w.close();
  }
});

test('Enable/DisablePolicyType cover SCP, RCP, TAG_POLICY, BACKUP_POLICY and AISERVICES_OPT_OUT_POLICY', async () => {
  const w = await orgWorld();
  try {
    for (const type of ['TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'RESOURCE_CONTROL_POLICY']) {
      const root = (await w.call('EnablePolicyType', { RootId: w.rootId, PolicyType: type })).Root;
      assert.ok(root.PolicyTypes.some((t: { Type: string }) => t.Type === type), type);
      await rejectsWith(w.call('EnablePolicyType', { RootId: w.rootId, PolicyType: type }), 'policyTypeAlreadyEnabled');
    }
    const listed = (await w.call('ListRoots')).Roots[0].PolicyTypes.map((t: { Type: string }) => t.Type);
    assert.deepEqual(listed, ['SERVICE_CONTROL_POLICY', 'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'RESOURCE_CONTROL_POLICY']);
    const root = (await w.call('DisablePolicyType', { RootId: w.rootId, PolicyType: 'TAG_POLICY' })).Root;
    assert.ok(!root.PolicyTypes.some((t: { Type: string }) => t.Type === 'TAG_POLICY'));
    await rejectsWith(w.call('DisablePolicyType', { RootId: w.rootId, PolicyType: 'TAG_POLICY' }), 'policyTypeNotEnabled');
    assert.equal(MGMT.length, 12);
  } finally {
    await w.close();
  }
});

test('EnableAllFeatures waits for every approval even when the clock ticks while its handshakes are made', async () => {
  const w = await orgWorld();
  try {
    const org = (await w.store.getOrganization())!;
    await w.store.deleteOrganization();
    await w.store.createOrganization({ ...org, featureSet: 'CONSOLIDATED_BILLING' });
    const b = await createStandaloneAccount(w.store, w.clock, { name: 'bee', accountId: '222233334444' });
    const inv = (await w.call('InviteAccountToOrganization', { Target: { Id: b.account.id, Type: 'ACCOUNT' } })).Handshake;
    await w.call('AcceptHandshake', { HandshakeId: inv.Id }, b.account.id);
    // Every read of the clock moves it on by 1 ms, so no two handshakes share a timestamp.
    const now = w.clock.now;
    w.clock.now = () => {
      w.clock.advance(1);
      return now();
    };
    const enable = (await w.call('EnableAllFeatures', {})).Handshake;
    await rejectsWith(w.call('AcceptHandshake', { HandshakeId: enable.Id }), 'handshakeConstraint');
    const approve = (await w.call('ListHandshakesForAccount', { Filter: { ActionType: 'APPROVE_ALL_FEATURES' } }, b.account.id)).Handshakes;
    assert.equal(approve.length, 1);
    await w.call('AcceptHandshake', { HandshakeId: approve[0].Id }, b.account.id);
    assert.equal((await w.call('AcceptHandshake', { HandshakeId: enable.Id })).Handshake.State, 'ACCEPTED');
    assert.equal((await w.store.getOrganization())?.featureSet, 'ALL');
  } finally {
    await w.close();
  }
});
