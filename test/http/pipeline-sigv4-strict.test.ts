/**
 * SigV4 as strict as AWS, through the pipeline: the scope's region must be one the endpoint serves and its service the
 * one the request is routed to; Query APIs sign the body (no UNSIGNED-PAYLOAD). Cases in test/vectors/sigv4/pipeline-strict.json.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { frozenClock } from '../../src/clock.js';
import { openKamen, type Kamen } from '../../src/app.js';
import { handleApiRequest } from '../../src/http/pipeline.js';
import { sha256Hex } from '../../src/sigv4/hash.js';
import { readVectors } from '../helpers/paths.js';
import { wireQuery } from '../sigv4/helpers.js';

interface Case {
  name: string;
  action: 'iam' | 'sts' | 'ec2';
  host?: string;
  scope: { service: string; region: string };
  contentSha256?: string;
  /** Query-string auth (a presigned GET) instead of the Authorization header. */
  presign?: boolean;
  status: number;
  code?: string;
  message?: string;
}

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const BODIES: Record<Case['action'], string> = {
  iam: 'Action=ListUsers&Version=2010-05-08',
  sts: 'Action=GetCallerIdentity&Version=2011-06-15',
  ec2: 'Action=DescribeRegions&Version=2016-11-15',
};
const OWN_ADDRESS = '127.0.0.1:4600';

let kamen: Kamen;
let root: { accessKeyId: string; secretAccessKey: string };

before(async () => {
  kamen = await openKamen({ dataDir: ':memory:', clock: frozenClock(T0), log: () => {} });
  root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
});
after(async () => {
  await kamen.close();
});

/** Presigns `body`'s parameters as a GET (query-string auth) for `scope` and sends it through the pipeline. */
async function sendPresigned(body: string, host: string, scope: { service: string; region: string }) {
  const signer = new SignatureV4({ service: scope.service, region: scope.region, credentials: root, sha256: Sha256 });
  const query = Object.fromEntries(new URLSearchParams(body));
  const signed = await signer.presign({ method: 'GET', protocol: 'https:', hostname: host, path: '/', query, headers: { host } }, { signingDate: new Date(T0), expiresIn: 300 });
  const res = await handleApiRequest(
    kamen.pipeline,
    { method: 'GET', path: '/', query: wireQuery(signed.query as Record<string, string>), headers: signed.headers as Record<string, string>, body: Buffer.alloc(0), host },
    { sourceIp: '127.0.0.1', secureTransport: true },
  );
  assert.ok(res, 'no service claimed the request');
  return res;
}

/** Signs `body` as the SDK would for `scope` (with x-amz-content-sha256 as given) and sends it through the pipeline. */
async function send(body: string, opts: { host?: string; scope: { service: string; region: string }; contentSha256?: string; creds?: typeof root; presign?: boolean }) {
  const host = opts.host ?? OWN_ADDRESS;
  if (opts.presign) return sendPresigned(body, host, opts.scope);
  const headers: Record<string, string> = { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  if (opts.contentSha256 !== undefined) {
    const real = sha256Hex(body);
    headers['x-amz-content-sha256'] =
      opts.contentSha256 === '$REAL' ? real : opts.contentSha256 === '$UPPER' ? real.toUpperCase() : opts.contentSha256 === '$OTHER' ? sha256Hex(body + '&x=1') : opts.contentSha256;
  }
  const signer = new SignatureV4({ service: opts.scope.service, region: opts.scope.region, credentials: opts.creds ?? root, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers, body }, { signingDate: new Date(T0) });
  const res = await handleApiRequest(
    kamen.pipeline,
    { method: 'POST', path: '/', query: '', headers: signed.headers as Record<string, string>, body: Buffer.from(body), host },
    { sourceIp: '127.0.0.1', secureTransport: true },
  );
  assert.ok(res, 'no service claimed the request');
  return res;
}

function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m?.[1]?.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

for (const c of readVectors<{ cases: Case[] }>('sigv4', 'pipeline-strict.json').cases) {
  test(`strict SigV4: ${c.name}`, async () => {
    const res = await send(BODIES[c.action], c);
    assert.equal(res.status, c.status, res.body.toString());
    if (c.code === undefined) return;
    const xml = res.body.toString();
    assert.equal(tag(xml, 'Code'), c.code, xml);
    assert.equal(tag(xml, 'Message'), c.message, xml);
  });
}

test('a global service is called in us-east-1 whatever region the client signs with: a Deny on aws:RequestedRegion holds', async () => {
  const iam = (body: string, creds = root) => send(body, { scope: { service: 'iam', region: 'us-east-1' }, creds });
  assert.equal((await iam('Action=CreateUser&Version=2010-05-08&UserName=regional')).status, 200);
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } },
    ],
  });
  const put = await iam(`Action=PutUserPolicy&Version=2010-05-08&UserName=regional&PolicyName=p&PolicyDocument=${encodeURIComponent(policy)}`);
  assert.equal(put.status, 200, put.body.toString());
  const key = (await iam('Action=CreateAccessKey&Version=2010-05-08&UserName=regional')).body.toString();
  const creds = { accessKeyId: tag(key, 'AccessKeyId')!, secretAccessKey: tag(key, 'SecretAccessKey')! };
  for (const region of ['us-east-1', 'eu-west-1', 'ap-northeast-1']) {
    const res = await send(BODIES.iam, { scope: { service: 'iam', region }, creds });
    assert.equal(res.status, 403, `${region}: ${res.body.toString()}`);
    assert.equal(tag(res.body.toString(), 'Code'), 'AccessDenied', region);
  }
});
