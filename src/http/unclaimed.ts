/**
 * The answer to a request no service claims, in the shape its protocol's clients parse: S3-looking requests get S3's
 * `NotImplemented`, JSON requests (X-Amz-Target) `UnknownOperationException`, Query requests (an Action, a form body,
 * or a SigV4 signature) `InvalidAction`/`MissingAction` in an `<ErrorResponse>`. An unsigned plain GET of `/` or
 * `/health` with no AWS marker is the health check.
 */
import type { WireResponse } from '../protocol/index.js';
import { requestId as newRequestId } from '../ids.js';
import { awsServiceOfHost, scopeOf } from './route.js';

/** What the health check answers. */
const HEALTH_BODY = '{"service":"kamen","status":"ok"}';

/** The head of a request as this module reads it. */
export interface UnclaimedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The answer for a request the pipeline left unclaimed. */
export function unclaimedAnswer(req: UnclaimedRequest): WireResponse {
  const h = req.headers;
  const authorization = one(h['authorization']);
  const service = awsServiceOfHost(one(h['host']))?.service ?? scopeOf(authorization, req.query)?.service;
  const target = one(h['x-amz-target']);
  const contentType = (one(h['content-type']) ?? '').toLowerCase();
  const form = contentType.startsWith('application/x-www-form-urlencoded');
  const action = actionOf(req.query, form ? req.body : undefined);
  const rid = newRequestId();
  if (service === 's3') return s3NotImplemented(rid);
  if (target !== undefined || contentType.startsWith('application/x-amz-json')) {
    const message = service ? `kamen does not serve ${service}` : `No operation ${target ?? ''} is served here`;
    return {
      status: 400,
      headers: { 'content-type': contentType.startsWith('application/x-amz-json-1.0') ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1', 'x-amzn-requestid': rid, 'x-amzn-errortype': 'UnknownOperationException' },
      body: JSON.stringify({ __type: 'UnknownOperationException', message }),
    };
  }
  const marked = service !== undefined || action !== undefined || form || authorization !== undefined || hasAmzMarker(h, req.query);
  if (!marked && (req.method === 'GET' || req.method === 'HEAD') && (req.path === '/' || req.path === '/health')) {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: HEALTH_BODY };
  }
  if (service) return queryError(rid, 'InvalidAction', `kamen does not serve the ${service} service${action ? ` (operation ${action})` : ''}`);
  if (action) return queryError(rid, 'InvalidAction', `Could not find operation ${action}`);
  return queryError(rid, 'MissingAction', 'Missing Action');
}

/** A Query-protocol error, as IAM/STS render theirs. */
function queryError(rid: string, code: string, message: string): WireResponse {
  return {
    status: 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': rid },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`,
  };
}

/** S3's answer for functionality it does not implement. */
function s3NotImplemented(rid: string): WireResponse {
  return {
    status: 501,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': rid },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NotImplemented</Code><Message>kamen does not serve Amazon S3</Message><RequestId>${rid}</RequestId></Error>`,
  };
}

/** The Query `Action` from the query string or a form body. */
function actionOf(query: string, body: Buffer | undefined): string | undefined {
  const fromQuery = query.includes('Action=') ? new URLSearchParams(query).get('Action') ?? undefined : undefined;
  if (fromQuery) return fromQuery;
  if (!body || body.length === 0) return undefined;
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
}

/** True when a header or query parameter is one only AWS clients send (x-amz-*, X-Amz-*). */
function hasAmzMarker(headers: Record<string, unknown>, query: string): boolean {
  if (/(?:^|&)X-Amz-/i.test(query)) return true;
  for (const k in headers) if (k.startsWith('x-amz-')) return true;
  return false;
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
