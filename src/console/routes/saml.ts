/**
 * SAML sign-in on the console port, the counterpart of https://signin.aws.amazon.com/saml: `POST /saml` takes the
 * IdP's SAMLResponse (form post), verifies it exactly as AssumeRoleWithSAML does (src/federation/saml), and opens a
 * console session as the chosen role for the assertion's SessionDuration (capped by the role's MaxSessionDuration;
 * one hour by default). An assertion carrying several roles gets AWS's role chooser page first. `GET /saml/metadata.xml`
 * is the service provider metadata an IdP needs (entity ID urn:amazon:webservices, ACS = this port's /saml).
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { errorFacts } from '../../audit/auditor.js';
import { samlConsoleLoginFacts, type ConsoleRequest } from '../../audit/console-events.js';
import { consoleSamlFacts, type ConsoleSamlCall } from '../../audit/federated.js';
import { isKamenError } from '../../errors.js';
import { unverifiedProviderArns, type SamlClaims } from '../../federation/saml/index.js';
import { requestId } from '../../ids.js';
import type { PipelineDeps } from '../../http/pipeline.js';
import { authorizerSource, issueCredentials } from '../../services/sts/common.js';
import { planSamlSession, samlProviderFor, samlResponseElements, samlUser, verifyForProvider } from '../../services/sts/assume-role-with-saml.js';
import type { OperationContext } from '../../services/types.js';
import type { Role, SamlProvider } from '../../store/store.js';
import type { ConsoleDeps } from '../http.js';
import { sessionCookieHeader } from '../session.js';

/** How long the role chooser stays open. */
const CHOOSER_MS = 5 * 60_000;
/** Largest form body read (a SAMLResponse is at most 100 000 characters, URL-encoded). */
const MAX_FORM_BYTES = 400_000;

interface PendingChoice {
  provider: SamlProvider;
  claims: SamlClaims;
  sourceIp: string;
  until: number;
}

/** What the SAML handler needs besides the console's deps. */
export interface SamlRouteOptions {
  pipeline: PipelineDeps;
  /** This console's ACS URL (accepted as Recipient/Destination/Audience besides AWS's). */
  acsUrl(): string;
  headers: Record<string, string>;
}

/** Builds the handler for /saml and /saml/*; returns false when the path is not one of them. */
export function samlHandler(deps: ConsoleDeps, opts: SamlRouteOptions): (req: http.IncomingMessage, res: http.ServerResponse, path: string) => Promise<boolean> {
  const pending = new Map<string, PendingChoice>();
  const authorizerFor = authorizerSource(undefined);

  const opCtx = (sourceIp: string): OperationContext => ({
    requestId: randomBytes(16).toString('hex'),
    caller: { kind: 'anonymous', accountId: '', arn: '', userId: 'anonymous', accessKeyId: '' },
    store: deps.store,
    clock: deps.clock,
    region: 'us-east-1',
    sourceIp,
    secureTransport: deps.secure,
    deps: { ...opts.pipeline.serviceDeps, samlAcsUrls: [opts.acsUrl()] },
  });

  /** The role an ARN names, if it exists (a refused sign-in is recorded in its account). */
  async function roleOf(roleArn: string): Promise<Role | undefined> {
    const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    const role = m ? await deps.store.getRole(m[1]!, m[2]!) : undefined;
    return role && role.arn === roleArn ? role : undefined;
  }

  function send(res: http.ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store', ...opts.headers, ...extra });
    res.end(html);
  }

  /**
   * Issues the role session and the console session; redirects to the console. As on AWS, the sign-in is recorded as
   * the AssumeRoleWithSAML it makes (the SAML user's, in the role's account; refused ones too, once the role is known)
   * followed by the ConsoleLogin of the role session.
   */
  async function signIn(req: http.IncomingMessage, res: http.ServerResponse, ctx: OperationContext, provider: SamlProvider, claims: SamlClaims, roleArn: string): Promise<void> {
    const a = claims.attributes;
    const seconds = (role: { maxSessionDuration: number } | undefined): number => Math.min(a.sessionDuration ?? 3600, role?.maxSessionDuration ?? 43200);
    const call = (durationSeconds: number): ConsoleSamlCall => ({
      requestId: requestId(),
      nowMs: deps.clock.now(),
      tls: deps.secure,
      roleArn,
      principalArn: provider.arn,
      durationSeconds,
      assertionId: claims.assertionId,
      roleSessionName: a.roleSessionName,
      sourceIdentity: a.sourceIdentity,
      principalTags: a.principalTags,
      transitiveTagKeys: a.transitiveTagKeys,
    });
    let plan: Awaited<ReturnType<typeof planSamlSession>> | undefined;
    let c: Awaited<ReturnType<typeof issueCredentials>>;
    try {
      plan = await planSamlSession(ctx, authorizerFor, provider, claims, roleArn);
      const issuer: OperationContext = { ...ctx, caller: { ...ctx.caller, arn: `${provider.arn}/${claims.subject}` } };
      c = await issueCredentials(issuer, plan.role.accountId, { kind: 'assumed-role', arn: plan.assumedArn, userId: plan.assumedId }, plan.info, seconds(plan.role));
    } catch (err) {
      if (deps.recordEvent && isKamenError(err)) {
        // Recorded as the SAML user's once the role is known (nothing names the account before that).
        const role = plan?.role ?? (await roleOf(roleArn));
        if (role) deps.recordEvent(consoleSamlFacts(call(seconds(role)), { error: errorFacts(err, 'query'), user: samlUser(claims, provider, role.accountId) }));
      }
      throw err;
    }
    const principal = { kind: 'assumed-role' as const, accountId: plan.role.accountId, arn: plan.assumedArn, userId: plan.assumedId, userName: plan.sessionName };
    if (deps.recordEvent) {
      const output = {
        ...samlResponseElements(plan, claims, provider, c),
        ...(plan.info.sourceIdentity ? { SourceIdentity: plan.info.sourceIdentity } : {}),
      };
      deps.recordEvent(consoleSamlFacts(call(seconds(plan.role)), { output }));
    }
    const s = await deps.sessions.create(principal, false, { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration });
    if (deps.recordEvent) {
      const login: ConsoleRequest = { requestId: requestId(), nowMs: deps.clock.now(), sourceIp: ctx.sourceIp, userAgent: headerText(req.headers['user-agent']), secureTransport: deps.secure, loginTo: `${deps.origin(req.headers.host)}/console/` };
      if (req.headers.host) login.host = req.headers.host;
      deps.recordEvent(samlConsoleLoginFacts(login, { ...principal, accessKeyId: '', session: plan.info }, provider.arn));
    }
    res.writeHead(302, {
      location: '/console/',
      'set-cookie': sessionCookieHeader(deps.sessions.cookieFor(s), (s.expiresAt - deps.clock.now()) / 1000, deps.secure),
      'cache-control': 'no-store',
      ...opts.headers,
    });
    res.end();
  }

  async function postSaml(req: http.IncomingMessage, res: http.ServerResponse, sourceIp: string): Promise<void> {
    const form = await readForm(req);
    const b64 = form?.get('SAMLResponse');
    if (!b64) return send(res, 400, errorPage('Your request did not include a SAML response.'));
    const ctx = opCtx(sourceIp);
    // The Role attribute names the provider to verify with; nothing else is read before the signature is checked.
    const candidates = unverifiedProviderArns(b64);
    if (candidates.length !== 1) return send(res, 400, errorPage('Your request included an invalid SAML response.'));
    const provider = await samlProviderFor(ctx, candidates[0]!);
    const claims = await verifyForProvider(ctx, provider, b64);
    const roles = claims.attributes.roles.filter((r) => r.providerArn === provider.arn);
    if (roles.length === 0) return send(res, 400, errorPage('Your request included an invalid SAML response.'));
    if (roles.length === 1) return signIn(req, res, ctx, provider, claims, roles[0]!.roleArn);
    const now = deps.clock.now();
    for (const [k, p] of pending) if (p.until <= now) pending.delete(k);
    if (pending.size > 10_000) pending.delete(pending.keys().next().value!);
    const token = randomBytes(24).toString('base64url');
    pending.set(token, { provider, claims, sourceIp, until: now + CHOOSER_MS });
    return send(res, 200, chooserPage(token, roles.map((r) => r.roleArn)));
  }

  async function postChoice(req: http.IncomingMessage, res: http.ServerResponse, sourceIp: string): Promise<void> {
    const form = await readForm(req);
    const token = form?.get('token') ?? '';
    const roleArn = form?.get('roleIndex') ?? '';
    const p = pending.get(token);
    if (!p || p.until <= deps.clock.now() || p.sourceIp !== sourceIp) return send(res, 400, errorPage('Your sign-in has timed out. Sign in again through your identity provider.'));
    if (!p.claims.attributes.roles.some((r) => r.roleArn === roleArn && r.providerArn === p.provider.arn)) {
      return send(res, 200, chooserPage(token, p.claims.attributes.roles.filter((r) => r.providerArn === p.provider.arn).map((r) => r.roleArn), 'Select a role to sign in.'));
    }
    pending.delete(token);
    return signIn(req, res, opCtx(sourceIp), p.provider, p.claims, roleArn);
  }

  return async (req, res, path) => {
    const method = req.method ?? 'GET';
    const sourceIp = normalizeIp(req.socket.remoteAddress ?? '');
    try {
      if (path === '/saml/metadata.xml' && (method === 'GET' || method === 'HEAD')) {
        const xml = spMetadata(opts.acsUrl());
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'content-length': Buffer.byteLength(xml), ...opts.headers });
        res.end(method === 'HEAD' ? undefined : xml);
        return true;
      }
      if ((path === '/saml' || path === '/saml/') && method === 'POST') {
        await postSaml(req, res, sourceIp);
        return true;
      }
      if (path === '/saml/choose' && method === 'POST') {
        await postChoice(req, res, sourceIp);
        return true;
      }
      if (path === '/saml' || path.startsWith('/saml/')) {
        send(res, 405, errorPage('Send the SAML response with HTTP POST.'));
        return true;
      }
      return false;
    } catch (err) {
      if (!isKamenError(err)) throw err;
      // AWS's sign-in page shows the STS error code and text.
      send(res, err.code === 'ERR_ACCESS_DENIED' ? 403 : 400, errorPage(`Your request included an invalid SAML response. ${err.message}`));
      return true;
    }
  };
}

/** The SP metadata (urn:amazon:webservices) with this console's ACS URL. */
export function spMetadata(acsUrl: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:amazon:webservices">' +
    '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">' +
    '<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>' +
    '<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>' +
    `<md:AssertionConsumerService index="1" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${escapeHtml(acsUrl)}"/>` +
    '<md:AttributeConsumingService index="1"><md:ServiceName xml:lang="en">AWS Management Console Single Sign-On</md:ServiceName>' +
    '<md:RequestedAttribute isRequired="true" Name="https://aws.amazon.com/SAML/Attributes/Role"/>' +
    '<md:RequestedAttribute isRequired="true" Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"/>' +
    '<md:RequestedAttribute isRequired="false" Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"/>' +
    '</md:AttributeConsumingService></md:SPSSODescriptor></md:EntityDescriptor>\n'
  );
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const PAGE_STYLE =
  'body{font-family:Arial,sans-serif;background:#f2f3f3;margin:0}main{max-width:640px;margin:40px auto;background:#fff;padding:24px 32px;border-radius:4px}' +
  'h1{font-size:20px}fieldset{border:0;padding:0;margin:16px 0}legend{font-weight:bold;margin-bottom:8px}label{display:block;margin:6px 0 6px 16px}' +
  'button{background:#ec7211;color:#fff;border:0;padding:8px 20px;border-radius:2px;font-weight:bold}.error{color:#d13212}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function errorPage(message: string): string {
  return page('Amazon Web Services Sign-In', `<h1>Amazon Web Services Sign-In</h1><p class="error" id="error">${escapeHtml(message)}</p>`);
}

/** AWS's role chooser: the roles grouped by account, one radio button each, and Sign in. */
function chooserPage(token: string, roleArns: string[], error?: string): string {
  const byAccount = new Map<string, string[]>();
  for (const arn of roleArns) {
    const account = arn.split(':')[4]!;
    byAccount.set(account, [...(byAccount.get(account) ?? []), arn]);
  }
  const groups = [...byAccount]
    .map(
      ([account, arns]) =>
        `<fieldset class="saml-account"><legend>Account: ${escapeHtml(account)}</legend>` +
        arns.map((arn) => `<label><input type="radio" name="roleIndex" value="${escapeHtml(arn)}"> ${escapeHtml(arn.slice(arn.indexOf(':role/') + 6))}</label>`).join('') +
        '</fieldset>',
    )
    .join('');
  return page(
    'Amazon Web Services Sign-In',
    `<h1>Select a role:</h1>${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}<form method="post" action="/saml/choose"><input type="hidden" name="token" value="${escapeHtml(token)}">${groups}<button type="submit" id="signin_button">Sign in</button></form>`,
  );
}


function headerText(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** Reads an application/x-www-form-urlencoded body (undefined when too large or of another type). */
function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_FORM_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_FORM_BYTES ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}
