/**
 * The event writer thread (see event-writer.ts): stores each batch it is sent (events, or rows of facts, which it
 * stores as facts: their records are rendered when read), encoded into blocks, in one transaction of its own connection
 * and answers {id} or {id, error}. Its commits do not fsync (synchronous=NORMAL): these events may be lost by a power
 * cut, never by a clean shutdown, and the serving connection's next durable commit syncs them too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { lowerThreadPriority } from './background-priority.js';
import { encodeDetached, type DetachedBatch, type EncodedBlock } from './event-block.js';
import { blockInserter } from './events.js';

const { filename } = workerData as { filename: string };
void lowerThreadPriority();
const db = new Database(filename, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
// The checkpointer thread copies the WAL; this connection checkpoints by itself only as a backstop (as the serving one).
db.pragma('wal_autocheckpoint = 16384');
const insert = blockInserter(db);
const append = db.transaction((blocks: readonly EncodedBlock[]) => insert(blocks));

parentPort!.on('message', (msg: (DetachedBatch & { id: number }) | 'stop') => {
  if (msg === 'stop') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    append.immediate(encodeDetached(msg));
    parentPort!.postMessage({ id: msg.id });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) });
  }
});
