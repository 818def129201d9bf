/**
 * The PostgreSQL blob store, shared by every node on one database: a blob is a row of `s3_blobs` plus its bytes in
 * 1 MiB rows of `s3_blob_chunks`, written in one transaction (visible and durable, with `synchronous_commit=on`, once
 * the write resolves; nothing remains of a failed one) and read back one chunk per query, never a whole object in memory.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { KamenError } from '../../errors.js';
import { mapError } from '../postgres/db.js';
import { parsePostgresUrl, SESSION_OPTIONS } from '../postgres/index.js';
import type { BlobStore, BlobWriteHooks } from './index.js';

/** Bytes per chunk row. */
export const CHUNK_SIZE = 1024 * 1024;
const ID = /^[0-9a-f]{32}$/;
/** The advisory lock class taken while the tables are created ('kmbl'). */
const BLOB_LOCK_CLASS = 0x6b6d626c;

/** The PostgreSQL blob store and its pool's `close`. */
export interface PostgresBlobStore extends BlobStore {
  close(): Promise<void>;
}

/** Opens the blob store on the database (and `schema`) of `url`, creating its two tables when missing. */
export async function openPostgresBlobStore(opts: { url: string; schema?: string; poolSize?: number }): Promise<PostgresBlobStore> {
  const parsed = parsePostgresUrl(opts.url);
  const schema = opts.schema ?? parsed.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new KamenError('ERR_INTERNAL', 'The store schema must be a lower-case SQL identifier (letters, digits, _).');
  const pool = new pg.Pool({
    connectionString: parsed.connectionString,
    max: opts.poolSize ?? 4,
    options: `${parsed.options} ${SESSION_OPTIONS} -c search_path=${schema}`.trim(),
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
  });
  pool.on('error', () => {});
  try {
    await pool.query(
      // Nodes starting together: one creates the tables, the others wait for it.
      `BEGIN;
       SELECT pg_advisory_xact_lock(${BLOB_LOCK_CLASS}, hashtext('${schema}'));
       CREATE SCHEMA IF NOT EXISTS ${schema};
       CREATE TABLE IF NOT EXISTS s3_blobs (blob_id text PRIMARY KEY, size bigint NOT NULL);
       CREATE TABLE IF NOT EXISTS s3_blob_chunks (blob_id text NOT NULL REFERENCES s3_blobs (blob_id) ON DELETE CASCADE, seq integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (blob_id, seq));
       COMMIT`,
    );
  } catch (err) {
    await pool.end().catch(() => {});
    throw mapError(err);
  }
  const check = (blobId: string): void => {
    if (!ID.test(blobId)) throw new Error(`bad blob id ${blobId}`);
  };

  async function write(source: AsyncIterable<Buffer>, hooks: BlobWriteHooks = {}): Promise<{ blobId: string; size: number }> {
    const blobId = randomBytes(16).toString('hex');
    const client = await pool.connect().catch((err: unknown) => Promise.reject(mapError(err)));
    let broken: Error | undefined;
    const onError = (err: Error): void => void (broken = err);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO s3_blobs (blob_id, size) VALUES ($1, 0)', [blobId]);
      let size = 0;
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (all: boolean): Promise<void> => {
        while (pendingBytes >= CHUNK_SIZE || (all && pendingBytes > 0)) {
          const joined = Buffer.concat(pending, pendingBytes);
          const row = joined.subarray(0, Math.min(CHUNK_SIZE, joined.length));
          await client.query('INSERT INTO s3_blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)', [blobId, seq++, row]);
          const rest = joined.subarray(row.length);
          pending = rest.length > 0 ? [rest] : [];
          pendingBytes = rest.length;
        }
      };
      for await (const chunk of source) {
        const buf = chunk as Buffer;
        if (buf.length === 0) continue;
        hooks.onChunk?.(buf);
        size += buf.length;
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= CHUNK_SIZE) await flush(false);
      }
      await flush(true);
      hooks.beforeCommit?.(size);
      await client.query('UPDATE s3_blobs SET size = $2 WHERE blob_id = $1', [blobId, size]);
      await client.query('COMMIT');
      return { blobId, size };
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => void (broken = e));
      throw mapError(err);
    } finally {
      client.removeListener('error', onError);
      client.release(broken ?? undefined);
    }
  }

  /** Chunks `first`..`last` one query each, sliced to `start`..`end` (inclusive byte offsets). */
  async function* chunks(blobId: string, start: number, end: number | undefined): AsyncGenerator<Buffer> {
    check(blobId);
    const found = await pool.query<{ size: number | string }>('SELECT size FROM s3_blobs WHERE blob_id = $1', [blobId]);
    if (found.rows.length === 0) throw Object.assign(new Error(`no blob ${blobId}`), { code: 'ENOENT' });
    const size = Number(found.rows[0]!.size);
    const last = Math.min(end ?? size - 1, size - 1);
    for (let seq = Math.floor(start / CHUNK_SIZE); seq * CHUNK_SIZE <= last; seq++) {
      const r = await pool.query<{ data: Buffer }>('SELECT data FROM s3_blob_chunks WHERE blob_id = $1 AND seq = $2', [blobId, seq]);
      const data = r.rows[0]?.data;
      if (!data) throw new Error(`blob ${blobId} is missing chunk ${seq}`);
      const base = seq * CHUNK_SIZE;
      yield data.subarray(Math.max(0, start - base), Math.min(data.length, last - base + 1));
    }
  }

  return {
    write,
    read: (blobId, range) => Readable.from(chunks(blobId, range?.start ?? 0, range?.end), { objectMode: false }),
    delete: async (blobId) => {
      check(blobId);
      await pool.query('DELETE FROM s3_blobs WHERE blob_id = $1', [blobId]).catch((err: unknown) => Promise.reject(mapError(err)));
    },
    exists: async (blobId) => {
      check(blobId);
      const r = await pool.query('SELECT 1 FROM s3_blobs WHERE blob_id = $1', [blobId]).catch((err: unknown) => Promise.reject(mapError(err)));
      return r.rows.length > 0;
    },
    close: () => pool.end(),
  };
}
