/** Sign-in throttling per account + user: growing delays after each failure, then a lockout (5 failures → 15 minutes). */
import type { Clock } from '../clock.js';

/** The throttling rules. */
export interface LockoutPolicy {
  maxFailures: number;
  lockMs: number;
  /** Failures older than this (since the last one) are forgotten. */
  windowMs: number;
  /** Delay after the first failure; doubles after each further one, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The default rules: 5 failures lock the user out for 15 minutes; 1 s, 2 s, 4 s, 8 s between tries before that. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000, windowMs: 15 * 60_000, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** Whether a sign-in attempt may proceed now. */
export type LockoutCheck = { allowed: true } | { allowed: false; locked: boolean; retryAfterMs: number };

/** The throttle of one console server. */
export interface Lockout {
  check(key: string): LockoutCheck;
  fail(key: string): void;
  succeed(key: string): void;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/** Builds a throttle on the injected clock; at most `maxKeys` keys are remembered (oldest forgotten first). */
export function createLockout(clock: Clock, policy: LockoutPolicy = DEFAULT_LOCKOUT, maxKeys = 50_000): Lockout {
  const entries = new Map<string, Entry>();
  const live = (key: string, now: number): Entry | undefined => {
    const e = entries.get(key);
    if (e && e.lockedUntil <= now && now - e.lastFailure > policy.windowMs) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    check(key) {
      const now = clock.now();
      const e = live(key, now);
      if (!e) return { allowed: true };
      if (e.lockedUntil > now) return { allowed: false, locked: true, retryAfterMs: e.lockedUntil - now };
      if (e.failures >= policy.maxFailures) return { allowed: true }; // a lock that has run out
      const wait = e.lastFailure + Math.min(policy.baseDelayMs * 2 ** (e.failures - 1), policy.maxDelayMs) - now;
      return wait > 0 ? { allowed: false, locked: false, retryAfterMs: wait } : { allowed: true };
    },
    fail(key) {
      const now = clock.now();
      let e = live(key, now);
      if (e && e.failures >= policy.maxFailures && e.lockedUntil <= now) e = undefined; // start over after a lock
      if (!e) {
        if (entries.size >= maxKeys) entries.delete(entries.keys().next().value!);
        e = { failures: 0, lastFailure: now, lockedUntil: 0 };
        entries.set(key, e);
      }
      e.failures += 1;
      e.lastFailure = now;
      if (e.failures >= policy.maxFailures) e.lockedUntil = now + policy.lockMs;
    },
    succeed(key) {
      entries.delete(key);
    },
  };
}
