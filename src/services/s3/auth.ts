/**
 * S3's authentication: the credentials behind a SigV4 header or presigned URL, the payload hash the signature covers
 * (x-amz-content-sha256: a hex hash checked against the body as it arrives, UNSIGNED-PAYLOAD, or a STREAMING-* form
 * whose aws-chunked body is decoded here), and the body of a request as its operation takes it.
 */
import type http from 'node:http';
import { KamenError } from '../../errors.js';
import { decodeAwsChunked, verifyS3Signature, S3_PAYLOAD_MARKERS, type S3SignatureSeed, type SigV4Auth, type SignedRequest } from '../../sigv4/index.js';
import type { Caller } from '../types.js';
import type { UploadBody } from './context.js';
import { bodyDigests, CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './digests.js';
import type { S3FrontDeps } from './front.js';

/** An authenticated S3 request: the caller, the declared payload hash, and the seed of a signed chunked body. */
export interface S3Authn {
  caller: Caller;
  payload: string;
  seed: S3SignatureSeed;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** Resolves the credentials and verifies the signature; throws S3's error. */
export async function authenticateS3(deps: Pick<S3FrontDeps, 'resolveCredentials' | 'signingKeys'>, signed: SignedRequest, auth: SigV4Auth, nowMs: number): Promise<S3Authn> {
  let payload: string;
  if (auth.presigned) payload = 'UNSIGNED-PAYLOAD';
  else {
    const raw = signed.headers['x-amz-content-sha256'];
    const declared = Array.isArray(raw) ? raw[0] : raw;
    if (declared === undefined) throw new KamenError('ERR_S3_INVALID_REQUEST', 'Missing required header for this request: x-amz-content-sha256');
    if (!S3_PAYLOAD_MARKERS.has(declared) && !HEX64.test(declared)) {
      throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.', { ArgumentName: 'x-amz-content-sha256', ArgumentValue: declared });
    }
    payload = declared;
  }
  const { caller, secretAccessKey } = await deps.resolveCredentials(auth.accessKeyId, auth.securityToken, nowMs);
  const seed = verifyS3Signature(signed, auth, secretAccessKey, nowMs, deps.signingKeys, payload);
  return { caller, payload, seed };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The body's bytes (aws-chunked decoded) and the digests to verify: the declared SHA-256, Content-MD5, checksums. */
export function uploadBody(req: http.IncomingMessage, payload: string | undefined, seed: S3SignatureSeed | undefined): UploadBody {
  const trailers = new Map<string, string>();
  let source: AsyncIterable<Buffer> = req;
  let trailer: { algorithm: ChecksumAlgorithm; value: () => string | undefined } | undefined;
  if (payload !== undefined && payload.startsWith('STREAMING-')) {
    const signedChunks = payload === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || payload === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
    source = decodeAwsChunked(req, signedChunks ? seed : undefined, trailers, payload === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
    const named = header(req, 'x-amz-trailer');
    if (named !== undefined) {
      const alg = named.trim().toLowerCase().replace(/^x-amz-checksum-/, '') as ChecksumAlgorithm;
      if (!CHECKSUM_ALGORITHMS.includes(alg)) throw new KamenError('ERR_S3_INVALID_REQUEST', 'The value specified in the x-amz-trailer header is not supported');
      trailer = { algorithm: alg, value: () => trailers.get(`x-amz-checksum-${alg}`) };
    }
  }
  const digests = bodyDigests(req.headers, payload !== undefined && HEX64.test(payload) ? payload : undefined, trailer);
  return { source, digests };
}

/** The largest XML request body S3 reads (1 MiB; S3's own documents are far smaller). */
const MAX_XML_BODY = 1024 * 1024;

/** Reads a non-streaming body (XML documents, policies) into memory, decoded and verified like an upload. */
export async function readSmallBody(req: http.IncomingMessage, payload: string | undefined, seed: S3SignatureSeed | undefined): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_XML_BODY) throw new KamenError('ERR_S3_INVALID_REQUEST', `Your request was too big. The maximum allowed size is ${MAX_XML_BODY} bytes.`);
  const body = uploadBody(req, payload, seed);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body.source) {
    size += c.length;
    if (size > MAX_XML_BODY) throw new KamenError('ERR_S3_INVALID_REQUEST', `Your request was too big. The maximum allowed size is ${MAX_XML_BODY} bytes.`);
    body.digests.update(c);
    chunks.push(c);
  }
  body.digests.finish();
  return Buffer.concat(chunks, size);
}
