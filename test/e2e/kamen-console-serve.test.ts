/**
 * `kamen serve`'s console (issue 16, item 9): sessions stored encrypted in the Store survive a restart, and
 * `--console-tls` serves https with a certificate from kamen's CA and marks the session cookie Secure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { serveKamen } from './cli-run.js';
import { tempDir } from '../helpers/temp-dir.js';

/** One JSON request to the console over https, trusting only kamen's CA. */
function call(base: string, ca: string, method: string, apiPath: string, opts: { cookie?: string; csrf?: string; body?: unknown } = {}): Promise<{ status: number; json: any; setCookie: string | undefined }> {
  const url = new URL(`api${apiPath}`, base);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { 'x-kamen-console': '1', origin: url.origin };
  if (opts.cookie) headers['cookie'] = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  if (body) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, setCookie: res.headers['set-cookie']?.[0] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('--console-tls: https from kamen\'s CA, a Secure cookie, and a session that survives a restart (stored encrypted)', async () => {
  const dataDir = tempDir('kamen-console-');
  const args = ['--port', '0', '--console-port', '0', '--console-tls', '--data-dir', dataDir];
  const first = await serveKamen(args);
  let cookie = '';
  let csrf = '';
  let arn = '';
  try {
    const base = (await first.waitFor(/web console at (https:\/\/localhost:\d+\/console\/)/))[1]!;
    const ca = fs.readFileSync(path.join(dataDir, 'ca.pem'), 'utf8');
    const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
    const signin = await call(base, ca, 'POST', '/signin/root', { body: { email: boot.rootEmail, password: boot.rootPassword } });
    assert.equal(signin.status, 200, JSON.stringify(signin.json));
    assert.match(signin.setCookie ?? '', /; Secure/);
    assert.match(signin.setCookie ?? '', /; HttpOnly/);
    cookie = signin.setCookie!.split(';')[0]!;
    const session = await call(base, ca, 'GET', '/session', { cookie });
    assert.equal(session.status, 200);
    csrf = session.json.csrfToken;
    arn = JSON.stringify(session.json);
    assert.match(arn, new RegExp(`arn:aws:iam::${boot.managementAccountId}:root`));
    // The stored session is encrypted: its CSRF token and the cookie's ID appear nowhere in the database files.
    const id = cookie.split('=')[1]!.split('.')[0]!;
    for (const f of fs.readdirSync(dataDir).filter((n) => n.startsWith('kamen.db'))) {
      const bytes = fs.readFileSync(path.join(dataDir, f)).toString('latin1');
      assert.ok(!bytes.includes(csrf) && !bytes.includes(id), `${f} holds the session in clear`);
    }
  } finally {
    assert.equal(await first.stop(), 0);
  }
  const second = await serveKamen(args);
  try {
    const base = (await second.waitFor(/web console at (https:\/\/localhost:\d+\/console\/)/))[1]!;
    const ca = fs.readFileSync(path.join(dataDir, 'ca.pem'), 'utf8');
    const again = await call(base, ca, 'GET', '/session', { cookie });
    assert.equal(again.status, 200);
    assert.equal(JSON.stringify(again.json), arn);
    const out = await call(base, ca, 'POST', '/signout', { cookie, csrf });
    assert.equal(out.status, 200);
    assert.equal((await call(base, ca, 'GET', '/session', { cookie })).json.signedIn, false);
  } finally {
    assert.equal(await second.stop(), 0);
  }
  const third = await serveKamen(args);
  try {
    const base = (await third.waitFor(/web console at (https:\/\/localhost:\d+\/console\/)/))[1]!;
    const ca = fs.readFileSync(path.join(dataDir, 'ca.pem'), 'utf8');
    assert.equal((await call(base, ca, 'GET', '/session', { cookie })).json.signedIn, false, 'a signed-out session stays signed out after a restart');
  } finally {
    assert.equal(await third.stop(), 0);
  }
});
