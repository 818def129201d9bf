/** The authorizer's cache of named entities stays exact: renames, MFA device replacement and retagging show at once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MGMT, addUser, callerFor, newWorld } from './world.js';
import { harness } from './setup.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

test('a virtual MFA device replaced by one of another case, or retagged, is authorized on what is stored now', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const caller = await callerFor(w, await addUser(w, MGMT, 'admin'));
    const typed = { SerialNumber: `arn:aws:iam::${MGMT}:mfa/dev` };
    await w.store.createMfaDevice({ accountId: MGMT, serialNumber: `arn:aws:iam::${MGMT}:mfa/Dev`, path: '/', name: 'Dev', seedBase32: SEED, tags: [{ Key: 'team', Value: 'a' }] });
    const first = await h.authz.operationTarget('iam', 'ListMFADeviceTags', typed, caller);
    assert.deepEqual(first.resources, [`arn:aws:iam::${MGMT}:mfa/Dev`]);
    assert.deepEqual(first.resourceTags, { team: 'a' });
    // enabling or using a device changes nothing the authorizer reads; retagging does
    await w.store.updateMfaDevice(`arn:aws:iam::${MGMT}:mfa/Dev`, { lastUsedStep: 5 });
    await w.store.updateMfaDevice(`arn:aws:iam::${MGMT}:mfa/Dev`, { tags: [{ Key: 'team', Value: 'b' }] });
    assert.deepEqual((await h.authz.operationTarget('iam', 'TagMFADevice', typed, caller)).resourceTags, { team: 'b' });
    await w.store.deleteMfaDevice(`arn:aws:iam::${MGMT}:mfa/Dev`);
    await w.store.createMfaDevice({ accountId: MGMT, serialNumber: `arn:aws:iam::${MGMT}:mfa/DEV`, path: '/', name: 'DEV', seedBase32: SEED, tags: [] });
    const replaced = await h.authz.operationTarget('iam', 'DeleteVirtualMFADevice', typed, caller);
    assert.deepEqual(replaced.resources, [`arn:aws:iam::${MGMT}:mfa/DEV`]);
    assert.equal(replaced.resourceTags, undefined);
  } finally {
    await w.close();
  }
});

test('a renamed user is authorized on its new stored ARN; its old name on what was typed', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const caller = await callerFor(w, await addUser(w, MGMT, 'admin'));
    await addUser(w, MGMT, 'Carol', { path: '/a/' });
    assert.deepEqual((await h.authz.operationTarget('iam', 'GetUser', { UserName: 'CAROL' }, caller)).resources, [`arn:aws:iam::${MGMT}:user/a/Carol`]);
    await w.store.updateUser(MGMT, 'Carol', { userName: 'Caroline', path: '/b/', arn: `arn:aws:iam::${MGMT}:user/b/Caroline` });
    assert.deepEqual((await h.authz.operationTarget('iam', 'GetUser', { UserName: 'CAROL' }, caller)).resources, [`arn:aws:iam::${MGMT}:user/CAROL`]);
    assert.deepEqual((await h.authz.operationTarget('iam', 'GetUser', { UserName: 'caroline' }, caller)).resources, [`arn:aws:iam::${MGMT}:user/b/Caroline`]);
  } finally {
    await w.close();
  }
});
