/** S3's naming rules: bucket names (general purpose buckets) and the 1024-byte key limit. */
import { KamenError } from '../../errors.js';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** True when `name` follows the general purpose bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  if (!BUCKET.test(name) || IP.test(name) || name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p)) || RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return true;
}

/** Throws InvalidBucketName unless `name` is a valid bucket name. */
export function checkBucketName(name: string): void {
  if (!isValidBucketName(name)) throw new KamenError('ERR_S3_INVALID_BUCKET_NAME', 'The specified bucket is not valid.', { BucketName: name });
}

/** The longest key S3 accepts, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** Throws KeyTooLongError for a key over 1024 bytes. */
export function checkKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new KamenError('ERR_S3_KEY_TOO_LONG', 'Your key is too long', { Size: String(Buffer.byteLength(key)), MaxSizeAllowed: String(MAX_KEY_BYTES) });
}
