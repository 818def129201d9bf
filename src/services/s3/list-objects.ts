/**
 * ListObjectsV2 and ListObjects: keys in UTF-8 byte order under a prefix, rolled up into CommonPrefixes at the
 * delimiter, paged by max-keys with a continuation token (V2) or marker (V1), start-after, and encoding-type=url.
 */
import { KamenError } from '../../errors.js';
import type { S3ObjectRecord } from '../../store/store.js';
import type { S3Context, S3Operation } from './context.js';
import { owner } from './context.js';
import { bucketOf } from './buckets.js';

const DEFAULT_MAX_KEYS = 1000;
const PAGE = 1000;

/** One listing's entries: objects and common prefixes in order, whether more follow, and the last entry's marker. */
interface Listing {
  contents: S3ObjectRecord[];
  prefixes: string[];
  truncated: boolean;
  /** The key or common prefix the listing ended with (the next page starts after it). */
  last: string | undefined;
}

/** Walks the bucket from after `marker`, rolling keys up at `delimiter`, until `maxKeys` entries. */
async function walk(ctx: S3Context, bucket: string, prefix: string, delimiter: string, marker: string, maxKeys: number): Promise<Listing> {
  const out: Listing = { contents: [], prefixes: [], truncated: false, last: undefined };
  // A marker that is itself a rolled-up prefix skips every key under it.
  let skipPrefix = delimiter !== '' && marker.startsWith(prefix) && marker.endsWith(delimiter) && marker.slice(prefix.length, -delimiter.length).indexOf(delimiter) < 0 ? marker : undefined;
  let after = marker;
  let count = 0;
  for (;;) {
    const page = await ctx.store.listS3Objects(bucket, { prefix, after, limit: PAGE });
    for (const o of page) {
      after = o.key;
      if (skipPrefix !== undefined && o.key.startsWith(skipPrefix)) continue;
      let cp: string | undefined;
      if (delimiter !== '') {
        const i = o.key.indexOf(delimiter, prefix.length);
        if (i >= 0) cp = o.key.slice(0, i + delimiter.length);
      }
      if (count === maxKeys) {
        out.truncated = true;
        return out;
      }
      count++;
      if (cp !== undefined) {
        out.prefixes.push(cp);
        out.last = cp;
        skipPrefix = cp;
      } else {
        out.contents.push(o);
        out.last = o.key;
      }
    }
    if (page.length < PAGE) return out;
  }
}

function maxKeysOf(input: Record<string, unknown>): number {
  const m = input['MaxKeys'];
  if (m === undefined) return DEFAULT_MAX_KEYS;
  const n = m as number;
  if (n < 0) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Argument maxKeys must be an integer between 0 and 2147483647', { ArgumentName: 'maxKeys', ArgumentValue: String(n) });
  return Math.min(n, DEFAULT_MAX_KEYS);
}

function encodingOf(input: Record<string, unknown>): ((s: string) => string) {
  const e = input['EncodingType'];
  if (e === undefined) return (s) => s;
  if (e !== 'url') throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: String(e) });
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/');
}

function contentsOf(list: S3ObjectRecord[], enc: (s: string) => string, withOwner: boolean, accountId: string): Array<Record<string, unknown>> {
  return list.map((o) => ({
    Key: enc(o.key),
    LastModified: o.lastModified,
    ETag: o.etag,
    Size: o.size,
    StorageClass: 'STANDARD',
    ...(Object.keys(o.checksums).length > 0 ? { ChecksumAlgorithm: Object.keys(o.checksums) } : {}),
    ...(withOwner ? { Owner: owner(accountId) } : {}),
  }));
}

/** ListObjectsV2. */
export const listObjectsV2: S3Operation = async (ctx, input: Record<string, any>) => {
  const bucket = bucketOf(ctx);
  const prefix: string = input['Prefix'] ?? '';
  const delimiter: string = input['Delimiter'] ?? '';
  const maxKeys = maxKeysOf(input);
  const enc = encodingOf(input);
  let marker: string = input['StartAfter'] ?? '';
  const token = input['ContinuationToken'] as string | undefined;
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || !decoded.startsWith('1:')) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
    marker = decoded.slice(2);
  }
  const l = await walk(ctx, bucket.name, prefix, delimiter, marker, maxKeys);
  const out: Record<string, unknown> = {
    IsTruncated: l.truncated,
    Contents: l.contents.length > 0 ? contentsOf(l.contents, enc, input['FetchOwner'] === true, bucket.accountId) : undefined,
    Name: bucket.name,
    Prefix: enc(prefix),
    Delimiter: delimiter !== '' ? enc(delimiter) : undefined,
    MaxKeys: maxKeys,
    CommonPrefixes: l.prefixes.length > 0 ? l.prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
    EncodingType: input['EncodingType'],
    KeyCount: l.contents.length + l.prefixes.length,
    ContinuationToken: token,
    NextContinuationToken: l.truncated && l.last !== undefined ? Buffer.from(`1:${l.last}`).toString('base64url') : undefined,
    StartAfter: input['StartAfter'] !== undefined ? enc(input['StartAfter']) : undefined,
  };
  return out;
};

/** ListObjects (version 1): marker paging; NextMarker when a delimiter is given. */
export const listObjects: S3Operation = async (ctx, input: Record<string, any>) => {
  const bucket = bucketOf(ctx);
  const prefix: string = input['Prefix'] ?? '';
  const delimiter: string = input['Delimiter'] ?? '';
  const maxKeys = maxKeysOf(input);
  const enc = encodingOf(input);
  const marker: string = input['Marker'] ?? '';
  const l = await walk(ctx, bucket.name, prefix, delimiter, marker, maxKeys);
  return {
    IsTruncated: l.truncated,
    Marker: enc(marker),
    NextMarker: l.truncated && delimiter !== '' && l.last !== undefined ? enc(l.last) : undefined,
    Contents: l.contents.length > 0 ? contentsOf(l.contents, enc, true, bucket.accountId) : undefined,
    Name: bucket.name,
    Prefix: enc(prefix),
    Delimiter: delimiter !== '' ? enc(delimiter) : undefined,
    MaxKeys: maxKeys,
    CommonPrefixes: l.prefixes.length > 0 ? l.prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
    EncodingType: input['EncodingType'],
  };
};
