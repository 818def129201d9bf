/** The console API's small HTTP layer: routes, the per-request context (session, CSRF, API calls), JSON replies. */
import type { CallFacts } from '../audit/types.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionFacts } from '../http/pipeline.js';
import type { ActionCatalog } from '../policy/index.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { ApiError, type ApiClient, type ConsoleService } from './aws-client.js';
import type { S3Answer, S3Client, S3Request } from './s3-client.js';
import type { XmlNode } from './xml-read.js';
import type { ConsoleSession, SessionStore } from './session.js';
import type { SignInService } from './signin.js';

/** An error the console API answers with: HTTP status, a code and a message the page shows. */
export class ConsoleError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ConsoleError';
    this.status = status;
    this.code = code;
  }
}

/** Everything the route files need; built once per console server. */
export interface ConsoleDeps {
  store: Store;
  clock: Clock;
  sessions: SessionStore;
  signIn: SignInService;
  api: ApiClient;
  /** S3 requests (REST) through kamen's S3 front door. */
  s3?: S3Client;
  /** The action catalog, loaded on first use. */
  catalog(): Promise<ActionCatalog>;
  /** True when the console is served over TLS (cookies get Secure). */
  secure: boolean;
  /** The console's own origin for sign-in links (e.g. http://127.0.0.1:4601). */
  origin(hostHeader: string | undefined): string;
  /** Records a console sign-in event (ConsoleLogin, SwitchRole) when auditing is on. */
  recordEvent?(facts: CallFacts): void;
}

/** One API request as a route sees it. */
export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  host: string | undefined;
  /** The browser's User-Agent header (recorded in ConsoleLogin events, as AWS records it). */
  userAgent: string;
  conn: ConnectionFacts;
  session: ConsoleSession | undefined;
  /** Headers to add to the reply (Set-Cookie). */
  replyHeaders: Record<string, string>;
  /**
   * Calls an AWS API operation as the session's current identity (the switched role's after a switch); `region` picks
   * a regional service's endpoint (CloudTrail's event history is per region).
   */
  api<T = Record<string, any>>(service: ConsoleService, operation: string, params?: Record<string, unknown>, opts?: { region?: string }): Promise<T>;
  /** An S3 request as the session's current identity: its XML answer; S3 errors become ConsoleErrors. */
  s3(req: S3Request): Promise<XmlNode | null>;
  /** An S3 request as the session's current identity: the raw answer, any status (the body still to read). */
  s3Raw(req: S3Request): Promise<S3Answer>;
  /** A streaming route's request and response (its body unread; it writes its own reply), and the security headers. */
  raw?: { req: IncomingMessage; res: ServerResponse; headers: Record<string, string> };
  /** The session, or a 401 when signed out. */
  requireSession(): ConsoleSession;
}

/** A route: method, path pattern (`/iam/users/:name`), whether it needs a session, and its handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  auth: boolean;
  /** The body is not read as JSON: the handler gets `ctx.raw` and may write its own reply (uploads, downloads). */
  stream?: true;
  handler(ctx: RouteContext): Promise<unknown>;
}

/** A compiled route table: finds the route and the path parameters for a request. */
export function createRouter(routes: Route[]): (method: string, path: string) => { route: Route; params: Record<string, string> } | 'method' | undefined {
  const compiled = routes.map((r) => {
    const names: string[] = [];
    const re = new RegExp('^' + r.path.replace(/:(\w+)/g, (_m, n: string) => (names.push(n), '([^/]+)')) + '$');
    return { r, re, names };
  });
  return (method, path) => {
    let pathMatched = false;
    for (const c of compiled) {
      const m = c.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (c.r.method !== method) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]!);
        } catch {
          params[n] = m[i + 1]!;
        }
      });
      return { route: c.r, params };
    }
    return pathMatched ? 'method' : undefined;
  };
}

/**
 * The browser's connection facts marked as the console's own calls, so their CloudTrail records say so (userAgent,
 * sessionCredentialFromConsole, TLS details of the browser's connection).
 */
function consoleConn(deps: ConsoleDeps, conn: ConnectionFacts): ConnectionFacts {
  return { ...conn, console: { tls: deps.secure } };
}

/** The context's `api`: AWS errors become ConsoleErrors with AWS's code and message (AccessDenied → 403). */
export function apiCaller(deps: ConsoleDeps, session: ConsoleSession | undefined, conn: ConnectionFacts): RouteContext['api'] {
  const apiConn = consoleConn(deps, conn);
  return async (service, operation, params = {}, opts = {}) => {
    if (!session) throw new ConsoleError(401, 'SignedOut', 'Your session has ended. Sign in again.');
    try {
      return await deps.api.call(deps.sessions.activeCredentials(session), service, operation, params, apiConn, opts.region);
    } catch (err) {
      if (err instanceof ApiError) throw new ConsoleError(err.status >= 400 && err.status < 600 ? err.status : 400, err.code, err.message);
      throw err;
    }
  };
}

/** The context's `s3` and `s3Raw`: signed as the session's current identity; S3 errors become ConsoleErrors. */
export function s3Caller(deps: ConsoleDeps, session: ConsoleSession | undefined, conn: ConnectionFacts): Pick<RouteContext, 's3' | 's3Raw'> {
  const client = (): S3Client => {
    if (!deps.s3) throw new ConsoleError(501, 'NotImplemented', 'S3 is not served by this console.');
    return deps.s3;
  };
  const creds = () => {
    if (!session) throw new ConsoleError(401, 'SignedOut', 'Your session has ended. Sign in again.');
    return deps.sessions.activeCredentials(session);
  };
  // The client also sends the S3 console's user agent for calls so marked.
  const s3Conn = consoleConn(deps, conn);
  return {
    async s3(req) {
      try {
        return await client().call(creds(), req, s3Conn);
      } catch (err) {
        if (err instanceof ApiError) throw new ConsoleError(err.status >= 400 && err.status < 600 ? err.status : 400, err.code, err.message);
        throw err;
      }
    },
    s3Raw: (req) => client().send(creds(), req, s3Conn),
  };
}

/** A required string field of a JSON body (trimmed unless `raw`), else a 400. */
export function str(body: Record<string, unknown>, name: string, opts: { optional?: boolean; raw?: boolean; max?: number } = {}): string {
  const v = body[name];
  if (v === undefined || v === null || v === '') {
    if (opts.optional) return '';
    throw new ConsoleError(400, 'ValidationError', `${name} is required`);
  }
  if (typeof v !== 'string') throw new ConsoleError(400, 'ValidationError', `${name} must be a string`);
  if (v.length > (opts.max ?? 131072)) throw new ConsoleError(400, 'ValidationError', `${name} is too long`);
  return opts.raw ? v : v.trim();
}

/** An optional list of strings from a JSON body. */
export function strList(body: Record<string, unknown>, name: string): string[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ConsoleError(400, 'ValidationError', `${name} must be a list of strings`);
  return v as string[];
}

/** Reads every page of a listing operation (Marker/IsTruncated, or NextToken), up to `max` items. */
export async function listAll<T>(ctx: RouteContext, service: ConsoleService, operation: string, key: string, params: Record<string, unknown> = {}, max = 5000): Promise<T[]> {
  const out: T[] = [];
  const tokenName = service === 'organizations' ? 'NextToken' : 'Marker';
  let token: string | undefined;
  do {
    const page = await ctx.api(service, operation, token ? { ...params, [tokenName]: token } : params);
    out.push(...((page[key] as T[] | undefined) ?? []));
    token = service === 'organizations' ? (page['NextToken'] as string | undefined) : page['IsTruncated'] ? (page['Marker'] as string | undefined) : undefined;
  } while (token && out.length < max);
  return out;
}
