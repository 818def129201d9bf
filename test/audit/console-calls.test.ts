/**
 * The console's own API calls are recorded as AWS records console calls: userAgent "AWS Internal", the browser's
 * address, `sessionCredentialFromConsole`, and TLS details only when the browser's connection to the console was TLS
 * (the call itself never leaves the process).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvents } from '../../src/audit/record.js';
import { CONSOLE_USER_AGENT, startCallFacts } from '../../src/audit/request-facts.js';
import type { Caller } from '../../src/services/types.js';
import { consoleClient, consoleWorld, type ConsoleWorld } from '../console/world.js';

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
