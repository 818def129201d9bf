/** Small helpers the request path uses to start a call's audit facts and to write its request log line. */
import type { WireProtocol } from '../protocol/wire-errors.js';
import type { Caller } from '../services/types.js';
import { errorFacts } from './auditor.js';
import type { RequestLogEntry } from './request-log.js';
import type { CallFacts } from './types.js';

/** The wire protocol whose error codes a service's failures are recorded with. */
export function wireProtocolOf(protocol: 'query' | 'ec2' | 'json' | 'rest-xml'): WireProtocol {
  return protocol === 'rest-xml' ? 'query' : protocol;
}

/** The facts of an authenticated call, before its input is parsed. */
export function startCallFacts(a: {
  requestId: string;
  nowMs: number;
  service: string;
  operation: string;
  region: string;
  caller: Caller;
  sourceIp: string;
  secureTransport: boolean;
  userAgent: string | string[] | undefined;
  host: string | undefined;
  /** The call came from the web console (absent: from a client); `tls` when the browser reached the console over TLS. */
  console?: { tls: boolean } | undefined;
}): CallFacts {
  const f: CallFacts = {
    requestId: a.requestId,
    eventTimeMs: a.nowMs,
    service: a.service,
    operation: a.operation,
    region: a.region,
    sourceIp: a.sourceIp,
    userAgent: (Array.isArray(a.userAgent) ? a.userAgent[0] : a.userAgent) ?? '',
    secureTransport: a.secureTransport,
    caller: a.caller,
  };
  if (a.console) {
    // A console call never leaves the process: AWS records the console's calls with the user agent "AWS Internal", the
    // browser's address, and TLS details only as far as the browser's own connection to the console was TLS.
    f.userAgent = CONSOLE_USER_AGENT;
    f.secureTransport = a.console.tls;
    f.fromConsole = true;
  }
  if (f.secureTransport && a.host) f.tlsHost = a.host;
  return f;
}

/** The userAgent CloudTrail records for calls the AWS Management Console makes on a signed-in user's behalf. */
export const CONSOLE_USER_AGENT = 'AWS Internal';

/** The request log line of one API request. */
export function requestLogEntry(a: {
  requestId: string;
  startedMs: number;
  service: string;
  operation: string | undefined;
  caller: Caller | undefined;
  decision: 'Allow' | 'Deny' | undefined;
  status: number;
  err: unknown;
  protocol: WireProtocol;
  sourceIp: string;
}): RequestLogEntry {
  const e: RequestLogEntry = {
    time: new Date().toISOString(),
    requestId: a.requestId,
    service: a.service,
    status: a.status,
    latencyMs: Math.round((performance.now() - a.startedMs) * 1000) / 1000,
    sourceIp: a.sourceIp,
  };
  if (a.operation !== undefined) e.operation = a.operation;
  if (a.caller && a.caller.kind !== 'anonymous') {
    e.account = a.caller.accountId;
    e.principal = a.caller.arn;
    e.accessKeyId = a.caller.accessKeyId;
  }
  if (a.decision) e.decision = a.decision;
  if (a.err !== undefined) e.errorCode = errorFacts(a.err, a.protocol).code;
  return e;
}
