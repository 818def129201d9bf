/** Event retention (PostgreSQL): deletes the oldest expired events in bounded chunks, the only DELETE the trigger lets through. */
import type { EventRetentionStore } from '../store.js';
import type { PgContext } from './db.js';

/** The exclusive upper bound of deletable positions: the newest event, and the lowest position of a logging trail. */
const BOUND = `SELECT LEAST((SELECT max(seq) FROM events),
  (SELECT min(position) FROM trails WHERE (config::jsonb->>'isLogging')::boolean)) AS b`;

/**
 * `deleteExpiredEvents` over the shared context: one write unit (the write lock held) per chunk, in which the
 * transaction-local setting `kamen.event_retention` is 'on' only around the two DELETEs (migration 018's trigger
 * function refuses every other DELETE, UPDATE and TRUNCATE of the event tables).
 */
export function eventRetentionFamily(ctx: PgContext): EventRetentionStore {
  return {
    deleteExpiredEvents: (before, limit) =>
      ctx.write(async (c) => {
        const [row] = await c.rows<{ b: number | null }>(BOUND);
        const bound = row?.b ?? null;
        if (bound === null || limit <= 0) return 0;
        const cutoff = before.getTime();
        // The run of oldest positions that are all expired; the first younger event ends the chunk.
        const oldest = await c.rows<{ seq: number; event_time: number }>('SELECT seq, event_time FROM events WHERE seq < $1 ORDER BY seq LIMIT $2', [bound, limit]);
        let last: number | undefined;
        for (const e of oldest) {
          if (Number(e.event_time) >= cutoff) break;
          last = Number(e.seq);
        }
        if (last === undefined) return 0;
        await c.rows("SELECT set_config('kamen.event_retention', 'on', true)");
        await c.run('DELETE FROM event_resources WHERE seq <= $1', [last]);
        const n = await c.run('DELETE FROM events WHERE seq <= $1', [last]);
        await c.rows("SELECT set_config('kamen.event_retention', 'off', true)");
        return n;
      }),
  };
}
