/** S3 versioning family (PostgreSQL, migration 012): version IDs, noncurrent versions, delete markers, the multipart sweep. */
import type { S3ObjectRecord, S3Store, S3VersionRecord, S3VersionStore } from '../store.js';
import type { Conn, PgContext } from './db.js';
import { toObject, toUpload } from '../sqlite/s3.js';
import { CURRENT_COLUMNS, storeVersionId, stripSeq, toVersion, VERSION_COLUMNS, versionValues, type VersionRow } from '../sqlite/s3-versions.js';

type UploadRow = Parameters<typeof toUpload>[0];

const INSERT_CURRENT = `INSERT INTO s3_objects (bucket, key, version_id, seq, size, etag, last_modified, blob_id, metadata, headers, checksums)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
const INSERT_VERSION = `INSERT INTO s3_versions (${VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

const LIST = `SELECT * FROM (
  SELECT ${CURRENT_COLUMNS}, 1 AS is_latest FROM s3_objects
    WHERE bucket = $1 AND key >= $2 AND left(key, length($2)) = $2 AND (key > $3 OR (key = $3 AND seq < $4))
  UNION ALL
  SELECT ${VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')},
    CASE WHEN NOT EXISTS (SELECT 1 FROM s3_objects o WHERE o.bucket = v.bucket AND o.key = v.key)
      AND v.seq = (SELECT max(w.seq) FROM s3_versions w WHERE w.bucket = v.bucket AND w.key = v.key) THEN 1 ELSE 0 END AS is_latest
    FROM s3_versions v
    WHERE v.bucket = $1 AND v.key >= $2 AND left(v.key, length($2)) = $2 AND (v.key > $3 OR (v.key = $3 AND v.seq < $4))
) u ORDER BY key, seq DESC LIMIT $5`;

const currentValues = (o: S3ObjectRecord, versionId: string, seq: number): unknown[] => [
  o.bucket, o.key, versionId, seq, o.size, o.etag, o.lastModified.getTime(), o.blobId, JSON.stringify(o.metadata), JSON.stringify(o.headers), JSON.stringify(o.checksums),
];

async function current(c: Conn, bucket: string, key: string, lock = false): Promise<VersionRow | undefined> {
  const [r] = await c.rows<VersionRow>(`SELECT ${CURRENT_COLUMNS} FROM s3_objects WHERE bucket = $1 AND key = $2${lock ? ' FOR UPDATE' : ''}`, [bucket, key]);
  return r;
}

async function version(c: Conn, bucket: string, key: string, versionId: string): Promise<VersionRow | undefined> {
  const [r] = await c.rows<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM s3_versions WHERE bucket = $1 AND key = $2 AND version_id = $3`, [bucket, key, versionId]);
  return r;
}

async function newest(c: Conn, bucket: string, key: string): Promise<VersionRow | undefined> {
  const [r] = await c.rows<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM s3_versions WHERE bucket = $1 AND key = $2 ORDER BY seq DESC LIMIT 1`, [bucket, key]);
  return r;
}

/** Makes `rec` the key's newest version inside the write `c`; the records whose blobs are freed. */
async function putVersion(c: Conn, rec: S3ObjectRecord & { versionId: string; deleteMarker: boolean }): Promise<S3ObjectRecord[]> {
  const freed: S3ObjectRecord[] = [];
  const cur = await current(c, rec.bucket, rec.key, true);
  const [m] = await c.rows<{ m: string | null }>('SELECT max(seq) AS m FROM s3_versions WHERE bucket = $1 AND key = $2', [rec.bucket, rec.key]);
  const seq = Math.max(Number(cur?.seq ?? 0), Number(m?.m ?? 0)) + 1;
  if (cur) {
    await c.run('DELETE FROM s3_objects WHERE bucket = $1 AND key = $2', [rec.bucket, rec.key]);
    if (cur.version_id === rec.versionId) freed.push(toObject({ ...cur, blob_id: cur.blob_id ?? '' }));
    else await c.run(INSERT_VERSION, versionValues(toObject({ ...cur, blob_id: cur.blob_id ?? '' }), cur.version_id, Number(cur.seq), false));
  }
  const [same] = await c.rows<VersionRow>(`DELETE FROM s3_versions WHERE bucket = $1 AND key = $2 AND version_id = $3 RETURNING ${VERSION_COLUMNS}`, [rec.bucket, rec.key, rec.versionId]);
  if (same && Number(same.delete_marker) !== 1) freed.push(toObject({ ...same, blob_id: same.blob_id ?? '' }));
  if (rec.deleteMarker) await c.run(INSERT_VERSION, versionValues(rec, rec.versionId, seq, true));
  else await c.run(INSERT_CURRENT, currentValues(rec, rec.versionId, seq));
  return freed;
}

/**
 * The family's methods over the shared context; `putS3Object` (S3Store) is replaced so that writers outside the S3
 * service respect the bucket's versioning (sqlite/s3-versions.ts).
 */
export function s3VersionsFamily(ctx: PgContext): S3VersionStore & Pick<S3Store, 'putS3Object'> {
  return {
    setS3BucketVersioning: (name, status) => ctx.write(async (c) => (await c.run('UPDATE s3_buckets SET versioning = $1 WHERE name = $2', [status, name])) > 0),
    putS3ObjectVersion: (rec) => ctx.write((c) => putVersion(c, rec)),
    putS3Object: (rec) =>
      ctx.write(async (c) => {
        const [b] = await c.rows<{ versioning: string | null }>('SELECT versioning FROM s3_buckets WHERE name = $1', [rec.bucket]);
        return (await putVersion(c, { ...rec, versionId: storeVersionId(b?.versioning), deleteMarker: false }))[0];
      }),
    getS3ObjectVersion: async (bucket, key, versionId) => {
      const c = ctx.conn();
      const cur = await current(c, bucket, key);
      if (cur && cur.version_id === versionId) return stripSeq(toVersion(cur, true));
      const v = await version(c, bucket, key, versionId);
      if (!v) return undefined;
      const top = cur ? undefined : await newest(c, bucket, key);
      return stripSeq(toVersion(v, top?.version_id === v.version_id));
    },
    getS3LatestVersion: async (bucket, key) => {
      const c = ctx.conn();
      const cur = await current(c, bucket, key);
      if (cur) return stripSeq(toVersion(cur, true));
      const top = await newest(c, bucket, key);
      return top ? stripSeq(toVersion(top, true)) : undefined;
    },
    deleteS3ObjectVersion: (bucket, key, versionId) =>
      ctx.write(async (c) => {
        const cur = await current(c, bucket, key, true);
        let removed: S3VersionRecord | undefined;
        if (cur && cur.version_id === versionId) {
          await c.run('DELETE FROM s3_objects WHERE bucket = $1 AND key = $2', [bucket, key]);
          removed = stripSeq(toVersion(cur, true));
        } else {
          const v = await version(c, bucket, key, versionId);
          if (!v) return undefined;
          const top = cur ? undefined : await newest(c, bucket, key);
          await c.run('DELETE FROM s3_versions WHERE bucket = $1 AND key = $2 AND version_id = $3', [bucket, key, versionId]);
          removed = stripSeq(toVersion(v, top?.version_id === v.version_id));
        }
        if (!(await current(c, bucket, key))) {
          const top = await newest(c, bucket, key);
          if (top && Number(top.delete_marker) !== 1) {
            await c.run('DELETE FROM s3_versions WHERE bucket = $1 AND key = $2 AND version_id = $3', [bucket, key, top.version_id]);
            await c.run(INSERT_CURRENT, currentValues(toObject({ ...top, blob_id: top.blob_id ?? '' }), top.version_id, Number(top.seq)));
          }
        }
        return removed;
      }),
    listS3ObjectVersions: async (bucket, { prefix, afterKey, afterSeq, limit }) =>
      (await ctx.conn().rows<VersionRow>(LIST, [bucket, prefix, afterKey, afterSeq, limit])).map((r) => toVersion(r)),
    getS3VersionSeq: async (bucket, key, versionId) => {
      const c = ctx.conn();
      const cur = await current(c, bucket, key);
      if (cur && cur.version_id === versionId) return Number(cur.seq);
      const v = await version(c, bucket, key, versionId);
      return v ? Number(v.seq) : undefined;
    },
    listS3UploadsInitiatedBefore: async (before, limit) =>
      (await ctx.conn().rows<UploadRow>('SELECT * FROM s3_uploads WHERE initiated < $1 ORDER BY initiated, upload_id LIMIT $2', [before.getTime(), limit])).map(toUpload),
    findS3BlobReferences: async (blobIds) => {
      if (blobIds.length === 0) return [];
      const rows = await ctx.conn().rows<{ blob_id: string }>(
        `SELECT blob_id FROM s3_objects WHERE blob_id = ANY($1) UNION SELECT blob_id FROM s3_versions WHERE blob_id = ANY($1) UNION SELECT blob_id FROM s3_parts WHERE blob_id = ANY($1)`,
        [blobIds],
      );
      const used = new Set(rows.map((r) => r.blob_id));
      return blobIds.filter((id) => used.has(id));
    },
  };
}
