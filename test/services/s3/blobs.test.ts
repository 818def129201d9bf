/** The file blob store: durable rename before success, nothing left when a write fails, crash leftovers removed on open. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openFileBlobStore } from '../../../src/store/blobs/index.js';

async function* parts(...chunks: string[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield Buffer.from(c);
}

async function text(r: Readable): Promise<string> {
  let s = '';
  for await (const c of r) s += (c as Buffer).toString();
  return s;
}

test('a blob streams in, reads back whole and by range, and is deleted', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-blobs-'));
  const blobs = openFileBlobStore(root);
  const seen: string[] = [];
  const { blobId, size } = await blobs.write(parts('hello ', 'world'), { onChunk: (c) => seen.push(c.toString()) });
  assert.equal(size, 11);
  assert.deepEqual(seen, ['hello ', 'world']);
  assert.equal(await text(blobs.read(blobId)), 'hello world');
  assert.equal(await text(blobs.read(blobId, { start: 6, end: 10 })), 'world');
  assert.deepEqual(fs.readdirSync(path.join(root, 'tmp')), []);
  await blobs.delete(blobId);
  assert.equal(await blobs.exists(blobId), false);
  fs.rmSync(root, { recursive: true, force: true });
});

test('a refused or broken write leaves no blob and no temporary file', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-blobs-'));
  const blobs = openFileBlobStore(root);
  await assert.rejects(blobs.write(parts('abc'), { beforeCommit: () => { throw new Error('bad digest'); } }), /bad digest/);
  async function* broken(): AsyncGenerator<Buffer> {
    yield Buffer.from('partial');
    throw new Error('client went away');
  }
  await assert.rejects(blobs.write(broken()), /client went away/);
  assert.deepEqual(fs.readdirSync(root), ['tmp']);
  assert.deepEqual(fs.readdirSync(path.join(root, 'tmp')), []);
  fs.rmSync(root, { recursive: true, force: true });
});

test('temporary files a crash left behind are removed when the store opens', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-blobs-'));
  const blobs = openFileBlobStore(root);
  const kept = await blobs.write(parts('kept'));
  fs.writeFileSync(path.join(root, 'tmp', 'deadbeefdeadbeefdeadbeefdeadbeef'), 'half an upload');
  const reopened = openFileBlobStore(root);
  assert.deepEqual(fs.readdirSync(path.join(root, 'tmp')), []);
  assert.equal(await text(reopened.read(kept.blobId)), 'kept');
  fs.rmSync(root, { recursive: true, force: true });
});
