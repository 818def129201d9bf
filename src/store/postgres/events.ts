/** Audit events family (PostgreSQL): append-only CloudTrail records and the indexed page reads LookupEvents makes. */
import type { EventLookupKey, EventStore } from '../store.js';
import { COLUMN, eventFromRow, pageParams } from '../rows/events.js';
import type { PgContext } from './db.js';

/** The page query with numbered parameters, in the order pageParams gives them. */
function pageSql(key: EventLookupKey | undefined): string {
  let n = 1;
  const p = (): string => `$${n++}`;
  const account = p();
  const value = key ? p() : '';
  const tail = `AND event_time >= ${p()} AND event_time <= ${p()} AND NOT (event_time = ${p()} AND seq >= ${p()}) ORDER BY event_time DESC, seq DESC LIMIT ${p()}`;
  if (key === 'ResourceType' || key === 'ResourceName') {
    return `SELECT e.* FROM events e WHERE e.seq IN (SELECT seq FROM event_resources WHERE account_id = ${account} AND ${COLUMN[key]} = ${value} ${tail})
            ORDER BY e.event_time DESC, e.seq DESC`;
  }
  return `SELECT * FROM events WHERE account_id = ${account} ${key ? `AND ${COLUMN[key]} = ${value}` : ''} ${tail}`;
}

/** The family's methods over the shared context (migration 007 creates the tables). */
export function eventsFamily(ctx: PgContext): EventStore {
  return {
    appendEvents: (events) =>
      ctx.write(async (c) => {
        for (const e of events) {
          const t = e.eventTime.getTime();
          const rows = await c.rows<{ seq: string }>(
            `INSERT INTO events (account_id, event_id, event_time, event_name, event_source, read_only, username, access_key_id, resources, record)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq`,
            [e.accountId, e.eventId, t, e.eventName, e.eventSource, e.readOnly ? 'true' : 'false', e.username ?? null, e.accessKeyId ?? null, JSON.stringify(e.resources), e.record],
          );
          for (const r of e.resources) {
            await c.run('INSERT INTO event_resources (seq, account_id, event_time, resource_type, resource_name) VALUES ($1, $2, $3, $4, $5)', [rows[0]!.seq, e.accountId, t, r.ResourceType, r.ResourceName]);
          }
        }
      }),
    lookupEvents: async (q) => (await ctx.conn().rows<Parameters<typeof eventFromRow>[0]>(pageSql(q.attribute?.key), pageParams(q))).map(eventFromRow),
  };
}
