/** S3 configuration family (SQLite, migration 011): bucket ownership, tags and ACL, object headers, account Block Public Access. */
import type { S3ConfigStore } from '../store.js';
import type { SqliteContext } from './db.js';

/** Prepares the statements once for this connection and returns the family's methods. */
export function s3ConfigFamily(ctx: SqliteContext): S3ConfigStore {
  const { db, run } = ctx;
  const s = {
    ownership: db.prepare('UPDATE s3_buckets SET ownership = ? WHERE name = ?'),
    tags: db.prepare('UPDATE s3_buckets SET tags = ? WHERE name = ?'),
    acl: db.prepare('UPDATE s3_buckets SET acl = ? WHERE name = ?'),
    objectHeaders: db.prepare('SELECT headers FROM s3_objects WHERE bucket = ? AND key = ?').pluck(),
    setObjectHeaders: db.prepare('UPDATE s3_objects SET headers = ? WHERE bucket = ? AND key = ?'),
    getPab: db.prepare('SELECT config FROM s3_account_public_access_block WHERE account_id = ?').pluck(),
    setPab: db.prepare('INSERT INTO s3_account_public_access_block (account_id, config) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET config = excluded.config'),
    deletePab: db.prepare('DELETE FROM s3_account_public_access_block WHERE account_id = ?'),
  };
  return {
    setS3BucketOwnership: (name, ownership) => run(() => s.ownership.run(ownership ?? null, name).changes > 0),
    setS3BucketTags: (name, tags) => run(() => s.tags.run(tags === undefined ? null : JSON.stringify(tags), name).changes > 0),
    setS3BucketAcl: (name, acl) => run(() => s.acl.run(acl ?? null, name).changes > 0),
    setS3ObjectHeader: (bucket, key, header, value) =>
      run(() =>
        ctx.atomic(() => {
          const text = s.objectHeaders.get(bucket, key) as string | undefined;
          if (text === undefined) return false;
          s.setObjectHeaders.run(withHeader(text, header, value), bucket, key);
          return true;
        }),
      ),
    getS3AccountPublicAccessBlock: (accountId) => run(() => (s.getPab.get(accountId) as string | undefined) ?? undefined),
    setS3AccountPublicAccessBlock: (accountId, config) =>
      run(() => {
        if (config === undefined) s.deletePab.run(accountId);
        else s.setPab.run(accountId, config);
      }),
  };
}

/** The stored headers JSON with one header set (or removed). */
export function withHeader(text: string, header: string, value: string | undefined): string {
  const h = JSON.parse(text) as Record<string, string>;
  if (value === undefined) delete h[header];
  else h[header] = value;
  return JSON.stringify(h);
}
