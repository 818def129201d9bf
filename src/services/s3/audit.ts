/**
 * What S3 records in CloudTrail (S3 User Guide, "Amazon S3 CloudTrail events"): bucket-level calls are management
 * events, recorded for every call (failures included) with requestParameters naming `bucketName` and `Host` and the
 * bucket as the event's resource; object-level calls (and the bucket listings) are data events, which CloudTrail logs
 * only when a trail selects them — kamen does not record them.
 */
import type { CallFacts } from '../../audit/types.js';
import { S3_RESOLVED_CONDITION_KEYS } from '../../authz/context.js';
import type { Caller } from '../types.js';

/** Operations CloudTrail classes as S3 data events (not recorded as management events). */
const DATA_EVENTS: ReadonlySet<string> = new Set([
  'AbortMultipartUpload',
  'CompleteMultipartUpload',
  'CopyObject',
  'CreateMultipartUpload',
  'DeleteObject',
  'DeleteObjects',
  'DeleteObjectTagging',
  'GetObject',
  'GetObjectAcl',
  'GetObjectAttributes',
  'GetObjectTagging',
  'HeadBucket',
  'HeadObject',
  'ListMultipartUploads',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
  'ListParts',
  'PutObject',
  'PutObjectAcl',
  'PutObjectTagging',
  'UploadPart',
  'UploadPartCopy',
]);

/** True when the call is a management event (recorded). */
export function isManagementEvent(operation: string): boolean {
  return !DATA_EVENTS.has(operation);
}

/** Input members that are bodies or transport details, not request parameters. */
const SKIPPED: ReadonlySet<string> = new Set(['Bucket', 'ContentMD5', 'ChecksumAlgorithm', 'ExpectedBucketOwner', 'Policy', S3_RESOLVED_CONDITION_KEYS]);

/** S3's requestParameters: `bucketName`, `Host`, then the request's own parameters (a policy as `bucketPolicy`). */
export function s3RequestParameters(input: Record<string, unknown>, host: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof input['Bucket'] === 'string') out['bucketName'] = input['Bucket'];
  if (host) out['Host'] = host;
  for (const [k, v] of Object.entries(input)) {
    if (SKIPPED.has(k) || v === undefined) continue;
    out[k] = v;
  }
  if (typeof input['Policy'] === 'string') {
    try {
      out['bucketPolicy'] = JSON.parse(input['Policy']);
    } catch {
      out['bucketPolicy'] = input['Policy'];
    }
  }
  return out;
}

/** The facts of an S3 management call, ready for the auditor. */
export function s3CallFacts(a: {
  requestId: string;
  hostId: string;
  nowMs: number;
  operation: string;
  region: string;
  caller: Caller;
  sourceIp: string;
  secureTransport: boolean;
  userAgent: string | string[] | undefined;
  host: string | undefined;
  presigned: boolean;
  /** The call came from the web console (absent: from a client); `tls` when the browser reached the console over TLS. */
  console?: { tls: boolean } | undefined;
}): CallFacts {
  const f: CallFacts = {
    requestId: a.requestId,
    eventTimeMs: a.nowMs,
    service: 's3',
    operation: a.operation,
    region: a.region,
    sourceIp: a.sourceIp,
    userAgent: (Array.isArray(a.userAgent) ? a.userAgent[0] : a.userAgent) ?? '',
    secureTransport: a.secureTransport,
    caller: a.caller,
    additionalEventData: { SignatureVersion: 'SigV4', AuthenticationMethod: a.presigned ? 'QueryString' : 'AuthHeader', 'x-amz-id-2': a.hostId },
  };
  if (a.console) {
    // As the console's IAM calls: sessionCredentialFromConsole, and TLS details only over a TLS console.
    f.secureTransport = a.console.tls;
    f.fromConsole = true;
  }
  if (f.secureTransport && a.host) f.tlsHost = a.host;
  return f;
}
