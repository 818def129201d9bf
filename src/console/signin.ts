/**
 * Console sign-in checks: account (ID or alias) + IAM user + password, or root email + password; then the MFA code
 * when the identity has an enabled MFA device; throttled per account + user and per source address by the lockout. The
 * only place the console reads the store directly: verifying a password and an MFA code is what signing in is.
 */
import type { Clock } from '../clock.js';
import { verifyPassword } from '../store/passwords.js';
import type { MfaDevice, Store } from '../store/store.js';
import { verifyTotp } from '../services/iam/totp.js';
import type { Lockout } from './lockout.js';
import type { ConsolePrincipal } from './session.js';

/** AWS's text for a wrong account, user name, password or MFA code alike. */
export const BAD_CREDENTIALS = 'Your authentication information is incorrect. Please try again.';

/** The outcome of one sign-in attempt. */
export type SignInOutcome =
  | { status: 'ok'; principal: ConsolePrincipal; mfa: boolean; passwordResetRequired: boolean }
  | { status: 'mfa-required' }
  | { status: 'failed'; message: string; retryAfterMs?: number };

/** What the IAM user form sends. */
export interface UserSignIn {
  account: string;
  userName: string;
  password: string;
  mfaCode?: string;
  /** The client's address: failures are also counted per source. */
  source?: string;
}

/** What the root form sends. */
export interface RootSignIn {
  email: string;
  password: string;
  mfaCode?: string;
  /** The client's address: failures are also counted per source. */
  source?: string;
}

/** The sign-in checks of one console server. */
export interface SignInService {
  user(input: UserSignIn): Promise<SignInOutcome>;
  root(input: RootSignIn): Promise<SignInOutcome>;
  /** The account a 12-digit ID or an alias names, or undefined. */
  resolveAccount(idOrAlias: string): Promise<string | undefined>;
}

function throttled(retryAfterMs: number, locked: boolean): SignInOutcome {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const message = locked
    ? `Too many failed sign-in attempts: sign-in is locked for ${Math.ceil(seconds / 60)} more minute(s).`
    : `Too many failed sign-in attempts. Wait ${seconds} second(s) and try again.`;
  return { status: 'failed', message, retryAfterMs };
}

/** Builds the sign-in checks over the store, clock and lockout. */
export function createSignIn(deps: { store: Store; clock: Clock; lockout: Lockout }): SignInService {
  const { store, clock, lockout } = deps;

  async function resolveAccount(idOrAlias: string): Promise<string | undefined> {
    const t = idOrAlias.trim();
    const v = /^\d{4}-\d{4}-\d{4}$/.test(t) ? t.replace(/-/g, '') : t;
    if (/^\d{12}$/.test(v)) return (await store.getAccount(v)) || (await store.getRootUser(v)) ? v : undefined;
    return v ? store.getAccountIdByAlias(v.toLowerCase()) : undefined;
  }

  /** Checks an MFA code against the identity's enabled devices (a used time step cannot be replayed). */
  async function checkMfa(devices: MfaDevice[], code: string): Promise<boolean> {
    return store.transaction(async () => {
      for (const d of devices) {
        const fresh = await store.getMfaDevice(d.serialNumber);
        if (!fresh) continue;
        const step = verifyTotp(fresh.seedBase32, code, clock.now());
        if (step === undefined || (fresh.lastUsedStep !== undefined && step <= fresh.lastUsedStep)) continue;
        await store.updateMfaDevice(fresh.serialNumber, { lastUsedStep: step });
        return true;
      }
      return false;
    });
  }

  /** The shared tail: password, then MFA, with the throttle counting every failure. */
  async function finish(key: string, source: string | undefined, hash: string | undefined, password: string, devices: MfaDevice[], mfaCode: string | undefined, principal: () => ConsolePrincipal, resetRequired: boolean): Promise<SignInOutcome> {
    const ok = hash !== undefined && typeof password === 'string' && (await verifyPassword(password, hash));
    if (!ok) {
      lockout.fail(key, source);
      return { status: 'failed', message: BAD_CREDENTIALS };
    }
    let mfa = false;
    if (devices.length) {
      if (!mfaCode) return { status: 'mfa-required' };
      if (!(await checkMfa(devices, mfaCode.trim()))) {
        lockout.fail(key, source);
        return { status: 'failed', message: BAD_CREDENTIALS };
      }
      mfa = true;
    }
    lockout.succeed(key);
    return { status: 'ok', principal: principal(), mfa, passwordResetRequired: resetRequired };
  }

  return {
    resolveAccount,
    async user(input) {
      const accountText = String(input.account ?? '').trim();
      const userName = String(input.userName ?? '').trim();
      const accountId = accountText ? await resolveAccount(accountText) : undefined;
      const key = `${accountId ?? accountText.toLowerCase()}|${userName.toLowerCase()}`;
      const gate = lockout.check(key, input.source);
      if (!gate.allowed) return throttled(gate.retryAfterMs, gate.locked);
      const user = accountId && userName ? await store.getUser(accountId, userName) : undefined;
      const profile = user ? await store.getLoginProfile(user.accountId, user.userName) : undefined;
      const devices = user ? (await store.listMfaDevices(user.accountId)).filter((d) => d.enableDate && d.userName?.toLowerCase() === user.userName.toLowerCase()) : [];
      const out = await finish(key, input.source, profile?.passwordHash, input.password, devices, input.mfaCode, () => ({ kind: 'user', accountId: user!.accountId, arn: user!.arn, userId: user!.userId, userName: user!.userName }), profile?.passwordResetRequired === true);
      if (out.status === 'ok' && user) await store.updateUser(user.accountId, user.userName, { passwordLastUsed: new Date(clock.now()) });
      return out;
    },
    async root(input) {
      const email = String(input.email ?? '').trim();
      const key = `root|${email.toLowerCase()}`;
      const gate = lockout.check(key, input.source);
      if (!gate.allowed) return throttled(gate.retryAfterMs, gate.locked);
      const root = email ? await store.getRootUserByEmail(email) : undefined;
      const devices = root ? (await store.listMfaDevices(root.accountId)).filter((d) => d.enableDate && d.userName === undefined) : [];
      return finish(key, input.source, root?.passwordHash, input.password, devices, input.mfaCode, () => ({ kind: 'root', accountId: root!.accountId, arn: `arn:aws:iam::${root!.accountId}:root`, userId: root!.accountId }), false);
    },
  };
}
