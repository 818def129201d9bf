/** `kamen store copy --object-store postgres` moves S3 object bytes into PostgreSQL under the same blob ids; `files` says where they stay. */
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isKamenError } from '../../src/errors.js';
import { openFileBlobStore } from '../../src/store/blobs/index.js';
import { openPostgresBlobStore } from '../../src/store/blobs/postgres.js';
import { openStore } from '../../src/store/open.js';
import { copySqliteToPostgres } from '../../src/store/postgres/copy.js';
import type { Store } from '../../src/store/store.js';
import { clusterOrSkip } from '../helpers/postgres.js';
import { A1, T0 } from '../contract/fixtures.js';

/** Closes a store (its helper threads are stopped and waited for). */
async function closeStore(s: Store): Promise<void> {
  await s.close();
}

async function* bytes(b: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += 65536) yield b.subarray(i, i + 65536);
}

async function readAll(r: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c);
  return Buffer.concat(parts);
}

/** A SQLite data dir with three objects (one bigger than a PostgreSQL chunk, one empty) in one bucket; their bytes by key. */
async function seed(dataDir: string): Promise<Map<string, { blobId: string; data: Buffer }>> {
  const store = await openStore({ dataDir });
  const blobs = openFileBlobStore(path.join(dataDir, 'objects'));
  const out = new Map<string, { blobId: string; data: Buffer }>();
  try {
    await store.createS3Bucket({ name: 'copy-bucket', accountId: A1, region: 'us-east-1', createdAt: T0 });
    for (const [key, size] of [['big', 2.5 * 1024 * 1024], ['small', 1000], ['empty', 0]] as const) {
      const data = randomBytes(size);
      const { blobId } = await blobs.write(bytes(data));
      await store.putS3Object({ bucket: 'copy-bucket', key, size, etag: '"e"', lastModified: T0, blobId, metadata: {}, headers: {}, checksums: {} });
      out.set(key, { blobId, data });
    }
  } finally {
    await closeStore(store);
  }
  return out;
}

const got = await clusterOrSkip();
if ('skip' in got) {
  it('kamen store copy: object bytes', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-copy-objects-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('--object-store postgres copies every object\'s bytes under its blob id, verified by count and read-back', async () => {
    const dataDir = fs.mkdtempSync(path.join(root, 'd-'));
    const objects = await seed(dataDir);
    const url = await cluster.createDatabase('objects');
    const report = await copySqliteToPostgres({ fromDataDir: dataDir, toUrl: url, objectStore: 'postgres' });
    assert.deepEqual({ ...report.objects }, { where: 'postgres', blobs: 3, bytes: 2.5 * 1024 * 1024 + 1000, sampled: 3 });
    const pgBlobs = await openPostgresBlobStore({ url, poolSize: 1 });
    const target = await openStore({ url, dataDir, poolSize: 2 });
    try {
      for (const [key, o] of objects) {
        const rec = await target.getS3Object('copy-bucket', key);
        assert.equal(rec?.blobId, o.blobId, `${key} names the same blob`);
        assert.ok((await readAll(pgBlobs.read(o.blobId))).equals(o.data), `${key}'s bytes`);
      }
      assert.ok((await readAll(pgBlobs.read(objects.get('big')!.blobId, { start: 1024 * 1024 - 3, end: 1024 * 1024 + 3 }))).equals(objects.get('big')!.data.subarray(1024 * 1024 - 3, 1024 * 1024 + 4)), 'a range across chunks');
    } finally {
      await pgBlobs.close();
      await closeStore(target);
    }
  });

  it('--object-store files (the default) leaves the bytes and names the directory; a missing object file refuses the copy', async () => {
    const dataDir = fs.mkdtempSync(path.join(root, 'f-'));
    const objects = await seed(dataDir);
    const report = await copySqliteToPostgres({ fromDataDir: dataDir, toUrl: await cluster.createDatabase('files') });
    assert.deepEqual({ ...report.objects }, { where: path.join(dataDir, 'objects'), blobs: 3, bytes: 2.5 * 1024 * 1024 + 1000, sampled: 0 });

    const broken = fs.mkdtempSync(path.join(root, 'b-'));
    const gone = await seed(broken);
    const id = gone.get('small')!.blobId;
    fs.rmSync(path.join(broken, 'objects', id.slice(0, 2), id));
    const url = await cluster.createDatabase('broken');
    await assert.rejects(copySqliteToPostgres({ fromDataDir: broken, toUrl: url, objectStore: 'postgres' }), (e) => isKamenError(e, 'ERR_INTERNAL') && e.message.includes(id));
    const target = await openStore({ url, dataDir: broken, poolSize: 2 });
    try {
      assert.equal(await target.getS3Bucket('copy-bucket'), undefined, 'nothing was copied');
    } finally {
      await closeStore(target);
    }
    assert.ok(objects.size === 3);
  });
}
