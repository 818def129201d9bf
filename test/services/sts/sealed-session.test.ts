/**
 * AssumeRole's sealed credentials: the session travels in the token (no row, no commit), and every property a stored
 * session has holds for it: restart, expiry, tampering, key binding, GetAccessKeyInfo, a re-created role, revocation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { frozenClock, type Clock } from '../../../src/clock.js';
import { openKamen, type Kamen } from '../../../src/app.js';
import { handleApiRequest } from '../../../src/http/pipeline.js';
import { openStore } from '../../../src/store/open.js';
import { isKamenError } from '../../../src/errors.js';
import { accountFromKeyId } from '../../../src/services/sts/get-access-key-info.js';
import { MAX_TEMPORARY_LIFETIME_SECONDS, createSealedKeyIds, sealedTemporaryKeyId, temporaryKeyIssuedAt } from '../../../src/authz/temporary-keys.js';
import { createSessionSealer, hmacWith, isSealedToken, sealingHmac } from '../../../src/authz/sealed-session.js';
import { sealV1 } from '../../../src/authz/sealed-session-v1.js';
import { addToCounter, createCtrKeystream } from '../../../src/authz/ctr-keystream.js';
import { hmacSha256Bytes } from '../../../src/sigv4/hash.js';
import { createCredentialResolver } from '../../../src/authz/authenticate.js';
import { packSession } from '../../../src/authz/session.js';
import { readVectors } from '../../helpers/paths.js';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const V = readVectors<{ accounts: string[]; largePolicyStatements: number }>('sts', 'sealed-sessions.json');

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

async function call(kamen: Kamen, service: 'iam' | 'sts', body: string, creds: Creds) {
  const host = `${service}.amazonaws.com`;
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign(
    { method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    { signingDate: new Date(kamen.clock.now()) },
  );
  const res = await handleApiRequest(kamen.pipeline, { method: 'POST', path: '/', query: '', headers: signed.headers as Record<string, string>, body: Buffer.from(body), host }, { sourceIp: '127.0.0.1', secureTransport: true });
  assert.ok(res);
  return { status: res.status, xml: res.body.toString() };
}

const tag = (xml: string, t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(xml)?.[1];
const code = (xml: string) => tag(xml, 'Code');
const whoAmI = 'Action=GetCallerIdentity&Version=2011-06-15';

/** A kamen on a data dir, an IAM user `dev` allowed everything in STS, and a role `r` trusting it that may list users. */
async function world(dir: string, clock: Clock) {
  const kamen = await openKamen({ dataDir: dir, clock, log: () => {}, audit: false, withCa: false });
  const root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
  const acct = kamen.bootstrap!.managementAccountId;
  const iam = async (body: string) => {
    const r = await call(kamen, 'iam', body, root);
    assert.equal(r.status, 200, r.xml);
    return r.xml;
  };
  await iam('Action=CreateUser&Version=2010-05-08&UserName=dev');
  const allow = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }));
  await iam(`Action=PutUserPolicy&Version=2010-05-08&UserName=dev&PolicyName=sts&PolicyDocument=${allow}`);
  const key = await iam('Action=CreateAccessKey&Version=2010-05-08&UserName=dev');
  const dev = { accessKeyId: tag(key, 'AccessKeyId')!, secretAccessKey: tag(key, 'SecretAccessKey')! };
  const createRole = async () => {
    const trust = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }] }));
    await iam(`Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=${trust}`);
    const list = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }));
    await iam(`Action=PutRolePolicy&Version=2010-05-08&RoleName=r&PolicyName=list&PolicyDocument=${list}`);
  };
  await createRole();
  const assume = async (extra = ''): Promise<Creds> => {
    const r = await call(kamen, 'sts', `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/r`)}&RoleSessionName=ses${extra}`, dev);
    assert.equal(r.status, 200, r.xml);
    return { accessKeyId: tag(r.xml, 'AccessKeyId')!, secretAccessKey: tag(r.xml, 'SecretAccessKey')!, sessionToken: tag(r.xml, 'SessionToken')! };
  };
  return { kamen, acct, iam, dev, root, assume, createRole };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-sealed-'));
}

test('AssumeRole stores no row; its credentials work, survive a restart, and expire', async () => {
  const dir = tmpDir();
  const clock = frozenClock(T0);
  let w = await world(dir, clock);
  try {
    const c = await w.assume('&DurationSeconds=900');
    assert.equal(await w.kamen.store.getTemporaryCredential(c.accessKeyId), undefined, 'no row was written');
    const me = await call(w.kamen, 'sts', whoAmI, c);
    assert.equal(me.status, 200, me.xml);
    assert.equal(tag(me.xml, 'Arn'), `arn:aws:sts::${w.acct}:assumed-role/r/ses`);
    await w.kamen.close();
    w = { ...w, kamen: await openKamen({ dataDir: dir, clock, log: () => {}, audit: false, withCa: false }) };
    assert.equal((await call(w.kamen, 'sts', whoAmI, c)).status, 200, 'a restart keeps them');
    clock.advance(900_000);
    const late = await call(w.kamen, 'sts', whoAmI, c);
    assert.equal(code(late.xml), 'ExpiredToken');
    assert.equal(tag(late.xml, 'Message'), 'The security token included in the request is expired');
  } finally {
    await w.kamen.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a sealed token opens only for its own key ID, unaltered', async () => {
  const dir = tmpDir();
  const w = await world(dir, frozenClock(T0));
  try {
    const a = await w.assume();
    const b = await w.assume();
    const token = a.sessionToken!;
    const flipped = (i: number) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    // a byte of the nonce, of the tag, of the ciphertext; and a token cut short
    for (const bad of [flipped(30), flipped(60), flipped(token.length - 10), token.slice(0, -8)]) {
      assert.equal(code((await call(w.kamen, 'sts', whoAmI, { ...a, sessionToken: bad })).xml), 'InvalidClientTokenId');
    }
    // another session's token under this key (and its own secret), and no token at all
    assert.equal(code((await call(w.kamen, 'sts', whoAmI, { ...a, sessionToken: b.sessionToken })).xml), 'InvalidClientTokenId');
    assert.equal(code((await call(w.kamen, 'sts', whoAmI, { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey })).xml), 'InvalidClientTokenId');
    // the real token still works after all that
    assert.equal((await call(w.kamen, 'sts', whoAmI, a)).status, 200);
    // a token from another master key does not open here
    const other = await openStore({});
    try {
      assert.equal(await createSessionSealer(other).open(a.accessKeyId, token), undefined);
      assert.ok(await createSessionSealer(w.kamen.store).open(a.accessKeyId, token));
      assert.equal(await createSessionSealer(w.kamen.store).open(b.accessKeyId, token), undefined);
    } finally {
      await other.close();
    }
  } finally {
    await w.kamen.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sealed key IDs issued in the same 128th of a second share their first sixteen characters (one place in the lookup index); the rest is chance', () => {
  const A1 = '123456789012';
  // A counting random source (counting in the twenty bits of three bytes a key ID keeps): every draw differs, so the
  // IDs differ exactly when all their random bits are used.
  let n = 0;
  const counting = () => {
    const v = n++;
    return Buffer.from([(v >> 12) & 255, (v >> 4) & 255, v & 15]);
  };
  const slotStart = Math.ceil(T0 / 1000) * 1000 + 125; // 125 ms = 16 slots of 7.8125 ms: a slot's first millisecond
  const same = Array.from({ length: 200 }, (_, i) => sealedTemporaryKeyId(A1, counting, slotStart + (i % 7)));
  assert.equal(new Set(same.map((id) => id.slice(0, 16))).size, 1, 'one prefix within a 128th of a second');
  assert.equal(new Set(same).size, 200, '20 random bits tell them apart');
  for (const id of same) assert.equal(accountFromKeyId(id), A1);
  // the next 128th of the same second: the same first fourteen characters (the account and the second), not sixteen
  const next = sealedTemporaryKeyId(A1, counting, slotStart + 8);
  assert.equal(next.slice(0, 14), same[0]!.slice(0, 14));
  assert.notEqual(next.slice(0, 16), same[0]!.slice(0, 16));
  // a later second (8 s: past the prefix's time bits) lands elsewhere, the account still decodes
  const later = sealedTemporaryKeyId(A1, randomBytes, T0 + 8000);
  assert.notEqual(later.slice(0, 14), same[0]!.slice(0, 14));
  assert.equal(accountFromKeyId(later), A1);
  // the issue time leads the tail: seconds 0..7 of a group, and the 128ths of a second, differ only in time bits
  const zeros = () => Buffer.alloc(3);
  const base = Math.floor(T0 / 8000) * 8000;
  const tails = Array.from({ length: 8 }, (_, k) => sealedTemporaryKeyId(A1, zeros, base + k * 1000).slice(14));
  assert.equal(new Set(tails).size, 8);
  assert.equal(new Set(tails.map((t) => t.slice(2))).size, 1, 'only time in the tail when chance is zero');
  const slots = Array.from({ length: 128 }, (_, k) => sealedTemporaryKeyId(A1, zeros, base + Math.ceil((k * 1000) / 128)).slice(14));
  assert.equal(new Set(slots).size, 128, 'each 128th of a second its own two characters');
  assert.equal(new Set(slots.map((t) => t.slice(2))).size, 1);
});

test("a server's sealed key IDs are numbered within each 128th of a second from a random start: neighbours, never repeated in a slot", () => {
  const A1 = '123456789012';
  const slotStart = Math.ceil(T0 / 1000) * 1000 + 125;
  const ids = createSealedKeyIds(randomBytes);
  // far more keys than 20 random bits could keep apart by chance (4096 drawn at random meet with odds of about 1 in 3)
  const same = Array.from({ length: 4096 }, (_, i) => ids(A1, slotStart + (i % 7)));
  assert.equal(new Set(same).size, same.length, 'numbered: no two alike');
  assert.equal(new Set(same.map((id) => id.slice(0, 16))).size, 1, 'one prefix within a 128th of a second');
  // consecutive IDs differ only in their last character, except where the count carries
  const lastOnly = same.slice(1).filter((id, i) => id.slice(0, 19) === same[i]!.slice(0, 19)).length;
  assert.ok(lastOnly >= same.length * 0.9, `${lastOnly} of ${same.length - 1} consecutive IDs differ in the last character alone`);
  for (const id of same.slice(0, 50)) assert.equal(accountFromKeyId(id), A1);
  // a new 128th of a second starts again from a random point (two servers' starts rarely meet)
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const low20 = (id: string) => [...id.slice(16)].reduce((v, c) => v * 32 + B32.indexOf(c), 0);
  const starts = Array.from({ length: 20 }, (_, k) => low20(ids(A1, slotStart + 8 * (k + 1))));
  assert.ok(new Set(starts).size >= 19, `random starts: ${new Set(starts).size} of 20 distinct`);
  const counted = starts.slice(1).filter((n, k) => n === starts[k]! + 1).length;
  assert.ok(counted <= 1, `${counted} of 19 slots went on counting from the slot before`);
});

test('GetAccessKeyInfo names the account of a sealed key; the key ID encodes any account (vectors)', async () => {
  for (const acct of V.accounts) {
    for (let i = 0; i < 20; i++) {
      const id = sealedTemporaryKeyId(acct);
      assert.match(id, /^ASIA[A-Z2-7]{16}$/);
      assert.equal(accountFromKeyId(id), acct);
    }
  }
  const dir = tmpDir();
  const w = await world(dir, frozenClock(T0));
  try {
    const c = await w.assume();
    const r = await call(w.kamen, 'sts', `Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=${c.accessKeyId}`, w.dev);
    assert.equal(r.status, 200, r.xml);
    assert.equal(tag(r.xml, 'Account'), w.acct);
  } finally {
    await w.kamen.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a sealed session of a deleted and re-created role grants nothing; aws:TokenIssueTime revokes it', async () => {
  const dir = tmpDir();
  const clock = frozenClock(T0);
  const w = await world(dir, clock);
  try {
    const listUsers = 'Action=ListUsers&Version=2010-05-08';
    const before = await w.assume();
    assert.equal((await call(w.kamen, 'iam', listUsers, before)).status, 200);
    await w.iam('Action=DeleteRolePolicy&Version=2010-05-08&RoleName=r&PolicyName=list');
    await w.iam('Action=DeleteRole&Version=2010-05-08&RoleName=r');
    await w.createRole();
    assert.equal(code((await call(w.kamen, 'iam', listUsers, before)).xml), 'AccessDenied', "the new role's policy is not the old session's");

    const s = await w.assume();
    assert.equal((await call(w.kamen, 'iam', listUsers, s)).status, 200);
    clock.advance(60_000);
    // "Revoke active sessions": deny every session issued before now.
    const cutoff = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const revoke = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } }] }));
    await w.iam(`Action=PutRolePolicy&Version=2010-05-08&RoleName=r&PolicyName=revoke&PolicyDocument=${revoke}`);
    assert.equal(code((await call(w.kamen, 'iam', listUsers, s)).xml), 'AccessDenied');
    const fresh = await w.assume();
    assert.equal((await call(w.kamen, 'iam', listUsers, fresh)).status, 200, 'a session issued after the cutoff is not revoked');
  } finally {
    await w.kamen.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('session facts ride in the token: source identity, tags, a session policy; a session too large for a token keeps a row', async () => {
  const dir = tmpDir();
  const w = await world(dir, frozenClock(T0));
  try {
    const allowTag = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.acct}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }] }));
    await w.iam(`Action=UpdateAssumeRolePolicy&Version=2010-05-08&RoleName=r&PolicyDocument=${allowTag}`);
    const narrow = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }));
    const c = await w.assume(`&SourceIdentity=alice&Tags.member.1.Key=team&Tags.member.1.Value=blue&Policy=${narrow}`);
    assert.equal(await w.kamen.store.getTemporaryCredential(c.accessKeyId), undefined);
    const opened = await createSessionSealer(w.kamen.store).open(c.accessKeyId, c.sessionToken!);
    const info = (opened!.session as { info: { sourceIdentity?: string; tags?: Record<string, string>; sessionPolicy?: string } }).info;
    assert.equal(info.sourceIdentity, 'alice');
    assert.deepEqual(info.tags, { team: 'blue' });
    // the session policy bounds the role's permissions: ListUsers is no longer allowed
    assert.equal(code((await call(w.kamen, 'iam', 'Action=ListUsers&Version=2010-05-08', c)).xml), 'AccessDenied');

    const statements = Array.from({ length: V.largePolicyStatements }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 'iam:ListUsers', Resource: `arn:aws:iam::${w.acct}:user/p${i}/*` }));
    const big = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    const large = await call(w.kamen, 'sts', `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${w.acct}:role/r`)}&RoleSessionName=big&Policy=${big}`, w.dev);
    assert.ok(decodeURIComponent(big).length <= 2048, 'within the Policy parameter limit');
    assert.equal(large.status, 200, large.xml);
    const id = tag(large.xml, 'AccessKeyId')!;
    assert.ok(await w.kamen.store.getTemporaryCredential(id), 'stored, not sealed');
    assert.equal((await call(w.kamen, 'sts', whoAmI, { accessKeyId: id, secretAccessKey: tag(large.xml, 'SecretAccessKey')!, sessionToken: tag(large.xml, 'SessionToken')! })).status, 200);
  } finally {
    await w.kamen.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('two sealed sessions that drew the same key ID each resolve with their own token (cached resolver)', async () => {
  const store = await openStore({});
  try {
    const resolve = createCredentialResolver(store);
    const sealer = createSessionSealer(store);
    const id = sealedTemporaryKeyId('123456789012');
    const mk = async (name: string) => {
      const p = { kind: 'assumed-role' as const, arn: `arn:aws:sts::123456789012:assumed-role/r/${name}`, userId: `AROAEXAMPLE000000001:${name}` };
      const info = { sourceArn: 'arn:aws:iam::123456789012:role/r', roleName: 'r', roleId: 'AROAEXAMPLE000000001', sessionName: name, issuedAt: '2026-12-01T08:00:00Z', mfaAuthenticated: false, tokenType: 'assume-role' as const };
      return (await sealer.seal({ accessKeyId: id, accountId: '123456789012', expiration: new Date(T0 + 900_000), createDate: new Date(T0), session: packSession(p, info) }, randomBytes))!;
    };
    const a = await mk('a');
    const b = await mk('b');
    assert.notEqual(a.secretAccessKey, b.secretAccessKey, 'each has its own secret');
    for (const c of [a, b, a]) {
      const r = await resolve(id, c.sessionToken, T0);
      assert.equal(r.secretAccessKey, c.secretAccessKey);
      assert.equal(r.caller.arn, c.session['arn']);
    }
    await assert.rejects(resolve(id, a.sessionToken.slice(0, -4) + 'AAAA', T0), (e: unknown) => isKamenError(e, 'ERR_INVALID_CLIENT_TOKEN_ID'));
  } finally {
    await store.close();
  }
});

test('the sealing MAC is HMAC-SHA512 (against node:crypto), for key IDs and nonces of every length used', () => {
  const key = randomBytes(32);
  const mac = hmacWith(key);
  for (const message of ['', 'a', `${sealedTemporaryKeyId('123456789012')}.${randomBytes(18).toString('base64url')}`, 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(300)]) {
    assert.deepEqual(mac(message), createHmac('sha512', key).update(message, 'latin1').digest());
  }
});

test('a forged sealed token sent first leaves nothing cached: the real token then resolves once and is cached', async () => {
  const store = await openStore({});
  try {
    const real = createSessionSealer(store);
    let opens = 0;
    const counting = { seal: real.seal, open: (id: string, token: string) => (opens++, real.open(id, token)) };
    const resolve = createCredentialResolver(store, 100, undefined, counting);
    const id = sealedTemporaryKeyId('123456789012');
    // A time after the one this key ID would read as a stored key's issue second (plus the longest lifetime), so a
    // key read as swept would be cacheable.
    const now = Date.UTC(2040, 0, 1);
    assert.ok(temporaryKeyIssuedAt(id)! + MAX_TEMPORARY_LIFETIME_SECONDS * 1000 < now);
    const p = { kind: 'assumed-role' as const, arn: 'arn:aws:sts::123456789012:assumed-role/r/s', userId: 'AROAEXAMPLE000000001:s' };
    const info = { sourceArn: 'arn:aws:iam::123456789012:role/r', roleName: 'r', roleId: 'AROAEXAMPLE000000001', sessionName: 's', issuedAt: '2026-12-01T08:00:00Z', mfaAuthenticated: false, tokenType: 'assume-role' as const };
    const c = (await real.seal({ accessKeyId: id, accountId: '123456789012', expiration: new Date(now + 900_000), createDate: new Date(now), session: packSession(p, info) }, randomBytes))!;
    const forged = c.sessionToken.slice(0, -8) + (c.sessionToken.endsWith('AAAAAAAA') ? 'BBBBBBBB' : 'AAAAAAAA');
    await assert.rejects(resolve(id, forged, now), (e: unknown) => isKamenError(e, 'ERR_INVALID_CLIENT_TOKEN_ID'));
    for (let i = 0; i < 3; i++) assert.equal((await resolve(id, c.sessionToken, now)).caller.arn, p.arn);
    assert.equal(opens, 2, 'the forged token and the first real request open the token; later requests hit the cache');
  } finally {
    await store.close();
  }
});

test('version 1 tokens (AES-256-GCM, as earlier releases sealed them) still open with their derived secret; altered, they do not', async () => {
  const store = await openStore({});
  try {
    const mac = await sealingHmac(store);
    const id = sealedTemporaryKeyId('123456789012');
    const facts = { a: '123456789012', x: T0 + 900_000, c: T0, s: { arn: 'arn:aws:sts::123456789012:assumed-role/r/s', k: 'v' } };
    const { body, secretAccessKey } = sealV1(mac, id, facts, randomBytes(18));
    const token = 'IQoJb3JpZ2luX2VjE' + body.toString('base64');
    assert.ok(isSealedToken(token));
    const opened = await createSessionSealer(store).open(id, token);
    assert.ok(opened);
    assert.equal(opened.secretAccessKey, secretAccessKey);
    assert.equal(opened.accountId, '123456789012');
    assert.deepEqual(opened.session, facts.s);
    assert.equal(opened.expiration.getTime(), facts.x);
    const altered = Buffer.from(body);
    altered[altered.length - 1]! ^= 1;
    assert.equal(await createSessionSealer(store).open(id, 'IQoJb3JpZ2luX2VjE' + altered.toString('base64')), undefined);
    assert.equal(await createSessionSealer(store).open(sealedTemporaryKeyId('123456789012'), token), undefined);
  } finally {
    await store.close();
  }
});

test('a version 2 token with any one byte changed, or under another key ID, opens nothing', async () => {
  const store = await openStore({});
  try {
    const sealer = createSessionSealer(store);
    const id = sealedTemporaryKeyId('123456789012');
    const p = { kind: 'assumed-role' as const, arn: 'arn:aws:sts::123456789012:assumed-role/r/s', userId: 'AROAEXAMPLE000000001:s' };
    const info = { sourceArn: 'arn:aws:iam::123456789012:role/r', roleName: 'r', roleId: 'AROAEXAMPLE000000001', sessionName: 's', issuedAt: '2026-12-01T08:00:00Z', mfaAuthenticated: true, tokenType: 'assume-role' as const };
    const c = (await sealer.seal({ accessKeyId: id, accountId: '123456789012', expiration: new Date(T0 + 900_000), createDate: new Date(T0), session: packSession(p, info) }, randomBytes))!;
    assert.match(c.secretAccessKey, /^[A-Za-z0-9]{40}$/);
    const opened = await sealer.open(id, c.sessionToken);
    assert.equal(opened?.secretAccessKey, c.secretAccessKey);
    assert.deepEqual(opened?.session, c.session);
    const body = Buffer.from(c.sessionToken.slice('IQoJb3JpZ2luX2VjE'.length), 'base64');
    for (let i = 0; i < body.length; i++) {
      const b = Buffer.from(body);
      b[i]! ^= 1 << (i % 8);
      assert.equal(await sealer.open(id, 'IQoJb3JpZ2luX2VjE' + b.toString('base64')), undefined, `byte ${i} changed`);
    }
    assert.equal(await sealer.open(id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A'), c.sessionToken), undefined);
    // two tokens of the same facts differ everywhere past the header (fresh keystream each)
    const again = (await sealer.seal({ accessKeyId: id, accountId: '123456789012', expiration: new Date(T0 + 900_000), createDate: new Date(T0), session: packSession(p, info) }, randomBytes))!;
    assert.notEqual(again.sessionToken.slice(30, 80), c.sessionToken.slice(30, 80));
  } finally {
    await store.close();
  }
});

test('the CTR keystream: every draw opens with a fresh decipher at its counter, across chunks and the wrap of the counter, and no keystream is drawn twice', () => {
  const key = randomBytes(32);
  // a start 3 blocks below 2^128, small chunks: draws cross chunk boundaries and the wrap
  const start = Buffer.alloc(16, 0xff);
  start[15] = 0xfc;
  const stream = createCtrKeystream(key, () => Buffer.from(start), 64);
  const seen = new Set<string>();
  for (const n of [1, 15, 16, 17, 33, 64, 5, 48, 0, 64, 31]) {
    const plain = randomBytes(n);
    const buf = Buffer.concat([Buffer.from('xx'), plain, Buffer.from('yy')]);
    const counter = stream.xorInto(buf, 2, 2 + n);
    assert.equal(buf.subarray(0, 2).toString(), 'xx');
    assert.equal(buf.subarray(2 + n).toString(), 'yy');
    const d = createDecipheriv('aes-256-ctr', key, counter);
    assert.deepEqual(Buffer.concat([d.update(buf.subarray(2, 2 + n)), d.final()]), plain, `draw of ${n}`);
    // the blocks this draw used
    const first = BigInt('0x' + counter.toString('hex'));
    for (let b = 0n; b < BigInt(Math.ceil(n / 16)); b++) {
      const k = ((first + b) % 2n ** 128n).toString(16);
      assert.ok(!seen.has(k), `block ${k} drawn twice`);
      seen.add(k);
    }
  }
  for (const [s, add] of [['ff'.repeat(16), 1], ['00'.repeat(15) + 'ff', 1], ['0102030405060708090a0b0c0d0e0f10', 2 ** 40 + 12345], ['ffffffffffffffffffffffffffffffff', 2 ** 52]] as const) {
    const expected = ((BigInt('0x' + s) + BigInt(add)) % 2n ** 128n).toString(16).padStart(32, '0');
    assert.equal(addToCounter(Buffer.from(s, 'hex'), add).toString('hex'), expected);
  }
  assert.throws(() => stream.xorInto(Buffer.alloc(100), 0, 65), RangeError);
});

test('HMAC-SHA256 of bytes (the version 2 tag) is node:crypto\'s, for messages of every length used', () => {
  const key = randomBytes(32);
  const mac = hmacSha256Bytes(key);
  for (const n of [0, 1, 63, 64, 65, 300, 700, 2200, 5000]) {
    const m = randomBytes(n);
    assert.deepEqual(mac(m), createHmac('sha256', key).update(m).digest());
  }
});
