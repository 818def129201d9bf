/** S3 family (PostgreSQL): bucket and object metadata; object bytes live in the blob store (migration 006). */
import type { S3Store } from '../store.js';
import type { PgContext } from './db.js';
import { objectValues, toBucket, toObject, toPart, toUpload } from '../sqlite/s3.js';

type BucketRow = Parameters<typeof toBucket>[0];
type ObjectRow = Parameters<typeof toObject>[0];
type UploadRow = Parameters<typeof toUpload>[0];
type PartRow = Parameters<typeof toPart>[0];

const PUT_OBJECT = `INSERT INTO s3_objects (bucket, key, size, etag, last_modified, blob_id, metadata, headers, checksums)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag, last_modified = excluded.last_modified,
    blob_id = excluded.blob_id, metadata = excluded.metadata, headers = excluded.headers, checksums = excluded.checksums`;

/** The family's methods over the shared context. */
export function s3Family(ctx: PgContext): S3Store {
  return {
    createS3Bucket: (b) =>
      ctx.write(async (c) => {
        const [existing] = await c.rows<BucketRow>('SELECT * FROM s3_buckets WHERE name = $1 FOR UPDATE', [b.name]);
        if (existing) return toBucket(existing);
        const n = await c.run(
          'INSERT INTO s3_buckets (name, account_id, region, created_at, policy, public_access_block) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
          [b.name, b.accountId, b.region, b.createdAt.getTime(), b.policy ?? null, b.publicAccessBlock ?? null],
        );
        if (n === 1) return undefined;
        const [now] = await c.rows<BucketRow>('SELECT * FROM s3_buckets WHERE name = $1', [b.name]);
        return now ? toBucket(now) : undefined;
      }),
    getS3Bucket: async (name) => {
      const [r] = await ctx.conn().rows<BucketRow>('SELECT * FROM s3_buckets WHERE name = $1', [name]);
      return r ? toBucket(r) : undefined;
    },
    listS3Buckets: async (accountId) => (await ctx.conn().rows<BucketRow>('SELECT * FROM s3_buckets WHERE account_id = $1 ORDER BY name', [accountId])).map(toBucket),
    deleteS3Bucket: (name) =>
      ctx.write(async (c) => {
        const [b] = await c.rows<{ name: string }>('SELECT name FROM s3_buckets WHERE name = $1 FOR UPDATE', [name]);
        if (!b) return 'missing' as const;
        const [o] = await c.rows<{ one: number }>('SELECT 1 AS one FROM s3_objects WHERE bucket = $1 UNION ALL SELECT 1 FROM s3_versions WHERE bucket = $1 LIMIT 1', [name]);
        if (o) return 'not-empty' as const;
        await c.run('DELETE FROM s3_buckets WHERE name = $1', [name]);
        return 'deleted' as const;
      }),
    setS3BucketPolicy: (name, policy) => ctx.write(async (c) => (await c.run('UPDATE s3_buckets SET policy = $1 WHERE name = $2', [policy ?? null, name])) > 0),
    setS3PublicAccessBlock: (name, config) =>
      ctx.write(async (c) => (await c.run('UPDATE s3_buckets SET public_access_block = $1 WHERE name = $2', [config ?? null, name])) > 0),
    putS3Object: (o) =>
      ctx.write(async (c) => {
        const [old] = await c.rows<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = $1 AND key = $2 FOR UPDATE', [o.bucket, o.key]);
        await c.run(PUT_OBJECT, objectValues(o));
        return old ? toObject(old) : undefined;
      }),
    getS3Object: async (bucket, key) => {
      const [r] = await ctx.conn().rows<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = $1 AND key = $2', [bucket, key]);
      return r ? toObject(r) : undefined;
    },
    deleteS3Object: (bucket, key) =>
      ctx.write(async (c) => {
        const [old] = await c.rows<ObjectRow>('DELETE FROM s3_objects WHERE bucket = $1 AND key = $2 RETURNING *', [bucket, key]);
        return old ? toObject(old) : undefined;
      }),
    listS3Objects: async (bucket, { prefix, after, limit }) =>
      (
        await ctx.conn().rows<ObjectRow>(
          'SELECT * FROM s3_objects WHERE bucket = $1 AND key > $2 AND key >= $3 AND left(key, length($3)) = $3 ORDER BY key LIMIT $4',
          [bucket, after, prefix, limit],
        )
      ).map(toObject),
    createS3Upload: (u) =>
      ctx.write(async (c) => {
        await c.run('INSERT INTO s3_uploads (upload_id, bucket, key, initiated, initiator_arn, metadata, headers) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          u.uploadId,
          u.bucket,
          u.key,
          u.initiated.getTime(),
          u.initiatorArn,
          JSON.stringify(u.metadata),
          JSON.stringify(u.headers),
        ]);
      }),
    getS3Upload: async (uploadId) => {
      const [r] = await ctx.conn().rows<UploadRow>('SELECT * FROM s3_uploads WHERE upload_id = $1', [uploadId]);
      return r ? toUpload(r) : undefined;
    },
    listS3Uploads: async (bucket) => (await ctx.conn().rows<UploadRow>('SELECT * FROM s3_uploads WHERE bucket = $1 ORDER BY key, initiated, upload_id', [bucket])).map(toUpload),
    putS3Part: (p) =>
      ctx.write(async (c) => {
        const [old] = await c.rows<PartRow>('SELECT * FROM s3_parts WHERE upload_id = $1 AND part_number = $2 FOR UPDATE', [p.uploadId, p.partNumber]);
        await c.run(
          `INSERT INTO s3_parts (upload_id, part_number, size, etag, blob_id, last_modified) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag, blob_id = excluded.blob_id, last_modified = excluded.last_modified`,
          [p.uploadId, p.partNumber, p.size, p.etag, p.blobId, p.lastModified.getTime()],
        );
        return old ? toPart(old) : undefined;
      }),
    listS3Parts: async (uploadId) => (await ctx.conn().rows<PartRow>('SELECT * FROM s3_parts WHERE upload_id = $1 ORDER BY part_number', [uploadId])).map(toPart),
    deleteS3Upload: (uploadId) =>
      ctx.write(async (c) => {
        const parts = await c.rows<PartRow>('DELETE FROM s3_parts WHERE upload_id = $1 RETURNING *', [uploadId]);
        await c.run('DELETE FROM s3_uploads WHERE upload_id = $1', [uploadId]);
        return parts.map(toPart).sort((a, b) => a.partNumber - b.partNumber);
      }),
  };
}
