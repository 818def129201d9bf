/**
 * Multipart upload: CreateMultipartUpload, UploadPart (streamed like PutObject), CompleteMultipartUpload (parts
 * concatenated by streaming into one new blob; ETag = MD5 of the parts' MD5s + "-N"), AbortMultipartUpload (parts and
 * their blobs removed), ListParts, ListMultipartUploads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { S3PartRecord, S3UploadRecord } from '../../store/store.js';
import type { S3Context, S3Operation } from './context.js';
import { owner } from './context.js';
import { bucketOf } from './buckets.js';
import { checkKey } from './names.js';
import { checksumOutput, commitObject, storedHeaders } from './objects.js';
import { objectWriteHeaders } from './write-config.js';

/** The smallest part S3 accepts, except the last (5 MiB). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;

/** S3's NoSuchUpload. */
export function noSuchUpload(uploadId: string): KamenError {
  return new KamenError('ERR_S3_NO_SUCH_UPLOAD', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
}

/** The upload `uploadId` of this bucket and key, or NoSuchUpload. */
export async function uploadOf(ctx: S3Context, uploadId: string | undefined, key: string): Promise<S3UploadRecord> {
  const u = uploadId ? await ctx.store.getS3Upload(uploadId) : undefined;
  if (!u || u.bucket !== bucketOf(ctx).name || u.key !== key) throw noSuchUpload(uploadId ?? '');
  return u;
}

/** CreateMultipartUpload: a new upload ID; the object's metadata is fixed now. */
export const createMultipartUpload: S3Operation = async (ctx, input: { Bucket: string; Key: string; Metadata?: Record<string, string> }) => {
  checkKey(input.Key);
  const uploadId = randomBytes(24).toString('base64url');
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.Metadata ?? {})) metadata[k.toLowerCase()] = v;
  await ctx.store.createS3Upload({ uploadId, bucket: bucketOf(ctx).name, key: input.Key, initiated: new Date(ctx.clock.now()), initiatorArn: ctx.caller.arn, metadata, headers: { ...storedHeaders(ctx.headers), ...(await objectWriteHeaders(ctx, input)) } });
  return { Bucket: input.Bucket, Key: input.Key, UploadId: uploadId };
};

/** InvalidArgument unless `n` is a part number (1..10000). */
export function checkPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
    throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: String(n) });
  }
}

/**
 * Records a written part blob (replacing an earlier part of that number, whose blob goes). When the upload was
 * completed or aborted meanwhile the blob is deleted and the answer is NoSuchUpload: no part blob outlives its upload.
 */
export async function storePart(ctx: S3Context, part: S3PartRecord): Promise<void> {
  if (!(await ctx.store.getS3Upload(part.uploadId))) {
    await ctx.blobs.delete(part.blobId).catch(() => undefined);
    throw noSuchUpload(part.uploadId);
  }
  let old: S3PartRecord | undefined;
  try {
    old = await ctx.store.putS3Part(part);
  } catch (err) {
    await ctx.blobs.delete(part.blobId).catch(() => undefined);
    throw err;
  }
  if (old) await ctx.blobs.delete(old.blobId).catch(() => undefined);
  // An Abort or Complete that ran between the check and the write has already listed the parts: drop this one too.
  if (!(await ctx.store.getS3Upload(part.uploadId))) {
    for (const p of await ctx.store.deleteS3Upload(part.uploadId)) await ctx.blobs.delete(p.blobId).catch(() => undefined);
    await ctx.blobs.delete(part.blobId).catch(() => undefined);
    throw noSuchUpload(part.uploadId);
  }
}

/** UploadPart: part numbers 1..10000; the body streams to a blob, digests checked, the part stored (a re-upload replaces it). */
export const uploadPart: S3Operation = async (ctx, input: { Key: string; UploadId: string; PartNumber: number }) => {
  checkPartNumber(input.PartNumber);
  await uploadOf(ctx, input.UploadId, input.Key);
  const body = ctx.body!();
  let md5 = '';
  let checksums: Record<string, string> = {};
  const written = await ctx.blobs.write(body.source, {
    onChunk: (c) => body.digests.update(c),
    beforeCommit: () => {
      const d = body.digests.finish();
      md5 = d.md5Hex;
      checksums = d.checksums;
    },
  });
  const part: S3PartRecord = { uploadId: input.UploadId, partNumber: input.PartNumber, size: written.size, etag: `"${md5}"`, blobId: written.blobId, lastModified: new Date(ctx.clock.now()) };
  await storePart(ctx, part);
  return { ETag: part.etag, ...checksumOutput(checksums) };
};

const unquote = (e: string): string => e.trim().replace(/^"|"$/g, '');

/** CompleteMultipartUpload: the listed parts (ascending, each existing with its ETag, all but the last ≥ 5 MiB) become the object. */
export const completeMultipartUpload: S3Operation = async (ctx, input: { Bucket: string; Key: string; UploadId: string; MultipartUpload?: { Parts?: Array<{ PartNumber?: number; ETag?: string }> } }) => {
  const upload = await uploadOf(ctx, input.UploadId, input.Key);
  const listed = input.MultipartUpload?.Parts ?? [];
  if (listed.length === 0) throw new KamenError('ERR_S3_MALFORMED_XML', 'The XML you provided was not well-formed or did not validate against our published schema');
  const stored = new Map((await ctx.store.listS3Parts(upload.uploadId)).map((p) => [p.partNumber, p]));
  const chosen: S3PartRecord[] = [];
  // The whole list's order is checked first, then each part's existence, then the part sizes.
  let prev = 0;
  for (const l of listed) {
    const n = l.PartNumber ?? 0;
    if (n <= prev) throw new KamenError('ERR_S3_INVALID_PART_ORDER', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', { UploadId: upload.uploadId });
    prev = n;
  }
  for (const l of listed) {
    const n = l.PartNumber ?? 0;
    const p = stored.get(n);
    if (!p || unquote(l.ETag ?? '') !== unquote(p.etag)) {
      throw new KamenError('ERR_S3_INVALID_PART', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", { UploadId: upload.uploadId, PartNumber: String(n), ETag: l.ETag ?? '' });
    }
    chosen.push(p);
  }
  for (const [i, p] of chosen.entries()) {
    if (i < chosen.length - 1 && p.size < MIN_PART_BYTES) {
      throw new KamenError('ERR_S3_ENTITY_TOO_SMALL', 'Your proposed upload is smaller than the minimum allowed size', { ProposedSize: String(p.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(p.partNumber), ETag: p.etag });
    }
  }
  const blobs = ctx.blobs;
  async function* concatenated(): AsyncGenerator<Buffer> {
    for (const p of chosen) for await (const c of blobs.read(p.blobId)) yield c as Buffer;
  }
  const written = await blobs.write(concatenated());
  const md5s = createHash('md5');
  for (const p of chosen) md5s.update(Buffer.from(unquote(p.etag), 'hex'));
  const etag = `"${md5s.digest('hex')}-${chosen.length}"`;
  // The object appears and the upload goes in one store transaction (a crash leaves one or the other); the parts'
  // blobs are deleted after it (a crash in between leaves them unreferenced, for the sweep).
  const version = await commitObject(
    ctx,
    { bucket: upload.bucket, key: upload.key, size: written.size, etag, lastModified: new Date(ctx.clock.now()), blobId: written.blobId, metadata: upload.metadata, headers: upload.headers, checksums: {} },
    async () => {
      const parts = await ctx.store.deleteS3Upload(upload.uploadId);
      if (parts.length === 0) throw noSuchUpload(upload.uploadId); // aborted meanwhile
      return parts;
    },
  );
  return { Location: `/${upload.bucket}/${encodeURIComponent(upload.key)}`, Bucket: upload.bucket, Key: upload.key, ETag: etag, ...version };
};

/** AbortMultipartUpload: the upload and its parts go (204). */
export const abortMultipartUpload: S3Operation = async (ctx, input: { Key: string; UploadId: string }) => {
  const upload = await uploadOf(ctx, input.UploadId, input.Key);
  for (const p of await ctx.store.deleteS3Upload(upload.uploadId)) await ctx.blobs.delete(p.blobId).catch(() => undefined);
  return undefined;
};

/** ListParts: the parts uploaded so far (part-number-marker and max-parts paging). */
export const listParts: S3Operation = async (ctx, input: { Bucket: string; Key: string; UploadId: string; MaxParts?: number; PartNumberMarker?: string }) => {
  const upload = await uploadOf(ctx, input.UploadId, input.Key);
  const max = Math.min(input.MaxParts ?? 1000, 1000);
  const marker = Number(input.PartNumberMarker ?? 0) || 0;
  const after = (await ctx.store.listS3Parts(upload.uploadId)).filter((p) => p.partNumber > marker);
  const page = after.slice(0, max);
  const truncated = after.length > page.length;
  const account = bucketOf(ctx).accountId;
  return {
    Bucket: input.Bucket,
    Key: input.Key,
    UploadId: upload.uploadId,
    PartNumberMarker: String(marker),
    NextPartNumberMarker: page.length > 0 ? String(page[page.length - 1]!.partNumber) : undefined,
    MaxParts: max,
    IsTruncated: truncated,
    Parts: page.map((p) => ({ PartNumber: p.partNumber, LastModified: p.lastModified, ETag: p.etag, Size: p.size })),
    Initiator: { ID: upload.initiatorArn, DisplayName: upload.initiatorArn },
    Owner: owner(account),
    StorageClass: 'STANDARD',
  };
};

/** ListMultipartUploads: the bucket's uploads in progress, by key. */
export const listMultipartUploads: S3Operation = async (ctx, input: { Bucket: string; Prefix?: string }) => {
  const prefix = input.Prefix ?? '';
  const account = bucketOf(ctx).accountId;
  const uploads = (await ctx.store.listS3Uploads(bucketOf(ctx).name)).filter((u) => u.key.startsWith(prefix));
  return {
    Bucket: input.Bucket,
    Prefix: input.Prefix,
    MaxUploads: 1000,
    IsTruncated: false,
    Uploads: uploads.map((u) => ({ UploadId: u.uploadId, Key: u.key, Initiated: u.initiated, StorageClass: 'STANDARD', Owner: owner(account), Initiator: { ID: u.initiatorArn, DisplayName: u.initiatorArn } })),
  };
};
