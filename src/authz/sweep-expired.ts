/**
 * Keeps the temporary credential table bounded: a row goes once it has been expired for the longest lifetime
 * (MAX_TEMPORARY_LIFETIME_SECONDS), so it was issued more than that long ago and a swept key still answers
 * ExpiredToken (authenticate.ts recognises its derived token and its issue time) instead of looking unknown.
 */
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { MAX_TEMPORARY_LIFETIME_SECONDS } from './temporary-keys.js';

export interface ExpiredCredentialSweeper {
  /** Deletes every row that may go now, a batch at a time; resolves with how many went. */
  sweep(): Promise<number>;
  /** Stops the timer; resolves once an ongoing sweep has finished its batch. */
  stop(): Promise<void>;
}

/** Sweeps now and then every `everyMs` (10 minutes by default) on a timer that does not keep the process alive. */
export function startExpiredCredentialSweeper(deps: {
  store: Store;
  clock: Clock;
  everyMs?: number;
  /** Rows one DELETE removes (2000), so a long backlog never holds the event loop for long. */
  batch?: number;
  onError?: (err: unknown) => void;
}): ExpiredCredentialSweeper {
  const batch = deps.batch ?? 2000;
  let stopped = false;
  let running: Promise<number> | undefined;
  const sweepAll = async (): Promise<number> => {
    // Expired before this, a credential was issued more than the longest lifetime ago (authenticate relies on it).
    const before = new Date(deps.clock.now() - MAX_TEMPORARY_LIFETIME_SECONDS * 1000);
    let total = 0;
    for (;;) {
      const n = await deps.store.deleteExpiredTemporaryCredentials(before, batch);
      total += n;
      if (n < batch || stopped) return total;
      await new Promise((r) => setImmediate(r));
    }
  };
  const sweep = (): Promise<number> => {
    running ??= sweepAll().finally(() => (running = undefined));
    return running;
  };
  const tick = () => void sweep().catch((err) => deps.onError?.(err));
  tick();
  const timer = setInterval(tick, deps.everyMs ?? 600_000);
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
