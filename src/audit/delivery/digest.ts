/**
 * CloudTrail digest files (log file integrity validation): the digest document, the string to sign, and the
 * SHA256withRSA signature over it, as the CloudTrail User Guide describes them and `aws cloudtrail validate-logs` checks.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { TrailDigestLink } from '../../store/store.js';
import { isoSecond } from './names.js';

/** One log file a digest covers. */
export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  /** Hex SHA-256 of the uncompressed log file. */
  hashValue: string;
  oldestEventTime: string;
  newestEventTime: string;
}

/** What one digest file states. */
export interface DigestInput {
  accountId: string;
  startMs: number;
  endMs: number;
  bucket: string;
  key: string;
  fingerprint: string;
  previous?: TrailDigestLink;
  logFiles: readonly DigestLogFile[];
}

/** The digest document (keys in CloudTrail's order) as the JSON text that is hashed, signed and stored gzipped. */
export function digestDocument(d: DigestInput): string {
  const times = d.logFiles.flatMap((f) => [f.oldestEventTime, f.newestEventTime]).sort();
  return JSON.stringify({
    awsAccountId: d.accountId,
    digestStartTime: isoSecond(d.startMs),
    digestEndTime: isoSecond(d.endMs),
    digestS3Bucket: d.bucket,
    digestS3Object: d.key,
    digestPublicKeyFingerprint: d.fingerprint,
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: times.length > 0 ? times[times.length - 1] : null,
    oldestEventTime: times.length > 0 ? times[0] : null,
    previousDigestS3Bucket: d.previous?.bucket ?? null,
    previousDigestS3Object: d.previous?.key ?? null,
    previousDigestHashValue: d.previous?.hash ?? null,
    previousDigestHashAlgorithm: d.previous ? 'SHA-256' : null,
    previousDigestSignature: d.previous?.signature ?? null,
    logFiles: d.logFiles.map((f) => ({ s3Bucket: f.s3Bucket, s3Object: f.s3Object, hashValue: f.hashValue, hashAlgorithm: 'SHA-256', newestEventTime: f.newestEventTime, oldestEventTime: f.oldestEventTime })),
  });
}

/** Hex SHA-256. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The string a digest's signature covers: digestEndTime, `bucket/key`, the hex SHA-256 of the uncompressed digest,
 * and the previous digest's signature (`null` for the first of a chain), one per line.
 */
export function stringToSign(endTime: string, bucket: string, key: string, documentHash: string, previousSignature: string | undefined): string {
  return `${endTime}\n${bucket}/${key}\n${documentHash}\n${previousSignature ?? 'null'}`;
}

/** The hex SHA256withRSA (PKCS #1 v1.5) signature of `text`. */
export function signDigest(text: string, privateKey: KeyObject | string): string {
  return sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('hex');
}

/** True when `signatureHex` is the signature of `text` under the public key (base64 DER PKCS #1). */
export function verifyDigest(text: string, signatureHex: string, publicKeyBase64: string): boolean {
  const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'pkcs1' });
  return verify('sha256', Buffer.from(text, 'utf8'), key, Buffer.from(signatureHex, 'hex'));
}
