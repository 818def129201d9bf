/** RFC 6238 TOTP verification (SHA-1, 6 digits, 30 s) for virtual MFA devices; shared by IAM and STS. */
import * as OTPAuth from 'otpauth';

/** The TOTP period in milliseconds. */
export const TOTP_PERIOD_MS = 30_000;

/** The 30 s time step containing `nowMs`. */
export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / TOTP_PERIOD_MS);
}

/** Returns the time step `code` is valid for, searching `window` steps either side of `nowMs`; undefined when none. */
export function verifyTotp(seedBase32: string, code: string, nowMs: number, opts: { window?: number } = {}): number | undefined {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return undefined;
  let totp: OTPAuth.TOTP;
  try {
    totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(seedBase32), digits: 6, period: 30, algorithm: 'SHA1' });
  } catch {
    return undefined;
  }
  const delta = totp.validate({ token: code, timestamp: nowMs, window: opts.window ?? 1 });
  return delta === null ? undefined : totpStepAt(nowMs) + delta;
}

/** The code for a given time step (tests and tools). */
export function totpCodeAt(seedBase32: string, step: number): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(seedBase32), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: step * TOTP_PERIOD_MS });
}
