/** S3 configuration family (PostgreSQL, migration 011): bucket ownership, tags and ACL, object headers, account Block Public Access. */
import type { S3ConfigStore } from '../store.js';
import type { PgContext } from './db.js';
import { withHeader } from '../sqlite/s3-config.js';

/** The family's methods over the shared context. */
export function s3ConfigFamily(ctx: PgContext): S3ConfigStore {
  const setColumn = (column: 'ownership' | 'tags' | 'acl', name: string, value: string | null): Promise<boolean> =>
    ctx.write(async (c) => (await c.run(`UPDATE s3_buckets SET ${column} = $1 WHERE name = $2`, [value, name])) > 0);
  return {
    setS3BucketOwnership: (name, ownership) => setColumn('ownership', name, ownership ?? null),
    setS3BucketTags: (name, tags) => setColumn('tags', name, tags === undefined ? null : JSON.stringify(tags)),
    setS3BucketAcl: (name, acl) => setColumn('acl', name, acl ?? null),
    setS3ObjectHeader: (bucket, key, header, value) =>
      ctx.write(async (c) => {
        const [row] = await c.rows<{ headers: string }>('SELECT headers FROM s3_objects WHERE bucket = $1 AND key = $2 FOR UPDATE', [bucket, key]);
        if (!row) return false;
        await c.run('UPDATE s3_objects SET headers = $1 WHERE bucket = $2 AND key = $3', [withHeader(row.headers, header, value), bucket, key]);
        return true;
      }),
    getS3AccountPublicAccessBlock: async (accountId) => {
      const [r] = await ctx.conn().rows<{ config: string }>('SELECT config FROM s3_account_public_access_block WHERE account_id = $1', [accountId]);
      return r?.config;
    },
    setS3AccountPublicAccessBlock: (accountId, config) =>
      ctx.write(async (c) => {
        if (config === undefined) await c.run('DELETE FROM s3_account_public_access_block WHERE account_id = $1', [accountId]);
        else
          await c.run(
            'INSERT INTO s3_account_public_access_block (account_id, config) VALUES ($1, $2) ON CONFLICT (account_id) DO UPDATE SET config = excluded.config',
            [accountId, config],
          );
      }),
  };
}
