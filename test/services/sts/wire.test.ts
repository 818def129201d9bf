/** STS and enforcement through the real pipeline (SigV4, codecs, wire errors), without a socket. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { handleApiRequest, type MountedService, type PipelineDeps } from '../../../src/http/pipeline.js';
import type { ServiceName } from '../../../src/http/route.js';
import { createCodec, loadServiceModel } from '../../../src/protocol/index.js';
import { createSigningKeyCache } from '../../../src/sigv4/index.js';
import { createAuthzRuntime } from '../../../src/authz/runtime.js';
import { createStsService } from '../../../src/services/sts/index.js';
import type { ServiceDefinition } from '../../../src/services/types.js';
import { MGMT, addRole, addUser, allow, inline, newWorld, type World } from '../../authz/world.js';
import { CATALOG } from '../../authz/setup.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function pipeline(w: World): PipelineDeps {
  const rt = createAuthzRuntime({ store: w.store, clock: w.clock, managedPolicies: { get: (a) => CATALOG[a] } });
  const services = new Map<ServiceName, MountedService>();
  const ec2: ServiceDefinition = { name: 'ec2', protocol: 'ec2', operations: { DescribeVpcs: async () => ({ Vpcs: [] }) } };
  services.set('sts', { definition: createStsService(rt.serviceDeps), codec: createCodec(loadServiceModel('sts')) });
  services.set('ec2', { definition: ec2, codec: createCodec(loadServiceModel('ec2')) });
  return { store: w.store, clock: w.clock, services, signingKeys: createSigningKeyCache(64), serviceDeps: rt.serviceDeps, resolveCredentials: rt.resolveCredentials, authorizeOperation: rt.authorizeOperation, noteKeyUsed: rt.noteKeyUsed, log: () => {} };
}

async function send(deps: PipelineDeps, w: World, service: string, body: string, creds: Creds, region = 'us-east-1') {
  const host = service === 'ec2' ? `ec2.${region}.amazonaws.com` : 'sts.amazonaws.com';
  const signer = new SignatureV4({ service, region, credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, { signingDate: new Date(w.clock.now()) });
  const res = await handleApiRequest(deps, { method: 'POST', path: '/', query: '', headers: signed.headers as Record<string, string>, body: Buffer.from(body), host }, { sourceIp: '127.0.0.1', secureTransport: true });
  assert.ok(res, 'no service claimed the request');
  return res;
}

const tag = (xml: string, t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(xml)?.[1];

test('over the wire: GetCallerIdentity, AssumeRole, session use, ExpiredToken, EC2 UnauthorizedOperation', async () => {
  const w = await newWorld();
  try {
    const deps = pipeline(w);
    const root = (await w.store.listAccessKeys(MGMT, undefined))[0]!;
    const rootCreds = { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey };
    const id = await send(deps, w, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', rootCreds);
    assert.equal(id.status, 200, id.body);
    assert.equal(tag(id.body, 'Arn'), `arn:aws:iam::${MGMT}:root`);
    assert.equal(tag(id.body, 'UserId'), MGMT);

    const dev = await addUser(w, MGMT, 'dev');
    await addRole(w, MGMT, 'toy', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: dev.arn }, Action: 'sts:AssumeRole' }] });
    await inline(w, MGMT, 'role', 'toy', allow('ec2:DescribeInstanceTypes'));
    const ar = await send(deps, w, 'sts', `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${MGMT}:role/toy`)}&RoleSessionName=wire&DurationSeconds=900`, dev);
    assert.equal(ar.status, 200, ar.body);
    assert.equal(tag(ar.body, 'Arn'), `arn:aws:sts::${MGMT}:assumed-role/toy/wire`);
    assert.equal(tag(ar.body, 'Expiration'), new Date(w.clock.now() + 900_000).toISOString().replace('.000Z', 'Z'));
    const temp = { accessKeyId: tag(ar.body, 'AccessKeyId')!, secretAccessKey: tag(ar.body, 'SecretAccessKey')!, sessionToken: tag(ar.body, 'SessionToken')! };
    const who = await send(deps, w, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', temp);
    assert.equal(tag(who.body, 'Arn'), `arn:aws:sts::${MGMT}:assumed-role/toy/wire`);

    const vpcs = await send(deps, w, 'ec2', 'Action=DescribeVpcs&Version=2016-11-15', temp, 'ap-northeast-1');
    assert.equal(vpcs.status, 403, vpcs.body);
    assert.equal(tag(vpcs.body, 'Code'), 'UnauthorizedOperation');
    const msg = tag(vpcs.body, 'Message')!;
    assert.match(msg, new RegExp(`^You are not authorized to perform this operation\\. User: arn:aws:sts::${MGMT}:assumed-role/toy/wire is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action\\. Encoded authorization failure message: [A-Za-z0-9_-]+$`));
    const encoded = /Encoded authorization failure message: (\S+)/.exec(msg)![1]!;
    const dec = await send(deps, w, 'sts', `Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=${encoded}`, rootCreds);
    assert.equal(dec.status, 200, dec.body);
    const decoded = JSON.parse(tag(dec.body, 'DecodedMessage')!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    assert.equal(decoded.context.action, 'ec2:DescribeVpcs');

    w.clock.advance(900_000);
    const late = await send(deps, w, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', temp);
    assert.equal(tag(late.body, 'Code'), 'ExpiredToken');
    assert.equal(tag(late.body, 'Message'), 'The security token included in the request is expired');
    const denied = await send(deps, w, 'sts', `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${MGMT}:role/nope`)}&RoleSessionName=wire`, dev);
    assert.equal(denied.status, 403);
    assert.equal(tag(denied.body, 'Code'), 'AccessDenied');
    assert.equal(tag(denied.body, 'Message'), `User: ${dev.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MGMT}:role/nope`);
  } finally {
    await w.close();
  }
});
