import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { loadOrCreateCa, attachProxyMode } from '../../src/http/proxy/index.js';
import { tempDir } from '../helpers/temp-dir.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const echo: Handler = (req, res) => {
  const body = JSON.stringify({
    method: req.method,
    url: req.url,
    host: req.headers.host,
    encrypted: (req.socket as tls.TLSSocket).encrypted === true,
  });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
};

async function startServer(handler: Handler) {
  const dir = tempDir('kamen-proxy-');
  const ca = loadOrCreateCa(dir);
  const server = http.createServer(handler);
  attachProxyMode(server, ca);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    dir, ca, server, port,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function connectTunnel(port: number, target: string): Promise<{ status: number; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: target });
    req.on('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.on('error', reject);
    req.end();
  });
}

async function httpsViaTunnel(port: number, host: string, caPem: string, path: string) {
  const { status, socket } = await connectTunnel(port, `${host}:443`);
  assert.equal(status, 200);
  const tlsSock = tls.connect({ socket, ca: caPem, servername: host });
  await new Promise<void>((r, j) => { tlsSock.once('secureConnect', r); tlsSock.once('error', j); });
  const peer = tlsSock.getPeerX509Certificate();
  assert.ok(peer, 'server presented a certificate');
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ createConnection: () => tlsSock, host, path, method: 'GET', headers: { host } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve(data));
    });
    req.on('error', reject);
    req.end();
  });
  tlsSock.destroy();
  return { body: JSON.parse(body) as { method: string; url: string; host: string; encrypted: boolean }, peer };
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AWS_') || /_proxy$/i.test(k) || k === 'REQUESTS_CA_BUNDLE' || k === 'SSL_CERT_FILE' || k === 'CURL_CA_BUNDLE') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('CONNECT to iam.amazonaws.com is terminated locally over TLS', async () => {
  const s = await startServer(echo);
  try {
    const { body, peer } = await httpsViaTunnel(s.port, 'iam.amazonaws.com', s.ca.caPem, '/?Action=ListUsers');
    assert.equal(body.host, 'iam.amazonaws.com');
    assert.equal(body.encrypted, true);
    assert.equal(body.method, 'GET');
    assert.equal(body.url, '/?Action=ListUsers');
    assert.equal(peer.subjectAltName, 'DNS:iam.amazonaws.com');
  } finally { await s.close(); }
});

test('per-SNI certificate for a regional endpoint, chaining to the CA', async () => {
  const s = await startServer(echo);
  try {
    const { body, peer } = await httpsViaTunnel(s.port, 'sts.us-east-1.amazonaws.com', s.ca.caPem, '/');
    assert.equal(body.host, 'sts.us-east-1.amazonaws.com');
    assert.equal(body.encrypted, true);
    assert.equal(peer.subjectAltName, 'DNS:sts.us-east-1.amazonaws.com');
    const caCert = new X509Certificate(s.ca.caPem);
    assert.equal(peer.checkIssued(caCert), true);
    assert.equal(peer.verify(caCert.publicKey), true);
    assert.equal(caCert.ca, true);
  } finally { await s.close(); }
});

test('keep-alive: several requests over one tunnel', async () => {
  const s = await startServer(echo);
  try {
    const { socket } = await connectTunnel(s.port, 'iam.amazonaws.com:443');
    const tlsSock = tls.connect({ socket, ca: s.ca.caPem, servername: 'iam.amazonaws.com' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let connections = 0;
    (agent as unknown as { createConnection: () => net.Socket }).createConnection = () => { connections++; return tlsSock; };
    for (let i = 0; i < 3; i++) {
      const body = await new Promise<string>((resolve, reject) => {
        const req = http.request({ agent, host: 'iam.amazonaws.com', path: `/r${i}` }, (res) => {
          let d = ''; res.setEncoding('utf8'); res.on('data', (c) => (d += c)); res.on('end', () => resolve(d));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(JSON.parse(body).url, `/r${i}`);
    }
    assert.equal(connections, 1);
    agent.destroy();
    tlsSock.destroy();
  } finally { await s.close(); }
});

test('CONNECT to a non-AWS host is refused with 403', async () => {
  const s = await startServer(echo);
  try {
    const a = await connectTunnel(s.port, 'example.com:443');
    assert.equal(a.status, 403);
    a.socket.destroy();
    const b = await connectTunnel(s.port, 'iam.amazonaws.com:80');
    assert.equal(b.status, 403);
    b.socket.destroy();
    const c = await connectTunnel(s.port, 'evil-amazonaws.com:443');
    assert.equal(c.status, 403);
    c.socket.destroy();
  } finally { await s.close(); }
});

test('garbage TLS and client resets do not crash the server', async () => {
  const s = await startServer(echo);
  try {
    const { socket } = await connectTunnel(s.port, 'iam.amazonaws.com:443');
    socket.write('this is not a TLS handshake\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    const { body } = await httpsViaTunnel(s.port, 'iam.amazonaws.com', s.ca.caPem, '/still-alive');
    assert.equal(body.url, '/still-alive');
  } finally { await s.close(); }
});

test('CA is persisted and reloaded from the data dir', async () => {
  const dir = tempDir('kamen-ca-');
  const first = loadOrCreateCa(dir);
  assert.equal(existsSync(join(dir, 'ca.pem')), true);
  assert.equal(statSync(join(dir, 'ca-key.pem')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'ca.pem')).mode & 0o777, 0o644);
  const second = loadOrCreateCa(dir);
  assert.equal(second.caPem, first.caPem);
  const x = new X509Certificate(first.caPem);
  assert.match(x.subject, /CN=kamen local CA/);
  const leaf = new X509Certificate((await second.certFor('iam.amazonaws.com')).cert);
  assert.equal(leaf.checkIssued(x), true);
});

const PY = `
import ssl, http.client, json, sys
port, host, cafile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
c = http.client.HTTPSConnection('127.0.0.1', port, context=ctx, timeout=20)
c.set_tunnel(host, 443)
c.request('GET', '/py')
r = c.getresponse()
print(r.read().decode())
`;

test('python ssl verifies the leaf via the CA file through the tunnel', async (t) => {
  const probe = await run('python3', ['-c', 'import ssl'], cleanEnv({}));
  if (probe.code !== 0) { t.skip('python3 not available'); return; }
  const s = await startServer(echo);
  try {
    const r = await run('python3', ['-c', PY, String(s.port), 'sts.us-east-1.amazonaws.com', join(s.dir, 'ca.pem')], cleanEnv({}));
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.equal(body.host, 'sts.us-east-1.amazonaws.com');
    assert.equal(body.encrypted, true);
  } finally { await s.close(); }
});

const CALLER_XML = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLEEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

test('aws-cli reaches kamen through HTTPS_PROXY with AWS_CA_BUNDLE', async (t) => {
  if (!existsSync('/usr/bin/aws')) { t.skip('/usr/bin/aws not installed'); return; }
  const seen: { host?: string; encrypted?: boolean; body?: string } = {};
  const s = await startServer((req, res) => {
    let d = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (d += c));
    req.on('end', () => {
      seen.host = req.headers.host;
      seen.encrypted = (req.socket as tls.TLSSocket).encrypted === true;
      seen.body = d;
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(CALLER_XML);
    });
  });
  try {
    const home = tempDir('kamen-home-');
    const env = cleanEnv({
      HOME: home,
      HTTPS_PROXY: `http://127.0.0.1:${s.port}`,
      NO_PROXY: '',
      AWS_CA_BUNDLE: join(s.dir, 'ca.pem'),
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    });
    const r = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--output', 'json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Account, '123456789012');
    assert.match(seen.host ?? '', /^sts\.(us-east-1\.)?amazonaws\.com$/);
    assert.equal(seen.encrypted, true);
    assert.match(seen.body ?? '', /Action=GetCallerIdentity/);
  } finally { await s.close(); }
});
