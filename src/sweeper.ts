/** A retention sweeper: deletes what is older than a retention, a chunk at a time, now and then on an unref'd timer. */
import type { Clock } from './clock.js';

export interface Sweeper {
  /** Deletes every row that may go now, a chunk at a time; resolves with how many went. */
  sweep(): Promise<number>;
  /** Stops the timer; resolves once an ongoing sweep has finished its chunk. */
  stop(): Promise<void>;
}

/**
 * Sweeps at once and then every `everyMs`. One sweep fixes its cutoff (now − retention) and calls `deleteChunk` until
 * a chunk deletes fewer than `batch` rows, yielding to the event loop between chunks, so a long backlog never holds it
 * (or a write lock) for long; sweeps never overlap.
 */
export function startSweeper(deps: {
  clock: Clock;
  retentionMs: number;
  everyMs: number;
  batch: number;
  deleteChunk(before: Date, limit: number): Promise<number>;
  onError?: (err: unknown) => void;
}): Sweeper {
  let stopped = false;
  let running: Promise<number> | undefined;
  const sweepAll = async (): Promise<number> => {
    // One cutoff for the whole sweep: rows that turn old meanwhile wait for the next one.
    const before = new Date(deps.clock.now() - deps.retentionMs);
    let total = 0;
    for (;;) {
      const n = await deps.deleteChunk(before, deps.batch);
      total += n;
      if (n < deps.batch || stopped) return total;
      await new Promise((r) => setImmediate(r));
    }
  };
  const sweep = (): Promise<number> => {
    running ??= sweepAll().finally(() => (running = undefined));
    return running;
  };
  const tick = (): void => void sweep().catch((err) => deps.onError?.(err));
  tick();
  const timer = setInterval(tick, deps.everyMs);
  timer.unref();
  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
