/** AssumeRole: the cross-account authorization matrix (vectors), durations and chaining, MFA reuse, sessions, expiry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { isKamenError } from '../../../src/errors.js';
import { resolveCredentials } from '../../../src/authz/authenticate.js';
import { readVectors } from '../../helpers/paths.js';
import { MGMT, addAccount, addRole, addUser, allow, callerFor, inline, newWorld, type World } from '../../authz/world.js';
import { harness } from '../../authz/setup.js';

const A = '222222222222';
const B = '333333333333';
const X = '444444444444';
const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function fill(v: unknown): any {
  return JSON.parse(JSON.stringify(v).replace(/\$\{A\}/g, A).replace(/\$\{B\}/g, B).replace(/\$\{X\}/g, X));
}

function totp(atMs: number): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SEED), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: atMs });
}

async function twoAccounts(): Promise<World> {
  const w = await newWorld();
  await addAccount(w, A);
  await addAccount(w, B);
  await addAccount(w, X);
  return w;
}

/** An IAM user of the management account allowed everything (AWS refuses AssumeRole with root credentials). */
async function adminKey(w: World): Promise<{ accessKeyId: string }> {
  const admin = await addUser(w, MGMT, 'admin');
  await inline(w, MGMT, 'user', 'admin', allow('*'));
  return admin;
}

async function bobWithMfa(w: World): Promise<string> {
  const serial = `arn:aws:iam::${B}:mfa/bob`;
  await w.store.createMfaDevice({ accountId: B, serialNumber: serial, path: '/', name: 'bob', seedBase32: SEED, tags: [] });
  await w.store.updateMfaDevice(serial, { userName: 'bob', enableDate: new Date(w.clock.now()) });
  return serial;
}

interface MatrixCase {
  name: string;
  role?: string;
  trust: unknown;
  identity: unknown;
  mfa?: 'valid' | 'wrong';
  input?: Record<string, unknown>;
  expect: 'ok' | { code: string; message: string };
}

test('AssumeRole authorization matrix (test/vectors/authz/assume-role-matrix.json)', async (t) => {
  const { cases } = readVectors<{ cases: MatrixCase[] }>('authz', 'assume-role-matrix.json');
  for (const raw of cases) {
    await t.test(raw.name, async () => {
      const c = fill(raw) as MatrixCase;
      const w = await twoAccounts();
      try {
        const h = harness(w);
        await addRole(w, A, 'R', c.trust);
        const bob = await addUser(w, B, 'bob');
        if (c.identity) await inline(w, B, 'user', 'bob', JSON.stringify(c.identity));
        const input: Record<string, unknown> = { RoleArn: `arn:aws:iam::${A}:role/${c.role ?? 'R'}`, RoleSessionName: 'partner', ...(c.input ?? {}) };
        if (c.mfa) {
          input['SerialNumber'] = await bobWithMfa(w);
          input['TokenCode'] = c.mfa === 'valid' ? totp(w.clock.now()) : totp(w.clock.now() + 10 * 60_000);
        }
        const caller = await callerFor(w, bob);
        const run = h.call(caller, 'sts', 'AssumeRole', input);
        if (c.expect === 'ok') {
          const out = await run;
          assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${A}:assumed-role/R/partner`);
        } else {
          const exp = c.expect;
          await assert.rejects(run, (e: unknown) => {
            assert.ok(isKamenError(e), String(e));
            assert.equal(e.code, exp.code);
            assert.equal(e.message, exp.message);
            return true;
          });
        }
      } finally {
        await w.close();
      }
    });
  }
});

test('same account: a trust naming the user needs no identity policy; one naming the account does', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const dev = await addUser(w, MGMT, 'dev');
    await addRole(w, MGMT, 'named', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: dev.arn }, Action: 'sts:AssumeRole' }] });
    await addRole(w, MGMT, 'acct', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: 'sts:AssumeRole' }] });
    const caller = await callerFor(w, dev);
    const out = await h.call(caller, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/named`, RoleSessionName: 's1' });
    assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:s1$/);
    await assert.rejects(h.call(caller, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/acct`, RoleSessionName: 's1' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message.endsWith('because no identity-based policy allows the sts:AssumeRole action'));
  } finally {
    await w.close();
  }
});

test('credentials: shape, persisted, lastUsed, expiry with ExpiredToken', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const root = await adminKey(w);
    const { roleId } = await addRole(w, MGMT, 'short', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: 'sts:AssumeRole' }] });
    const caller = await callerFor(w, root);
    const out = await h.call(caller, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/short`, RoleSessionName: 'brief', DurationSeconds: 900 });
    const c = out.Credentials;
    assert.match(c.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(c.SecretAccessKey.length, 40);
    assert.ok(c.SessionToken.length > 200 && /^[A-Za-z0-9+/=]+$/.test(c.SessionToken));
    assert.equal(c.Expiration.getTime(), w.clock.now() + 900_000);
    assert.deepEqual(out.AssumedRoleUser, { AssumedRoleId: `${roleId}:brief`, Arn: `arn:aws:sts::${MGMT}:assumed-role/short/brief` });
    assert.equal(out.PackedPolicySize, undefined);
    assert.equal((await w.store.getRole(MGMT, 'short'))!.lastUsed?.region, 'us-east-1');
    const session = await resolveCredentials(w.store, c.AccessKeyId, c.SessionToken, w.clock.now());
    assert.equal(session.secretAccessKey, c.SecretAccessKey);
    assert.equal(session.caller.kind, 'assumed-role');
    w.clock.advance(899_000);
    await resolveCredentials(w.store, c.AccessKeyId, c.SessionToken, w.clock.now());
    w.clock.advance(1_000);
    await assert.rejects(resolveCredentials(w.store, c.AccessKeyId, c.SessionToken, w.clock.now()), (e: unknown) => isKamenError(e, 'ERR_EXPIRED_TOKEN'));
  } finally {
    await w.close();
  }
});

test('durations: role MaxSessionDuration, and the 1-hour role-chaining limit', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const root = await callerFor(w, await adminKey(w));
    await addRole(w, MGMT, 'R', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: 'sts:AssumeRole' }] }, { maxSessionDuration: 7200 });
    await inline(w, MGMT, 'role', 'R', allow('sts:AssumeRole'));
    const arn = `arn:aws:iam::${MGMT}:role/R`;
    await assert.rejects(h.call(root, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'xx', DurationSeconds: 7201 }), (e: unknown) => isKamenError(e, 'ERR_VALIDATION') && e.message === 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    await assert.rejects(h.call(root, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'xx', DurationSeconds: 899 }), (e: unknown) => isKamenError(e, 'ERR_VALIDATION'));
    const first = await h.call(root, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'xx', DurationSeconds: 7200 });
    assert.equal(first.Credentials.Expiration.getTime(), w.clock.now() + 7_200_000);
    const session = await callerFor(w, { accessKeyId: first.Credentials.AccessKeyId }, first.Credentials.SessionToken);
    await assert.rejects(h.call(session, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'again', DurationSeconds: 7200 }), (e: unknown) => {
      assert.ok(isKamenError(e, 'ERR_VALIDATION'));
      assert.equal(e.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
      return true;
    });
    const chained = await h.call(session, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'again', DurationSeconds: 3600 });
    assert.equal(chained.AssumedRoleUser.Arn, `arn:aws:sts::${MGMT}:assumed-role/R/again`);
    const again = await callerFor(w, { accessKeyId: chained.Credentials.AccessKeyId }, chained.Credentials.SessionToken);
    assert.equal(again.session?.chained, true);
  } finally {
    await w.close();
  }
});

test('an MFA code cannot be used twice; the session carries aws:MultiFactorAuthPresent', async () => {
  const w = await newWorld();
  try {
    await addAccount(w, B);
    await addAccount(w, A);
    const h = harness(w);
    const bob = await callerFor(w, await addUser(w, B, 'bob'));
    await inline(w, B, 'user', 'bob', allow('sts:AssumeRole'));
    await addRole(w, A, 'R', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] });
    await inline(w, A, 'role', 'R', allow('iam:ListUsers', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }));
    const serial = await bobWithMfa(w);
    const input = { RoleArn: `arn:aws:iam::${A}:role/R`, RoleSessionName: 'p1', SerialNumber: serial, TokenCode: totp(w.clock.now()) };
    const out = await h.call(bob, 'sts', 'AssumeRole', input);
    await assert.rejects(h.call(bob, 'sts', 'AssumeRole', { ...input, RoleSessionName: 'p2' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
    const session = await callerFor(w, { accessKeyId: out.Credentials.AccessKeyId }, out.Credentials.SessionToken);
    assert.equal(session.session?.mfaAuthenticated, true);
    await h.call(session, 'iam', 'ListUsers', {});
    // a serial that is not bob's device
    await assert.rejects(h.call(bob, 'sts', 'AssumeRole', { ...input, SerialNumber: `arn:aws:iam::${B}:mfa/nobody`, TokenCode: totp(w.clock.now() + 30_000) }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message === 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
  } finally {
    await w.close();
  }
});

test('session policies narrow the role session; PackedPolicySize is returned', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const root = await callerFor(w, await adminKey(w));
    await addRole(w, MGMT, 'Admin', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: 'sts:AssumeRole' }] });
    await w.store.attachPolicy({ accountId: MGMT, kind: 'role', principalName: 'Admin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    const out = await h.call(root, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/Admin`, RoleSessionName: 'narrow', Policy: allow('iam:ListUsers') });
    assert.ok(Number.isInteger(out.PackedPolicySize) && out.PackedPolicySize > 0 && out.PackedPolicySize <= 100);
    const s = await callerFor(w, { accessKeyId: out.Credentials.AccessKeyId }, out.Credentials.SessionToken);
    await h.call(s, 'iam', 'ListUsers', {});
    await assert.rejects(h.call(s, 'iam', 'CreateUser', { UserName: 'x' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message.startsWith(`User: arn:aws:sts::${MGMT}:assumed-role/Admin/narrow is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${MGMT}:user/x`));
    // without a session policy the same role may create users
    const full = await h.call(root, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/Admin`, RoleSessionName: 'full' });
    const f = await callerFor(w, { accessKeyId: full.Credentials.AccessKeyId }, full.Credentials.SessionToken);
    await h.call(f, 'iam', 'CreateUser', { UserName: 'x' });
    // session policies + tags beyond the packed allowance → PackedPolicyTooLarge
    const noisy = Array.from({ length: 40 }, (_, i) => ({ Key: `k${i}-${Math.random().toString(36).slice(2, 12)}`, Value: Array.from({ length: 6 }, () => Math.random().toString(36).slice(2)).join('') }));
    await assert.rejects(h.call(root, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/Admin`, RoleSessionName: 'big', Tags: noisy }), (e: unknown) => isKamenError(e, 'ERR_PACKED_POLICY_TOO_LARGE') && /^Packed policy consumes \d+% of allotted space$/.test(e.message));
    // a malformed session policy is refused
    await assert.rejects(h.call(root, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/Admin`, RoleSessionName: 'bad', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}' }), (e: unknown) => isKamenError(e, 'ERR_MALFORMED_POLICY_DOCUMENT'));
  } finally {
    await w.close();
  }
});

test('STS wired without an authorizer still evaluates trust policies (fallback authorizer)', async () => {
  const w = await newWorld();
  try {
    const { createStsService } = await import('../../../src/services/sts/index.js');
    const { opCtx } = await import('../../authz/world.js');
    const sts = createStsService({ managedPolicies: { get: () => undefined } });
    const dev = await callerFor(w, await addUser(w, MGMT, 'dev'));
    await addRole(w, MGMT, 'open', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:user/dev` }, Action: 'sts:AssumeRole' }] });
    await addRole(w, MGMT, 'closed', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:user/other` }, Action: 'sts:AssumeRole' }] });
    const ctx = opCtx(w, dev, { managedPolicies: { get: () => undefined } });
    const out = await sts.operations['AssumeRole']!(ctx, { RoleArn: `arn:aws:iam::${MGMT}:role/open`, RoleSessionName: 'fb' });
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${MGMT}:assumed-role/open/fb`);
    await assert.rejects(sts.operations['AssumeRole']!(ctx, { RoleArn: `arn:aws:iam::${MGMT}:role/closed`, RoleSessionName: 'fb' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED'));
  } finally {
    await w.close();
  }
});
