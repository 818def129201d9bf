/**
 * The rate at which one principal may have temporary credentials issued (AssumeRole, GetSessionToken,
 * GetFederationToken): a token bucket per calling principal ARN on the injected clock, so one low-privilege caller
 * cannot grow the credential table without bound. Over the rate the call gets AWS's `Throttling` / "Rate exceeded".
 * The table of buckets is bounded; a full bucket is the same as none, so those are forgotten first, and when every
 * remembered bucket is still refilling a new principal is refused (fails closed) rather than one being reset.
 */
import type { Clock } from '../clock.js';
import { KamenError } from '../errors.js';

/** The rate of issuance per principal. */
export interface IssueRate {
  /** Tokens added per second. */
  perSecond: number;
  /** The bucket's size: how many issues in a burst. */
  burst: number;
}

/** The default: 100 issues a second per principal, in bursts of up to 200. */
export const DEFAULT_ISSUE_RATE: IssueRate = { perSecond: 100, burst: 200 };

/** Principals remembered at most (each bucket is two numbers). */
export const DEFAULT_MAX_PRINCIPALS = 10_000;

/** Takes one issue from a principal's bucket or throws Throttling. */
export interface IssueRateLimiter {
  /** Consumes one token of `principalArn`'s bucket; throws KamenError('ERR_THROTTLING', 'Rate exceeded') when empty. */
  take(principalArn: string): void;
  /** Buckets currently remembered. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Parses `RATE` or `RATE:BURST` (per second; burst defaults to twice the rate); throws a plain Error on bad text. */
export function parseIssueRate(text: string): IssueRate {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?::\s*(\d+))?\s*$/.exec(text);
  const perSecond = m ? Number(m[1]) : NaN;
  const burst = m?.[2] !== undefined ? Number(m[2]) : Math.max(1, Math.ceil(perSecond * 2));
  if (!m || !(perSecond > 0) || !Number.isFinite(perSecond) || !(burst >= 1)) {
    throw new Error(`--sts-issue-rate must be RATE or RATE:BURST with RATE > 0 issues per second and BURST >= 1, got '${text}'`);
  }
  return { perSecond, burst };
}

/** Builds the limiter on `clock`; at most `maxPrincipals` buckets are kept. */
export function createIssueRateLimiter(clock: Clock, rate: IssueRate = DEFAULT_ISSUE_RATE, maxPrincipals = DEFAULT_MAX_PRINCIPALS): IssueRateLimiter {
  const buckets = new Map<string, Bucket>();
  const cap = Math.max(1, maxPrincipals);
  const perMs = rate.perSecond / 1000;
  const level = (b: Bucket, now: number): number => Math.min(rate.burst, b.tokens + Math.max(0, now - b.at) * perMs);

  /** Forgets buckets that have refilled, oldest use first; true when there is room for one more. */
  const makeRoom = (now: number): boolean => {
    for (const [arn, b] of buckets) {
      if (buckets.size < cap) return true;
      if (level(b, now) < rate.burst) return false; // the least recently used is still refilling: keep it
      buckets.delete(arn);
    }
    return buckets.size < cap;
  };

  return {
    take(principalArn) {
      const now = clock.now();
      let b = buckets.get(principalArn);
      if (b === undefined) {
        if (!makeRoom(now)) throw throttled();
        b = { tokens: rate.burst, at: now };
      } else {
        b.tokens = level(b, now);
        b.at = now;
        buckets.delete(principalArn); // re-inserted below: the map stays in order of last use
      }
      if (b.tokens < 1) {
        buckets.set(principalArn, b);
        throw throttled();
      }
      b.tokens -= 1;
      buckets.set(principalArn, b);
    },
    get size() {
      return buckets.size;
    },
  };
}

function throttled(): KamenError {
  return new KamenError('ERR_THROTTLING', 'Rate exceeded');
}
