/** S3's tag rules as data (test/vectors/s3/tags.json): counts, lengths, characters, the aws: prefix, duplicate keys; and x-amz-tagging's encoding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KamenError } from '../../../src/errors.js';
import type { Tag } from '../../../src/store/store.js';
import { checkTags, objectTags, parseTaggingHeader, taggingHeader } from '../../../src/services/s3/tagging.js';
import { readVectors } from '../../helpers/paths.js';

const { cases } = readVectors<{ cases: Array<{ name: string; kind: 'bucket' | 'object'; tags: Tag[]; error: string | null }> }>('s3', 'tags.json');

test('each tag set is accepted or refused with InvalidTag and S3 message', () => {
  for (const c of cases) {
    if (c.error === null) {
      assert.deepEqual(checkTags(c.tags, c.kind), c.tags, c.name);
      continue;
    }
    assert.throws(() => checkTags(c.tags, c.kind), (e: unknown) => e instanceof KamenError && e.code === 'ERR_S3_INVALID_TAG' && e.message === c.error, c.name);
  }
});

test('x-amz-tagging: URL-encoded pairs in, the same tags back out of the stored form', () => {
  const tags = parseTaggingHeader('a=1&sp+ace=x%20y&%C3%BC=%C3%9F&empty=');
  assert.deepEqual(tags, [{ Key: 'a', Value: '1' }, { Key: 'sp ace', Value: 'x y' }, { Key: 'ü', Value: 'ß' }, { Key: 'empty', Value: '' }]);
  assert.deepEqual(objectTags({ headers: { 'x-amz-tagging': taggingHeader(tags) } }), tags);
  assert.throws(() => parseTaggingHeader('a=1&a=2'), (e: unknown) => e instanceof KamenError && e.code === 'ERR_S3_INVALID_TAG');
  assert.throws(() => parseTaggingHeader('a=%E2%82'), (e: unknown) => e instanceof KamenError && e.code === 'ERR_S3_INVALID_ARGUMENT');
});
