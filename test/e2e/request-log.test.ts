/** `kamen serve --log <file>`: one JSON line per API request, with the request's facts and no secret. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, endpointUrlAws, runAws, tempHome } from './harness.js';
import { serveKamen } from './cli-run.js';

const bin = endpointUrlAws();

test('serve --log writes a line per request: account, principal, operation, decision, status, latency', { skip: bin ? false : 'no aws CLI honouring AWS_ENDPOINT_URL' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-log-'));
  const logFile = path.join(dir, 'requests.log');
  const served = await serveKamen(['--port', '0', '--no-console', '--data-dir', path.join(dir, 'data'), '--log', logFile]);
  try {
    const boot = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'bootstrap.json'), 'utf8'));
    const env = cleanEnv(tempHome(), { AWS_ENDPOINT_URL: served.url, AWS_DEFAULT_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: boot.accessKeyId, AWS_SECRET_ACCESS_KEY: boot.secretAccessKey });
    const me = await runAws(bin!, ['sts', 'get-caller-identity'], env);
    assert.equal(me.code, 0, me.stderr);
    const created = await runAws(bin!, ['iam', 'create-login-profile', '--user-name', 'nobody', '--password', 'Secret-Passw0rd!'], env);
    assert.notEqual(created.code, 0);
  } finally {
    assert.equal(await served.stop(), 0);
  }
  const text = fs.readFileSync(logFile, 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  const [who, failed] = lines;
  assert.equal(who.operation, 'GetCallerIdentity');
  assert.equal(who.service, 'sts');
  assert.equal(who.status, 200);
  assert.equal(who.decision, 'Allow');
  assert.match(who.account, /^\d{12}$/);
  assert.equal(who.principal, `arn:aws:iam::${who.account}:root`);
  assert.equal(typeof who.latencyMs, 'number');
  assert.match(who.requestId, /\S/);
  assert.equal(failed.operation, 'CreateLoginProfile');
  assert.equal(failed.status, 404);
  assert.equal(failed.errorCode, 'NoSuchEntity');
  assert.ok(!text.includes('Secret-Passw0rd!'));
  fs.rmSync(dir, { recursive: true, force: true });
});
