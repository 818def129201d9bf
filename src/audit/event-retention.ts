/**
 * Keeps the stored CloudTrail events bounded: an event goes once it is older than the retention the operator sets
 * (`kamen serve --event-retention-days <n>`, 90 days by default, as AWS keeps event history), in chunks of a
 * thousand events with a turn of the event loop between them, unless a logging trail has not delivered it yet
 * (the store's deleteExpiredEvents keeps those, and the newest event).
 */
import type { Clock } from '../clock.js';
import type { EventRetentionStore } from '../store/store.js';
import { startSweeper, type Sweeper } from '../sweeper.js';

/** AWS keeps 90 days of event history (LookupEvents answers that window). */
export const DEFAULT_EVENT_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

/** Days from `--event-retention-days` as milliseconds; throws a plain Error unless a decimal number of days > 0. */
export function parseEventRetentionDays(text: string): number {
  const days = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : NaN;
  const ms = Math.round(days * DAY_MS);
  if (!Number.isFinite(days) || days <= 0 || days > 36_500 || ms < 1) {
    throw new Error(`--event-retention-days must be a number of days greater than 0 (e.g. 90, or 0.002 for about 3 minutes), got '${text}'`);
  }
  return ms;
}

/** How often the sweep runs for a retention: a tenth of it, from 1 second to 10 minutes. */
export function sweepIntervalMs(retentionMs: number): number {
  return Math.min(600_000, Math.max(1000, Math.round(retentionMs / 10)));
}

/** The event retention sweeper (src/sweeper.ts). */
export type EventRetentionSweeper = Sweeper;

/** Sweeps now and then every `everyMs` (sweepIntervalMs of the retention by default) on a timer that does not keep the process alive. */
export function startEventRetentionSweeper(deps: {
  store: EventRetentionStore;
  clock: Clock;
  /** How long an event is kept, in ms (90 days by default). */
  retentionMs?: number;
  everyMs?: number;
  /** Events one chunk deletes (250: a few ms of the write lock), so a long backlog never holds the write lock (or, in memory, the event loop) for long. */
  batch?: number;
  onError?: (err: unknown) => void;
}): EventRetentionSweeper {
  const retentionMs = deps.retentionMs !== undefined && Number.isFinite(deps.retentionMs) && deps.retentionMs > 0 ? deps.retentionMs : DEFAULT_EVENT_RETENTION_DAYS * DAY_MS;
  return startSweeper({
    clock: deps.clock,
    retentionMs,
    everyMs: deps.everyMs ?? sweepIntervalMs(retentionMs),
    batch: deps.batch ?? 250,
    deleteChunk: (before, limit) => deps.store.deleteExpiredEvents(before, limit),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
}
