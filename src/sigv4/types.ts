/** Shared shapes of the SigV4 verification steps. */

/** The parts of an HTTP request that SigV4 signs, as they arrived on the wire. */
export interface SignedRequest {
  method: string;
  /** Raw request-target path as sent, before decoding. */
  path: string;
  /** Raw query string without '?'. */
  query: string;
  /** Node's req.headers (lowercase keys); arrays (e.g. req.headersDistinct) keep repeated headers exact. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What the request claims about its signature, parsed from the Authorization header or the query string. */
export interface SigV4Auth {
  accessKeyId: string;
  /** YYYYMMDD */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: readonly string[];
  signature: string;
  /** The request time in ISO-8601 basic format (YYYYMMDDTHHMMSSZ), as it enters the string to sign. */
  amzDate: string;
  /** The request time in ms since the epoch. */
  requestTime: number;
  presigned: boolean;
  securityToken?: string;
  expiresSeconds?: number;
}

/** A bounded cache of derived signing keys. */
export interface SigningKeyCache {
  /** The signing key for secret/date/region/service, derived once and then reused. */
  get(secretAccessKey: string, scopeDate: string, region: string, service: string): Buffer;
  /** Number of cached keys. */
  readonly size: number;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';
