/**
 * CopyObject: the source (`x-amz-copy-source`, `bucket/key`, URL-encoded) is authorized as s3:GetObject against its own
 * bucket and policy, the destination as s3:PutObject; the bytes are streamed into a new blob; metadata and system
 * headers are copied (MetadataDirective COPY, the default) or taken from the request (REPLACE).
 */
import { createHash } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { S3Operation } from './context.js';
import { bucketOf, noSuchBucket } from './buckets.js';
import { checkKey } from './names.js';
import { commitObject, storedHeaders } from './objects.js';

/** The bucket and key `x-amz-copy-source` names; InvalidArgument when unreadable. */
export function parseCopySource(raw: string): { bucket: string; key: string } {
  let text = raw.startsWith('/') ? raw.slice(1) : raw;
  const q = text.indexOf('?');
  if (q >= 0) text = text.slice(0, q);
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    decoded = '';
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid copy source object key', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** CopyObject. */
export const copyObject: S3Operation = async (ctx, input: { Bucket: string; Key: string; CopySource: string; MetadataDirective?: string; Metadata?: Record<string, string> }) => {
  checkKey(input.Key);
  const dest = bucketOf(ctx);
  const src = parseCopySource(input.CopySource);
  const srcBucket = src.bucket === dest.name ? dest : await ctx.store.getS3Bucket(src.bucket);
  if (!srcBucket) throw noSuchBucket(src.bucket);
  await ctx.authorize!(srcBucket, 'GetObject', { Bucket: src.bucket, Key: src.key });
  const source = await ctx.store.getS3Object(src.bucket, src.key);
  if (!source) throw new KamenError('ERR_S3_NO_SUCH_KEY', 'The specified key does not exist.', { Key: src.key });
  const replace = input.MetadataDirective === 'REPLACE';
  if (input.MetadataDirective !== undefined && input.MetadataDirective !== 'COPY' && !replace) {
    throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: input.MetadataDirective });
  }
  if (src.bucket === dest.name && src.key === input.Key && !replace) {
    throw new KamenError(
      'ERR_S3_INVALID_REQUEST',
      'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.',
    );
  }
  const md5 = createHash('md5');
  const written = await ctx.blobs.write(ctx.blobs.read(source.blobId) as AsyncIterable<Buffer>, { onChunk: (c) => md5.update(c) });
  const etag = `"${md5.digest('hex')}"`;
  const metadata: Record<string, string> = {};
  if (replace) for (const [k, v] of Object.entries(input.Metadata ?? {})) metadata[k.toLowerCase()] = v;
  const lastModified = new Date(ctx.clock.now());
  await commitObject(ctx, {
    bucket: dest.name,
    key: input.Key,
    size: written.size,
    etag,
    lastModified,
    blobId: written.blobId,
    metadata: replace ? metadata : source.metadata,
    headers: replace ? storedHeaders(ctx.headers) : source.headers,
    checksums: source.checksums,
  });
  return { CopyObjectResult: { ETag: etag, LastModified: lastModified } };
};
