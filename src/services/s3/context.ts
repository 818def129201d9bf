/** What every S3 operation gets: the caller, the store and blob store, the bucket the request names, the body. */
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { BlobStore } from '../../store/blobs/index.js';
import type { S3BucketRecord, S3ObjectRecord, Store } from '../../store/store.js';
import type { Caller } from '../types.js';
import type { BodyDigests } from './digests.js';

/** The body of a streaming upload: its bytes (decoded when aws-chunked) and the digests to check as they pass. */
export interface UploadBody {
  source: AsyncIterable<Buffer>;
  digests: BodyDigests;
}

/** One S3 request as an operation sees it. */
export interface S3Context {
  requestId: string;
  caller: Caller;
  /** The region the request was signed for (the endpoint's region). */
  region: string;
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  /** The bucket the request names, looked up before authorization (absent for ListBuckets and CreateBucket). */
  bucket?: S3BucketRecord;
  headers: IncomingHttpHeaders;
  /** The upload body of PutObject / UploadPart (read once). */
  body?: () => UploadBody;
  /** The current object of the request's key when authorization read it (its tags are condition keys); reused by objectOf. */
  current?: S3ObjectRecord;
  /** Authorizes a further action of this request against `bucket` (DeleteObjects' keys, CopyObject's source). */
  authorize?(bucket: S3BucketRecord, operation: string, input: Record<string, unknown>): Promise<void>;
}

/** An S3 operation: model-shaped input in, model-shaped output out (undefined for an empty answer). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type S3Operation = (ctx: S3Context, input: any) => Promise<Record<string, unknown> | undefined>;

/** The canonical user ID S3 shows for an account (64 hex digits, stable per account). */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`kamen-s3-canonical-user:${accountId}`).digest('hex');
}

/** The Owner element of listings and ACLs. */
export function owner(accountId: string): { ID: string; DisplayName: string } {
  return { ID: canonicalUserId(accountId), DisplayName: accountId };
}
