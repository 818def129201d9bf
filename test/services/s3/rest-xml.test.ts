/** The REST-XML protocol driven by the S3 model: operation resolution, XML payload parsing, output rendering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOperationResolver, loadRestModel, parseRestInput, renderRestOutput, type PathKind } from '../../../src/protocol/rest-xml/index.js';
import { KamenError } from '../../../src/errors.js';
import { readVectors } from '../../helpers/paths.js';

const model = loadRestModel('s3');
const resolver = createOperationResolver(model);
const V = readVectors<{ cases: Array<{ method: string; kind: PathKind; query: Record<string, string>; headers?: Record<string, string>; op: string | null }> }>('s3', 'operations.json');

for (const c of V.cases) {
  test(`resolve: ${c.method} ${c.kind} ${JSON.stringify(c.query)}${c.headers ? ' ' + Object.keys(c.headers).join(',') : ''} → ${c.op}`, () => {
    assert.equal(resolver.resolve(c.method, c.kind, '/b', new Map(Object.entries(c.query)), c.headers ?? {}) ?? null, c.op);
  });
}

test('parse: a DeleteObjects payload (flattened list), headers, query and the metadata prefix map', () => {
  const body = Buffer.from('<?xml version="1.0"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&amp;b</Key></Object><Object><Key><![CDATA[c<d]]></Key><VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>');
  const input = parseRestInput(model, 'DeleteObjects', { bucket: 'b', query: new Map([['delete', '']]), headers: { 'x-amz-mfa': 'm' }, body });
  assert.deepEqual(input, { Bucket: 'b', Delete: { Objects: [{ Key: 'a&b' }, { Key: 'c<d', VersionId: 'v' }], Quiet: true }, MFA: 'm' });
  const put = parseRestInput(model, 'PutObject', { bucket: 'b', key: 'k', query: new Map(), headers: { 'x-amz-meta-color': 'blue', 'content-length': '5', 'if-none-match': '*' } });
  assert.deepEqual(put, { Bucket: 'b', Key: 'k', Metadata: { color: 'blue' }, ContentLength: 5, IfNoneMatch: '*' });
});

test('parse: malformed XML, a wrong root and a bad integer are S3 errors, never exceptions of another kind', () => {
  for (const bad of ['<Delete><Object>', '<Delete></Object>', 'not xml', '<Other/>', '<Delete/><Delete/>']) {
    assert.throws(() => parseRestInput(model, 'DeleteObjects', { bucket: 'b', query: new Map(), headers: {}, body: Buffer.from(bad) }), (e: unknown) => e instanceof KamenError && e.code === 'ERR_S3_MALFORMED_XML', bad);
  }
  assert.throws(() => parseRestInput(model, 'ListObjectsV2', { bucket: 'b', query: new Map([['max-keys', 'x']]), headers: {} }), (e: unknown) => e instanceof KamenError && e.code === 'ERR_S3_INVALID_ARGUMENT');
});

test('render: header members, the metadata map, body members under the root element with the S3 namespace', () => {
  const head = renderRestOutput(model, 'HeadObject', { ContentLength: 3, ETag: '"x"', LastModified: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), Metadata: { color: 'blue' } }, undefined);
  assert.deepEqual(head.headers, { 'content-length': '3', etag: '"x"', 'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT', 'x-amz-meta-color': 'blue' });
  assert.equal(head.body, undefined);
  const list = renderRestOutput(model, 'ListBuckets', { Buckets: [{ Name: 'a<b', CreationDate: new Date(Date.UTC(2026, 0, 1)) }], Owner: { ID: 'id', DisplayName: 'n' } }, 'ListAllMyBucketsResult');
  assert.equal(
    list.body,
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>a&lt;b</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets><Owner><DisplayName>n</DisplayName><ID>id</ID></Owner></ListAllMyBucketsResult>',
  );
  assert.equal(renderRestOutput(model, 'DeleteBucket', undefined, undefined).status, 204);
});
