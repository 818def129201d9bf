/**
 * SigV4 for S3: the payload hash is whatever `x-amz-content-sha256` declares (a hex hash verified against the body as
 * it streams, UNSIGNED-PAYLOAD, or a STREAMING-* marker), and `aws-chunked` bodies are decoded here: every chunk
 * signature of STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] is checked, the trailer of the -TRAILER forms is read (its
 * checksum is verified by the caller), and a signed trailer's `x-amz-trailer-signature` is checked.
 */
import { createHash, createHmac } from 'node:crypto';
import { KamenError } from '../errors.js';
import { canonicalHeaders, canonicalQueryString } from './canonical-request.js';
import { uriDecode, uriEncode } from './encoding.js';
import { SIGNATURE_MISMATCH_MESSAGE } from './messages.js';
import { credentialScope, stringToSign } from './string-to-sign.js';
import type { SigningKeyCache, SigV4Auth, SignedRequest } from './types.js';
import { checkRequestTime, sameSignature } from './verify.js';
import { hmacSha256Hex } from './hash.js';
import { EMPTY_SHA256 } from './payload-hash.js';

/** The x-amz-content-sha256 values S3 accepts besides a hex hash. */
export const S3_PAYLOAD_MARKERS: ReadonlySet<string> = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);

/** What a verified S3 signature leaves for decoding a signed chunked body. */
export interface S3SignatureSeed {
  signingKey: Buffer;
  seedSignature: string;
  amzDate: string;
  scope: string;
}

/** Verifies an S3 request's signature with `payloadHash` as the canonical request's payload line; throws AWS's error. */
export function verifyS3Signature(req: SignedRequest, auth: SigV4Auth, secretAccessKey: string, nowMs: number, cache: SigningKeyCache, payloadHash: string): S3SignatureSeed {
  checkRequestTime(auth, nowMs);
  const signingKey = cache.get(secretAccessKey, auth.scopeDate, auth.region, auth.service);
  const scope = credentialScope(auth);
  const expected = hmacSha256Hex(signingKey, stringToSign(auth.amzDate, scope, s3CanonicalRequest(req, auth, payloadHash)));
  const provided = auth.signature;
  if (!sameSignature(provided, expected)) {
    throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
  }
  return { signingKey, seedSignature: expected, amzDate: auth.amzDate, scope };
}

/** S3's canonical URI: the path decoded once and each segment encoded once; no dot-segment or empty-segment removal. */
export function s3CanonicalUri(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  return rawPath.split('/').map((seg) => (seg === '' ? '' : uriEncode(uriDecode(seg)))).join('/');
}

/** The canonical request as S3 builds it (its own URI rule; query, headers and payload line as everywhere). */
export function s3CanonicalRequest(req: SignedRequest, auth: SigV4Auth, payloadHash: string): string {
  return `${req.method}\n${s3CanonicalUri(req.path)}\n${canonicalQueryString(req.query, auth.presigned)}\n${canonicalHeaders(req.headers, auth.signedHeaders)}\n${auth.signedHeaders.join(';')}\n${payloadHash}`;
}

function incomplete(): KamenError {
  return new KamenError('ERR_S3_INCOMPLETE_BODY', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
}

function badChunk(): KamenError {
  return new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid chunk encoding.');
}

/** The signature of a signed trailer: AWS4-HMAC-SHA256-TRAILER over the final chunk's signature and the canonical trailers. */
export function trailerSignature(seed: S3SignatureSeed, previousSignature: string, trailers: ReadonlyMap<string, string>): string {
  const canonical = [...trailers.entries()]
    .filter(([name]) => name !== 'x-amz-trailer-signature')
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  const sts = `AWS4-HMAC-SHA256-TRAILER\n${seed.amzDate}\n${seed.scope}\n${previousSignature}\n${createHash('sha256').update(canonical).digest('hex')}`;
  return createHmac('sha256', seed.signingKey).update(sts).digest('hex');
}

/**
 * Decodes an `aws-chunked` body into its data. With `seed` every chunk's signature is checked (a wrong one is
 * SignatureDoesNotMatch); `trailers` receives the trailing headers (lower-case names). With `signedTrailer`
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER) the trailer must carry a valid `x-amz-trailer-signature`. Yields data
 * as it arrives.
 */
export async function* decodeAwsChunked(source: AsyncIterable<Buffer>, seed: S3SignatureSeed | undefined, trailers: Map<string, string>, signedTrailer = false): AsyncGenerator<Buffer> {
  let buf: Buffer = Buffer.alloc(0);
  let state: 'head' | 'data' | 'crlf' | 'trailer' | 'done' = 'head';
  let remaining = 0;
  let chunkSig = '';
  let prevSig = seed?.seedSignature ?? '';
  let hash = seed ? createHash('sha256') : undefined;
  const checkChunk = (): void => {
    if (!seed) return;
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${seed.amzDate}\n${seed.scope}\n${prevSig}\n${EMPTY_SHA256}\n${hash!.digest('hex')}`;
    const expected = createHmac('sha256', seed.signingKey).update(sts).digest('hex');
    if (!sameSignature(chunkSig, expected)) throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
    prevSig = expected;
    hash = createHash('sha256');
  };
  let last = false;
  for await (const piece of source) {
    buf = buf.length === 0 ? piece : Buffer.concat([buf, piece]);
    for (;;) {
      if (state === 'head' || state === 'trailer') {
        const nl = buf.indexOf('\r\n');
        if (nl < 0) {
          if (buf.length > 4096) throw badChunk();
          break;
        }
        const line = buf.subarray(0, nl).toString('latin1');
        buf = buf.subarray(nl + 2);
        if (state === 'trailer') {
          if (line === '') {
            if (seed && signedTrailer) {
              const provided = trailers.get('x-amz-trailer-signature') ?? '';
              const expected = trailerSignature(seed, prevSig, trailers);
              if (!sameSignature(provided, expected)) throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
            }
            state = 'done';
            continue;
          }
          const colon = line.indexOf(':');
          if (colon <= 0) throw badChunk();
          trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
          continue;
        }
        const semi = line.indexOf(';');
        const sizeText = semi < 0 ? line : line.slice(0, semi);
        if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw badChunk();
        remaining = parseInt(sizeText, 16);
        if (seed) {
          const m = /^chunk-signature=([0-9a-f]{64})$/.exec(semi < 0 ? '' : line.slice(semi + 1));
          if (!m) throw badChunk();
          chunkSig = m[1]!;
        }
        last = remaining === 0;
        if (last) {
          checkChunk();
          state = 'trailer';
          continue;
        }
        state = 'data';
        continue;
      }
      if (state === 'data') {
        if (buf.length === 0) break;
        const take = Math.min(remaining, buf.length);
        const data = buf.subarray(0, take);
        buf = buf.subarray(take);
        remaining -= take;
        hash?.update(data);
        yield data;
        if (remaining === 0) state = 'crlf';
        continue;
      }
      if (state === 'crlf') {
        if (buf.length < 2) break;
        if (buf[0] !== 13 || buf[1] !== 10) throw badChunk();
        buf = buf.subarray(2);
        checkChunk();
        state = 'head';
        continue;
      }
      // done: anything after the final CRLF is ignored
      buf = Buffer.alloc(0);
      break;
    }
  }
  // Signed bodies end `0;chunk-signature=…\r\n\r\n`: the empty line ends the (empty) trailer section.
  if ((state as string) !== 'done') throw incomplete();
}
