/** Contract: captureSnapshot / restoreSnapshot (drop-in mode's reset) bring every table back exactly, secrets and order included. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OrgPolicy, SnapshotStore, Store } from '../../../src/store/store.js';
import { A1, T0, accessKey, user, withStore } from '../fixtures.js';

const ORG = { id: 'o-snapshot01', arn: `arn:aws:organizations::${A1}:organization/o-snapshot01`, managementAccountId: A1, managementAccountEmail: 'm@example.com', rootId: 'r-snap', featureSet: 'ALL' as const, createdAt: T0 };
const scp = (id: string): OrgPolicy => ({ id, arn: `arn:aws:organizations::${A1}:policy/o-snapshot01/service_control_policy/${id}`, name: id, description: '', type: 'SERVICE_CONTROL_POLICY', awsManaged: false, content: '{"Version":"2012-10-17","Statement":[]}' });

/** Registers the snapshot contract tests. */
export function snapshotContract(makeStore: () => Promise<Store>): void {
  describe('snapshot and restore', () => {
    it('restores users, keys (with their secrets), settings and policy attachments in order, and drops what came later', () =>
      withStore(makeStore, async (s) => {
        const snap = s as Store & SnapshotStore;
        assert.equal(typeof snap.captureSnapshot, 'function');
        await s.createOrganization(ORG);
        await s.putOrgPolicy(scp('p-first0001'));
        await s.putOrgPolicy(scp('p-second001'));
        await s.attachOrgPolicy('p-second001', 'r-snap');
        await s.attachOrgPolicy('p-first0001', 'r-snap');
        const alice = user(A1, 'alice', { tags: [{ Key: 'team', Value: 'ü' }] });
        await s.createUser(alice);
        const key = accessKey(A1, 'alice');
        await s.createAccessKey(key);
        await s.setSetting('snapshot.test', '{"a":[1,2]}');
        const before = { user: await s.getUser(A1, 'alice'), key: await s.getAccessKey(key.accessKeyId), targets: await s.listOrgPoliciesForTarget('r-snap') };

        const taken = await snap.captureSnapshot!();
        await s.deleteAccessKey(key.accessKeyId);
        await s.deleteUser(A1, 'alice');
        await s.createUser(user(A1, 'mallory'));
        await s.detachOrgPolicy('p-second001', 'r-snap');
        await s.setSetting('snapshot.test', 'changed');
        await s.deleteOrganization();

        await snap.restoreSnapshot!(taken);
        assert.deepEqual(await s.getUser(A1, 'alice'), before.user);
        assert.deepEqual(await s.getAccessKey(key.accessKeyId), before.key);
        assert.equal(await s.getUser(A1, 'mallory'), undefined);
        assert.equal(await s.getSetting('snapshot.test'), '{"a":[1,2]}');
        assert.deepEqual(await s.getOrganization(), ORG);
        assert.deepEqual((await s.listOrgPoliciesForTarget('r-snap')).map((p) => p.id), before.targets.map((p) => p.id));
        // A second restore of the same snapshot gives the same state (the snapshot is not consumed).
        await s.createUser(user(A1, 'later'));
        await snap.restoreSnapshot!(taken);
        assert.equal(await s.getUser(A1, 'later'), undefined);
        assert.deepEqual(await s.getUser(A1, 'alice'), before.user);
      }));
  });
}
