/** S3 family (SQLite): bucket and object metadata; object bytes live in the blob store. */
import type { S3BucketRecord, S3ObjectRecord, S3PartRecord, S3Store, S3UploadRecord } from '../store.js';
import type { SqliteContext } from './db.js';

interface BucketRow {
  name: string;
  account_id: string;
  region: string;
  created_at: number;
  policy: string | null;
  public_access_block: string | null;
  versioning?: string | null;
  ownership?: string | null;
  tags?: string | null;
  acl?: string | null;
}

interface ObjectRow {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  last_modified: number;
  blob_id: string;
  metadata: string;
  headers: string;
  checksums: string;
  version_id?: string;
}

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  initiator_arn: string;
  metadata: string;
  headers: string;
}

interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  blob_id: string;
  last_modified: number;
}

/** Row → upload record. */
export function toUpload(r: UploadRow): S3UploadRecord {
  return {
    uploadId: r.upload_id,
    bucket: r.bucket,
    key: r.key,
    initiated: new Date(Number(r.initiated)),
    initiatorArn: r.initiator_arn,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    headers: JSON.parse(r.headers) as Record<string, string>,
  };
}

/** Row → part record. */
export function toPart(r: PartRow): S3PartRecord {
  return { uploadId: r.upload_id, partNumber: Number(r.part_number), size: Number(r.size), etag: r.etag, blobId: r.blob_id, lastModified: new Date(Number(r.last_modified)) };
}

/** Row → bucket record. */
export function toBucket(r: BucketRow): S3BucketRecord {
  const b: S3BucketRecord = { name: r.name, accountId: r.account_id, region: r.region, createdAt: new Date(Number(r.created_at)) };
  if (r.policy !== null) b.policy = r.policy;
  if (r.public_access_block !== null) b.publicAccessBlock = r.public_access_block;
  if (r.versioning === 'Enabled' || r.versioning === 'Suspended') b.versioning = r.versioning; // migration 012
  // S3 configuration (migration 011; see s3-config.ts)
  if (r.ownership != null) b.ownership = r.ownership;
  if (r.tags != null) b.tags = JSON.parse(r.tags) as S3BucketRecord['tags'];
  if (r.acl != null) b.acl = r.acl;
  return b;
}

/** Row → object record. */
export function toObject(r: ObjectRow): S3ObjectRecord {
  return {
    bucket: r.bucket,
    key: r.key,
    size: Number(r.size),
    etag: r.etag,
    lastModified: new Date(Number(r.last_modified)),
    blobId: r.blob_id,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    headers: JSON.parse(r.headers) as Record<string, string>,
    checksums: JSON.parse(r.checksums) as Record<string, string>,
    ...(r.version_id !== undefined && r.version_id !== 'null' ? { versionId: r.version_id } : {}), // migration 012
  };
}

/** The object record as the row's values, in column order. */
export function objectValues(o: S3ObjectRecord): unknown[] {
  return [o.bucket, o.key, o.size, o.etag, o.lastModified.getTime(), o.blobId, JSON.stringify(o.metadata), JSON.stringify(o.headers), JSON.stringify(o.checksums)];
}

/** Prepares the S3 statements once for this connection and returns the family's methods. */
export function s3Family(ctx: SqliteContext): S3Store {
  const { db, run } = ctx;
  const s = {
    getBucket: db.prepare('SELECT * FROM s3_buckets WHERE name = ?'),
    insertBucket: db.prepare('INSERT INTO s3_buckets (name, account_id, region, created_at, policy, public_access_block) VALUES (?, ?, ?, ?, ?, ?)'),
    listBuckets: db.prepare('SELECT * FROM s3_buckets WHERE account_id = ? ORDER BY name'),
    anyObject: db.prepare('SELECT 1 FROM (SELECT bucket FROM s3_objects UNION ALL SELECT bucket FROM s3_versions) WHERE bucket = ? LIMIT 1'),
    deleteBucket: db.prepare('DELETE FROM s3_buckets WHERE name = ?'),
    setPolicy: db.prepare('UPDATE s3_buckets SET policy = ? WHERE name = ?'),
    setPab: db.prepare('UPDATE s3_buckets SET public_access_block = ? WHERE name = ?'),
    getObject: db.prepare('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?'),
    putObject: db.prepare(
      'INSERT OR REPLACE INTO s3_objects (bucket, key, size, etag, last_modified, blob_id, metadata, headers, checksums) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteObject: db.prepare('DELETE FROM s3_objects WHERE bucket = ? AND key = ?'),
    list: db.prepare('SELECT * FROM s3_objects WHERE bucket = ? AND key > ? AND key >= ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT ?'),
    insertUpload: db.prepare('INSERT INTO s3_uploads (upload_id, bucket, key, initiated, initiator_arn, metadata, headers) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    getUpload: db.prepare('SELECT * FROM s3_uploads WHERE upload_id = ?'),
    listUploads: db.prepare('SELECT * FROM s3_uploads WHERE bucket = ? ORDER BY key, initiated, upload_id'),
    getPart: db.prepare('SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?'),
    putPart: db.prepare('INSERT OR REPLACE INTO s3_parts (upload_id, part_number, size, etag, blob_id, last_modified) VALUES (?, ?, ?, ?, ?, ?)'),
    listParts: db.prepare('SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number'),
    deleteParts: db.prepare('DELETE FROM s3_parts WHERE upload_id = ?'),
    deleteUpload: db.prepare('DELETE FROM s3_uploads WHERE upload_id = ?'),
  };
  return {
    createS3Bucket: (b) =>
      run(() =>
        ctx.atomic(() => {
          const existing = s.getBucket.get(b.name) as BucketRow | undefined;
          if (existing) return toBucket(existing);
          s.insertBucket.run(b.name, b.accountId, b.region, b.createdAt.getTime(), b.policy ?? null, b.publicAccessBlock ?? null);
          return undefined;
        }),
      ),
    getS3Bucket: (name) => run(() => {
      const r = s.getBucket.get(name) as BucketRow | undefined;
      return r ? toBucket(r) : undefined;
    }),
    listS3Buckets: (accountId) => run(() => (s.listBuckets.all(accountId) as BucketRow[]).map(toBucket)),
    deleteS3Bucket: (name) =>
      run(() =>
        ctx.atomic(() => {
          if (!s.getBucket.get(name)) return 'missing' as const;
          if (s.anyObject.get(name)) return 'not-empty' as const;
          s.deleteBucket.run(name);
          return 'deleted' as const;
        }),
      ),
    setS3BucketPolicy: (name, policy) => run(() => s.setPolicy.run(policy ?? null, name).changes > 0),
    setS3PublicAccessBlock: (name, config) => run(() => s.setPab.run(config ?? null, name).changes > 0),
    putS3Object: (o) =>
      run(() =>
        ctx.atomic(() => {
          const old = s.getObject.get(o.bucket, o.key) as ObjectRow | undefined;
          s.putObject.run(...objectValues(o));
          return old ? toObject(old) : undefined;
        }),
      ),
    getS3Object: (bucket, key) => run(() => {
      const r = s.getObject.get(bucket, key) as ObjectRow | undefined;
      return r ? toObject(r) : undefined;
    }),
    deleteS3Object: (bucket, key) =>
      run(() =>
        ctx.atomic(() => {
          const old = s.getObject.get(bucket, key) as ObjectRow | undefined;
          if (!old) return undefined;
          s.deleteObject.run(bucket, key);
          return toObject(old);
        }),
      ),
    listS3Objects: (bucket, { prefix, after, limit }) =>
      run(() => (s.list.all(bucket, after, prefix, prefix, prefix, limit) as ObjectRow[]).map(toObject)),
    createS3Upload: (u) => run(() => {
      s.insertUpload.run(u.uploadId, u.bucket, u.key, u.initiated.getTime(), u.initiatorArn, JSON.stringify(u.metadata), JSON.stringify(u.headers));
    }),
    getS3Upload: (uploadId) => run(() => {
      const r = s.getUpload.get(uploadId) as UploadRow | undefined;
      return r ? toUpload(r) : undefined;
    }),
    listS3Uploads: (bucket) => run(() => (s.listUploads.all(bucket) as UploadRow[]).map(toUpload)),
    putS3Part: (p) =>
      run(() =>
        ctx.atomic(() => {
          const old = s.getPart.get(p.uploadId, p.partNumber) as PartRow | undefined;
          s.putPart.run(p.uploadId, p.partNumber, p.size, p.etag, p.blobId, p.lastModified.getTime());
          return old ? toPart(old) : undefined;
        }),
      ),
    listS3Parts: (uploadId) => run(() => (s.listParts.all(uploadId) as PartRow[]).map(toPart)),
    deleteS3Upload: (uploadId) =>
      run(() =>
        ctx.atomic(() => {
          const parts = (s.listParts.all(uploadId) as PartRow[]).map(toPart);
          s.deleteParts.run(uploadId);
          s.deleteUpload.run(uploadId);
          return parts;
        }),
      ),
  };
}
