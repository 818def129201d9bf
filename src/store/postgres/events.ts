/** Audit events family (PostgreSQL): append-only CloudTrail records and the indexed page reads LookupEvents makes. */
import type { EventLookupKey, EventStore } from '../store.js';
import { COLUMN, eventFromRow, pageParams } from '../rows/events.js';
import type { PgContext } from './db.js';

/** The page query with numbered parameters, in the order pageParams gives them (the region's only when filtering by one). */
function pageSql(key: EventLookupKey | undefined, byRegion: boolean): string {
  let n = 1;
  const p = (): string => `$${n++}`;
  const account = p();
  const region = byRegion ? `AND aws_region = ${p()}` : '';
  const value = key ? p() : '';
  const tail = `AND event_time >= ${p()} AND event_time <= ${p()} AND NOT (event_time = ${p()} AND seq >= ${p()}) ORDER BY event_time DESC, seq DESC LIMIT ${p()}`;
  if (key === 'ResourceType' || key === 'ResourceName') {
    return `SELECT e.* FROM events e WHERE e.seq IN (SELECT seq FROM event_resources WHERE account_id = ${account} ${region} AND ${COLUMN[key]} = ${value} ${tail})
            ORDER BY e.event_time DESC, e.seq DESC`;
  }
  return `SELECT * FROM events WHERE account_id = ${account} ${region} ${key ? `AND ${COLUMN[key]} = ${value}` : ''} ${tail}`;
}

/** The family's methods over the shared context (migration 007 creates the tables). */
export function eventsFamily(ctx: PgContext): EventStore {
  return {
    appendEvents: (events) =>
      ctx.write(async (c) => {
        for (const e of events) {
          const t = e.eventTime.getTime();
          const rows = await c.rows<{ seq: string }>(
            `INSERT INTO events (account_id, event_id, event_time, event_name, event_source, read_only, username, access_key_id, resources, record, aws_region)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq`,
            [e.accountId, e.eventId, t, e.eventName, e.eventSource, e.readOnly ? 'true' : 'false', e.username ?? null, e.accessKeyId ?? null, JSON.stringify(e.resources), e.record, e.awsRegion ?? ''],
          );
          for (const r of e.resources) {
            await c.run('INSERT INTO event_resources (seq, account_id, event_time, resource_type, resource_name, aws_region) VALUES ($1, $2, $3, $4, $5, $6)', [rows[0]!.seq, e.accountId, t, r.ResourceType, r.ResourceName, e.awsRegion ?? '']);
          }
        }
      }),
    lookupEvents: async (q) => (await ctx.conn().rows<Parameters<typeof eventFromRow>[0]>(pageSql(q.attribute?.key, q.region !== undefined), pageParams(q))).map(eventFromRow),
  };
}
