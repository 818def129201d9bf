/** Object operations: PutObject (streamed to the blob store), GetObject / HeadObject (Range, conditionals), DeleteObject. */
import { KamenError } from '../../errors.js';
import type { S3ObjectRecord } from '../../store/store.js';
import type { S3Context, S3Operation } from './context.js';
import { bucketOf } from './buckets.js';
import { checkKey } from './names.js';
import { evaluateConditions } from './conditions.js';
import { parseRange } from './range.js';
import { objectWriteHeaders } from './write-config.js';
import { tagCount } from './tagging.js';
import { commitVersion, deleteKey, readableVersion } from './versioning.js';

/** Request headers kept with an object and answered back (Content-Encoding without the aws-chunked coding). */
const STORED_HEADERS = ['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'] as const;

/** The largest single PUT S3 accepts (5 GiB). */
export const MAX_PUT_BYTES = 5 * 1024 * 1024 * 1024;

/** The system headers of a request as stored. */
export function storedHeaders(headers: S3Context['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of STORED_HEADERS) {
    const v = headers[h];
    if (typeof v !== 'string') continue;
    if (h === 'content-encoding') {
      const rest = v.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'aws-chunked').join(',');
      if (rest !== '') out[h] = rest;
    } else out[h] = v;
  }
  out['content-type'] ??= 'binary/octet-stream';
  return out;
}

/**
 * Stores `rec` as the key's newest version (deleting the blobs it displaced, or its own blob when the store write
 * fails; `alongside` runs in the same store transaction); resolves with the `VersionId` output member (present when
 * the bucket has versioning enabled).
 */
export async function commitObject(ctx: S3Context, rec: S3ObjectRecord, alongside?: () => Promise<Array<{ blobId: string }>>): Promise<{ VersionId?: string }> {
  const bucket = bucketOf(ctx);
  const versionId = await commitVersion(ctx, bucket, rec, alongside);
  return bucket.versioning === 'Enabled' ? { VersionId: versionId } : {};
}

/** PutObject: the body streams to a temporary file; digests are checked; only then is the object stored and visible. */
export const putObject: S3Operation = async (ctx, input: { Bucket: string; Key: string; Metadata?: Record<string, string> }) => {
  checkKey(input.Key);
  const bucket = bucketOf(ctx);
  const config = await objectWriteHeaders(ctx, input); // ACL and tags (write-config.ts)
  const body = ctx.body!();
  let digest: ReturnType<typeof body.digests.finish> | undefined;
  const written = await ctx.blobs.write(body.source, {
    onChunk: (c) => body.digests.update(c),
    beforeCommit: (size) => {
      if (size > MAX_PUT_BYTES) throw new KamenError('ERR_S3_ENTITY_TOO_LARGE', 'Your proposed upload exceeds the maximum allowed size');
      digest = body.digests.finish();
    },
  });
  const etag = `"${digest!.md5Hex}"`;
  const version = await commitObject(ctx, {
    bucket: bucket.name,
    key: input.Key,
    size: written.size,
    etag,
    lastModified: new Date(ctx.clock.now()),
    blobId: written.blobId,
    metadata: lowerKeys(input.Metadata ?? {}),
    headers: { ...storedHeaders(ctx.headers), ...config },
    checksums: digest!.checksums,
  });
  return { ETag: etag, ...checksumOutput(digest!.checksums), ...version };
};

/** The Checksum* output members of stored checksums. */
export function checksumOutput(checksums: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [alg, v] of Object.entries(checksums)) out[`Checksum${alg}`] = v;
  return out;
}

function lowerKeys(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k.toLowerCase()] = v;
  return out;
}

/** The stored object `Key` (its version `versionId`, else the current one) of the request's bucket, or S3's error. */
export async function objectOf(ctx: S3Context, key: string, versionId?: string, method = 'GET'): Promise<S3ObjectRecord> {
  // The current object authorization already read for its tags (front-config.ts): the same record, not a second read.
  if (versionId === undefined && ctx.current?.key === key && ctx.current.bucket === bucketOf(ctx).name) return ctx.current;
  return readableVersion(ctx, bucketOf(ctx), key, versionId, method);
}

/** Response members of an object's metadata (GetObject and HeadObject), with the response-* overrides applied. */
function objectHeaders(o: S3ObjectRecord, input: Record<string, unknown>): Record<string, unknown> {
  const h = o.headers;
  const out: Record<string, unknown> = {
    ETag: o.etag,
    LastModified: o.lastModified,
    AcceptRanges: 'bytes',
    TagCount: tagCount(o),
    Metadata: o.metadata,
    ContentType: input['ResponseContentType'] ?? h['content-type'],
    CacheControl: input['ResponseCacheControl'] ?? h['cache-control'],
    ContentDisposition: input['ResponseContentDisposition'] ?? h['content-disposition'],
    ContentEncoding: input['ResponseContentEncoding'] ?? h['content-encoding'],
    ContentLanguage: input['ResponseContentLanguage'] ?? h['content-language'],
  };
  if (o.versionId !== undefined) out['VersionId'] = o.versionId;
  const expires = input['ResponseExpires'] ?? h['expires'];
  if (expires !== undefined) out['Expires'] = expires;
  if (input['ChecksumMode'] === 'ENABLED') Object.assign(out, checksumOutput(o.checksums));
  return out;
}

/** GetObject: conditionals (304/412), one byte range (206, or InvalidRange 416), the bytes streamed from the blob. */
export const getObject: S3Operation = async (ctx, input: Record<string, any>) => {
  const o = await objectOf(ctx, input['Key'], input['VersionId'], 'GET');
  evaluateConditions(o, input);
  const out = objectHeaders(o, input);
  const range = typeof input['Range'] === 'string' ? parseRange(input['Range'], o.size) : undefined;
  if (range) {
    // A part of the object has no whole-object checksum to answer with.
    for (const alg of Object.keys(o.checksums)) delete out[`Checksum${alg}`];
    out['ContentLength'] = range.end - range.start + 1;
    out['ContentRange'] = `bytes ${range.start}-${range.end}/${o.size}`;
    out['StatusCode'] = 206;
    out['Body'] = ctx.blobs.read(o.blobId, range);
  } else {
    out['ContentLength'] = o.size;
    out['Body'] = o.size === 0 ? '' : ctx.blobs.read(o.blobId);
  }
  return out;
};

/** HeadObject: GetObject's headers, no body. */
export const headObject: S3Operation = async (ctx, input: Record<string, any>) => {
  const o = await objectOf(ctx, input['Key'], input['VersionId'], 'HEAD');
  evaluateConditions(o, input);
  const out = objectHeaders(o, input);
  const range = typeof input['Range'] === 'string' ? parseRange(input['Range'], o.size) : undefined;
  out['ContentLength'] = range ? range.end - range.start + 1 : o.size;
  if (range) {
    out['ContentRange'] = `bytes ${range.start}-${range.end}/${o.size}`;
    out['StatusCode'] = 206;
  }
  return out;
};

/** DeleteObject: 204 whether or not the key existed; a delete marker in a versioned bucket, one version with versionId. */
export const deleteObject: S3Operation = async (ctx, input: { Key: string; VersionId?: string }) => {
  const r = await deleteKey(ctx, bucketOf(ctx), input.Key, input.VersionId);
  return Object.keys(r).length > 0 ? { ...r } : undefined;
};
