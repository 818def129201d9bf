/**
 * The event writer thread (see event-writer.ts): appends each batch of events it is sent in one transaction of its own
 * connection and answers {id} or {id, error}. Its commits do not fsync (synchronous=NORMAL): these events may be lost
 * by a power cut, never by a clean shutdown, and the serving connection's next durable commit syncs them too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { StoredEvent } from '../store.js';
import { eventInserter } from './events.js';
import { decodeEvents } from './event-writer.js';

const { filename } = workerData as { filename: string };
const db = new Database(filename, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
// The checkpointer thread copies the WAL; this connection checkpoints by itself only as a backstop (as the serving one).
db.pragma('wal_autocheckpoint = 16384');
const insert = eventInserter(db);
const append = db.transaction((events: readonly StoredEvent[]) => insert(events));

parentPort!.on('message', (msg: { id: number; events: string } | 'stop') => {
  if (msg === 'stop') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    append.immediate(decodeEvents(msg.events));
    parentPort!.postMessage({ id: msg.id });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) });
  }
});
