/** Trails family: CloudTrail trails, digest signing keys (private keys encrypted), and stored events by position. */
import type { TrailStore } from '../store.js';
import { unique, type SqliteContext } from './db.js';
import { eventFromRow, type EventRow } from '../rows/events.js';
import { signingKeyColumns, signingKeyFromRow, trailColumns, trailFromRow, type SigningKeyRow, type TrailRow } from '../rows/trails.js';

/** Prepares the statements once for this connection and returns the family's methods (migration 010's tables). */
export function trailsFamily(ctx: SqliteContext): TrailStore {
  const { db, run, cipher } = ctx;
  const s = {
    insert: db.prepare('INSERT INTO trails (account_id, home_region, name, arn, config, created_at, position, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM trails WHERE account_id = ? AND home_region = ? AND name = ?'),
    update: db.prepare('UPDATE trails SET arn = ?, config = ?, created_at = ?, position = ?, delivery = ? WHERE account_id = ? AND home_region = ? AND name = ?'),
    remove: db.prepare('DELETE FROM trails WHERE account_id = ? AND home_region = ? AND name = ?'),
    listAll: db.prepare('SELECT * FROM trails ORDER BY account_id, home_region, name'),
    listAccount: db.prepare('SELECT * FROM trails WHERE account_id = ? ORDER BY account_id, home_region, name'),
    insertKey: db.prepare('INSERT INTO trail_signing_keys (region, fingerprint, public_key, private_key_enc, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)'),
    listKeys: db.prepare('SELECT * FROM trail_signing_keys WHERE region = ? ORDER BY valid_from, fingerprint'),
    after: db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
    last: db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM events'),
  };
  return {
    createTrail: (t) => run(() => {
      unique(`Trail ${t.name} already exists for customer: ${t.accountId}`, () => s.insert.run(...trailColumns(t)));
    }),
    getTrail: (accountId, region, name) => run(() => {
      const r = s.get.get(accountId, region, name) as TrailRow | undefined;
      return r ? trailFromRow(r) : undefined;
    }),
    putTrail: (t) => run(() => {
      const [account, region, name, arn, config, created, position, delivery] = trailColumns(t);
      return s.update.run(arn, config, created, position, delivery, account, region, name).changes > 0;
    }),
    deleteTrail: (accountId, region, name) => run(() => s.remove.run(accountId, region, name).changes > 0),
    listTrails: (accountId) => run(() => ((accountId === undefined ? s.listAll.all() : s.listAccount.all(accountId)) as TrailRow[]).map(trailFromRow)),
    putTrailSigningKey: (k) => run(() => {
      s.insertKey.run(...signingKeyColumns(k, cipher));
    }),
    listTrailSigningKeys: (region) => run(() => (s.listKeys.all(region) as SigningKeyRow[]).map((r) => signingKeyFromRow(r, cipher))),
    readEventsAfter: (afterSeq, limit) => run(() => (s.after.all(afterSeq, limit) as EventRow[]).map(eventFromRow)),
    lastEventPosition: () => run(() => Number((s.last.get() as { n: number }).n)),
  };
}
