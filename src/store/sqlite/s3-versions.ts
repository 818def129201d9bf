/** S3 versioning family (SQLite, migration 012): version IDs, noncurrent versions, delete markers, the multipart sweep. */
import { randomBytes } from 'node:crypto';
import type { S3ObjectRecord, S3Store, S3UploadRecord, S3VersionRecord, S3VersionStore } from '../store.js';
import type { SqliteContext } from './db.js';
import { toObject, toUpload } from './s3.js';

/** A row of s3_objects or s3_versions as the versioning statements read it. */
export interface VersionRow {
  bucket: string;
  key: string;
  version_id: string;
  seq: number | string;
  delete_marker: number | string;
  size: number;
  etag: string;
  last_modified: number;
  /** NULL for a delete marker. */
  blob_id: string | null;
  metadata: string;
  headers: string;
  checksums: string;
  is_latest?: number | string;
}

/** Row → version record (`isLatest` as given, or from the row's is_latest). */
export function toVersion(r: VersionRow, isLatest?: boolean): S3VersionRecord & { seq: number } {
  const o = toObject({ ...r, blob_id: r.blob_id ?? '' });
  return { ...o, versionId: r.version_id, deleteMarker: Number(r.delete_marker) === 1, isLatest: isLatest ?? Number(r.is_latest) === 1, seq: Number(r.seq) };
}

/** The version record's values in s3_versions column order (after bucket, key, version_id, seq, delete_marker). */
export function versionValues(o: S3ObjectRecord, versionId: string, seq: number, deleteMarker: boolean): unknown[] {
  return [o.bucket, o.key, versionId, seq, deleteMarker ? 1 : 0, o.size, o.etag, o.lastModified.getTime(), deleteMarker ? null : o.blobId, JSON.stringify(o.metadata), JSON.stringify(o.headers), JSON.stringify(o.checksums)];
}

/** The columns both tables share, in one order (current rows are never delete markers). */
export const CURRENT_COLUMNS = 'bucket, key, version_id, seq, 0 AS delete_marker, size, etag, last_modified, blob_id, metadata, headers, checksums';
export const VERSION_COLUMNS = 'bucket, key, version_id, seq, delete_marker, size, etag, last_modified, blob_id, metadata, headers, checksums';

/** The version ID a store-level put gets in a bucket whose versioning is `state` (as the S3 service assigns them). */
export function storeVersionId(state: string | null | undefined): string {
  return state === 'Enabled' ? randomBytes(24).toString('base64url') : 'null';
}

/**
 * Prepares the statements once for this connection and returns the family's methods. `putS3Object` (S3Store) is
 * replaced here so that writers outside the S3 service (trail delivery) respect the bucket's versioning: it becomes
 * the bucket's newest version and resolves with the record it replaced, if any (never a version that stays).
 */
export function s3VersionsFamily(ctx: SqliteContext): S3VersionStore & Pick<S3Store, 'putS3Object'> {
  const { db, run } = ctx;
  const s = {
    setVersioning: db.prepare('UPDATE s3_buckets SET versioning = ? WHERE name = ?'),
    versioningOf: db.prepare('SELECT versioning FROM s3_buckets WHERE name = ?').pluck(),
    current: db.prepare(`SELECT ${CURRENT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key = ?`),
    deleteCurrent: db.prepare('DELETE FROM s3_objects WHERE bucket = ? AND key = ?'),
    insertCurrent: db.prepare(
      'INSERT OR REPLACE INTO s3_objects (bucket, key, version_id, seq, size, etag, last_modified, blob_id, metadata, headers, checksums) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    version: db.prepare(`SELECT ${VERSION_COLUMNS} FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?`),
    newestVersion: db.prepare(`SELECT ${VERSION_COLUMNS} FROM s3_versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1`),
    maxSeq: db.prepare('SELECT max(seq) FROM s3_versions WHERE bucket = ? AND key = ?').pluck(),
    deleteVersion: db.prepare('DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?'),
    insertVersion: db.prepare(`INSERT INTO s3_versions (${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    list: db.prepare(
      `SELECT ${CURRENT_COLUMNS}, 1 AS is_latest FROM s3_objects
         WHERE bucket = @bucket AND key >= @prefix AND substr(key, 1, length(@prefix)) = @prefix AND (key > @afterKey OR (key = @afterKey AND seq < @afterSeq))
       UNION ALL
       SELECT ${VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')},
         CASE WHEN NOT EXISTS (SELECT 1 FROM s3_objects o WHERE o.bucket = v.bucket AND o.key = v.key)
           AND v.seq = (SELECT max(w.seq) FROM s3_versions w WHERE w.bucket = v.bucket AND w.key = v.key) THEN 1 ELSE 0 END AS is_latest
         FROM s3_versions v
         WHERE v.bucket = @bucket AND v.key >= @prefix AND substr(v.key, 1, length(@prefix)) = @prefix AND (v.key > @afterKey OR (v.key = @afterKey AND v.seq < @afterSeq))
       ORDER BY key, seq DESC LIMIT @limit`,
    ),
    oldUploads: db.prepare('SELECT * FROM s3_uploads WHERE initiated < ? ORDER BY initiated, upload_id LIMIT ?'),
    blobUsed: db.prepare(
      'SELECT EXISTS (SELECT 1 FROM s3_objects WHERE blob_id = @id) OR EXISTS (SELECT 1 FROM s3_versions WHERE blob_id = @id) OR EXISTS (SELECT 1 FROM s3_parts WHERE blob_id = @id)',
    ).pluck(),
  };
  const currentOf = (bucket: string, key: string): VersionRow | undefined => s.current.get(bucket, key) as VersionRow | undefined;
  /** Moves a current row into s3_versions as a noncurrent version. */
  const demote = (cur: VersionRow): void => {
    const o = toObject({ ...cur, blob_id: cur.blob_id ?? '' });
    s.insertVersion.run(...versionValues(o, cur.version_id, Number(cur.seq), false));
  };
  const promote = (bucket: string, key: string): void => {
    if (currentOf(bucket, key)) return;
    const top = s.newestVersion.get(bucket, key) as VersionRow | undefined;
    if (!top || Number(top.delete_marker) === 1) return;
    s.deleteVersion.run(bucket, key, top.version_id);
    const o = toObject({ ...top, blob_id: top.blob_id ?? '' });
    s.insertCurrent.run(o.bucket, o.key, top.version_id, Number(top.seq), o.size, o.etag, o.lastModified.getTime(), o.blobId, JSON.stringify(o.metadata), JSON.stringify(o.headers), JSON.stringify(o.checksums));
  };
  /** Makes `rec` the key's newest version (the caller holds the transaction); the records whose blobs are freed. */
  const putVersion = (rec: S3ObjectRecord & { versionId: string; deleteMarker: boolean }): S3ObjectRecord[] => {
    const freed: S3ObjectRecord[] = [];
    const cur = currentOf(rec.bucket, rec.key);
    const seq = Math.max(Number(cur?.seq ?? 0), Number(s.maxSeq.get(rec.bucket, rec.key) ?? 0)) + 1;
    if (cur) {
      s.deleteCurrent.run(rec.bucket, rec.key);
      if (cur.version_id === rec.versionId) freed.push(toObject({ ...cur, blob_id: cur.blob_id ?? '' }));
      else demote(cur);
    }
    const same = s.version.get(rec.bucket, rec.key, rec.versionId) as VersionRow | undefined;
    if (same) {
      s.deleteVersion.run(rec.bucket, rec.key, rec.versionId);
      if (Number(same.delete_marker) !== 1) freed.push(toObject({ ...same, blob_id: same.blob_id ?? '' }));
    }
    if (rec.deleteMarker) s.insertVersion.run(...versionValues(rec, rec.versionId, seq, true));
    else s.insertCurrent.run(rec.bucket, rec.key, rec.versionId, seq, rec.size, rec.etag, rec.lastModified.getTime(), rec.blobId, JSON.stringify(rec.metadata), JSON.stringify(rec.headers), JSON.stringify(rec.checksums));
    return freed;
  };
  return {
    setS3BucketVersioning: (name, status) => run(() => s.setVersioning.run(status, name).changes > 0),
    putS3ObjectVersion: (rec) => run(() => ctx.atomic(() => putVersion(rec))),
    putS3Object: (rec) =>
      run(() =>
        ctx.atomic(() => {
          const versionId = storeVersionId(s.versioningOf.get(rec.bucket) as string | null | undefined);
          return putVersion({ ...rec, versionId, deleteMarker: false })[0];
        }),
      ),
    getS3ObjectVersion: (bucket, key, versionId) =>
      run(() => {
        const cur = currentOf(bucket, key);
        if (cur && cur.version_id === versionId) return stripSeq(toVersion(cur, true));
        const v = s.version.get(bucket, key, versionId) as VersionRow | undefined;
        if (!v) return undefined;
        const top = cur ? undefined : (s.newestVersion.get(bucket, key) as VersionRow | undefined);
        return stripSeq(toVersion(v, top?.version_id === v.version_id));
      }),
    getS3LatestVersion: (bucket, key) =>
      run(() => {
        const cur = currentOf(bucket, key);
        if (cur) return stripSeq(toVersion(cur, true));
        const top = s.newestVersion.get(bucket, key) as VersionRow | undefined;
        return top ? stripSeq(toVersion(top, true)) : undefined;
      }),
    deleteS3ObjectVersion: (bucket, key, versionId) =>
      run(() =>
        ctx.atomic(() => {
          const cur = currentOf(bucket, key);
          let removed: S3VersionRecord | undefined;
          if (cur && cur.version_id === versionId) {
            s.deleteCurrent.run(bucket, key);
            removed = stripSeq(toVersion(cur, true));
          } else {
            const v = s.version.get(bucket, key, versionId) as VersionRow | undefined;
            if (!v) return undefined;
            const top = cur ? undefined : (s.newestVersion.get(bucket, key) as VersionRow | undefined);
            s.deleteVersion.run(bucket, key, versionId);
            removed = stripSeq(toVersion(v, top?.version_id === v.version_id));
          }
          promote(bucket, key);
          return removed;
        }),
      ),
    listS3ObjectVersions: (bucket, { prefix, afterKey, afterSeq, limit }) =>
      run(() => (s.list.all({ bucket, prefix, afterKey, afterSeq, limit }) as VersionRow[]).map((r) => toVersion(r))),
    getS3VersionSeq: (bucket, key, versionId) =>
      run(() => {
        const cur = currentOf(bucket, key);
        if (cur && cur.version_id === versionId) return Number(cur.seq);
        const v = s.version.get(bucket, key, versionId) as VersionRow | undefined;
        return v ? Number(v.seq) : undefined;
      }),
    listS3UploadsInitiatedBefore: (before, limit): Promise<S3UploadRecord[]> =>
      run(() => (s.oldUploads.all(before.getTime(), limit) as Parameters<typeof toUpload>[0][]).map(toUpload)),
    findS3BlobReferences: (blobIds) => run(() => blobIds.filter((id) => Number(s.blobUsed.get({ id })) === 1)),
  };
}

/** The record without its list position. */
export function stripSeq(v: S3VersionRecord & { seq: number }): S3VersionRecord {
  const out: Partial<S3VersionRecord & { seq: number }> = { ...v };
  delete out.seq;
  return out as S3VersionRecord;
}
