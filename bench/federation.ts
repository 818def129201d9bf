/**
 * Federation benchmark: AssumeRoleWithSAML with a ~4 KB signed assertion (a fresh one per request: replay protection
 * refuses repeats) against kamen, next to SigV4-signed AssumeRole in the same run; prints req/s and the ratio.
 * The server runs in a child process (this file with `child`); requests go over keep-alive HTTP/1.1 connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { median } from './load.js';
import { metadata, newSigner, responseXml, sign, b64 } from '../test/federation/idp.js';

const self = fileURLToPath(import.meta.url);
const PER_ROUND = Number(process.env.BENCH_SAML_REQUESTS ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 16;
const ENTITY = 'https://idp.bench.test/saml';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

if (process.argv[2] === 'child') {
  const { openKamen } = await import('../src/app.js');
  const { startServer } = await import('../src/http/server.js');
  process.once('SIGTERM', () => process.exit(0));
  const kamen = await openKamen({ dataDir: process.argv[3]!, withCa: false, log: () => {}, stsIssueRate: { perSecond: 1e6, burst: 1e6 } });
  const running = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  console.log(JSON.stringify({ port: running.port, boot: kamen.bootstrap }));
}

async function signedBody(port: number, service: string, body: string, creds: Creds): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const s = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', query: {}, headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
  return s.headers as Record<string, string>;
}

function post(agent: http.Agent, port: number, body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `bodies` over CONNECTIONS keep-alive connections; returns req/s (every answer must be 200). */
async function load(port: number, bodies: Array<{ body: string; headers?: Record<string, string> }>): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= bodies.length) return;
        const r = await post(agent, port, bodies[i]!.body, bodies[i]!.headers);
        if (r.status !== 200) throw new Error(`answer ${r.status}: ${r.text.slice(0, 300)}`);
      }
    }),
  );
  const secs = (performance.now() - start) / 1000;
  agent.destroy();
  return bodies.length / secs;
}

/** Runs the federation benchmark. */
export async function run(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-fed-'));
  const child: ChildProcess = spawn(process.execPath, [self, 'child', tmp], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ port: number; boot: { accessKeyId: string; secretAccessKey: string; managementAccountId: string } }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`server child exited ${code}`)));
  });
  try {
    const { port } = info;
    const root: Creds = { accessKeyId: info.boot.accessKeyId, secretAccessKey: info.boot.secretAccessKey };
    const acct = info.boot.managementAccountId;
    const agent = new http.Agent({ keepAlive: true });
    const call = async (service: string, body: string, creds: Creds = root) => {
      const r = await post(agent, port, body, await signedBody(port, service, body, creds));
      if (r.status !== 200) throw new Error(`${body.slice(0, 80)}: ${r.status} ${r.text}`);
      return r.text;
    };
    const idp = newSigner('bench-idp');
    const provider = `arn:aws:iam::${acct}:saml-provider/Bench`;
    await call('iam', `Action=CreateSAMLProvider&Version=2010-05-08&Name=Bench&SAMLMetadataDocument=${encodeURIComponent(metadata(ENTITY, [idp]))}`);
    const samlTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }] };
    await call('iam', `Action=CreateRole&Version=2010-05-08&RoleName=bench-saml&AssumeRolePolicyDocument=${encodeURIComponent(JSON.stringify(samlTrust))}`);
    await call('iam', 'Action=CreateUser&Version=2010-05-08&UserName=bench');
    await call('iam', `Action=PutUserPolicy&Version=2010-05-08&UserName=bench&PolicyName=p&PolicyDocument=${encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }))}`);
    const keyXml = await call('iam', 'Action=CreateAccessKey&Version=2010-05-08&UserName=bench');
    const user: Creds = { accessKeyId: /<AccessKeyId>([^<]+)</.exec(keyXml)![1]!, secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(keyXml)![1]! };
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }] };
    await call('iam', `Action=CreateRole&Version=2010-05-08&RoleName=bench-role&AssumeRolePolicyDocument=${encodeURIComponent(JSON.stringify(trust))}`);
    agent.destroy();

    const roleArn = `arn:aws:iam::${acct}:role/bench-saml`;
    // ~4 KB signed: the AWS attributes plus directory attributes an IdP typically sends.
    const filler: Record<string, string[]> = {};
    for (let i = 0; i < 3; i++) filler[`urn:oid:1.3.6.1.4.1.5923.1.1.1.${i + 1}`] = [`value-${i}-${'x'.repeat(120)}`];
    const assertions = (n: number): Array<{ body: string }> =>
      Array.from({ length: n }, (_, i) => {
        const xml = sign(responseXml({ issuer: ENTITY, now: Date.now(), roles: [`${roleArn},${provider}`], nameId: `user${i}@bench.test`, sessionName: `user${i}`, extraAttributes: filler }), 'Assertion', idp);
        return { body: `Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=${encodeURIComponent(roleArn)}&PrincipalArn=${encodeURIComponent(provider)}&SAMLAssertion=${encodeURIComponent(b64(xml))}` };
      });
    const sample = sign(responseXml({ issuer: ENTITY, now: Date.now(), roles: [`${roleArn},${provider}`], extraAttributes: filler }), 'Assertion', idp);
    const assumeBody = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/bench-role`)}&RoleSessionName=bench`;
    const assumeHeaders = await signedBody(port, 'sts', assumeBody, user);
    const assumeRequests = Array.from({ length: PER_ROUND }, () => ({ body: assumeBody, headers: assumeHeaders }));
    await load(port, assertions(200)); // warm-up
    await load(port, assumeRequests.slice(0, 200));
    const saml: number[] = [];
    const plain: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const batch = assertions(PER_ROUND);
      const a = r % 2 === 0 ? await load(port, batch) : undefined;
      const b = await load(port, assumeRequests);
      const s = a ?? (await load(port, batch));
      saml.push(s);
      plain.push(b);
      ratios.push(s / b);
    }
    console.log(
      `STS AssumeRoleWithSAML (${Buffer.byteLength(sample)}-byte signed response, verify + replay record + mint) vs STS AssumeRole, ${CONNECTIONS} keep-alive connections: ` +
        `SAML ${Math.round(median(saml)).toLocaleString('en-US')} req/s, AssumeRole ${Math.round(median(plain)).toLocaleString('en-US')} req/s, ratio ${(100 * median(ratios)).toFixed(1)}% (medians of ${ROUNDS} paired rounds x ${PER_ROUND} requests)`,
    );
  } finally {
    // The child's store must be closed before its data dir goes: wait for it to exit.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
