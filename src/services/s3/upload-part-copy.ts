/**
 * UploadPartCopy: a part whose bytes come from an existing object (`x-amz-copy-source`, optionally one byte range of it
 * with `x-amz-copy-source-range: bytes=first-last`), authorized like CopyObject's source (s3:GetObject or
 * s3:GetObjectVersion on the source, s3:PutObject on the upload's key); the x-amz-copy-source-if-* conditions → 412.
 */
import { createHash } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { S3ObjectRecord } from '../../store/store.js';
import type { S3Operation } from './context.js';
import { copySourceOf } from './copy-object.js';
import { checkPartNumber, storePart, uploadOf } from './multipart.js';
import { evaluateConditions } from './conditions.js';

/** The largest source range one part may copy (5 GiB). */
const MAX_COPY_PART = 5 * 1024 * 1024 * 1024;

/** The inclusive byte range `x-amz-copy-source-range` names within an object of `size` bytes (InvalidArgument otherwise). */
export function parseCopySourceRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: header });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= size) throw new KamenError('ERR_S3_INVALID_ARGUMENT', `Range specified is not valid for source object of size: ${size}`, { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: header });
  return { start, end };
}

/** Copy conditions are checked like GetObject's, except that every failure is 412. */
function checkCopyConditions(o: S3ObjectRecord, input: Record<string, unknown>): void {
  try {
    evaluateConditions(o, { IfMatch: input['CopySourceIfMatch'], IfUnmodifiedSince: input['CopySourceIfUnmodifiedSince'], IfNoneMatch: input['CopySourceIfNoneMatch'], IfModifiedSince: input['CopySourceIfModifiedSince'] });
  } catch (err) {
    if (err instanceof KamenError && err.code === 'ERR_S3_NOT_MODIFIED') throw new KamenError('ERR_S3_PRECONDITION_FAILED', 'At least one of the pre-conditions you specified did not hold', { Condition: input['CopySourceIfNoneMatch'] !== undefined ? 'x-amz-copy-source-If-None-Match' : 'x-amz-copy-source-If-Modified-Since' });
    throw err;
  }
}

/** UploadPartCopy. */
export const uploadPartCopy: S3Operation = async (ctx, input: Record<string, any>) => {
  checkPartNumber(input['PartNumber']);
  await uploadOf(ctx, input['UploadId'], input['Key']);
  const src = await copySourceOf(ctx, String(input['CopySource']));
  const o = src.record;
  checkCopyConditions(o, input);
  const range = parseCopySourceRange(input['CopySourceRange'], o.size);
  const length = range ? range.end - range.start + 1 : o.size;
  if (length > MAX_COPY_PART) throw new KamenError('ERR_S3_INVALID_REQUEST', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  const md5 = createHash('md5');
  const source: AsyncIterable<Buffer> = o.size === 0 ? (async function* () {})() : (ctx.blobs.read(o.blobId, range) as AsyncIterable<Buffer>);
  const written = await ctx.blobs.write(source, { onChunk: (c) => md5.update(c) });
  const lastModified = new Date(ctx.clock.now());
  const etag = `"${md5.digest('hex')}"`;
  await storePart(ctx, { uploadId: input['UploadId'], partNumber: input['PartNumber'], size: written.size, etag, blobId: written.blobId, lastModified });
  return { CopyPartResult: { ETag: etag, LastModified: lastModified }, ...(src.versionId !== undefined ? { CopySourceVersionId: src.versionId } : {}) };
};
