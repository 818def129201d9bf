/**
 * DeleteObjects: up to 1000 keys in one request (Content-MD5 or a checksum required), each authorized as
 * s3:DeleteObject on its own ARN; per-key results, Deleted entries omitted in quiet mode, failures as Error entries.
 */
import { KamenError } from '../../errors.js';
import type { S3Operation } from './context.js';
import { bucketOf } from './buckets.js';
import { CHECKSUM_ALGORITHMS } from './digests.js';
import { malformed } from '../../protocol/rest-xml/index.js';
import { deleteKey } from './versioning.js';

const MAX_KEYS = 1000;

/** DeleteObjects (quiet and verbose). */
export const deleteObjects: S3Operation = async (ctx, input: { Bucket: string; Delete?: { Objects?: Array<{ Key?: string; VersionId?: string }>; Quiet?: boolean } }) => {
  if (ctx.headers['content-md5'] === undefined && !CHECKSUM_ALGORITHMS.some((a) => ctx.headers[`x-amz-checksum-${a}`] !== undefined) && ctx.headers['x-amz-sdk-checksum-algorithm'] === undefined) {
    throw new KamenError('ERR_S3_INVALID_REQUEST', 'Missing required header for this request: Content-MD5');
  }
  const objects = input.Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > MAX_KEYS || objects.some((o) => typeof o.Key !== 'string')) throw malformed();
  const bucket = bucketOf(ctx);
  const deleted: Array<{ Key: string; VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string }> = [];
  const errors: Array<{ Key: string; Code: string; Message: string }> = [];
  for (const o of objects) {
    const key = o.Key!;
    try {
      const versionId = o.VersionId;
      await ctx.authorize!(bucket, versionId !== undefined ? 'DeleteObjectVersion' : 'DeleteObject', { Bucket: bucket.name, Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}) });
      // versioning.ts: a version, the object, or a delete marker, as the bucket's versioning state says
      const r = await deleteKey(ctx, bucket, key, versionId);
      if (versionId !== undefined) deleted.push({ Key: key, VersionId: versionId, ...(r.DeleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: versionId } : {}) });
      else deleted.push({ Key: key, ...(r.DeleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: r.VersionId } : {}) });
    } catch (err) {
      if (!(err instanceof KamenError) || err.code !== 'ERR_ACCESS_DENIED') throw err;
      errors.push({ Key: key, Code: 'AccessDenied', Message: 'Access Denied' });
    }
  }
  return { Deleted: input.Delete?.Quiet === true || deleted.length === 0 ? undefined : deleted, Errors: errors.length > 0 ? errors : undefined };
};
