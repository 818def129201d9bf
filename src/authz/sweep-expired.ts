/**
 * Keeps the temporary credential table bounded: a row goes once it has been expired for the retention the operator
 * sets (`kamen serve --temporary-credential-retention <hours>`), by default the longest lifetime
 * (MAX_TEMPORARY_LIFETIME_SECONDS, 36 h), so it was issued more than that long ago and a swept key still answers
 * ExpiredToken (authenticate.ts recognises its derived token and its issue time) instead of looking unknown. Only
 * expired rows ever go: a credential that is still valid is kept whatever the retention. With a retention shorter than
 * 36 h a swept key issued less than 36 h ago answers InvalidClientTokenId instead of ExpiredToken.
 */
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { startSweeper, type Sweeper } from '../sweeper.js';
import { MAX_TEMPORARY_LIFETIME_SECONDS } from './temporary-keys.js';

/** The default retention of expired rows: the longest lifetime (36 hours). */
export const DEFAULT_RETENTION_MS = MAX_TEMPORARY_LIFETIME_SECONDS * 1000;

/** Hours from `--temporary-credential-retention` as milliseconds; throws a plain Error unless a number of hours >= 0. */
export function parseRetentionHours(text: string): number {
  const hours = /^\s*\d+(?:\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(hours) || hours < 0 || hours > 24 * 366 * 100) {
    throw new Error(`--temporary-credential-retention must be a number of hours >= 0, got '${text}'`);
  }
  return Math.round(hours * 3_600_000);
}

/** The temporary credential sweeper (src/sweeper.ts). */
export type ExpiredCredentialSweeper = Sweeper;

/** Sweeps now and then every `everyMs` (10 minutes by default) on a timer that does not keep the process alive. */
export function startExpiredCredentialSweeper(deps: {
  store: Store;
  clock: Clock;
  everyMs?: number;
  /** How long an expired row is kept, in ms (DEFAULT_RETENTION_MS, 36 h, by default). */
  retentionMs?: number;
  /** Rows one DELETE removes (2000), so a long backlog never holds the event loop for long. */
  batch?: number;
  onError?: (err: unknown) => void;
}): ExpiredCredentialSweeper {
  // Expired before now − retention, a row has been kept for the retention; with the default retention it was issued
  // more than the longest lifetime ago (authenticate relies on it to answer ExpiredToken). Only expired rows go.
  const retentionMs = deps.retentionMs !== undefined && Number.isFinite(deps.retentionMs) ? Math.max(0, deps.retentionMs) : DEFAULT_RETENTION_MS;
  return startSweeper({
    clock: deps.clock,
    retentionMs,
    everyMs: deps.everyMs ?? 600_000,
    batch: deps.batch ?? 2000,
    deleteChunk: (before, limit) => deps.store.deleteExpiredTemporaryCredentials(before, limit),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
}
