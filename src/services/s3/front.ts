/**
 * The S3 front door: one request from its head to its answer. S3 takes its body as a stream, so the HTTP server hands
 * it the IncomingMessage itself. The steps, in AWS's order: address (Host / path), operation (from the model),
 * authenticate (SigV4 header or presigned; anonymous when unsigned), bucket lookup, parse, authorize, invoke, render.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Clock } from '../../clock.js';
import { KamenError } from '../../errors.js';
import { requestId as newRequestId } from '../../ids.js';
import { wireError } from '../../protocol/wire-errors.js';
import { errorDocument, parseRestInput, renderRestOutput, S3_XMLNS, type OperationResolver, type RestModel, type RestResponse } from '../../protocol/rest-xml/index.js';
import { parseSigV4, type SigningKeyCache } from '../../sigv4/index.js';
import type { BlobStore } from '../../store/blobs/index.js';
import type { Store } from '../../store/store.js';
import type { ResourceOwner } from '../../authz/authorizer.js';
import type { Caller, OperationContext } from '../types.js';
import { s3Host, s3Query, s3Target } from './addressing.js';
import { authenticateS3, uploadBody, readSmallBody } from './auth.js';
import { noSuchBucket } from './buckets.js';
import type { S3Context, S3Operation } from './context.js';
import { ROOT_NAMES, STREAMING_OPERATIONS } from './wire.js';
import { authorizationOperation } from './versioning.js';
import type { Auditor } from '../../audit/auditor.js';
import type { CallFacts } from '../../audit/types.js';
import { isManagementEvent, s3CallFacts, s3RequestParameters } from './audit.js';
import { bucketResourceOwner, withTagConditionKeys } from './front-config.js';
import { runControl, s3ControlRequest, type S3ControlRequest } from './s3-control.js';

/** Facts about the connection a request came in on. */
export interface S3ConnectionFacts {
  sourceIp: string;
  secureTransport: boolean;
  /** Set on the web console's in-process S3 calls: `tls` when the browser reached the console over TLS (audit records). */
  console?: { tls: boolean } | undefined;
}

/** What the front door needs; built once at server start. */
export interface S3FrontDeps {
  store: Store;
  clock: Clock;
  blobs: BlobStore;
  model: RestModel;
  resolver: OperationResolver;
  operations: Readonly<Record<string, S3Operation>>;
  signingKeys: SigningKeyCache;
  /** True for a region of the partition (the scope's region must be one). */
  isValidRegion(region: string): boolean;
  resolveCredentials(accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<{ caller: Caller; secretAccessKey: string }>;
  /**
   * The engine's decision (throws AccessDenied), with the bucket's owner and policy as the resource-based side; absent =
   * every caller may act in its own account.
   */
  authorizeOperation?(ctx: OperationContext, service: string, operation: string, input: Record<string, unknown>, resource?: ResourceOwner): Promise<void>;
  log?(entry: Record<string, unknown>): void;
  /** Audit (src/audit): S3 management calls are recorded as CloudTrail records them; absent = no events. */
  auditor?: Auditor;
}

/** The caller of an unsigned request. */
const ANONYMOUS: Caller = { kind: 'anonymous', accountId: '', arn: '*', userId: 'anonymous', accessKeyId: '' };

/** Handles one S3 request; never throws (every failure is answered with S3's XML error). */
export async function handleS3Request(deps: S3FrontDeps, req: http.IncomingMessage, res: http.ServerResponse, conn: S3ConnectionFacts): Promise<void> {
  const requestId = newRequestId().replace(/-/g, '').slice(0, 16).toUpperCase();
  const hostId = randomBytes(24).toString('base64');
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  let resource = rawPath;
  let call: CallFacts | undefined;
  try {
    // S3 Control (account-level Block Public Access) signs as s3 and arrives here.
    const control = s3ControlRequest(method, rawPath, req.headers);
    if (control) {
      await handleControl(deps, req, res, conn, control, requestId, hostId);
      return;
    }
    const host = s3Host(req.headers.host);
    const target = s3Target(rawPath, host?.bucket);
    if (!target) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid URI');
    if (target.bucket !== undefined) resource = target.key !== undefined ? `/${target.bucket}/${target.key}` : `/${target.bucket}`;
    const query = s3Query(rawQuery);
    const operation = deps.resolver.resolve(method, target.kind, rawPath, query, req.headers);
    const op = operation ? deps.operations[operation] : undefined;
    if (!operation || !op) throw new KamenError('ERR_S3_NOT_IMPLEMENTED', 'A header you provided implies functionality that is not implemented');
    // authenticate
    const nowMs = deps.clock.now();
    const signed = { method, path: rawPath, query: rawQuery, headers: req.headers, body: EMPTY };
    const auth = parseSigV4(signed, { service: 's3', regionAllowed: host?.region ? (r) => r === host.region && deps.isValidRegion(r) : deps.isValidRegion });
    const authn = auth ? await authenticateS3(deps, signed, auth, nowMs) : undefined;
    const caller = authn?.caller ?? ANONYMOUS;
    const region = auth?.region ?? host?.region ?? 'us-east-1';
    if (deps.auditor && caller.kind !== 'anonymous' && isManagementEvent(operation)) {
      call = s3CallFacts({ requestId, hostId, nowMs, operation, region, caller, sourceIp: conn.sourceIp, secureTransport: conn.secureTransport, userAgent: req.headers['user-agent'], host: req.headers.host, presigned: rawQuery.includes('X-Amz-Algorithm='), console: conn.console });
    }
    // the bucket (global names: it may belong to another account)
    const bucket = target.bucket !== undefined && operation !== 'CreateBucket' ? await deps.store.getS3Bucket(target.bucket) : undefined;
    if (target.bucket !== undefined && operation !== 'CreateBucket' && !bucket) throw noSuchBucket(target.bucket);
    // parse
    const streaming = STREAMING_OPERATIONS.has(operation);
    const body = streaming ? undefined : await readSmallBody(req, authn?.payload, authn?.seed);
    const input = parseRestInput(deps.model, operation, { bucket: target.bucket, key: target.key, query, headers: req.headers, ...(body ? { body } : {}) });
    if (call) {
      call.input = input;
      call.requestParameters = s3RequestParameters(input, req.headers.host);
      if (target.bucket !== undefined) call.resources = [{ accountId: bucket?.accountId ?? caller.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${target.bucket}` }];
    }
    const ctx: S3Context = { requestId, caller, region, store: deps.store, blobs: deps.blobs, clock: deps.clock, headers: req.headers };
    if (bucket) ctx.bucket = bucket;
    // authorize
    await authorize(deps, ctx, conn, authorizationOperation(operation, input), input);
    ctx.authorize = (other, op2, input2) => authorize(deps, { ...ctx, bucket: other }, conn, op2, input2);
    if (streaming) ctx.body = () => uploadBody(req, authn?.payload, authn?.seed);
    // invoke, render
    const output = call ? await deps.auditor!.invoke(call, 'query', () => op(ctx, input)) : await op(ctx, input);
    const rendered = render(deps.model, operation, output);
    await send(req, res, rendered, requestId, hostId);
  } catch (err) {
    if (!(err instanceof KamenError)) deps.log?.({ level: 'error', requestId, msg: 'internal error', err: String((err as Error)?.stack ?? err) });
    const behind = call ? deps.auditor!.failed(call, 'query', err) : undefined;
    if (behind) await behind;
    await send(req, res, renderError(err, method, resource, rawQuery.includes('X-Amz-Algorithm=')), requestId, hostId).catch(() => res.destroy());
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * One S3 Control request (account-level Block Public Access): authenticated as S3 requests are, authorized without a
 * bucket (resource `*`), audited as a management call, answered with S3 Control's documents; failures are recorded
 * and rethrown for the front door to answer.
 */
async function handleControl(deps: S3FrontDeps, req: http.IncomingMessage, res: http.ServerResponse, conn: S3ConnectionFacts, control: S3ControlRequest, requestId: string, hostId: string): Promise<void> {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const signed = { method, path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers: req.headers, body: EMPTY };
  const nowMs = deps.clock.now();
  const auth = parseSigV4(signed, { service: 's3', regionAllowed: control.region ? (r) => r === control.region && deps.isValidRegion(r) : deps.isValidRegion });
  const authn = auth ? await authenticateS3(deps, signed, auth, nowMs) : undefined;
  const caller = authn?.caller ?? ANONYMOUS;
  const region = auth?.region ?? control.region ?? 'us-east-1';
  const call = deps.auditor && caller.kind !== 'anonymous'
    ? s3CallFacts({ requestId, hostId, nowMs, operation: control.operation, region, caller, sourceIp: conn.sourceIp, secureTransport: conn.secureTransport, userAgent: req.headers['user-agent'], host: req.headers.host, presigned: signed.query.includes('X-Amz-Algorithm='), console: conn.console })
    : undefined;
  const run = async (): Promise<void> => {
    const body = await readSmallBody(req, authn?.payload, authn?.seed);
    if (call) {
      call.input = { AccountId: control.accountId };
      call.requestParameters = { ...(req.headers.host ? { Host: req.headers.host } : {}) };
    }
    const ctx: S3Context = { requestId, caller, region, store: deps.store, blobs: deps.blobs, clock: deps.clock, headers: req.headers };
    await authorize(deps, ctx, conn, control.operation, {});
    const answer = call ? await deps.auditor!.invoke(call, 'query', () => runControl(ctx, control, body)) : await runControl(ctx, control, body);
    await send(req, res, answer, requestId, hostId);
  };
  try {
    await run();
  } catch (err) {
    const behind = call ? deps.auditor!.failed(call, 'query', err) : undefined;
    if (behind) await behind;
    throw err;
  }
}

/**
 * Authorization as S3 does it, through the policy engine: the caller's identity side (SCPs, boundaries, session
 * policies) and the bucket policy as the resource-based policy of the bucket's owner — within one account either may
 * allow, across accounts both must, and an unsigned request only by the bucket policy. Without enforcement every
 * signed caller may act on its own account's buckets only.
 */
async function authorize(deps: S3FrontDeps, ctx: S3Context, conn: S3ConnectionFacts, operation: string, input: Record<string, unknown>): Promise<void> {
  const opCtx: OperationContext = {
    requestId: ctx.requestId,
    caller: ctx.caller,
    store: ctx.store,
    clock: ctx.clock,
    region: ctx.region,
    sourceIp: conn.sourceIp,
    secureTransport: conn.secureTransport,
    deps: {},
  };
  const b = ctx.bucket;
  if (deps.authorizeOperation) {
    const resolved = await withTagConditionKeys(ctx.store, b, operation, input);
    if (resolved.existing) ctx.current = resolved.existing;
    const owner: ResourceOwner | undefined = b ? await bucketResourceOwner(ctx.store, b, ctx.caller, resolved.existing) : undefined;
    await deps.authorizeOperation(opCtx, 's3', operation, resolved.input, owner);
    return;
  }
  if (ctx.caller.kind === 'anonymous') throw new KamenError('ERR_ACCESS_DENIED', 'Access Denied');
  if (b && b.accountId !== ctx.caller.accountId) {
    const { action, resource } = crossAccountTarget(operation, input);
    throw new KamenError('ERR_ACCESS_DENIED', `User: ${ctx.caller.arn} is not authorized to perform: ${action} on resource: "${resource}" because no resource-based policy allows the ${action} action`);
  }
}

/** The action and resource named in a cross-account denial. */
function crossAccountTarget(operation: string, input: Record<string, unknown>): { action: string; resource: string } {
  const bucket = String(input['Bucket'] ?? '');
  const key = input['Key'];
  const action = ACTION_NAMES[operation] ?? `s3:${operation}`;
  return { action, resource: key !== undefined ? `arn:aws:s3:::${bucket}/${String(key)}` : `arn:aws:s3:::${bucket}` };
}

const ACTION_NAMES: Readonly<Record<string, string>> = {
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  GetBucketLocation: 's3:GetBucketLocation',
  DeleteObjects: 's3:DeleteObject',
  CopyObject: 's3:PutObject',
};

/** The model's rendering, with S3's special documents (GetBucketLocation's bare LocationConstraint) and 206 ranges. */
function render(model: RestModel, operation: string, output: Record<string, unknown> | undefined): RestResponse {
  if (operation === 'GetBucketLocation') {
    const lc = String(output?.['LocationConstraint'] ?? '');
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${lc}</LocationConstraint>` };
  }
  const root = ROOT_NAMES[operation];
  const r = renderRestOutput(model, operation, output, root);
  // A document whose members are all absent (a quiet DeleteObjects) is still the empty document.
  if (r.body === undefined && root && output) {
    r.body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}"></${root}>`;
    r.headers['content-type'] = 'application/xml';
  }
  const status = output?.['StatusCode'];
  if (typeof status === 'number') r.status = status;
  return r;
}

/** S3 error codes for the shared authentication errors. */
const S3_AUTH_ERRORS: Partial<Record<string, { code: string; status: number; message?: string }>> = {
  ERR_INVALID_CLIENT_TOKEN_ID: { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  ERR_REQUEST_EXPIRED: { code: 'AccessDenied', status: 403, message: 'Request has expired' },
  ERR_INCOMPLETE_SIGNATURE: { code: 'AuthorizationHeaderMalformed', status: 400 },
  ERR_EXPIRED_TOKEN: { code: 'ExpiredToken', status: 400, message: 'The provided token has expired.' },
  ERR_MISSING_AUTHENTICATION_TOKEN: { code: 'AccessDenied', status: 403, message: 'Access Denied' },
};

/** An answer: a rendered output, or an S3 error document still to be written (it needs the request ID). */
type S3Answer = RestResponse & { error?: { code: string; message: string; fields: Record<string, string> } };

/** A KamenError as S3's `<Error>` (HEAD answers carry no body); anything else is InternalError 500. */
export function renderError(err: unknown, method: string, resource: string, presigned = false): S3Answer {
  const xml = { 'content-type': 'application/xml' };
  if (!(err instanceof KamenError)) return { status: 500, headers: xml, error: { code: 'InternalError', message: 'We encountered an internal error. Please try again.', fields: { Resource: resource } } };
  const special = err.code === 'ERR_INCOMPLETE_SIGNATURE' && presigned ? { code: 'AuthorizationQueryParametersError', status: 400 } : S3_AUTH_ERRORS[err.code];
  const wire = wireError(err.code, 'query', err.extra);
  const code = special?.code ?? wire.code;
  const status = special?.status ?? wire.status;
  const message = special?.message ?? err.message;
  if (err.code === 'ERR_S3_NOT_MODIFIED') {
    return { status: 304, headers: { etag: err.extra?.['ETag'] ?? '', 'last-modified': err.extra?.['Last-Modified'] ?? '' } };
  }
  const fields: Record<string, string> = {};
  const headers: Record<string, string> = { ...xml };
  for (const [k, v] of Object.entries(err.extra ?? {})) {
    // x-amz-* (and Last-Modified) extras are response headers (a delete marker's x-amz-delete-marker / x-amz-version-id).
    if (k.startsWith('x-amz-') || k === 'Last-Modified') headers[k.toLowerCase()] = v;
    else if (k !== 'wireCode' && k !== 'encodedMessage') fields[k] = v;
  }
  if (!('BucketName' in fields) && !('Key' in fields)) fields['Resource'] = resource;
  if (err.code === 'ERR_INVALID_CLIENT_TOKEN_ID') delete fields['Resource'];
  return method === 'HEAD' ? { status, headers } : { status, headers, error: { code, message, fields } };
}

/** Writes an answer: one head and a string body, or a streamed body (backpressure honoured); never throws. */
async function send(req: http.IncomingMessage, res: http.ServerResponse, out: S3Answer, requestId: string, hostId: string): Promise<void> {
  if (res.destroyed || res.headersSent) return;
  const body = out.error ? errorDocument(out.error.code, out.error.message, out.error.fields, requestId, hostId) : out.body;
  const headers: Record<string, string | number> = { ...out.headers, 'x-amz-request-id': requestId, 'x-amz-id-2': hostId, server: 'AmazonS3' };
  // A request whose body was never read (refused before it): the connection closes rather than reading it all.
  if (!req.complete && !req.readableEnded && req.readableLength === 0 && (req.headers['content-length'] ?? '0') !== '0') headers['connection'] = 'close';
  if (body instanceof Readable) {
    res.writeHead(out.status, headers);
    if (req.method === 'HEAD') {
      body.destroy();
      res.end();
      return;
    }
    try {
      await pipeline(body, res);
    } catch {
      res.destroy();
    }
    return;
  }
  const text = body ?? '';
  if (headers['content-length'] === undefined) headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(out.status, headers);
  res.end(req.method === 'HEAD' ? undefined : text);
}
