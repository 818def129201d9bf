/**
 * The console's sign-in events as AWS records them (eventSource signin.amazonaws.com, eventType AwsConsoleSignIn):
 * ConsoleLogin with its outcome and whether MFA was used, and SwitchRole recorded as the new role session.
 */
import type { Caller } from '../services/types.js';
import type { CallFacts } from './types.js';

/** The request facts a console route knows. */
export interface ConsoleRequest {
  requestId: string;
  nowMs: number;
  sourceIp: string;
  userAgent: string;
  secureTransport: boolean;
  host?: string;
  /** Where the sign-in leads (the console's own address). */
  loginTo: string;
}

/**
 * The user agent of the S3 console's requests to S3, as CloudTrail records them (the S3 console calls S3 through AWS's
 * internal Java SDK: "[S3Console/0.4, aws-internal/3 aws-sdk-java/…]").
 */
export const S3_CONSOLE_USER_AGENT =
  '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.772 Linux/5.10.227-219.884.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.432-b06 java/1.8.0_432 vendor/Oracle_Corporation cfg/retry-mode/standard]';

/** AWS's user name for a failed sign-in of a user that does not exist. */
export const HIDDEN_USER = 'HIDDEN_DUE_TO_SECURITY_REASONS';

function base(r: ConsoleRequest, caller: Caller, operation: string): CallFacts {
  const f: CallFacts = {
    requestId: r.requestId,
    eventTimeMs: r.nowMs,
    service: 'signin',
    operation,
    region: 'us-east-1',
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
    secureTransport: r.secureTransport,
    caller,
    eventType: 'AwsConsoleSignIn',
  };
  if (r.secureTransport && r.host) f.tlsHost = r.host;
  return f;
}

/** The ConsoleLogin event of one sign-in attempt; `caller` names who tried (a hidden user name when unknown). */
export function consoleLoginFacts(r: ConsoleRequest, caller: Caller, outcome: { ok: boolean; mfaUsed: boolean }): CallFacts {
  const f = base(r, caller, 'ConsoleLogin');
  f.responseElements = { ConsoleLogin: outcome.ok ? 'Success' : 'Failure' };
  f.additionalEventData = { LoginTo: r.loginTo, MobileVersion: 'No', MFAUsed: outcome.mfaUsed ? 'Yes' : 'No' };
  if (!outcome.ok) f.error = { code: '', message: 'Failed authentication' };
  return f;
}

/** The ConsoleLogin of a SAML sign-in: the role session it opened, and the SAML provider (`SamlProviderArn`). */
export function samlConsoleLoginFacts(r: ConsoleRequest, session: Caller, providerArn: string): CallFacts {
  const f = consoleLoginFacts(r, session, { ok: true, mfaUsed: false });
  f.additionalEventData = { ...f.additionalEventData, SamlProviderArn: providerArn };
  return f;
}

/** The SwitchRole event: the new role session switched from the signed-in identity. */
export function switchRoleFacts(r: ConsoleRequest, session: Caller, switchFrom: string): CallFacts {
  const f = base(r, session, 'SwitchRole');
  f.responseElements = { SwitchRole: 'Success' };
  f.additionalEventData = { SwitchFrom: switchFrom, RedirectTo: r.loginTo };
  return f;
}

/** The store reads and the sink a console sign-in hook needs. */
export interface ConsoleAuditDeps {
  getUser(accountId: string, userName: string): Promise<{ arn: string; userId: string; userName: string } | undefined>;
  getRootUserByEmail(email: string): Promise<{ accountId: string } | undefined>;
  resolveAccount(idOrAlias: string): Promise<string | undefined>;
  record(facts: CallFacts): void;
}

/** A console principal as the caller its events name. */
export function principalCaller(p: { kind: 'root' | 'user' | 'assumed-role'; accountId: string; arn: string; userId: string; userName?: string }): Caller {
  return { kind: p.kind, accountId: p.accountId, arn: p.arn, userId: p.userId, accessKeyId: '', ...(p.userName !== undefined ? { userName: p.userName } : {}) };
}

/**
 * Records one sign-in attempt's ConsoleLogin (not the first step of an MFA sign-in, which is not an attempt yet): in
 * the account tried; an attempt naming no account kamen knows is recorded nowhere, as on AWS.
 */
export async function recordConsoleLogin(
  deps: ConsoleAuditDeps,
  r: ConsoleRequest,
  attempt: { account?: string; userName?: string; email?: string; mfaCode?: string },
  out: { status: 'ok'; principal: Parameters<typeof principalCaller>[0]; mfa: boolean } | { status: 'mfa-required' } | { status: 'failed' },
): Promise<void> {
  if (out.status === 'mfa-required') return;
  if (out.status === 'ok') {
    deps.record(consoleLoginFacts(r, principalCaller(out.principal), { ok: true, mfaUsed: out.mfa }));
    return;
  }
  const mfaUsed = attempt.mfaCode !== undefined;
  if (attempt.email !== undefined) {
    const root = await deps.getRootUserByEmail(attempt.email);
    if (root) deps.record(consoleLoginFacts(r, { kind: 'root', accountId: root.accountId, arn: `arn:aws:iam::${root.accountId}:root`, userId: root.accountId, accessKeyId: '' }, { ok: false, mfaUsed }));
    return;
  }
  const accountId = attempt.account !== undefined ? await deps.resolveAccount(attempt.account) : undefined;
  if (!accountId) return;
  const user = attempt.userName !== undefined ? await deps.getUser(accountId, attempt.userName) : undefined;
  const caller: Caller = user
    ? { kind: 'user', accountId, arn: user.arn, userId: user.userId, accessKeyId: '', userName: user.userName }
    : { kind: 'user', accountId, arn: '', userId: '', accessKeyId: '', userName: HIDDEN_USER };
  deps.record(consoleLoginFacts(r, caller, { ok: false, mfaUsed }));
}
