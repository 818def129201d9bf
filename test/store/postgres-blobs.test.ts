/**
 * The PostgreSQL blob store shared by several nodes: bytes written through one node read back (whole and by range,
 * across chunk boundaries) through another; a write abandoned by its hooks or its source leaves nothing; delete.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CHUNK_SIZE, openPostgresBlobStore } from '../../src/store/blobs/postgres.js';
import type { Readable } from 'node:stream';
import { clusterOrSkip } from '../helpers/postgres.js';

/** Everything a stream yields. */
async function drain(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** `data` as a source of uneven pieces. */
async function* pieces(data: Buffer, fail?: Error): AsyncGenerator<Buffer> {
  for (let off = 0, n = 1; off < data.length; off += 77_777 * n, n = (n % 5) + 1) yield data.subarray(off, off + 77_777 * n);
  if (fail) throw fail;
}

const got = await clusterOrSkip();
if ('skip' in got) {
  it('PostgreSQL blob store', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());
  const url = await cluster.createDatabase('blobs');
  const rows = async (): Promise<number> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>('SELECT (SELECT count(*) FROM b1.s3_blobs) + (SELECT count(*) FROM b1.s3_blob_chunks) AS n');
      return Number(r.rows[0]!.n);
    } finally {
      await c.end();
    }
  };

  describe('PostgreSQL blob store', () => {
    it('two nodes: written on one, read whole and by range on the other; deleted', async () => {
      const [a, b] = await Promise.all([openPostgresBlobStore({ url, schema: 'b1' }), openPostgresBlobStore({ url, schema: 'b1' })]);
      try {
        const data = randomBytes(Math.floor(3.5 * CHUNK_SIZE) + 13);
        let seen = 0;
        const { blobId, size } = await a.write(pieces(data), { onChunk: (c) => void (seen += c.length) });
        assert.equal(size, data.length);
        assert.equal(seen, data.length);
        assert.equal(await b.exists(blobId), true);
        assert.ok((await drain(b.read(blobId))).equals(data));
        for (const [start, end] of [[0, 0], [CHUNK_SIZE - 1, CHUNK_SIZE], [5, 3 * CHUNK_SIZE + 7], [data.length - 1, data.length - 1], [CHUNK_SIZE, 2 * CHUNK_SIZE - 1]] as const) {
          assert.ok((await drain(b.read(blobId, { start, end }))).equals(data.subarray(start, end + 1)), `${start}-${end}`);
        }
        const empty = await a.write(pieces(Buffer.alloc(0)));
        assert.equal(empty.size, 0);
        assert.equal((await drain(b.read(empty.blobId))).length, 0);
        await b.delete(blobId);
        await b.delete(empty.blobId);
        assert.equal(await a.exists(blobId), false);
        await assert.rejects(drain(a.read(blobId)), (e: { code?: string }) => e.code === 'ENOENT');
        assert.equal(await rows(), 0);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('a write refused by beforeCommit or cut by its source leaves nothing', async () => {
      const s = await openPostgresBlobStore({ url, schema: 'b1' });
      try {
        const data = randomBytes(2 * CHUNK_SIZE + 1);
        await assert.rejects(s.write(pieces(data), { beforeCommit: () => { throw new Error('too big'); } }), /too big/);
        await assert.rejects(s.write(pieces(data, new Error('client went away'))), /went away/);
        assert.equal(await rows(), 0);
      } finally {
        await s.close();
      }
    });
  });
}
