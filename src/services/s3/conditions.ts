/**
 * Conditional requests (RFC 7232 as S3 applies them): If-Match, then If-Unmodified-Since (only without If-Match) → 412;
 * If-None-Match, then If-Modified-Since (only without If-None-Match) → 304.
 */
import { KamenError } from '../../errors.js';
import type { S3ObjectRecord } from '../../store/store.js';

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || `"${v}"` === etag || v.replace(/^W\//, '') === etag;
  });
}

/** Throws PreconditionFailed (412) or NotModified (304) when the request's conditions say so. */
export function evaluateConditions(o: S3ObjectRecord, input: Record<string, unknown>): void {
  const lastModified = Math.floor(o.lastModified.getTime() / 1000) * 1000;
  const ifMatch = input['IfMatch'] as string | undefined;
  const ifUnmodified = input['IfUnmodifiedSince'] as Date | undefined;
  const ifNoneMatch = input['IfNoneMatch'] as string | undefined;
  const ifModified = input['IfModifiedSince'] as Date | undefined;
  if (ifMatch !== undefined ? !etagMatches(ifMatch, o.etag) : ifUnmodified !== undefined && lastModified > ifUnmodified.getTime()) {
    throw new KamenError('ERR_S3_PRECONDITION_FAILED', 'At least one of the pre-conditions you specified did not hold', { Condition: ifMatch !== undefined ? 'If-Match' : 'If-Unmodified-Since' });
  }
  if (ifNoneMatch !== undefined ? etagMatches(ifNoneMatch, o.etag) : ifModified !== undefined && lastModified <= ifModified.getTime()) {
    throw new KamenError('ERR_S3_NOT_MODIFIED', 'Not Modified', { ETag: o.etag, 'Last-Modified': o.lastModified.toUTCString() });
  }
}
