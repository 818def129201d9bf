/**
 * The store's background threads (event writer, checkpointer) run at a lower CPU priority (nice 10): on a busy
 * machine the threads that answer requests go first, and the helpers take about a tenth of a contended core. Their
 * work waits without harm: the event writer's batches grow while it waits (and the event sink holds callers back past
 * a bound), checkpoints copy more at once. Not the lowest priority: a serving connection's write waits for the writer
 * thread's batch (and for a RESTART checkpoint), so the helpers must still move on a saturated machine. On Linux a
 * priority is a thread's own, so this changes only the calling thread.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';

/** The background threads' nice value. */
export const BACKGROUND_NICE = os.constants.priority.PRIORITY_BELOW_NORMAL;

/**
 * Lowers the calling thread's CPU priority to BACKGROUND_NICE; where the system refuses, nothing changes. A new
 * thread takes its creator's priority, so first one file system call makes sure libuv's shared thread pool (which the
 * serving thread's own file work and syncs use) exists, made at normal priority, before this thread is lowered.
 */
export async function lowerThreadPriority(): Promise<void> {
  await fs.stat(os.tmpdir()).catch(() => undefined);
  try {
    os.setPriority(BACKGROUND_NICE);
  } catch {
    // Not permitted here or not supported: the thread keeps its priority.
  }
}
