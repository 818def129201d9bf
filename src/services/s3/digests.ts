/**
 * The digests of an uploaded body, computed as its bytes stream by: MD5 (the ETag, and Content-MD5), the declared
 * x-amz-content-sha256, and x-amz-checksum-* (CRC32, CRC32C, CRC64NVME, SHA1, SHA256; any other algorithm is refused).
 * `finish` throws S3's error before the object becomes visible, so a wrong digest stores nothing.
 */
import { createHash, type Hash } from 'node:crypto';
import zlib from 'node:zlib';
import { KamenError } from '../../errors.js';

/** The checksum algorithms S3 verifies, by header suffix. */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;

/** x-amz-checksum-* headers that name no body checksum. */
const NOT_A_CHECKSUM: ReadonlySet<string> = new Set(['x-amz-checksum-mode', 'x-amz-checksum-type', 'x-amz-checksum-algorithm']);

/** S3's answer to a checksum algorithm kamen does not verify (never accepted unchecked). */
function unsupportedAlgorithm(): KamenError {
  return new KamenError('ERR_S3_INVALID_REQUEST', 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
}

/** The reflected CRC-64/NVME polynomial's table, split into 32-bit halves (BigInt only at load). */
const CRC64_TABLES = (() => {
  const lo = new Uint32Array(256);
  const hi = new Uint32Array(256);
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    lo[i] = Number(c & 0xffffffffn);
    hi[i] = Number(c >> 32n);
  }
  return { lo, hi };
})();

/** CRC-64/NVME of a stream of chunks: `update` each chunk, then `digest` (8 bytes, big-endian). */
export function crc64nvme(): { update(buf: Buffer): void; digest(): Buffer } {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  const { lo: TL, hi: TH } = CRC64_TABLES;
  return {
    update(buf) {
      for (let i = 0; i < buf.length; i++) {
        const idx = (lo ^ buf[i]!) & 0xff;
        lo = (((lo >>> 8) | (hi << 24)) ^ TL[idx]!) >>> 0;
        hi = ((hi >>> 8) ^ TH[idx]!) >>> 0;
      }
    },
    digest() {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(~hi >>> 0, 0);
      b.writeUInt32BE(~lo >>> 0, 4);
      return b;
    },
  };
}
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli) of `buf`, continuing from `crc`. */
export function crc32c(buf: Buffer, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC32C_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** A running checksum of one algorithm, with its base64 result. */
export interface Checksummer {
  update(chunk: Buffer): void;
  base64(): string;
}

/** A checksummer for `algorithm`. */
export function checksummer(algorithm: ChecksumAlgorithm): Checksummer {
  if (algorithm === 'crc32' || algorithm === 'crc32c') {
    let crc = 0;
    return {
      update: (c) => {
        crc = algorithm === 'crc32' ? zlib.crc32(c, crc) : crc32c(c, crc);
      },
      base64: () => {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(crc >>> 0);
        return b.toString('base64');
      },
    };
  }
  if (algorithm === 'crc64nvme') {
    const c = crc64nvme();
    return { update: (b) => c.update(b), base64: () => c.digest().toString('base64') };
  }
  const h: Hash = createHash(algorithm);
  return { update: (c) => h.update(c), base64: () => h.digest('base64') };
}

const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };

/** What the body's digests came to. */
export interface BodyDigestResult {
  md5Hex: string;
  /** Verified checksums, by algorithm name as S3 spells it (CRC32, …). */
  checksums: Record<string, string>;
}

/** The digests of one body: `update` with every chunk, then `finish` (throws on a mismatch). */
export interface BodyDigests {
  update(chunk: Buffer): void;
  finish(): BodyDigestResult;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Sets up the digests `headers` declare (checked for form first: InvalidDigest, InvalidRequest); `contentSha256` is the
 * hex payload hash the signature covers, when the payload is signed. `trailerChecksum` names a checksum sent later.
 */
export function bodyDigests(headers: Record<string, string | string[] | undefined>, contentSha256?: string, trailer?: { algorithm: ChecksumAlgorithm; value: () => string | undefined }): BodyDigests {
  const md5 = createHash('md5');
  const contentMd5 = header(headers, 'content-md5');
  if (contentMd5 !== undefined && (!/^[A-Za-z0-9+/]{22}==$/.test(contentMd5.trim()))) throw new KamenError('ERR_S3_INVALID_DIGEST', 'The Content-MD5 you specified was invalid.', { 'Content-MD5': contentMd5 });
  const sha = contentSha256 ? createHash('sha256') : undefined;
  const declared: Array<{ algorithm: ChecksumAlgorithm; expected: string | (() => string | undefined); sum: Checksummer }> = [];
  for (const name of Object.keys(headers)) {
    if (name.startsWith('x-amz-checksum-') && !NOT_A_CHECKSUM.has(name) && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(name.slice(15))) throw unsupportedAlgorithm();
  }
  const sdkAlgorithm = header(headers, 'x-amz-sdk-checksum-algorithm');
  if (sdkAlgorithm !== undefined && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(sdkAlgorithm.toLowerCase())) throw unsupportedAlgorithm();
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = header(headers, `x-amz-checksum-${a}`);
    if (v === undefined) continue;
    if (Buffer.from(v, 'base64').length !== DIGEST_BYTES[a]) throw new KamenError('ERR_S3_INVALID_REQUEST', `Value for x-amz-checksum-${a} header is invalid.`);
    declared.push({ algorithm: a, expected: v, sum: checksummer(a) });
  }
  if (trailer) declared.push({ algorithm: trailer.algorithm, expected: trailer.value, sum: checksummer(trailer.algorithm) });
  return {
    update(chunk) {
      md5.update(chunk);
      sha?.update(chunk);
      for (const d of declared) d.sum.update(chunk);
    },
    finish() {
      const md5Buf = md5.digest();
      if (sha && sha.digest('hex') !== contentSha256!.toLowerCase()) {
        throw new KamenError('ERR_S3_CONTENT_SHA256_MISMATCH', "The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
      if (contentMd5 !== undefined && md5Buf.toString('base64') !== contentMd5.trim()) {
        throw new KamenError('ERR_S3_BAD_DIGEST', 'The Content-MD5 you specified did not match what we received.');
      }
      const checksums: Record<string, string> = {};
      for (const d of declared) {
        const expected = typeof d.expected === 'string' ? d.expected : d.expected();
        if (expected === undefined) throw new KamenError('ERR_S3_INVALID_REQUEST', `x-amz-checksum-${d.algorithm} trailer is missing.`);
        if (Buffer.from(expected, 'base64').length !== DIGEST_BYTES[d.algorithm]) throw new KamenError('ERR_S3_INVALID_REQUEST', `Value for x-amz-checksum-${d.algorithm} trailing header is invalid.`);
        const actual = d.sum.base64();
        if (actual !== expected) throw new KamenError('ERR_S3_BAD_DIGEST', `The ${d.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
        checksums[d.algorithm.toUpperCase()] = actual;
      }
      return { md5Hex: md5Buf.toString('hex'), checksums };
    },
  };
}
