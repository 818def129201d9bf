/**
 * CopyObject: the source (`x-amz-copy-source`, `bucket/key[?versionId=…]`, URL-encoded) is authorized as s3:GetObject
 * (s3:GetObjectVersion when a version is named) against its own bucket and policy, the destination as s3:PutObject;
 * the bytes are streamed into a new blob; metadata and system headers are copied (MetadataDirective COPY, the default)
 * or taken from the request (REPLACE).
 */
import { createHash } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { S3ObjectRecord } from '../../store/store.js';
import type { S3Context, S3Operation } from './context.js';
import { bucketOf, noSuchBucket } from './buckets.js';
import { checkKey } from './names.js';
import { commitObject, storedHeaders } from './objects.js';
import { readableVersion } from './versioning.js';
import { copyWriteHeaders, withoutConfigHeaders } from './write-config.js';

/** The bucket, key and version `x-amz-copy-source` names; InvalidArgument when unreadable. */
export function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  let text = raw.startsWith('/') ? raw.slice(1) : raw;
  const q = text.indexOf('?');
  let versionId: string | undefined;
  if (q >= 0) {
    const params = new URLSearchParams(text.slice(q + 1));
    const v = params.get('versionId');
    if (v !== null) versionId = v;
    text = text.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    decoded = '';
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid copy source object key', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), ...(versionId !== undefined ? { versionId } : {}) };
}

/** A copy's source, authorized and read: its object record and the version named (for x-amz-copy-source-version-id). */
export interface CopySource {
  bucket: string;
  key: string;
  record: S3ObjectRecord;
  versionId?: string;
}

/**
 * Resolves `x-amz-copy-source`: the source bucket (NoSuchBucket), authorization as GetObject / GetObjectVersion there,
 * then the object (NoSuchKey / NoSuchVersion; a delete marker named by version is InvalidRequest).
 */
export async function copySourceOf(ctx: S3Context, raw: string): Promise<CopySource> {
  const src = parseCopySource(raw);
  const dest = bucketOf(ctx);
  const srcBucket = src.bucket === dest.name ? dest : await ctx.store.getS3Bucket(src.bucket);
  if (!srcBucket) throw noSuchBucket(src.bucket);
  await ctx.authorize!(srcBucket, src.versionId !== undefined ? 'GetObjectVersion' : 'GetObject', { Bucket: src.bucket, Key: src.key, ...(src.versionId !== undefined ? { VersionId: src.versionId } : {}) });
  let record: S3ObjectRecord;
  try {
    record = await readableVersion(ctx, srcBucket, src.key, src.versionId, 'GET');
  } catch (err) {
    if (err instanceof KamenError && err.code === 'ERR_S3_METHOD_NOT_ALLOWED') {
      throw new KamenError('ERR_S3_INVALID_REQUEST', 'The source of a copy request may not specifically refer to a delete marker by version id.');
    }
    throw err;
  }
  const versionId = src.versionId ?? record.versionId;
  return { bucket: src.bucket, key: src.key, record, ...(versionId !== undefined ? { versionId } : {}) };
}

/** CopyObject. */
export const copyObject: S3Operation = async (ctx, input: { Bucket: string; Key: string; CopySource: string; MetadataDirective?: string; Metadata?: Record<string, string> }) => {
  checkKey(input.Key);
  const dest = bucketOf(ctx);
  const src = await copySourceOf(ctx, input.CopySource);
  const source = src.record;
  const config = await copyWriteHeaders(ctx, input, source.headers); // ACL and tags (write-config.ts)
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
  const version = await commitObject(ctx, {
    bucket: dest.name,
    key: input.Key,
    size: written.size,
    etag,
    lastModified,
    blobId: written.blobId,
    metadata: replace ? metadata : source.metadata,
    headers: { ...(replace ? storedHeaders(ctx.headers) : withoutConfigHeaders(source.headers)), ...config },
    checksums: source.checksums,
  });
  return { CopyObjectResult: { ETag: etag, LastModified: lastModified }, ...version, ...(src.versionId !== undefined ? { CopySourceVersionId: src.versionId } : {}) };
};
