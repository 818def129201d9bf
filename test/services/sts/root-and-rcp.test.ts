/** AssumeRole refuses root credentials as AWS does; resource control policies of the role's account bound every caller. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../../src/errors.js';
import { ROOT_MAY_NOT_ASSUME } from '../../../src/services/sts/assume-role.js';
import { MGMT, addAccount, addRole, addUser, allow, callerFor, inline, newWorld, type World } from '../../authz/world.js';
import { harness } from '../../authz/setup.js';

const MEMBER = '222222222222';
const OUTSIDER = '999999999999';
/** AWS's refusal texts these cases expect. */
const TEXT = {
  root: 'Roles may not be assumed by root accounts.',
  rcpDeny: (who: string, role: string) => `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${role} with an explicit deny in a resource control policy`,
};
const trustAccounts = (...ids: string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ids.map((i) => `arn:aws:iam::${i}:root`) }, Action: 'sts:AssumeRole' }] });
const RCP_FULL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] });
const RCP_ORG_ONLY = (orgId: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId } } }] });

/** Enables RCPs the way the store holds them: RCPFullAWSAccess on the root and the member, plus an org-only RCP on the root. */
async function withRcps(w: World, orgOnly: boolean): Promise<void> {
  await w.store.putOrgPolicy({ id: 'p-RCPFullAWSAccess', arn: 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess', name: 'RCPFullAWSAccess', description: '', type: 'RESOURCE_CONTROL_POLICY', awsManaged: true, content: RCP_FULL });
  for (const t of [w.rootId, MEMBER, MGMT]) await w.store.attachOrgPolicy('p-RCPFullAWSAccess', t);
  if (orgOnly) {
    const arn = `arn:aws:organizations::${MGMT}:policy/${w.orgId}/resource_control_policy/p-orgonly1`;
    await w.store.putOrgPolicy({ id: 'p-orgonly1', arn, name: 'OrgOnly', description: '', type: 'RESOURCE_CONTROL_POLICY', awsManaged: false, content: RCP_ORG_ONLY(w.orgId) });
    await w.store.attachOrgPolicy('p-orgonly1', w.rootId);
  }
}

test('root credentials cannot assume a role, whatever the trust policy says (and GetSessionToken sessions of root neither)', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    await addAccount(w, MEMBER);
    const rootKey = (await w.store.listAccessKeys(MGMT, undefined))[0]!;
    const root = await callerFor(w, rootKey);
    assert.equal(root.kind, 'root');
    await addRole(w, MGMT, 'Trusting', trustAccounts(MGMT));
    await addRole(w, MEMBER, 'CrossTrusting', trustAccounts(MGMT));
    for (const roleArn of [`arn:aws:iam::${MGMT}:role/Trusting`, `arn:aws:iam::${MEMBER}:role/CrossTrusting`, `arn:aws:iam::${MGMT}:role/Missing`]) {
      await assert.rejects(h.call(root, 'sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'root-try' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === TEXT.root);
    }
    assert.equal(ROOT_MAY_NOT_ASSUME, TEXT.root);
    // root may still call GetSessionToken; those credentials act as root and are refused the same way
    const st = await h.call(root, 'sts', 'GetSessionToken', {});
    const rootSession = await callerFor(w, { accessKeyId: st.Credentials.AccessKeyId }, st.Credentials.SessionToken);
    await assert.rejects(h.call(rootSession, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/Trusting`, RoleSessionName: 'root-try' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === TEXT.root);
    // an IAM user of the same account may assume it
    const admin = await addUser(w, MGMT, 'admin');
    await inline(w, MGMT, 'user', 'admin', allow('sts:AssumeRole'));
    const out = await h.call(await callerFor(w, admin), 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/Trusting`, RoleSessionName: 'admin' });
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${MGMT}:assumed-role/Trusting/admin`);
  } finally {
    await w.close();
  }
});

test('an RCP of the role account denies a caller outside the organization; members and the management account are unaffected', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    await addAccount(w, MEMBER);
    await withRcps(w, true);
    const roleArn = `arn:aws:iam::${MEMBER}:role/Shared`;
    await addRole(w, MEMBER, 'Shared', trustAccounts(OUTSIDER, MGMT));
    await addRole(w, MGMT, 'SharedMgmt', trustAccounts(OUTSIDER));
    const eve = await addUser(w, OUTSIDER, 'eve');
    await inline(w, OUTSIDER, 'user', 'eve', allow('sts:AssumeRole'));
    const eveCaller = await callerFor(w, eve);
    await assert.rejects(h.call(eveCaller, 'sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'eve' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === TEXT.rcpDeny(eve.arn, roleArn));
    // the management account's resources are not bound by RCPs
    const mgmtRole = await h.call(eveCaller, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/SharedMgmt`, RoleSessionName: 'eve' });
    assert.equal(mgmtRole.AssumedRoleUser.Arn, `arn:aws:sts::${MGMT}:assumed-role/SharedMgmt/eve`);
    // a principal of the organization passes the RCP
    const ops = await addUser(w, MGMT, 'ops');
    await inline(w, MGMT, 'user', 'ops', allow('sts:AssumeRole'));
    const out = await h.call(await callerFor(w, ops), 'sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'ops' });
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${MEMBER}:assumed-role/Shared/ops`);
  } finally {
    await w.close();
  }
});

test('with only RCPFullAWSAccess attached an outside caller the trust policy names may assume the role', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    await addAccount(w, MEMBER);
    await withRcps(w, false);
    await addRole(w, MEMBER, 'Shared', trustAccounts(OUTSIDER));
    const eve = await addUser(w, OUTSIDER, 'eve');
    await inline(w, OUTSIDER, 'user', 'eve', allow('sts:AssumeRole'));
    const out = await h.call(await callerFor(w, eve), 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MEMBER}:role/Shared`, RoleSessionName: 'eve' });
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${MEMBER}:assumed-role/Shared/eve`);
  } finally {
    await w.close();
  }
});

test('an RCP attached or detached after an AssumeRole bounds the next one (the per-account RCP cache follows organization writes)', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    await addAccount(w, MEMBER);
    await withRcps(w, false);
    const roleArn = `arn:aws:iam::${MEMBER}:role/Shared`;
    await addRole(w, MEMBER, 'Shared', trustAccounts(OUTSIDER));
    const eve = await addUser(w, OUTSIDER, 'eve');
    await inline(w, OUTSIDER, 'user', 'eve', allow('sts:AssumeRole'));
    const eveCaller = await callerFor(w, eve);
    const assume = () => h.call(eveCaller, 'sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'eve' });
    assert.equal((await assume()).AssumedRoleUser.Arn, `arn:aws:sts::${MEMBER}:assumed-role/Shared/eve`);
    const arn = `arn:aws:organizations::${MGMT}:policy/${w.orgId}/resource_control_policy/p-orgonly1`;
    await w.store.putOrgPolicy({ id: 'p-orgonly1', arn, name: 'OrgOnly', description: '', type: 'RESOURCE_CONTROL_POLICY', awsManaged: false, content: RCP_ORG_ONLY(w.orgId) });
    await w.store.attachOrgPolicy('p-orgonly1', w.rootId);
    await assert.rejects(assume(), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === TEXT.rcpDeny(eve.arn, roleArn));
    await w.store.detachOrgPolicy('p-orgonly1', w.rootId);
    assert.equal((await assume()).AssumedRoleUser.Arn, `arn:aws:sts::${MEMBER}:assumed-role/Shared/eve`);
  } finally {
    await w.close();
  }
});
