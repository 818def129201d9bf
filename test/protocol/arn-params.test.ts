/**
 * Malformed ARN parameters (test/vectors/protocol/arn-params.json): AWS's code, status and text from the codec at parse
 * time, and over HTTP ahead of authorization and lookups (a caller with no permissions still gets the 400).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createCodec, loadServiceModel, type Codec } from '../../src/protocol/index.js';
import { checkArnParam, splitArn } from '../../src/protocol/arn-params.js';
import { createSigningKeyCache } from '../../src/sigv4/index.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import type { MountedService, PipelineDeps } from '../../src/http/pipeline.js';
import type { ServiceName } from '../../src/http/route.js';
import { bootstrapOrganization } from '../../src/services/accounts/index.js';
import { createIamService, loadManagedPolicyCatalog } from '../../src/services/iam/index.js';
import { createStsService } from '../../src/services/sts/index.js';
import { createAuthzRuntime } from '../../src/authz/runtime.js';
import { readVectors } from '../helpers/paths.js';
import { formRequest } from './harness.js';

interface Case {
  name: string;
  service: 'iam' | 'sts';
  body: string;
  code: string;
  status: number;
  message: string;
}
const V = readVectors<{ cases: Case[]; wellFormed: Array<{ service: 'iam' | 'sts'; body: string }> }>('protocol', 'arn-params.json');
const codecs: Record<string, Codec> = { iam: createCodec(loadServiceModel('iam')), sts: createCodec(loadServiceModel('sts')) };
const fill = (s: string, acct: string) => s.replaceAll('{acct}', acct);

function errorOf(xml: string): { code: string; message: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? '';
  const message = (/<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '').replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return { code, message };
}

test('the codec answers a malformed ARN parameter with AWS code, status and text', async (t) => {
  for (const c of V.cases) {
    await t.test(c.name, () => {
      const codec = codecs[c.service]!;
      const req = formRequest(fill(c.body, '123456789012'));
      const op = codec.operationName(req)!;
      let rendered;
      try {
        codec.parseInput(op, req);
        assert.fail('parseInput accepted the request');
      } catch (err) {
        rendered = codec.renderError(err, 'rid');
      }
      assert.equal(rendered.status, c.status);
      assert.deepEqual(errorOf(rendered.body), { code: c.code, message: fill(c.message, '123456789012') });
    });
  }
});

test('well-formed ARN parameters pass the parse-time check', () => {
  for (const w of V.wellFormed) {
    const codec = codecs[w.service]!;
    const req = formRequest(w.body);
    assert.doesNotThrow(() => codec.parseInput(codec.operationName(req)!, req), w.body);
  }
  assert.equal(splitArn('arn:aws:iam::123456789012:role/a:b')?.resource, 'role/a:b');
  assert.doesNotThrow(() => checkArnParam('iam-policy', 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'));
});

let store: Store;
let server: RunningServer;
let boot: { managementAccountId: string; accessKeyId: string; secretAccessKey: string };

before(async () => {
  const clock = systemClock();
  store = await openStore({ dataDir: ':memory:' });
  boot = (await bootstrapOrganization(store, clock, {}))!;
  const managedPolicies = loadManagedPolicyCatalog();
  const rt = createAuthzRuntime({ store, clock, managedPolicies });
  const serviceDeps = { managedPolicies, ...rt.serviceDeps };
  const services = new Map<ServiceName, MountedService>();
  services.set('iam', { definition: createIamService(serviceDeps), codec: codecs['iam']! });
  services.set('sts', { definition: createStsService(serviceDeps), codec: codecs['sts']! });
  const pipeline: PipelineDeps = { store, clock, services, signingKeys: createSigningKeyCache(64), serviceDeps, resolveCredentials: rt.resolveCredentials, authorizeOperation: rt.authorizeOperation, log: () => {} };
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline });
});

after(async () => {
  await server?.close();
  await store?.close();
});

/** Sends a form body signed for `service` with `creds`; returns status and the error's code and text. */
async function send(service: 'iam' | 'sts', body: string, creds: { accessKeyId: string; secretAccessKey: string }): Promise<{ status: number; code: string; message: string }> {
  const url = new URL(server.url);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const res = await fetch(server.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: res.status, ...errorOf(await res.text()) };
}

test('over HTTP the malformed ARN is answered before authorization: a caller with no permissions gets the 400', async (t) => {
  const acct = boot.managementAccountId;
  const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey }, maxAttempts: 1 });
  await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }))).AccessKey!;
  const nobody = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  for (const c of V.cases) {
    await t.test(c.name, async () => {
      const got = await send(c.service, fill(c.body, acct), nobody);
      assert.deepEqual(got, { status: c.status, code: c.code, message: fill(c.message, acct) });
    });
  }
  // Control: a well-formed ARN from the same caller reaches authorization and is denied there.
  const denied = await send('iam', 'Action=AttachUserPolicy&Version=2010-05-08&UserName=nobody&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess', nobody);
  assert.equal(denied.code, 'AccessDenied');
});
