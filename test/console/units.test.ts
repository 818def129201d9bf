/** Unit tests of the console's server-side pieces: cookie signing, CSRF, lockout (frozen clock), history, trust policy, generator, CSV, signer, XML. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { frozenClock } from '../../src/clock.js';
import { checkCsrf, createSessionStore, pushHistory, readCookie, sessionCookieHeader, signCookieValue, verifyCookieValue, SESSION_COOKIE, type ConsoleSession } from '../../src/console/session.js';
import { createLockout, DEFAULT_LOCKOUT } from '../../src/console/lockout.js';
import { buildAccountTrustPolicy, trustOptionsProblem, type AccountTrustOptions } from '../../src/console/shared/trust-policy.js';
import { generatePolicy, statementProblem, type GeneratorStatement } from '../../src/console/shared/policy-generator.js';
import { normalizeRoleColor } from '../../src/console/shared/palette.js';
import { csvLine } from '../../src/console/csv.js';
import { signRequest } from '../../src/console/sigv4-sign.js';
import { queryParams } from '../../src/console/aws-client.js';
import { parseXml, fromXml } from '../../src/console/xml-read.js';
import { generatePassword } from '../../src/console/routes/iam.js';
import { parseSigV4, verifySigV4, createSigningKeyCache } from '../../src/sigv4/index.js';
import { loadServiceModel } from '../../src/protocol/index.js';
import { readVectors } from '../helpers/paths.js';

const SECRET = Buffer.alloc(32, 7);
const creds = (expMs: number) => ({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't', expiration: new Date(expMs) });
const principal = { kind: 'user' as const, accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/u', userId: 'AIDA', userName: 'u' };

describe('session cookie', () => {
  test('a signed value verifies; any change to the ID or signature does not', () => {
    const v = signCookieValue('abc123', SECRET);
    assert.equal(verifyCookieValue(v, SECRET), 'abc123');
    assert.equal(verifyCookieValue(v.replace('abc123', 'abc124'), SECRET), undefined);
    assert.equal(verifyCookieValue(v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A'), SECRET), undefined);
    assert.equal(verifyCookieValue(v, Buffer.alloc(32, 8)), undefined);
    assert.equal(verifyCookieValue('no-dot', SECRET), undefined);
  });

  test('the cookie is HttpOnly, SameSite=Strict, scoped to /console, Secure over TLS', () => {
    assert.equal(sessionCookieHeader('v', 3600, false), `${SESSION_COOKIE}=v; Path=/console; HttpOnly; SameSite=Strict; Max-Age=3600`);
    assert.match(sessionCookieHeader('v', 10, true), /; Secure$/);
    assert.equal(readCookie(`a=1; ${SESSION_COOKIE}=xyz; b=2`, SESSION_COOKIE), 'xyz');
  });

  test('a session lives until its credentials expire; a switched role falls back when its own expire', async () => {
    const clock = frozenClock(1_000_000);
    const store = createSessionStore({ clock, secret: SECRET });
    const s = await store.create(principal, false, creds(1_000_000 + 60_000));
    const header = `${SESSION_COOKIE}=${store.cookieFor(s)}`;
    assert.equal((await store.fromCookieHeader(header))?.id, s.id);
    s.switched = { accountId: '2', roleName: 'r', displayName: 'd', color: '', roleArn: 'a', assumedRoleArn: 'b', credentials: { ...creds(1_000_000 + 30_000), accessKeyId: 'ASIAROLE' } };
    assert.equal(store.activeCredentials(s).accessKeyId, 'ASIAROLE');
    clock.advance(30_000);
    assert.equal(store.activeCredentials(s).accessKeyId, 'ASIAEXAMPLE');
    assert.equal(s.switched, undefined);
    clock.advance(30_000);
    assert.equal(await store.fromCookieHeader(header), undefined);
    assert.equal(store.size(), 0);
  });

  test('CSRF: only the session token passes', async () => {
    const store = createSessionStore({ clock: frozenClock(0), secret: SECRET });
    const s: ConsoleSession = await store.create(principal, false, creds(10_000));
    assert.equal(checkCsrf(s, s.csrfToken), true);
    assert.equal(checkCsrf(s, undefined), false);
    assert.equal(checkCsrf(s, ''), false);
    assert.equal(checkCsrf(s, s.csrfToken.slice(1)), false);
    assert.equal(checkCsrf(s, (await store.create(principal, false, creds(10_000))).csrfToken), false);
  });

  test('the history keeps five, most recent first, one entry per account + role', () => {
    let h = [] as ReturnType<typeof pushHistory>;
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'B']) h = pushHistory(h, { accountId: '1', roleName: n, displayName: n, color: '' });
    assert.deepEqual(h.map((r) => r.roleName), ['B', 'f', 'e', 'd', 'c']);
  });
});

describe('lockout (frozen clock)', () => {
  test('delays double after each failure, five failures lock for 15 minutes, success clears', () => {
    const clock = frozenClock(0);
    const l = createLockout(clock);
    const key = '111111111111|user01';
    assert.deepEqual(l.check(key), { allowed: true });
    l.fail(key);
    assert.deepEqual(l.check(key), { allowed: false, locked: false, retryAfterMs: 1000 });
    clock.advance(1000);
    assert.deepEqual(l.check(key), { allowed: true });
    l.fail(key);
    assert.deepEqual(l.check(key), { allowed: false, locked: false, retryAfterMs: 2000 });
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      l.fail(key);
    }
    assert.deepEqual(l.check(key), { allowed: false, locked: true, retryAfterMs: DEFAULT_LOCKOUT.lockMs });
    clock.advance(DEFAULT_LOCKOUT.lockMs - 1);
    assert.equal(l.check(key).allowed, false);
    assert.deepEqual(l.check('111111111111|other'), { allowed: true });
    clock.advance(1);
    assert.deepEqual(l.check(key), { allowed: true });
    l.fail(key); // a new round after the lock ran out
    assert.deepEqual(l.check(key), { allowed: false, locked: false, retryAfterMs: 1000 });
    l.succeed(key);
    assert.deepEqual(l.check(key), { allowed: true });
  });

  test('old failures are forgotten after the window', () => {
    const clock = frozenClock(0);
    const l = createLockout(clock);
    for (let i = 0; i < 4; i++) {
      l.fail('k');
      clock.advance(20_000);
    }
    clock.advance(DEFAULT_LOCKOUT.windowMs + 1);
    l.fail('k');
    assert.deepEqual(l.check('k'), { allowed: false, locked: false, retryAfterMs: 1000 });
  });
});

describe('trust policy builder', () => {
  for (const v of readVectors<Array<{ name: string; options: AccountTrustOptions; policy: unknown }>>('console', 'trust.json')) {
    test(v.name, () => assert.deepEqual(buildAccountTrustPolicy(v.options), v.policy));
  }
  test('bad options are reported', () => {
    assert.match(trustOptionsProblem({ accountId: '12' })!, /12 digits/);
    assert.match(trustOptionsProblem({ accountId: '111111111111', requireExternalId: true, externalId: 'x' })!, /External ID/);
    assert.equal(trustOptionsProblem({ accountId: '111111111111', requireExternalId: true, externalId: 'ok-id' }), undefined);
  });
});

describe('policy generator', () => {
  for (const v of readVectors<Array<{ name: string; statements: GeneratorStatement[]; policy: unknown }>>('console', 'generator.json')) {
    test(v.name, () => assert.deepEqual(generatePolicy(v.statements), v.policy));
  }
  test('incomplete statements are reported', () => {
    const base: GeneratorStatement = { effect: 'Allow', actions: ['ec2:DescribeVpcs'], resources: ['*'], conditions: [] };
    assert.equal(statementProblem(base), undefined);
    assert.match(statementProblem({ ...base, actions: [] })!, /at least one action/);
    assert.match(statementProblem({ ...base, resources: ['bucket'] })!, /ARN/);
    assert.match(statementProblem({ ...base, conditions: [{ operator: 'Bool', key: 'aws:SecureTransport', values: [] }] })!, /needs a value/);
  });
  test('role colours: names and hex map to the palette; others are refused', () => {
    assert.equal(normalizeRoleColor('Green'), 'b7ca9d');
    assert.equal(normalizeRoleColor('#B7CA9D'), 'b7ca9d');
    assert.equal(normalizeRoleColor('ff0000'), undefined);
  });
});

describe('wire helpers', () => {
  test('CSV quotes commas, quotes and line breaks and keeps values exact', () => {
    assert.equal(csvLine(['a', 'b,c', 'd"e', '=x']), 'a,"b,c","d""e",=x\r\n');
  });

  test('generated passwords have 16 characters of every class', () => {
    for (let i = 0; i < 20; i++) {
      const p = generatePassword();
      assert.equal(p.length, 16);
      assert.match(p, /[A-Z]/);
      assert.match(p, /[a-z]/);
      assert.match(p, /\d/);
      assert.match(p, /[^A-Za-z0-9]/);
    }
  });

  test('the signer produces a signature kamen verifies, and a changed body fails', () => {
    const now = Date.UTC(2026, 0, 15, 10, 0, 0);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const headers = signRequest({ host: 'sts.amazonaws.com', service: 'sts', region: 'us-east-1', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, nowMs: now }, { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'tok' });
    const req = { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body) };
    const auth = parseSigV4(req)!;
    assert.equal(auth.accessKeyId, 'ASIAEXAMPLE');
    assert.equal(auth.securityToken, 'tok');
    verifySigV4(req, auth, 'secret', now, createSigningKeyCache(10));
    assert.throws(() => verifySigV4({ ...req, body: Buffer.from(body + 'x') }, auth, 'secret', now, createSigningKeyCache(10)));
  });

  test('query parameters flatten lists and structures the Query way', () => {
    assert.deepEqual(queryParams({ UserName: 'u', Tags: [{ Key: 'k', Value: 'v' }], PolicyArns: ['a'], Skip: undefined }), [
      ['UserName', 'u'],
      ['Tags.member.1.Key', 'k'],
      ['Tags.member.1.Value', 'v'],
      ['PolicyArns.member.1', 'a'],
    ]);
  });

  test('XML answers read back through the model (lists, booleans, entities)', () => {
    const model = loadServiceModel('iam');
    const xml = '<ListAccountAliasesResponse xmlns="x"><ListAccountAliasesResult><AccountAliases><member>a&amp;b</member></AccountAliases><IsTruncated>false</IsTruncated></ListAccountAliasesResult></ListAccountAliasesResponse>';
    const top = parseXml(xml).children[0]!;
    assert.deepEqual(fromXml(model, model.operations['ListAccountAliases']!.output!, top.children[0]!), { AccountAliases: ['a&b'], IsTruncated: false });
    assert.throws(() => parseXml('<a><b></a>'));
  });
});
