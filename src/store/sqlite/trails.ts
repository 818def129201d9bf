/** Trails family: CloudTrail trails, digest signing keys (private keys encrypted), and stored events by position. */
import type { TrailStore } from '../store.js';
import { unique, type SqliteContext } from './db.js';
import { POSITIONS_PER_BLOCK, blockEvents, type StoredBlockRow } from './event-block.js';
import type { Statement } from 'better-sqlite3';
import type { StoredEvent } from '../store.js';
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
    after: db.prepare('SELECT seq, account_id, aws_region, format, data FROM event_blocks WHERE seq >= ? ORDER BY seq'),
    last: db.prepare('SELECT seq, count FROM event_blocks ORDER BY seq DESC LIMIT 1'),
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
    readEventsAfter: (afterSeq, limit) => run(() => eventsAfter(s.after, afterSeq, limit)),
    lastEventPosition: () =>
      run(() => {
        const b = s.last.get() as { seq: number; count: number } | undefined;
        return b ? b.seq * POSITIONS_PER_BLOCK + b.count - 1 : 0;
      }),
  };
}

/** Up to `limit` events with a position after `after`, in position order, read block by block from `after`'s block on. */
function eventsAfter(blocks: Statement, after: number, limit: number): Array<StoredEvent & { seq: number }> {
  const out: Array<StoredEvent & { seq: number }> = [];
  if (limit <= 0) return out;
  const rows = blocks.iterate(Math.floor(Math.max(0, after) / POSITIONS_PER_BLOCK)) as IterableIterator<StoredBlockRow>;
  try {
    for (const b of rows) {
      for (const e of blockEvents(b)) {
        if (e.seq <= after) continue;
        out.push(e);
        if (out.length >= limit) return out;
      }
    }
  } finally {
    rows.return?.();
  }
  return out;
}
