/** Sign-in (IAM user, root, MFA step, forced password change), the session view, and sign-out. */
import { requestId } from '../../ids.js';
import { recordConsoleLogin, type ConsoleRequest } from '../../audit/console-events.js';
import { randomBytes } from 'node:crypto';
import { mintConsoleCredentials } from '../credentials.js';
import { ConsoleError, str, type ConsoleDeps, type Route, type RouteContext } from '../http.js';
import { sessionCookieHeader, type ConsolePrincipal, type ConsoleSession } from '../session.js';
import type { SignInOutcome } from '../signin.js';
import { ApiError } from '../aws-client.js';

/** How long the forced-password-change step stays open after the password (and MFA) were accepted. */
const PENDING_MS = 5 * 60_000;

interface Pending {
  principal: ConsolePrincipal;
  mfa: boolean;
  until: number;
}

/** What the page needs to draw the header and menus. */
export async function sessionView(deps: ConsoleDeps, s: ConsoleSession, ctx: RouteContext): Promise<Record<string, unknown>> {
  deps.sessions.activeCredentials(s); // drops an expired switched role
  const current = s.switched;
  let accountAlias: string | undefined;
  try {
    const r = await ctx.api('iam', 'ListAccountAliases');
    accountAlias = (r['AccountAliases'] as string[] | undefined)?.[0];
  } catch {
    accountAlias = undefined;
  }
  // Whether to offer the Organizations page is presentation only (a read); the page itself calls the API as the identity.
  const org = await deps.store.getOrganization();
  const managementAccount = org?.managementAccountId === (current?.accountId ?? s.principal.accountId);
  return {
    signedIn: true,
    csrfToken: s.csrfToken,
    expiresAt: new Date(s.expiresAt).toISOString(),
    mfa: s.mfa,
    user: { kind: s.principal.kind, accountId: s.principal.accountId, arn: s.principal.arn, userName: s.principal.userName ?? null },
    current: current
      ? { accountId: current.accountId, arn: current.assumedRoleArn, roleName: current.roleName, displayName: current.displayName, color: current.color, expiresAt: current.credentials.expiration.toISOString() }
      : { accountId: s.principal.accountId, arn: s.principal.arn },
    accountAlias: accountAlias ?? null,
    managementAccount,
    history: s.history,
  };
}

/** The facts of a console request its sign-in events are recorded with. */
export function consoleRequest(deps: ConsoleDeps, ctx: RouteContext): ConsoleRequest {
  return { requestId: requestId(), nowMs: deps.clock.now(), sourceIp: ctx.conn.sourceIp, userAgent: ctx.userAgent, secureTransport: deps.secure, ...(ctx.host ? { host: ctx.host } : {}), loginTo: `${deps.origin(ctx.host)}/` };
}

/** The sign-in routes. */
export function authRoutes(deps: ConsoleDeps): Route[] {
  const pending = new Map<string, Pending>();

  /** Records the attempt's ConsoleLogin event (auditing on). */
  async function recordLogin(ctx: RouteContext, attempt: { account?: string; userName?: string; email?: string; mfaCode?: string }, out: SignInOutcome): Promise<void> {
    const record = deps.recordEvent;
    if (!record) return;
    const audit = { getUser: (a: string, u: string) => deps.store.getUser(a, u), getRootUserByEmail: (e: string) => deps.store.getRootUserByEmail(e), resolveAccount: (x: string) => deps.signIn.resolveAccount(x), record };
    await recordConsoleLogin(audit, consoleRequest(deps, ctx), attempt, out);
  }

  async function startSession(ctx: RouteContext, principal: ConsolePrincipal, mfa: boolean): Promise<Record<string, unknown>> {
    const creds = await mintConsoleCredentials(deps.store, deps.clock, principal, mfa);
    const s = await deps.sessions.create(principal, mfa, creds);
    ctx.replyHeaders['set-cookie'] = sessionCookieHeader(deps.sessions.cookieFor(s), (s.expiresAt - deps.clock.now()) / 1000, deps.secure);
    ctx.session = s;
    return { status: 'ok' };
  }

  function openPending(principal: ConsolePrincipal, mfa: boolean): string {
    const now = deps.clock.now();
    for (const [k, p] of pending) if (p.until <= now) pending.delete(k);
    if (pending.size > 10_000) pending.delete(pending.keys().next().value!);
    const token = randomBytes(24).toString('base64url');
    pending.set(token, { principal, mfa, until: now + PENDING_MS });
    return token;
  }

  async function answer(ctx: RouteContext, out: SignInOutcome): Promise<Record<string, unknown>> {
    if (out.status === 'failed') throw new ConsoleError(401, 'SignInFailed', out.message);
    if (out.status === 'mfa-required') return { status: 'mfa-required' };
    if (out.passwordResetRequired) return { status: 'password-reset-required', token: openPending(out.principal, out.mfa) };
    return startSession(ctx, out.principal, out.mfa);
  }

  return [
    {
      method: 'GET',
      path: '/session',
      auth: false,
      handler: async (ctx) => (ctx.session ? sessionView(deps, ctx.session, ctx) : { signedIn: false }),
    },
    {
      method: 'POST',
      path: '/signin',
      auth: false,
      handler: async (ctx) => {
        const b = ctx.body;
        const mfaCode = str(b, 'mfaCode', { optional: true });
        const attempt = { account: str(b, 'account', { max: 64 }), userName: str(b, 'userName', { max: 64 }), ...(mfaCode ? { mfaCode } : {}) };
        const out = await deps.signIn.user({ ...attempt, password: str(b, 'password', { raw: true, max: 128 }), source: ctx.conn.sourceIp });
        await recordLogin(ctx, attempt, out);
        return answer(ctx, out);
      },
    },
    {
      method: 'POST',
      path: '/signin/root',
      auth: false,
      handler: async (ctx) => {
        const b = ctx.body;
        const mfaCode = str(b, 'mfaCode', { optional: true });
        const attempt = { email: str(b, 'email', { max: 256 }), ...(mfaCode ? { mfaCode } : {}) };
        const out = await deps.signIn.root({ ...attempt, password: str(b, 'password', { raw: true, max: 128 }), source: ctx.conn.sourceIp });
        await recordLogin(ctx, attempt, out);
        return answer(ctx, out);
      },
    },
    {
      method: 'POST',
      path: '/signin/new-password',
      auth: false,
      handler: async (ctx) => {
        const b = ctx.body;
        const token = str(b, 'token', { max: 64 });
        const p = pending.get(token);
        if (!p || p.until <= deps.clock.now()) throw new ConsoleError(401, 'SignInFailed', 'Your sign-in has timed out. Sign in again.');
        const oldPassword = str(b, 'oldPassword', { raw: true, max: 128 });
        const newPassword = str(b, 'newPassword', { raw: true, max: 128 });
        if (newPassword !== str(b, 'confirmPassword', { raw: true, max: 128 })) throw new ConsoleError(400, 'ValidationError', 'The new passwords do not match.');
        // The change itself is iam:ChangePassword, called as the user (their policies decide, as in AWS).
        const creds = await mintConsoleCredentials(deps.store, deps.clock, p.principal, p.mfa, 900);
        try {
          await deps.api.call(creds, 'iam', 'ChangePassword', { OldPassword: oldPassword, NewPassword: newPassword }, ctx.conn);
        } catch (err) {
          if (err instanceof ApiError) throw new ConsoleError(err.status, err.code, err.message);
          throw err;
        }
        pending.delete(token);
        return startSession(ctx, p.principal, p.mfa);
      },
    },
    {
      method: 'POST',
      path: '/signout',
      auth: true,
      handler: async (ctx) => {
        await deps.sessions.destroy(ctx.requireSession().id);
        ctx.replyHeaders['set-cookie'] = sessionCookieHeader('', 0, deps.secure);
        return { status: 'signed-out' };
      },
    },
  ];
}
