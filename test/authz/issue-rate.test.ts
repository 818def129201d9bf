/**
 * The per-principal rate of temporary credential issuance: a token bucket per calling principal ARN on the injected
 * clock (the N+1th issue in a burst is throttled, the bucket refills with the clock), bounded in memory, and AWS's
 * `Throttling` / "Rate exceeded" (HTTP 400) through the pipeline for AssumeRole, GetSessionToken and GetFederationToken.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { frozenClock } from '../../src/clock.js';
import { isKamenError } from '../../src/errors.js';
import { createIssueRateLimiter, DEFAULT_ISSUE_RATE, parseIssueRate } from '../../src/authz/issue-rate.js';
import { openKamen, type Kamen } from '../../src/app.js';
import { handleApiRequest } from '../../src/http/pipeline.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

function throttled(fn: () => void): void {
  assert.throws(fn, (e: unknown) => isKamenError(e, 'ERR_THROTTLING') && e.message === 'Rate exceeded');
}

test('--sts-issue-rate: RATE or RATE:BURST; the default is 100 a second in bursts of 200', () => {
  assert.deepEqual(DEFAULT_ISSUE_RATE, { perSecond: 100, burst: 200 });
  assert.deepEqual(parseIssueRate('100:200'), { perSecond: 100, burst: 200 });
  assert.deepEqual(parseIssueRate('5'), { perSecond: 5, burst: 10 });
  assert.deepEqual(parseIssueRate('0.5:1'), { perSecond: 0.5, burst: 1 });
  for (const bad of ['', '0', '-1', 'x', '1:0', '1:', ':5', '1/s']) assert.throws(() => parseIssueRate(bad), /--sts-issue-rate/, bad);
});

test('a principal gets its burst, the next issue is throttled, and the bucket refills with the clock', () => {
  const clock = frozenClock(T0);
  const limiter = createIssueRateLimiter(clock, { perSecond: 2, burst: 3 });
  const alice = 'arn:aws:iam::111111111111:user/alice';
  for (let i = 0; i < 3; i++) limiter.take(alice);
  throttled(() => limiter.take(alice));
  limiter.take('arn:aws:iam::111111111111:user/bob'); // another principal has its own bucket
  clock.advance(499);
  throttled(() => limiter.take(alice));
  clock.advance(1); // 500 ms at 2 a second: one token
  limiter.take(alice);
  throttled(() => limiter.take(alice));
  clock.advance(60_000); // refills to the burst, not beyond
  for (let i = 0; i < 3; i++) limiter.take(alice);
  throttled(() => limiter.take(alice));
});

test('the table of buckets is bounded: refilled buckets are forgotten, else a new principal is refused (fails closed)', () => {
  const clock = frozenClock(T0);
  const limiter = createIssueRateLimiter(clock, { perSecond: 1, burst: 2 }, 100);
  const arn = (i: number) => `arn:aws:iam::111111111111:user/u${i}`;
  for (let i = 0; i < 100; i++) limiter.take(arn(i));
  assert.equal(limiter.size, 100);
  throttled(() => limiter.take(arn(100))); // every bucket is still refilling: no room, none reset
  limiter.take(arn(5)); // a known principal keeps its bucket (one token left of two)
  throttled(() => limiter.take(arn(5)));
  clock.advance(2000); // every bucket is full again, so it is the same as none: new principals take their places
  for (let i = 100; i < 200; i++) limiter.take(arn(i));
  assert.equal(limiter.size, 100);
  throttled(() => limiter.take(arn(200))); // the newcomers' buckets are still refilling
  clock.advance(2000);
  for (let i = 200; i < 10_000; i++) {
    limiter.take(arn(i));
    if (i % 100 === 99) clock.advance(2000);
  }
  assert.equal(limiter.size, 100);
});

/** Sends a Query call signed by `creds` through the pipeline. */
async function call(kamen: Kamen, service: 'iam' | 'sts', body: string, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
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

test('over the wire: the 4th issue in a burst of 3 is Throttling "Rate exceeded" (400) and writes nothing; the clock refills it', async () => {
  const clock = frozenClock(T0);
  const kamen = await openKamen({ dataDir: ':memory:', clock, stsIssueRate: { perSecond: 1, burst: 3 }, log: () => {} });
  try {
    const root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
    const acct = kamen.bootstrap!.managementAccountId;
    const iam = (body: string) => call(kamen, 'iam', body, root);
    assert.equal((await iam('Action=CreateUser&Version=2010-05-08&UserName=minter')).status, 200);
    const allow = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }));
    assert.equal((await iam(`Action=PutUserPolicy&Version=2010-05-08&UserName=minter&PolicyName=sts&PolicyDocument=${allow}`)).status, 200);
    const trust = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }] }));
    assert.equal((await iam(`Action=CreateRole&Version=2010-05-08&RoleName=target&AssumeRolePolicyDocument=${trust}`)).status, 200);
    const key = (await iam('Action=CreateAccessKey&Version=2010-05-08&UserName=minter')).xml;
    const minter = { accessKeyId: tag(key, 'AccessKeyId')!, secretAccessKey: tag(key, 'SecretAccessKey')! };

    const sessionToken = 'Action=GetSessionToken&Version=2011-06-15';
    const federation = 'Action=GetFederationToken&Version=2011-06-15&Name=fed';
    const assume = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/target`)}&RoleSessionName=minted`;
    const issued: Array<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> = [];
    for (const body of [sessionToken, federation, assume]) {
      const r = await call(kamen, 'sts', body, minter);
      assert.equal(r.status, 200, r.xml);
      issued.push({ accessKeyId: tag(r.xml, 'AccessKeyId')!, secretAccessKey: tag(r.xml, 'SecretAccessKey')!, sessionToken: tag(r.xml, 'SessionToken')! });
    }
    for (const body of [sessionToken, federation, assume]) {
      const r = await call(kamen, 'sts', body, minter);
      assert.equal(r.status, 400, r.xml);
      assert.equal(tag(r.xml, 'Type'), 'Sender');
      assert.equal(tag(r.xml, 'Code'), 'Throttling');
      assert.equal(tag(r.xml, 'Message'), 'Rate exceeded');
      assert.equal(tag(r.xml, 'AccessKeyId'), undefined, 'no credentials in a throttled answer');
    }
    // What was issued before the bucket ran dry is valid (AssumeRole's sealed credentials have no row to look for).
    for (const c of issued) assert.equal((await call(kamen, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', c)).status, 200);
    // Another principal (root) is not throttled by the minter's bucket.
    assert.equal((await call(kamen, 'sts', sessionToken, root)).status, 200);
    // One second refills one issue.
    clock.advance(1000);
    assert.equal((await call(kamen, 'sts', sessionToken, minter)).status, 200);
    assert.equal(tag((await call(kamen, 'sts', sessionToken, minter)).xml, 'Code'), 'Throttling');
    // Calls that issue nothing are not counted.
    assert.equal((await call(kamen, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', minter)).status, 200);
  } finally {
    await kamen.close();
  }
});
