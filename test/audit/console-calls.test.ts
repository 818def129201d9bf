/**
 * The console's own API calls are recorded as AWS records console calls: userAgent "AWS Internal", the browser's
 * address, `sessionCredentialFromConsole`, and TLS details only when the browser's connection to the console was TLS
 * (the call itself never leaves the process). The S3 pages' calls are recorded as the S3 console's: its user agent
 * "[S3Console/0.4, aws-internal/3 …]", `sessionCredentialFromConsole`, the same TLS rule.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvents } from '../../src/audit/record.js';
import { S3_CONSOLE_USER_AGENT } from '../../src/audit/console-events.js';
import { CONSOLE_USER_AGENT, startCallFacts } from '../../src/audit/request-facts.js';
import { s3CallFacts } from '../../src/services/s3/audit.js';
import type { Caller } from '../../src/services/types.js';
import { consoleClient, consoleWorld, MEMBER, type ConsoleWorld } from '../console/world.js';

let w: ConsoleWorld;
before(async () => {
  w = await consoleWorld();
});
after(async () => {
  await w.close();
});

test('a console page\'s ListUsers is recorded with "AWS Internal", the browser\'s address and no TLS details over plain http', async () => {
  const c = consoleClient(w.console.url);
  assert.equal((await c.signIn('user01')).json.status, 'ok');
  const page = await c.send('GET', '/iam/users');
  assert.equal(page.status, 200, JSON.stringify(page.json));
  await w.kamen.events.flush();
  const rows = await w.kamen.store.lookupEvents({ accountId: w.mgmt, attribute: { key: 'Username', value: 'user01' }, startMs: 0, endMs: w.clock.now() + 1000, limit: 50 });
  const listed = rows.map((r) => JSON.parse(r.record)).filter((r) => r.eventName === 'ListUsers');
  assert.equal(listed.length, 1);
  const [rec] = listed;
  assert.equal(rec.userAgent, 'AWS Internal');
  assert.equal(rec.sourceIPAddress, '127.0.0.1');
  assert.equal(rec.tlsDetails, undefined);
  assert.equal(rec.sessionCredentialFromConsole, 'true');
  assert.equal(rec.userIdentity.userName, 'user01');
  assert.equal(rec.awsRegion, 'us-east-1');
});

test('a console reached over TLS records the TLS details of the call; a client call is not marked as the console\'s', () => {
  const caller: Caller = { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', userId: 'AIDAEXAMPLE', userName: 'alice', accessKeyId: 'ASIAEXAMPLE' };
  const base = { requestId: 'r1', nowMs: Date.UTC(2026, 11, 3), service: 'iam', operation: 'ListUsers', region: 'us-east-1', caller, sourceIp: '192.0.2.1', secureTransport: true, userAgent: 'Mozilla/5.0', host: 'iam.amazonaws.com' };
  const [tls] = buildEvents(startCallFacts({ ...base, console: { tls: true } }));
  assert.equal(tls!.record.userAgent, CONSOLE_USER_AGENT);
  assert.deepEqual(tls!.record.tlsDetails, { clientProvidedHostHeader: 'iam.amazonaws.com' });
  assert.equal(tls!.record.sessionCredentialFromConsole, 'true');
  const [cli] = buildEvents(startCallFacts(base));
  assert.equal(cli!.record.userAgent, 'Mozilla/5.0');
  assert.equal(cli!.record.sessionCredentialFromConsole, undefined);
  assert.deepEqual(cli!.record.tlsDetails, { clientProvidedHostHeader: 'iam.amazonaws.com' });
});

test('the S3 pages\' calls are recorded as the S3 console\'s: its user agent, sessionCredentialFromConsole, no TLS details over plain http', async () => {
  const c = consoleClient(w.console.url);
  assert.equal((await c.signIn('user01')).json.status, 'ok');
  // As user01 (IAM read-only): a refused CreateBucket is recorded in the caller's account with its error.
  const refused = await c.send('POST', '/s3/buckets', { name: 'console-audit-refused' });
  assert.equal(refused.status, 403, JSON.stringify(refused.json));
  // After switching to the member account's Admin: CreateBucket and the bucket list succeed.
  assert.equal((await c.send('POST', '/switch-role', { account: MEMBER, roleName: 'Admin' })).status, 200);
  const made = await c.send('POST', '/s3/buckets', { name: 'console-audit-bucket' });
  assert.equal(made.status, 200, JSON.stringify(made.json));
  assert.equal((await c.send('GET', '/s3/buckets')).status, 200);
  await w.kamen.events.flush();
  const s3Events = async (account: string) =>
    (await w.kamen.store.lookupEvents({ accountId: account, attribute: { key: 'EventSource', value: 's3.amazonaws.com' }, startMs: 0, endMs: w.clock.now() + 1000, limit: 50 })).map((r) => JSON.parse(r.record));
  const [denied] = (await s3Events(w.mgmt)).filter((r) => r.eventName === 'CreateBucket');
  assert.ok(denied, 'the refused CreateBucket is recorded');
  assert.equal(denied.errorCode, 'AccessDenied');
  const member = await s3Events(MEMBER);
  const created = member.find((r) => r.eventName === 'CreateBucket');
  const listed = member.find((r) => r.eventName === 'ListBuckets');
  assert.ok(created && listed, JSON.stringify(member.map((r) => r.eventName)));
  for (const rec of [denied, created, listed]) {
    assert.equal(rec.userAgent, S3_CONSOLE_USER_AGENT);
    assert.match(rec.userAgent, /^\[S3Console\/0\.4, aws-internal\/3 /);
    assert.equal(rec.sessionCredentialFromConsole, 'true');
    assert.equal(rec.sourceIPAddress, '127.0.0.1');
    assert.equal(rec.tlsDetails, undefined);
  }
  assert.equal(created.requestParameters.bucketName, 'console-audit-bucket');
  assert.match(created.userIdentity.arn, new RegExp(`^arn:aws:sts::${MEMBER}:assumed-role/Admin/`));
});

test('an S3 console call over a TLS console records TLS details; a client\'s S3 call is not marked as the console\'s', () => {
  const caller: Caller = { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', userId: 'AIDAEXAMPLE', userName: 'alice', accessKeyId: 'ASIAEXAMPLE' };
  const base = { requestId: 'R1', hostId: 'h', nowMs: Date.UTC(2026, 11, 3), operation: 'CreateBucket', region: 'us-east-1', caller, sourceIp: '192.0.2.1', secureTransport: true, host: 's3.amazonaws.com', presigned: false };
  const [tls] = buildEvents(s3CallFacts({ ...base, userAgent: S3_CONSOLE_USER_AGENT, console: { tls: true } }));
  assert.deepEqual(tls!.record.tlsDetails, { clientProvidedHostHeader: 's3.amazonaws.com' });
  assert.equal(tls!.record.sessionCredentialFromConsole, 'true');
  const [plain] = buildEvents(s3CallFacts({ ...base, userAgent: S3_CONSOLE_USER_AGENT, console: { tls: false } }));
  assert.equal(plain!.record.tlsDetails, undefined);
  const [cli] = buildEvents(s3CallFacts({ ...base, userAgent: 'aws-cli/2.15.0' }));
  assert.equal(cli!.record.sessionCredentialFromConsole, undefined);
  assert.deepEqual(cli!.record.tlsDetails, { clientProvidedHostHeader: 's3.amazonaws.com' });
});
