/** GetCallerIdentity for every principal kind, GetSessionToken (MFA facts), GetFederationToken, GetAccessKeyInfo, DecodeAuthorizationMessage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { isKamenError } from '../../../src/errors.js';
import { accountFromKeyId } from '../../../src/services/sts/get-access-key-info.js';
import { MGMT, addRole, addUser, allow, callerFor, inline, newWorld } from '../../authz/world.js';
import { harness } from '../../authz/setup.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const totp = (ms: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SEED), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: ms });

test('GetCallerIdentity: root, user, assumed role, federated user, session-token user', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const root = await callerFor(w, (await w.store.listAccessKeys(MGMT, undefined))[0]!);
    assert.deepEqual(await h.call(root, 'sts', 'GetCallerIdentity'), { UserId: MGMT, Account: MGMT, Arn: `arn:aws:iam::${MGMT}:root` });
    const u = await addUser(w, MGMT, 'alice', { path: '/eng/' });
    const alice = await callerFor(w, u);
    // no policies at all: GetCallerIdentity still works
    assert.deepEqual(await h.call(alice, 'sts', 'GetCallerIdentity'), { UserId: u.userId, Account: MGMT, Arn: `arn:aws:iam::${MGMT}:user/eng/alice` });
    const { roleId } = await addRole(w, MGMT, 'ops', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: 'sts:AssumeRole' }] }, { path: '/team/' });
    // AWS refuses AssumeRole with root credentials, so an IAM user assumes the role
    await inline(w, MGMT, 'user', 'alice', allow('sts:AssumeRole'));
    const ar = await h.call(alice, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/team/ops`, RoleSessionName: 'night' });
    const s = await callerFor(w, { accessKeyId: ar.Credentials.AccessKeyId }, ar.Credentials.SessionToken);
    assert.deepEqual(await h.call(s, 'sts', 'GetCallerIdentity'), { UserId: `${roleId}:night`, Account: MGMT, Arn: `arn:aws:sts::${MGMT}:assumed-role/ops/night` });
    await inline(w, MGMT, 'user', 'alice', allow('sts:GetFederationToken'));
    const fed = await h.call(alice, 'sts', 'GetFederationToken', { Name: 'visitor', Policy: allow('ec2:Describe*') });
    assert.deepEqual(fed.FederatedUser, { FederatedUserId: `${MGMT}:visitor`, Arn: `arn:aws:sts::${MGMT}:federated-user/visitor` });
    const f = await callerFor(w, { accessKeyId: fed.Credentials.AccessKeyId }, fed.Credentials.SessionToken);
    assert.deepEqual(await h.call(f, 'sts', 'GetCallerIdentity'), { UserId: `${MGMT}:visitor`, Account: MGMT, Arn: `arn:aws:sts::${MGMT}:federated-user/visitor` });
    const st = await h.call(alice, 'sts', 'GetSessionToken');
    const sa = await callerFor(w, { accessKeyId: st.Credentials.AccessKeyId }, st.Credentials.SessionToken);
    assert.deepEqual(await h.call(sa, 'sts', 'GetCallerIdentity'), { UserId: u.userId, Account: MGMT, Arn: `arn:aws:iam::${MGMT}:user/eng/alice` });
  } finally {
    await w.close();
  }
});

test('GetSessionToken: durations, refused with session credentials, MFA facts reach later decisions', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await addUser(w, MGMT, 'carol');
    const carol = await callerFor(w, u);
    await inline(w, MGMT, 'user', 'carol', allow('iam:ListUsers', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }));
    const serial = `arn:aws:iam::${MGMT}:mfa/carol`;
    await w.store.createMfaDevice({ accountId: MGMT, serialNumber: serial, path: '/', name: 'carol', seedBase32: SEED, tags: [] });
    await w.store.updateMfaDevice(serial, { userName: 'carol', enableDate: new Date(w.clock.now()) });

    const plain = await h.call(carol, 'sts', 'GetSessionToken');
    assert.equal(plain.Credentials.Expiration.getTime(), w.clock.now() + 43_200_000);
    const noMfa = await callerFor(w, { accessKeyId: plain.Credentials.AccessKeyId }, plain.Credentials.SessionToken);
    await assert.rejects(h.call(noMfa, 'sts', 'GetSessionToken'), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === 'Cannot call GetSessionToken with session credentials');
    // long-term key: the MFA key is absent → the Bool condition fails
    await assert.rejects(h.call(carol, 'iam', 'ListUsers'), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED'));
    // session credentials without MFA may not call IAM
    await assert.rejects(h.call(noMfa, 'iam', 'ListUsers'), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED'));

    await assert.rejects(h.call(carol, 'sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: totp(w.clock.now() + 600_000) }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
    const withMfa = await h.call(carol, 'sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: totp(w.clock.now()), DurationSeconds: 900 });
    assert.equal(withMfa.Credentials.Expiration.getTime(), w.clock.now() + 900_000);
    const mfaCaller = await callerFor(w, { accessKeyId: withMfa.Credentials.AccessKeyId }, withMfa.Credentials.SessionToken);
    assert.equal(mfaCaller.session?.mfaAuthenticated, true);
    assert.deepEqual(await h.call(mfaCaller, 'iam', 'ListUsers'), { authorized: true });
    const keys = h.authz.conditionKeys(h.ctx(mfaCaller), { principalTags: {} });
    assert.equal(keys['aws:MultiFactorAuthPresent'], 'true');
    w.clock.advance(120_000);
    assert.equal(h.authz.conditionKeys(h.ctx(mfaCaller), { principalTags: {} })['aws:MultiFactorAuthAge'], '120');

    // root: at most one hour; out-of-range durations are ValidationError
    const root = await callerFor(w, (await w.store.listAccessKeys(MGMT, undefined))[0]!);
    const r = await h.call(root, 'sts', 'GetSessionToken', { DurationSeconds: 7200 });
    assert.equal(r.Credentials.Expiration.getTime(), Math.floor(w.clock.now() / 1000) * 1000 + 3_600_000);
    await assert.rejects(h.call(carol, 'sts', 'GetSessionToken', { DurationSeconds: 129601 }), (e: unknown) => isKamenError(e, 'ERR_VALIDATION') && e.message.includes('Member must have value less than or equal to 129600'));
  } finally {
    await w.close();
  }
});

test('GetFederationToken: needs sts:GetFederationToken; permissions = issuer ∩ session policy', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await addUser(w, MGMT, 'issuer');
    const issuer = await callerFor(w, u);
    await assert.rejects(h.call(issuer, 'sts', 'GetFederationToken', { Name: 'fed' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === `User: ${u.arn} is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::${MGMT}:federated-user/fed because no identity-based policy allows the sts:GetFederationToken action`);
    await inline(w, MGMT, 'user', 'issuer', allow(['sts:GetFederationToken', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets']));
    const out = await h.call(issuer, 'sts', 'GetFederationToken', { Name: 'fed', Policy: allow(['ec2:DescribeVpcs', 'ec2:DescribeInstances']), DurationSeconds: 1800 });
    assert.ok(out.PackedPolicySize > 0);
    const fed = await callerFor(w, { accessKeyId: out.Credentials.AccessKeyId }, out.Credentials.SessionToken);
    await h.call(fed, 'ec2', 'DescribeVpcs');
    await assert.rejects(h.call(fed, 'ec2', 'DescribeSubnets'), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED')); // not in the session policy
    await assert.rejects(h.call(fed, 'ec2', 'DescribeInstances'), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED')); // not the issuer's
    // no session policy: no permissions
    const bare = await h.call(issuer, 'sts', 'GetFederationToken', { Name: 'bare' });
    const b = await callerFor(w, { accessKeyId: bare.Credentials.AccessKeyId }, bare.Credentials.SessionToken);
    await assert.rejects(h.call(b, 'ec2', 'DescribeVpcs'), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED'));
    await assert.rejects(h.call(b, 'sts', 'GetFederationToken', { Name: 'again' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === 'Cannot call GetFederationToken with session credentials');
    // federated users cannot call IAM at all, whatever their policies say
    await assert.rejects(h.call(fed, 'iam', 'ListUsers'), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED'));
  } finally {
    await w.close();
  }
});

test('GetAccessKeyInfo: known keys by lookup, unknown keys decoded as AWS encodes them', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const root = await callerFor(w, (await w.store.listAccessKeys(MGMT, undefined))[0]!);
    const u = await addUser(w, MGMT, 'k');
    assert.deepEqual(await h.call(root, 'sts', 'GetAccessKeyInfo', { AccessKeyId: u.accessKeyId }), { Account: MGMT });
    // AWS's documented example key pair (ASIAQNZGKIQY56JQ7WML → 029608264753)
    assert.equal(accountFromKeyId('ASIAQNZGKIQY56JQ7WML'), '029608264753');
    assert.deepEqual(await h.call(root, 'sts', 'GetAccessKeyInfo', { AccessKeyId: 'ASIAQNZGKIQY56JQ7WML' }), { Account: '029608264753' });
    await assert.rejects(h.call(root, 'sts', 'GetAccessKeyInfo', { AccessKeyId: 'AKIA' }), (e: unknown) => isKamenError(e, 'ERR_VALIDATION'));
  } finally {
    await w.close();
  }
});
