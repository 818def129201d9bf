/** Trails family (PostgreSQL): CloudTrail trails, digest signing keys (private keys encrypted), events by position. */
import type { TrailStore } from '../store.js';
import { unique, type PgContext } from './db.js';
import { eventFromRow, type EventRow } from '../rows/events.js';
import { signingKeyColumns, signingKeyFromRow, trailColumns, trailFromRow, type SigningKeyRow, type TrailRow } from '../rows/trails.js';

/** The family's methods over the shared context (migration 010 creates the tables). */
export function trailsFamily(ctx: PgContext): TrailStore {
  const { conn, write, cipher } = ctx;
  return {
    createTrail: (t) =>
      write(async (x) => {
        await unique(`Trail ${t.name} already exists for customer: ${t.accountId}`, () =>
          x.run('INSERT INTO trails (account_id, home_region, name, arn, config, created_at, position, delivery) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', trailColumns(t)),
        );
      }),
    getTrail: async (accountId, region, name) => {
      const [r] = await conn().rows<TrailRow>('SELECT * FROM trails WHERE account_id = $1 AND home_region = $2 AND name = $3', [accountId, region, name]);
      return r ? trailFromRow(r) : undefined;
    },
    putTrail: (t) =>
      write(async (x) => {
        const [account, region, name, arn, config, created, position, delivery] = trailColumns(t);
        const n = await x.run('UPDATE trails SET arn = $1, config = $2, created_at = $3, position = $4, delivery = $5 WHERE account_id = $6 AND home_region = $7 AND name = $8', [
          arn,
          config,
          created,
          position,
          delivery,
          account,
          region,
          name,
        ]);
        return n > 0;
      }),
    deleteTrail: (accountId, region, name) => write(async (x) => (await x.run('DELETE FROM trails WHERE account_id = $1 AND home_region = $2 AND name = $3', [accountId, region, name])) > 0),
    listTrails: async (accountId) =>
      (accountId === undefined
        ? await conn().rows<TrailRow>('SELECT * FROM trails ORDER BY account_id, home_region, name')
        : await conn().rows<TrailRow>('SELECT * FROM trails WHERE account_id = $1 ORDER BY account_id, home_region, name', [accountId])
      ).map(trailFromRow),
    putTrailSigningKey: (k) =>
      write(async (x) => {
        await x.run('INSERT INTO trail_signing_keys (region, fingerprint, public_key, private_key_enc, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6)', signingKeyColumns(k, cipher));
      }),
    listTrailSigningKeys: async (region) =>
      (await conn().rows<SigningKeyRow>('SELECT * FROM trail_signing_keys WHERE region = $1 ORDER BY valid_from, fingerprint', [region])).map((r) => signingKeyFromRow(r, cipher)),
    // Positions never skip a late commit: events are inserted only by write units and transactions, which hold the
    // schema's advisory write lock from before their nextval until their COMMIT, so seq order is commit order.
    readEventsAfter: async (afterSeq, limit) => (await conn().rows<EventRow>('SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).map(eventFromRow),
    lastEventPosition: async () => Number((await conn().rows<{ n: string }>('SELECT COALESCE(MAX(seq), 0) AS n FROM events'))[0]!.n),
  };
}
