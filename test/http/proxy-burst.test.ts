/** Proxy mode on the API port: unserved AWS hosts refused at CONNECT, bursts of new names, a bounded certificate cache. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { openKamen, type Kamen } from '../../src/app.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { loadOrCreateCa, type CertificateAuthority } from '../../src/http/proxy/index.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { exchange } from './raw-client.js';
import { tempDir } from '../helpers/temp-dir.js';

const CACHE_BOUND = 16;
let kamen: Kamen;
let ca: CertificateAuthority;
let server: RunningServer;

before(async () => {
  kamen = await openKamen({ dataDir: ':memory:', withCa: false, log: () => {} });
  ca = loadOrCreateCa(tempDir('kamen-ca-'), { maxCachedLeaves: CACHE_BOUND });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline, ca });
});
after(async () => {
  await server.close();
  await kamen.close();
});

/** Sends a CONNECT and returns the status line's code, the body of a refusal, and the socket. */
function connect(target: string): Promise<{ status: number; body: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'CONNECT', path: target, agent: false });
    req.on('connect', (res, socket: net.Socket, head: Buffer) => {
      const status = res.statusCode ?? 0;
      if (status === 200) return resolve({ status, body: '', socket });
      // A refusal's body arrives after its head, up to the close.
      let body = head.toString();
      socket.on('data', (c: Buffer) => (body += c.toString()));
      socket.on('end', () => resolve({ status, body, socket }));
      socket.on('error', () => resolve({ status, body, socket }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CONNECT, TLS with the name as SNI (verified against the CA), then one GET through the tunnel; returns the SAN and status. */
async function tunnelGet(host: string): Promise<{ san: string | undefined; status: number }> {
  const { status, socket } = await connect(`${host}:443`);
  assert.equal(status, 200, host);
  const tlsSock = tls.connect({ socket, ca: ca.caPem, servername: host });
  await new Promise<void>((r, j) => {
    tlsSock.once('secureConnect', r);
    tlsSock.once('error', j);
  });
  const san = tlsSock.getPeerX509Certificate()?.subjectAltName;
  const code = await new Promise<number>((resolve, reject) => {
    const req = http.request({ createConnection: () => tlsSock, host, path: '/', method: 'GET', headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  tlsSock.destroy();
  return { san, status: code };
}

test('proxy: a CONNECT to an AWS host kamen does not serve is refused with 502 naming the host', async () => {
  for (const host of ['sqs.amazonaws.com', 'dynamodb.us-east-1.amazonaws.com', 'logs.us-east-1.amazonaws.com', 'kms.us-west-2.amazonaws.com']) {
    const r = await connect(`${host}:443`);
    assert.equal(r.status, 502, host);
    assert.match(r.body, new RegExp(`kamen does not serve ${host.replace(/\./g, '\\.')}`));
    assert.doesNotMatch(r.body, /"status":"ok"/, 'never the health page');
    r.socket.destroy();
  }
  const other = await connect('example.com:443');
  assert.equal(other.status, 403, 'non-AWS hosts stay 403');
  other.socket.destroy();
});

test('proxy: a served host is tunnelled to the API, with a certificate for its name', async () => {
  const r = await tunnelGet('sts.us-east-1.amazonaws.com');
  assert.equal(r.san, 'DNS:sts.us-east-1.amazonaws.com');
  assert.ok(r.status >= 200 && r.status < 500, `the STS codec answered (${r.status})`);
});

test('proxy: a burst of CONNECTs to 50 new names completes, a plain request is answered meanwhile, the cache stays bounded', { timeout: 120_000 }, async () => {
  const names = Array.from({ length: 50 }, (_, i) => `sts.burst-${i}.amazonaws.com`);
  let tunnelsDone = 0;
  const tunnels = names.map((n) =>
    tunnelGet(n).then((r) => {
      tunnelsDone++;
      return r;
    }),
  );
  // Sent once the burst is under way: answered before the burst has finished, not after all 50 certificates.
  await new Promise((r) => setImmediate(r));
  const health = await exchange(server.port, [Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')], { answers: 1, closed: false });
  const doneWhenHealthAnswered = tunnelsDone;
  assert.deepEqual(health.answers.map((a) => a.status), [200]);
  const results = await Promise.all(tunnels);
  assert.ok(doneWhenHealthAnswered < names.length, `health answered after ${doneWhenHealthAnswered} of ${names.length} tunnels`);
  assert.deepEqual(results.map((r) => r.san), names.map((n) => `DNS:${n}`));
  assert.ok(ca.cachedNames() <= CACHE_BOUND, `cache holds ${ca.cachedNames()} names`);
  assert.ok(ca.cachedNames() > 0);
});

test('proxy: concurrent CONNECTs to one new name mint it once and all get its certificate', async () => {
  const host = 'iam.concurrent.amazonaws.com';
  const results = await Promise.all(Array.from({ length: 5 }, () => tunnelGet(host)));
  assert.deepEqual(results.map((r) => r.san), Array(5).fill(`DNS:${host}`));
  const a = await ca.certFor(host);
  const b = await ca.certFor(host.toUpperCase());
  assert.equal(a.cert, b.cert, 'cached per name, case-insensitively');
});

/** A SigV4-signed raw Query request for `host` (as the CLI would send it through the tunnel or to kamen's address). */
async function signedQuery(host: string, service: string, body: string, creds: { accessKeyId: string; secretAccessKey: string }): Promise<string> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
  let head = 'POST / HTTP/1.1\r\n';
  for (const [k, v] of Object.entries(signed.headers)) head += `${k}: ${v}\r\n`;
  return `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Sends raw bytes over an open socket and reads one Content-Length-framed answer. */
function roundTrip(sock: net.Socket | tls.TLSSocket, bytes: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/content-length: (\d+)/i.exec(buf.subarray(0, end).toString())?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      sock.off('data', onData);
      resolve({ status: Number(buf.subarray(9, 12).toString()), body: buf.subarray(end + 4, end + 4 + len).toString() });
    };
    sock.on('data', onData);
    sock.write(bytes);
  });
}

test('proxy: requests inside the tunnel have aws:SecureTransport true, plain ones false', async () => {
  const boot = kamen.bootstrap!;
  const root = { accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey };
  const plainHost = `127.0.0.1:${server.port}`;
  const call = async (body: string, creds = root) => {
    const sock = net.connect(server.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const r = await roundTrip(sock, await signedQuery(plainHost, 'iam', body, creds));
    sock.destroy();
    return r;
  };
  assert.equal((await call('Action=CreateUser&Version=2010-05-08&UserName=tls-only')).status, 200);
  const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] }));
  assert.equal((await call(`Action=PutUserPolicy&Version=2010-05-08&UserName=tls-only&PolicyName=p&PolicyDocument=${doc}`)).status, 200);
  const key = await call('Action=CreateAccessKey&Version=2010-05-08&UserName=tls-only');
  const user = { accessKeyId: /<AccessKeyId>([^<]+)</.exec(key.body)![1]!, secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(key.body)![1]! };
  const getUser = 'Action=GetUser&Version=2010-05-08';
  const plain = await call(getUser, user);
  assert.equal(plain.status, 403, plain.body);
  assert.match(plain.body, /AccessDenied/);
  const { socket } = await connect('iam.amazonaws.com:443');
  const tlsSock = tls.connect({ socket, ca: ca.caPem, servername: 'iam.amazonaws.com' });
  await new Promise<void>((r, j) => {
    tlsSock.once('secureConnect', r);
    tlsSock.once('error', j);
  });
  const secure = await roundTrip(tlsSock, await signedQuery('iam.amazonaws.com', 'iam', getUser, user));
  tlsSock.destroy();
  assert.equal(secure.status, 200, secure.body);
  assert.match(secure.body, /<UserName>tls-only<\/UserName>/);
});
