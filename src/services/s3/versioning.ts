/**
 * S3 versioning: Get/PutBucketVersioning, version IDs on writes, versioned reads and deletes (delete markers, the
 * `null` version of suspended buckets), ListObjectVersions, and the versioned actions requests are authorized as.
 */
import { randomBytes } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { S3BucketRecord, S3ObjectRecord, S3VersionRecord } from '../../store/store.js';
import type { S3Context, S3Operation } from './context.js';
import { owner } from './context.js';
import { bucketOf } from './buckets.js';
import { malformed } from '../../protocol/rest-xml/index.js';

/** The version ID of objects written while versioning was never enabled or is suspended. */
export const NULL_VERSION = 'null';
const VERSION_ID = /^[A-Za-z0-9_-]{32}$/;

/** A fresh version ID (32 URL-safe characters). */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/** The version ID a write to `bucket` gets: a new one when versioning is Enabled, else `null`. */
export function writeVersionId(bucket: S3BucketRecord): string {
  return bucket.versioning === 'Enabled' ? newVersionId() : NULL_VERSION;
}

/** Checks the form of a `versionId` the request names (InvalidArgument otherwise). */
export function checkVersionId(versionId: string): void {
  if (versionId !== NULL_VERSION && !VERSION_ID.test(versionId)) {
    throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  }
}

/**
 * The operation a request is authorized as: naming a version reads or deletes that version (s3:GetObjectVersion,
 * s3:DeleteObjectVersion), as the service authorization reference lists them.
 */
export function authorizationOperation(operation: string, input: Record<string, unknown>): string {
  if (input['VersionId'] === undefined) return operation;
  if (operation === 'GetObject' || operation === 'HeadObject') return 'GetObjectVersion';
  if (operation === 'DeleteObject') return 'DeleteObjectVersion';
  return operation;
}

/**
 * Stores `rec` as the key's newest version of `bucket` and deletes the blobs it displaced; resolves with its version ID.
 * `alongside` runs in the same store transaction (CompleteMultipartUpload removes its upload there) and names more
 * blobs to delete once both are stored; on any failure nothing is stored and `rec`'s own blob is deleted.
 */
export async function commitVersion(ctx: S3Context, bucket: S3BucketRecord, rec: S3ObjectRecord, alongside?: () => Promise<Array<{ blobId: string }>>): Promise<string> {
  const versionId = writeVersionId(bucket);
  let freed: Array<{ blobId: string }>;
  try {
    const put = () => ctx.store.putS3ObjectVersion({ ...rec, versionId, deleteMarker: false });
    freed = alongside ? await ctx.store.transaction(async () => [...(await put()), ...(await alongside())]) : await put();
  } catch (err) {
    await ctx.blobs.delete(rec.blobId).catch(() => undefined);
    throw err;
  }
  for (const o of freed) if (o.blobId !== rec.blobId && o.blobId !== '') await ctx.blobs.delete(o.blobId).catch(() => undefined);
  return versionId;
}

/** The delete-marker headers of an error about a marker. */
function markerHeaders(m: S3VersionRecord): Record<string, string> {
  return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': m.versionId, 'Last-Modified': m.lastModified.toUTCString() };
}

/**
 * The object version a read names: by `versionId` (NoSuchVersion; a delete marker is 405 MethodNotAllowed), else the
 * current version (NoSuchKey, marked with x-amz-delete-marker when the key's newest version is a delete marker).
 */
export async function readableVersion(ctx: S3Context, bucket: S3BucketRecord, key: string, versionId: string | undefined, method: string): Promise<S3ObjectRecord> {
  if (versionId !== undefined) {
    checkVersionId(versionId);
    const v = await ctx.store.getS3ObjectVersion(bucket.name, key, versionId);
    if (!v) throw new KamenError('ERR_S3_NO_SUCH_VERSION', 'The specified version does not exist.', { Key: key, VersionId: versionId });
    if (v.deleteMarker) throw new KamenError('ERR_S3_METHOD_NOT_ALLOWED', 'The specified method is not allowed against this resource.', { Method: method, ResourceType: 'DeleteMarker', ...markerHeaders(v) });
    return v;
  }
  const o = await ctx.store.getS3Object(bucket.name, key);
  if (o) return o;
  const latest = bucket.versioning !== undefined ? await ctx.store.getS3LatestVersion(bucket.name, key) : undefined;
  const extra: Record<string, string> = latest?.deleteMarker ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.versionId } : {};
  throw new KamenError('ERR_S3_NO_SUCH_KEY', 'The specified key does not exist.', { Key: key, ...extra });
}

/** What deleting a key (or one version of it) did, as DeleteObject answers it. */
export interface DeleteResult {
  VersionId?: string;
  DeleteMarker?: boolean;
}

/**
 * Deletes `key` as the bucket's versioning state says: one version when `versionId` is named (no error when it does
 * not exist); otherwise the object (never versioned), a new delete marker (Enabled), or a `null` delete marker replacing
 * the null version (Suspended).
 */
export async function deleteKey(ctx: S3Context, bucket: S3BucketRecord, key: string, versionId: string | undefined): Promise<DeleteResult> {
  if (versionId !== undefined) {
    checkVersionId(versionId);
    const removed = await ctx.store.deleteS3ObjectVersion(bucket.name, key, versionId);
    if (removed && !removed.deleteMarker) await ctx.blobs.delete(removed.blobId).catch(() => undefined);
    return removed?.deleteMarker ? { VersionId: versionId, DeleteMarker: true } : { VersionId: versionId };
  }
  if (bucket.versioning === undefined) {
    const old = await ctx.store.deleteS3ObjectVersion(bucket.name, key, NULL_VERSION);
    if (old && !old.deleteMarker) await ctx.blobs.delete(old.blobId).catch(() => undefined);
    return {};
  }
  const markerId = writeVersionId(bucket);
  const freed = await ctx.store.putS3ObjectVersion({
    bucket: bucket.name,
    key,
    size: 0,
    etag: '',
    lastModified: new Date(ctx.clock.now()),
    blobId: '',
    metadata: {},
    headers: {},
    checksums: {},
    versionId: markerId,
    deleteMarker: true,
  });
  for (const o of freed) if (o.blobId !== '') await ctx.blobs.delete(o.blobId).catch(() => undefined);
  return { VersionId: markerId, DeleteMarker: true };
}

/** GetBucketVersioning: the state (no Status when versioning was never enabled). */
export const getBucketVersioning: S3Operation = async (ctx) => {
  const b = bucketOf(ctx);
  return b.versioning !== undefined ? { Status: b.versioning, MFADelete: 'Disabled' } : {};
};

/** PutBucketVersioning: Enabled or Suspended (a bucket never returns to unversioned); MFA delete is not offered. */
export const putBucketVersioning: S3Operation = async (ctx, input: { VersioningConfiguration?: { Status?: string; MFADelete?: string } }) => {
  const cfg = input.VersioningConfiguration;
  if (!cfg) throw malformed();
  const status = cfg.Status;
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw malformed();
  if (cfg.MFADelete !== undefined && cfg.MFADelete !== 'Enabled' && cfg.MFADelete !== 'Disabled') throw malformed();
  if (cfg.MFADelete === 'Enabled') throw new KamenError('ERR_S3_NOT_IMPLEMENTED', 'A header you provided implies functionality that is not implemented', { Header: 'MFADelete' });
  const b = bucketOf(ctx);
  if (status === undefined) return undefined;
  if (!(await ctx.store.setS3BucketVersioning(b.name, status))) throw new KamenError('ERR_S3_NO_SUCH_BUCKET', 'The specified bucket does not exist', { BucketName: b.name });
  return undefined;
};

const PAGE = 1000;

/** ListObjectVersions: versions and delete markers by key then newest first, CommonPrefixes at the delimiter, markers. */
export const listObjectVersions: S3Operation = async (ctx, input: Record<string, any>) => {
  const bucket = bucketOf(ctx);
  const prefix: string = input['Prefix'] ?? '';
  const delimiter: string = input['Delimiter'] ?? '';
  const rawMax = input['MaxKeys'] as number | undefined;
  if (rawMax !== undefined && rawMax < 0) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Argument maxKeys must be an integer between 0 and 2147483647', { ArgumentName: 'maxKeys', ArgumentValue: String(rawMax) });
  const maxKeys = Math.min(rawMax ?? 1000, 1000);
  const encodingType = input['EncodingType'];
  if (encodingType !== undefined && encodingType !== 'url') throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: String(encodingType) });
  const enc = encodingType === 'url' ? (s: string) => encodeURIComponent(s).replace(/%2F/g, '/') : (s: string) => s;
  const keyMarker: string = input['KeyMarker'] ?? '';
  const versionMarker: string | undefined = input['VersionIdMarker'] === '' ? undefined : input['VersionIdMarker'];
  let afterSeq = -1;
  if (versionMarker !== undefined) {
    if (keyMarker === '') throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'A version-id marker cannot be specified without a key marker.', { ArgumentName: 'version-id-marker', ArgumentValue: versionMarker });
    checkVersionId(versionMarker);
    const seq = await ctx.store.getS3VersionSeq(bucket.name, keyMarker, versionMarker);
    if (seq === undefined) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid version id specified', { ArgumentName: 'version-id-marker', ArgumentValue: versionMarker });
    afterSeq = seq;
  }
  const versions: Array<Record<string, unknown>> = [];
  const markers: Array<Record<string, unknown>> = [];
  const prefixes: string[] = [];
  let skipPrefix = delimiter !== '' && keyMarker.startsWith(prefix) && keyMarker.endsWith(delimiter) && keyMarker.slice(prefix.length, -delimiter.length).indexOf(delimiter) < 0 ? keyMarker : undefined;
  let afterKey = keyMarker;
  let count = 0;
  let truncated = false;
  let last: { key: string; versionId?: string } | undefined;
  const who = owner(bucket.accountId);
  outer: for (;;) {
    const page = await ctx.store.listS3ObjectVersions(bucket.name, { prefix, afterKey, afterSeq, limit: PAGE });
    for (const v of page) {
      afterKey = v.key;
      afterSeq = v.seq;
      if (skipPrefix !== undefined && v.key.startsWith(skipPrefix)) continue;
      let cp: string | undefined;
      if (delimiter !== '') {
        const i = v.key.indexOf(delimiter, prefix.length);
        if (i >= 0) cp = v.key.slice(0, i + delimiter.length);
      }
      if (count === maxKeys) {
        truncated = true;
        break outer;
      }
      count++;
      if (cp !== undefined) {
        prefixes.push(cp);
        skipPrefix = cp;
        last = { key: cp };
        continue;
      }
      last = { key: v.key, versionId: v.versionId };
      const common = { Key: enc(v.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: v.lastModified, Owner: who };
      if (v.deleteMarker) markers.push(common);
      else versions.push({ ...common, ETag: v.etag, Size: v.size, StorageClass: 'STANDARD', ...(Object.keys(v.checksums).length > 0 ? { ChecksumAlgorithm: Object.keys(v.checksums) } : {}) });
    }
    if (page.length < PAGE) break;
  }
  return {
    IsTruncated: truncated,
    KeyMarker: enc(keyMarker),
    VersionIdMarker: versionMarker ?? '',
    NextKeyMarker: truncated && last ? enc(last.key) : undefined,
    NextVersionIdMarker: truncated && last?.versionId !== undefined ? last.versionId : undefined,
    Versions: versions.length > 0 ? versions : undefined,
    DeleteMarkers: markers.length > 0 ? markers : undefined,
    Name: bucket.name,
    Prefix: enc(prefix),
    Delimiter: delimiter !== '' ? enc(delimiter) : undefined,
    MaxKeys: maxKeys,
    CommonPrefixes: prefixes.length > 0 ? prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
    EncodingType: encodingType,
  };
};
