/** Requests no service claims get AWS-shaped errors their clients parse (never a plain-text 404); the health check stays. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { OrganizationsClient, DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { openKamen, type Kamen } from '../../src/app.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { readVectors } from '../helpers/paths.js';
import { exchange } from './raw-client.js';

interface Case {
  name: string;
  method: string;
  target: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  kind: 'health' | 'query' | 'json' | 's3';
  code?: string;
  mentions?: string;
}

let kamen: Kamen;
let server: RunningServer;

before(async () => {
  kamen = await openKamen({ dataDir: ':memory:', withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
});
after(async () => {
  await server.close();
  await kamen.close();
});

const { cases } = readVectors<{ cases: Case[] }>('http', 'unclaimed.json');

for (const c of cases) {
  test(`unclaimed: ${c.name}`, async () => {
    const headers: Record<string, string> = { Host: `127.0.0.1:${server.port}`, ...c.headers };
    let head = `${c.method} ${c.target} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    head += `Content-Length: ${Buffer.byteLength(c.body)}\r\n\r\n`;
    const r = await exchange(server.port, [Buffer.from(head + c.body)], { answers: 1, closed: false });
    const a = r.answers[0]!;
    assert.equal(a.status, c.status, a.body);
    let code: string | undefined;
    let message: string | undefined;
    switch (c.kind) {
      case 'health':
        assert.deepEqual(JSON.parse(a.body), { service: 'kamen', status: 'ok' });
        return;
      case 'json': {
        assert.match(a.headers['content-type'] ?? '', /^application\/x-amz-json-1\.[01]$/);
        const parsed = JSON.parse(a.body) as { __type: string; message: string };
        code = parsed.__type;
        message = parsed.message;
        assert.equal(a.headers['x-amzn-errortype'], code);
        break;
      }
      case 'query': {
        const m = /^<ErrorResponse><Error><Type>Sender<\/Type><Code>([^<]+)<\/Code><Message>([^<]*)<\/Message><\/Error><RequestId>[^<]+<\/RequestId><\/ErrorResponse>$/.exec(a.body);
        assert.ok(m, a.body);
        code = m[1];
        message = m[2];
        break;
      }
      case 's3': {
        const m = /<Error><Code>([^<]+)<\/Code><Message>([^<]*)<\/Message>(?:<[A-Za-z]+>[^<]*<\/[A-Za-z]+>)*<RequestId>[^<]+<\/RequestId>(?:<HostId>[^<]*<\/HostId>)?<\/Error>$/.exec(a.body);
        assert.ok(m, a.body);
        code = m[1];
        message = m[2];
        break;
      }
    }
    assert.equal(code, c.code);
    if (c.mentions) assert.ok(message?.includes(c.mentions), `${message} mentions ${c.mentions}`);
  });
}

/** Rewrites the SigV4 scope's service after signing, so the request names a service kamen does not serve. */
function rescope(service: string) {
  return (next: (args: any) => Promise<any>) => async (args: any) => {
    const h = args.request.headers as Record<string, string>;
    h['authorization'] = h['authorization']!.replace(/\/(sts|organizations)\/aws4_request/, `/${service}/aws4_request`);
    return next(args);
  };
}

/** Before signing: turns the request into another service's operation (a Query Action or a JSON target). */
function retarget(edit: (req: { headers: Record<string, string>; body: string }) => void) {
  return (next: (args: any) => Promise<any>) => async (args: any) => {
    edit(args.request);
    return next(args);
  };
}

const creds = { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'x'.repeat(40) };

test('unclaimed: SDK v3 (Query) parses the error for a service kamen does not serve', async () => {
  const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
  sts.middlewareStack.add(retarget((r) => {
    r.body = 'Action=ListTopics&Version=2010-03-31';
    r.headers['content-length'] = String(r.body.length);
  }), { step: 'build' });
  sts.middlewareStack.add(rescope('sns'), { step: 'finalizeRequest', priority: 'low' });
  const err = await sts.send(new GetCallerIdentityCommand({})).then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
  assert.ok(err, 'the call fails');
  assert.equal(err.name, 'InvalidAction');
  assert.match(err.message, /kamen does not serve the sns service/);
  assert.equal(err.$metadata.httpStatusCode, 400);
});

test('unclaimed: SDK v3 (JSON 1.1) parses the error for a service kamen does not serve', async () => {
  const org = new OrganizationsClient({ endpoint: server.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
  org.middlewareStack.add(retarget((r) => (r.headers['x-amz-target'] = 'Kinesis_20131202.ListStreams')), { step: 'build' });
  org.middlewareStack.add(rescope('kinesis'), { step: 'finalizeRequest', priority: 'low' });
  const err = await org.send(new DescribeOrganizationCommand({})).then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
  assert.ok(err, 'the call fails');
  assert.equal(err.name, 'UnknownOperationException');
  assert.match(err.message, /kamen does not serve kinesis/);
  assert.equal(err.$metadata.httpStatusCode, 400);
});
