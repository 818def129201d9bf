/**
 * Sign-in throttling per account + user (growing delays after each failure, then a lockout: 5 failures → 15 minutes)
 * and per source address (100 failures in the window, across any users, lock the source out). Both tables are bounded
 * and never evict a live entry: when one is full after forgetting what has run out, a sign-in from a key or source it
 * does not know is refused ("too many attempts") instead, so a flood of made-up users cannot push a lockout out.
 */
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

/** How much the throttle remembers, and the rule per source. */
export interface LockoutLimits {
  /** Account+user keys remembered at most (each a few dozen bytes). */
  maxKeys: number;
  /** Source addresses remembered at most. */
  maxSources: number;
  /** Failures one source may make within the window (any users) before it is locked out for lockMs. */
  sourceMaxFailures: number;
}

/** The default rules: 5 failures lock the user out for 15 minutes; 1 s, 2 s, 4 s, 8 s between tries before that. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000, windowMs: 15 * 60_000, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** The default bounds: 50,000 users, 10,000 sources, 100 failures per source in the window. */
export const DEFAULT_LOCKOUT_LIMITS: LockoutLimits = { maxKeys: 50_000, maxSources: 10_000, sourceMaxFailures: 100 };

/** Whether a sign-in attempt may proceed now. */
export type LockoutCheck = { allowed: true } | { allowed: false; locked: boolean; retryAfterMs: number };

/** The throttle of one console server; `source` is the client's address (absent: only the account+user is throttled). */
export interface Lockout {
  check(key: string, source?: string): LockoutCheck;
  fail(key: string, source?: string): void;
  /** Clears the account+user's failures (a source's failures stay counted). */
  succeed(key: string, source?: string): void;
  /** Entries remembered (for tests and metrics). */
  readonly size: { keys: number; sources: number };
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/** Stale entries forgotten per call at most, so a full table is cleaned a little at a time. */
const PURGE_BUDGET = 64;

/** One bounded table of failures; its Map is kept in order of last failure, oldest first. */
function failureTable(max: number, windowMs: number) {
  const entries = new Map<string, Entry>();
  const cap = Math.max(1, max);
  const stale = (e: Entry, now: number) => e.lockedUntil <= now && now - e.lastFailure > windowMs;
  /** Forgets run-out entries from the oldest end; true when one more fits. */
  const makeRoom = (now: number): boolean => {
    let budget = PURGE_BUDGET;
    for (const [k, e] of entries) {
      if (entries.size < cap || budget-- === 0 || !stale(e, now)) break;
      entries.delete(k);
    }
    return entries.size < cap;
  };
  return {
    /** The live entry of `key`, forgetting it when it has run out. */
    live(key: string, now: number): Entry | undefined {
      const e = entries.get(key);
      if (e && stale(e, now)) {
        entries.delete(key);
        return undefined;
      }
      return e;
    },
    /** True when a key the table does not know could be added now. */
    hasRoom: makeRoom,
    /** How long until the oldest entry runs out (when the table is full). */
    waitMs(now: number): number {
      const first = entries.values().next().value;
      if (!first) return 1000;
      return Math.max(1000, Math.max(first.lockedUntil, first.lastFailure + windowMs + 1) - now);
    },
    /** Records a failure; false when the key is new and the table is full (nothing is evicted). */
    record(key: string, now: number, fresh: boolean): Entry | undefined {
      let e = fresh ? undefined : entries.get(key);
      if (!e) {
        if (!entries.has(key) && !makeRoom(now)) return undefined;
        e = { failures: 0, lastFailure: now, lockedUntil: 0 };
      }
      entries.delete(key); // re-inserted last: the Map stays in order of last failure
      entries.set(key, e);
      e.failures += 1;
      e.lastFailure = now;
      return e;
    },
    delete(key: string): void {
      entries.delete(key);
    },
    get size(): number {
      return entries.size;
    },
  };
}

/** Builds a throttle on the injected clock, bounded by `limits`. */
export function createLockout(clock: Clock, policy: LockoutPolicy = DEFAULT_LOCKOUT, limits: Partial<LockoutLimits> = {}): Lockout {
  const lim: LockoutLimits = { ...DEFAULT_LOCKOUT_LIMITS, ...limits };
  const keys = failureTable(lim.maxKeys, policy.windowMs);
  const sources = failureTable(lim.maxSources, policy.windowMs);
  const full = (retryAfterMs: number): LockoutCheck => ({ allowed: false, locked: false, retryAfterMs });

  return {
    check(key, source) {
      const now = clock.now();
      if (source !== undefined) {
        const s = sources.live(source, now);
        if (s && s.lockedUntil > now) return { allowed: false, locked: true, retryAfterMs: s.lockedUntil - now };
        if (!s && !sources.hasRoom(now)) return full(sources.waitMs(now));
      }
      const e = keys.live(key, now);
      if (!e) return keys.hasRoom(now) ? { allowed: true } : full(keys.waitMs(now));
      if (e.lockedUntil > now) return { allowed: false, locked: true, retryAfterMs: e.lockedUntil - now };
      if (e.failures >= policy.maxFailures) return { allowed: true }; // a lock that has run out
      const wait = e.lastFailure + Math.min(policy.baseDelayMs * 2 ** (e.failures - 1), policy.maxDelayMs) - now;
      return wait > 0 ? { allowed: false, locked: false, retryAfterMs: wait } : { allowed: true };
    },
    fail(key, source) {
      const now = clock.now();
      if (source !== undefined) {
        const s = sources.live(source, now);
        const restart = s !== undefined && s.failures >= lim.sourceMaxFailures && s.lockedUntil <= now;
        const r = sources.record(source, now, restart);
        if (r && r.failures >= lim.sourceMaxFailures) r.lockedUntil = now + policy.lockMs;
      }
      const e = keys.live(key, now);
      const restart = e !== undefined && e.failures >= policy.maxFailures && e.lockedUntil <= now; // start over after a lock
      const r = keys.record(key, now, restart);
      if (r && r.failures >= policy.maxFailures) r.lockedUntil = now + policy.lockMs;
    },
    succeed(key) {
      keys.delete(key);
    },
    get size() {
      return { keys: keys.size, sources: sources.size };
    },
  };
}
