/**
 * `kamen store copy`'s object bytes: the blobs the SQLite store's S3 metadata names, found under `<data dir>/objects`,
 * either copied into the PostgreSQL blob tables (`--object-store postgres`, in the copy's own transaction, 1 MiB rows,
 * the same blob ids) or left in that directory (`--object-store files`, the default: every node must mount it).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { KamenError } from '../../errors.js';
import { CHUNK_SIZE, openPostgresBlobStore } from '../blobs/postgres.js';
import { quoteIdent } from './migrate.js';

/** Where the object bytes are after the copy, and what was checked. */
export interface BlobCopyReport {
  /** 'postgres' or the objects directory the bytes stay in. */
  where: string;
  blobs: number;
  bytes: number;
  /** Blobs read back from the target and found byte-identical (sha-256). */
  sampled: number;
}

const ID = /^[0-9a-f]{32}$/;

/** The distinct blob ids every SQLite table with a `blob_id` column names. */
export function referencedBlobs(db: Database.Database): string[] {
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name);
  const ids = new Set<string>();
  for (const t of tables) {
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').all(t) as Array<{ name: string }>).map((r) => r.name);
    if (!cols.includes('blob_id')) continue;
    for (const id of db.prepare(`SELECT DISTINCT blob_id FROM ${quoteIdent(t)} WHERE blob_id IS NOT NULL`).pluck().iterate() as Iterable<string>) ids.add(id);
  }
  return [...ids].sort();
}

/** The file of a blob under the objects directory; refuses ids that are not blob ids. */
function fileOf(objectsDir: string, id: string): string {
  if (!ID.test(id)) throw new KamenError('ERR_INTERNAL', `The store names a blob with a malformed id ${JSON.stringify(id)}.`);
  return path.join(objectsDir, id.slice(0, 2), id);
}

/** Checks every referenced blob is on disk; returns their total size (before anything is copied). */
export function checkBlobFiles(objectsDir: string, ids: readonly string[]): number {
  let bytes = 0;
  for (const id of ids) {
    const file = fileOf(objectsDir, id);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new KamenError('ERR_INTERNAL', `The object bytes of blob ${id} are missing (${file}); nothing was copied.`);
    }
    bytes += st.size;
  }
  return bytes;
}

/** Creates the PostgreSQL blob tables (as `--object-store postgres` does at start) before the copy's transaction. */
export async function prepareBlobTables(url: string, schema: string): Promise<void> {
  const blobs = await openPostgresBlobStore({ url, schema, poolSize: 1 });
  await blobs.close();
}

/** Inserts each blob's bytes (1 MiB rows) on `client`, inside the caller's transaction; the target must hold none of them. */
export async function copyBlobsInto(client: pg.Client, objectsDir: string, ids: readonly string[]): Promise<void> {
  const buf = Buffer.alloc(CHUNK_SIZE);
  for (const id of ids) {
    const fd = fs.openSync(fileOf(objectsDir, id), 'r');
    try {
      const size = fs.fstatSync(fd).size;
      await client.query('INSERT INTO s3_blobs (blob_id, size) VALUES ($1, $2)', [id, size]);
      for (let seq = 0, off = 0; off < size; seq++) {
        const n = fs.readSync(fd, buf, 0, Math.min(CHUNK_SIZE, size - off), off);
        if (n <= 0) throw new KamenError('ERR_INTERNAL', `Blob ${id} shrank while it was copied.`);
        await client.query('INSERT INTO s3_blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)', [id, seq, Buffer.from(buf.subarray(0, n))]);
        off += n;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

async function sha256Of(stream: AsyncIterable<Buffer>): Promise<string> {
  const h = createHash('sha256');
  for await (const c of stream) h.update(c);
  return h.digest('hex');
}

/** After the commit: counts the target's blobs and compares up to `sample` of them byte for byte with the files. */
export async function verifyBlobs(url: string, schema: string, client: pg.Client, objectsDir: string, ids: readonly string[], sample: number): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM s3_blobs WHERE blob_id = ANY($1::text[])', [ids]);
  if (Number(rows[0]!.n) !== ids.length) throw new KamenError('ERR_INTERNAL', `Blob count mismatch after the copy: ${rows[0]!.n} of ${ids.length}.`);
  const blobs = await openPostgresBlobStore({ url, schema, poolSize: 1 });
  let compared = 0;
  try {
    const step = Math.max(1, Math.floor(ids.length / sample));
    for (let i = 0; i < ids.length && compared < sample; i += step) {
      const id = ids[i]!;
      const [a, b] = [await sha256Of(fs.createReadStream(fileOf(objectsDir, id))), await sha256Of(blobs.read(id))];
      if (a !== b) throw new KamenError('ERR_INTERNAL', `Verification failed: the bytes of blob ${id} differ between the files and PostgreSQL.`);
      compared++;
    }
  } finally {
    await blobs.close();
  }
  return compared;
}
