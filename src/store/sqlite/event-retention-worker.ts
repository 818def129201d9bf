/**
 * The event retention thread (see event-retention.ts): runs each chunk it is sent ({id, beforeMs, limit}) in one
 * IMMEDIATE transaction of its own connection and answers {id, n} or {id, error}. Its commits do not fsync
 * (synchronous=NORMAL): a power cut may bring back the events of the last chunks, which the next sweep deletes again;
 * the serving connection's next durable commit syncs them too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { retentionChunk } from './event-retention.js';

const { filename } = workerData as { filename: string };
const db = new Database(filename, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
// The checkpointer thread copies the WAL; this connection checkpoints by itself only as a backstop (as the serving one).
db.pragma('wal_autocheckpoint = 16384');
const chunk = db.transaction(retentionChunk(db));

parentPort!.on('message', (msg: { id: number; beforeMs: number; limit: number } | 'stop') => {
  if (msg === 'stop') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ id: msg.id, n: chunk.immediate(msg.beforeMs, msg.limit) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) });
  }
});
