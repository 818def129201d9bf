/**
 * Tagging: Put/Get/DeleteBucketTagging (NoSuchTagSet; up to 50 tags), Put/Get/DeleteObjectTagging (up to 10 tags),
 * the `x-amz-tagging` header of PutObject / CopyObject, and the tag condition keys (s3:ExistingObjectTag/<key>,
 * s3:RequestObjectTag/<key>, s3:RequestObjectTagKeys, aws:ResourceTag/<key> of a bucket). An object's tags are kept
 * with its record (the stored `x-amz-tagging` header, URL-encoded as the request header is), so they go with it.
 */
import { KamenError } from '../../errors.js';
import type { S3ObjectRecord, Tag } from '../../store/store.js';
import type { S3Operation } from './context.js';
import { bucketOf } from './buckets.js';
import { objectOf } from './objects.js';

/** The stored-header name of an object's tags. */
export const OBJECT_TAGS_HEADER = 'x-amz-tagging';

const MAX_BUCKET_TAGS = 50;
const MAX_OBJECT_TAGS = 10;
// Letters, digits, white space and + - = . _ : / @ in any language (S3's tag character set).
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function invalidTag(message: string): KamenError {
  return new KamenError('ERR_S3_INVALID_TAG', message);
}

/** Checks a tag set against S3's limits; throws InvalidTag with S3's message. */
export function checkTags(tags: Tag[], kind: 'bucket' | 'object'): Tag[] {
  const max = kind === 'bucket' ? MAX_BUCKET_TAGS : MAX_OBJECT_TAGS;
  if (tags.length > max) throw invalidTag(kind === 'bucket' ? 'Bucket tag count cannot be greater than 50' : 'Object tags cannot be greater than 10');
  const seen = new Set<string>();
  for (const t of tags) {
    if (typeof t.Key !== 'string' || t.Key.length === 0) throw invalidTag('The TagKey you have provided is invalid');
    if ([...t.Key].length > 128) throw invalidTag('The TagKey you have provided is too long, max 128');
    const value = t.Value ?? '';
    if ([...value].length > 256) throw invalidTag('The TagValue you have provided is too long, max 256');
    if (!TAG_CHARS.test(t.Key)) throw invalidTag('The TagKey you have provided is invalid');
    if (!TAG_CHARS.test(value)) throw invalidTag('The TagValue you have provided is invalid');
    if (t.Key.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:');
    if (seen.has(t.Key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(t.Key);
  }
  return tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

/** The tags of an `x-amz-tagging` header (`k1=v1&k2=v2`, URL-encoded), checked as object tags. */
export function parseTaggingHeader(header: string): Tag[] {
  const tags: Tag[] = [];
  for (const part of header.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'The header \'x-amz-tagging\' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.', { ArgumentName: 'x-amz-tagging', ArgumentValue: header });
    }
    tags.push({ Key: key, Value: value });
  }
  return checkTags(tags, 'object');
}

/** A tag set in the stored header form. */
export function taggingHeader(tags: Tag[]): string {
  return tags.map((t) => `${encodeURIComponent(t.Key)}=${encodeURIComponent(t.Value)}`).join('&');
}

/** An object's tags. */
export function objectTags(o: Pick<S3ObjectRecord, 'headers'>): Tag[] {
  const h = o.headers[OBJECT_TAGS_HEADER];
  if (h === undefined || h === '') return [];
  return h.split('&').map((part) => {
    const eq = part.indexOf('=');
    return { Key: decodeURIComponent(part.slice(0, eq)), Value: decodeURIComponent(part.slice(eq + 1)) };
  });
}

/** The number of an object's tags (GetObject / HeadObject's x-amz-tagging-count; undefined when none). */
export function tagCount(o: Pick<S3ObjectRecord, 'headers'>): number | undefined {
  const n = objectTags(o).length;
  return n === 0 ? undefined : n;
}

/** PutBucketTagging: 204, the tag set replaced. */
export const putBucketTagging: S3Operation = async (ctx, input: { Tagging?: { TagSet?: Tag[] } }) => {
  if (!input.Tagging?.TagSet) throw new KamenError('ERR_S3_MALFORMED_XML', 'The XML you provided was not well-formed or did not validate against our published schema');
  const tags = checkTags(input.Tagging.TagSet, 'bucket');
  await ctx.store.setS3BucketTags(bucketOf(ctx).name, tags);
  return { StatusCode: 204 };
};

/** GetBucketTagging: the tag set; NoSuchTagSet when none is set. */
export const getBucketTagging: S3Operation = async (ctx) => {
  const b = bucketOf(ctx);
  if (!b.tags || b.tags.length === 0) throw new KamenError('ERR_S3_NO_SUCH_TAG_SET', 'The TagSet does not exist', { BucketName: b.name });
  return { TagSet: b.tags };
};

/** DeleteBucketTagging: 204. */
export const deleteBucketTagging: S3Operation = async (ctx) => {
  await ctx.store.setS3BucketTags(bucketOf(ctx).name, undefined);
  return undefined;
};

/** PutObjectTagging: 200, the object's tag set replaced (NoSuchKey for a missing object). */
export const putObjectTagging: S3Operation = async (ctx, input: { Key: string; VersionId?: string; Tagging?: { TagSet?: Tag[] } }) => {
  if (!input.Tagging?.TagSet) throw new KamenError('ERR_S3_MALFORMED_XML', 'The XML you provided was not well-formed or did not validate against our published schema');
  const tags = checkTags(input.Tagging.TagSet, 'object');
  await setTags(ctx, input.Key, input.VersionId, tags.length === 0 ? undefined : taggingHeader(tags));
  return {};
};

/** GetObjectTagging: the object's tag set (empty when it has none). */
export const getObjectTagging: S3Operation = async (ctx, input: { Key: string; VersionId?: string }) => {
  const o = await objectOf(ctx, input.Key, input.VersionId);
  return { TagSet: objectTags(o), ...(o.versionId !== undefined ? { VersionId: o.versionId } : {}) };
};

/** DeleteObjectTagging: 204. */
export const deleteObjectTagging: S3Operation = async (ctx, input: { Key: string; VersionId?: string }) => {
  await setTags(ctx, input.Key, input.VersionId, undefined);
  return {};
};

/** Replaces the current version's tags (a noncurrent version named by versionId is not served: NotImplemented). */
async function setTags(ctx: Parameters<S3Operation>[0], key: string, versionId: string | undefined, header: string | undefined): Promise<void> {
  await ctx.store.transaction(async () => {
    if (versionId !== undefined && ((await objectOf(ctx, key)).versionId ?? 'null') !== versionId) {
      throw new KamenError('ERR_S3_NOT_IMPLEMENTED', 'A header you provided implies functionality that is not implemented');
    }
    if (!(await ctx.store.setS3ObjectHeader(bucketOf(ctx).name, key, OBJECT_TAGS_HEADER, header))) {
      throw new KamenError('ERR_S3_NO_SUCH_KEY', 'The specified key does not exist.', { Key: key });
    }
  });
}

/** Operations whose authorization reads the existing object's tags (s3:ExistingObjectTag/<key>). */
export const EXISTING_TAG_OPERATIONS: ReadonlySet<string> = new Set([
  'GetObject',
  'HeadObject',
  'GetObjectAcl',
  'PutObjectAcl',
  'GetObjectTagging',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'GetObjectVersion',
  'GetObjectVersionAcl',
  'PutObjectVersionAcl',
  'GetObjectVersionTagging',
  'PutObjectVersionTagging',
  'DeleteObjectVersionTagging',
]);

/** The tag condition keys of a request: the tags it sets, the existing object's tags, the bucket's tags. */
export function tagConditionKeys(operation: string, input: Record<string, unknown>, existing: Pick<S3ObjectRecord, 'headers'> | undefined, bucketTags: Tag[] | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  let requested: Tag[] | undefined;
  if ((operation === 'PutObject' || operation === 'CopyObject' || operation === 'CreateMultipartUpload') && typeof input['Tagging'] === 'string') requested = parseTaggingHeader(input['Tagging']);
  if (operation === 'PutObjectTagging' || operation === 'PutObjectVersionTagging') requested = (input['Tagging'] as { TagSet?: Tag[] } | undefined)?.TagSet;
  if (requested) {
    out['s3:RequestObjectTagKeys'] = requested.map((t) => t.Key);
    for (const t of requested) out[`s3:RequestObjectTag/${t.Key}`] = t.Value ?? '';
  }
  if (existing) for (const t of objectTags(existing)) out[`s3:ExistingObjectTag/${t.Key}`] = t.Value;
  if (bucketTags && input['Key'] === undefined) for (const t of bucketTags) out[`aws:ResourceTag/${t.Key}`] = t.Value;
  return out;
}
