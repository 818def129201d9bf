/**
 * The WAL checkpointer's thread: its own connection to the database file copies committed WAL frames into the main
 * file (a PASSIVE checkpoint, which never waits for nor blocks the writer) every `intervalMs`, so the event loop of the
 * server never spends its time on checkpoint writes and their fsyncs. Closes its connection when told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { filename, intervalMs } = workerData as { filename: string; intervalMs: number };
const db = new Database(filename, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.run();
  } catch {
    // SQLITE_BUSY or a lock held elsewhere: the next tick tries again (the writer's own checkpoints are the backstop)
  }
}, intervalMs);
parentPort!.on('message', (msg: unknown) => {
  if (msg !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
parentPort!.postMessage('ready');
