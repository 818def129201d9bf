/**
 * The WAL checkpointer's thread: its own connection to the database file copies committed WAL frames into the main
 * file (a PASSIVE checkpoint, which never waits for nor blocks the writer) every `intervalMs`, so the event loop of the
 * server never spends its time on checkpoint writes and their fsyncs. Posts each result (busy, log, checkpointed); on
 * 'restart' runs a RESTART checkpoint, which also rewinds the WAL when no reader holds a read mark. Closes its
 * connection when told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { lowerThreadPriority } from './background-priority.js';

const { filename, intervalMs } = workerData as { filename: string; intervalMs: number };
void lowerThreadPriority();
const db = new Database(filename, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
/** Runs one checkpoint and reports SQLite's (busy, log, checkpointed) to the serving thread. */
const run = (stmt: typeof checkpoint, isRestart: boolean): void => {
  let row = { busy: 1, log: -1, checkpointed: -1 };
  try {
    row = stmt.get() as typeof row;
  } catch {
    // SQLITE_BUSY or a lock held elsewhere: the next tick tries again (the writer's own checkpoints are the backstop)
  }
  parentPort!.postMessage({ ...row, restart: isRestart });
};
const timer = setInterval(() => run(checkpoint, false), intervalMs);
parentPort!.on('message', (msg: unknown) => {
  if (msg === 'restart') {
    // Waiting here for a serving-thread read to end blocks only this thread.
    db.pragma('busy_timeout = 100');
    run(restart, true);
    db.pragma('busy_timeout = 0');
  }
  if (msg !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
parentPort!.postMessage('ready');
