/** ListObjectsV2 over HTTP: prefix, delimiter, CommonPrefixes, start-after, max-keys, continuation tokens, encoding-type=url. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openKamen, type Kamen } from '../../../src/app.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { readVectors } from '../../helpers/paths.js';
import { errorCode, s3Call, type Creds } from './signer.js';

interface Case {
  name: string;
  query: Record<string, string>;
  contents: string[];
  prefixes: string[];
  truncated: boolean;
}
const V = readVectors<{ keys: string[]; cases: Case[]; pagedWalks: Array<{ name: string; query: Record<string, string>; entries: string[] }> }>('s3', 'list-objects.json');

let kamen: Kamen;
let server: RunningServer;
let creds: Creds;
const BUCKET = 'listing-bucket';

before(async () => {
  kamen = await openKamen({ dataDir: ':memory:', withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  creds = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
  assert.equal((await s3Call(server.port, creds, { method: 'PUT', path: `/${BUCKET}` })).status, 200);
  for (const key of V.keys) {
    const r = await s3Call(server.port, creds, { method: 'PUT', path: `/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`, body: key });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => {
  await server.close();
  await kamen.close();
});

const all = (xml: string, tag: string, inner?: string): string[] => {
  const out: string[] = [];
  const re = inner ? new RegExp(`<${tag}><${inner}>([^<]*)</${inner}>`, 'g') : new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(m[1]!);
  return out;
};

const list = (query: Record<string, string>) => s3Call(server.port, creds, { method: 'GET', path: `/${BUCKET}`, query: { 'list-type': '2', ...query } });

for (const c of V.cases) {
  test(`ListObjectsV2: ${c.name}`, async () => {
    const r = await list(c.query);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
    assert.deepEqual(all(r.text, 'Key'), c.contents);
    assert.deepEqual(all(r.text, 'CommonPrefixes', 'Prefix'), c.prefixes);
    assert.equal(all(r.text, 'IsTruncated')[0], String(c.truncated));
    assert.equal(Number(all(r.text, 'KeyCount')[0]), c.contents.length + c.prefixes.length);
    assert.equal(all(r.text, 'NextContinuationToken').length, c.truncated ? 1 : 0);
  });
}

for (const w of V.pagedWalks) {
  test(`ListObjectsV2 continuation: ${w.name}`, async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const r = await list({ ...w.query, ...(token ? { 'continuation-token': token } : {}) });
      assert.equal(r.status, 200, r.text);
      seen.push(...all(r.text, 'CommonPrefixes', 'Prefix'), ...all(r.text, 'Key'));
      token = all(r.text, 'NextContinuationToken')[0];
      if (!token) break;
    }
    assert.deepEqual([...seen].sort(), [...w.entries].sort());
  });
}

test('ListObjectsV2: encoding-type=url encodes keys; a bad continuation token is InvalidArgument', async () => {
  const r = await list({ prefix: 'é', 'encoding-type': 'url' });
  assert.deepEqual(all(r.text, 'Key'), ['%C3%A9/1']);
  const bad = await list({ 'continuation-token': 'not-a-token' });
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad), 'InvalidArgument');
});

test('ListObjects (v1): marker paging with NextMarker under a delimiter, Owner on each object', async () => {
  const r = await s3Call(server.port, creds, { method: 'GET', path: `/${BUCKET}`, query: { delimiter: '/', 'max-keys': '2' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(all(r.text, 'NextMarker'), ['b']);
  assert.match(r.text, /<Contents><Key>b<\/Key>.*<Owner><DisplayName>\d{12}<\/DisplayName><ID>[0-9a-f]{64}<\/ID><\/Owner>/);
  const next = await s3Call(server.port, creds, { method: 'GET', path: `/${BUCKET}`, query: { delimiter: '/', 'max-keys': '2', marker: 'b' } });
  assert.deepEqual(all(next.text, 'CommonPrefixes', 'Prefix'), ['c/']);
  assert.deepEqual(all(next.text, 'Key'), ['d']);
});
