/** A store helper thread spoken to by request and answer: each message carries an id, each answer that id (and an error or a result). */
import { Worker } from 'node:worker_threads';
import { stopWorker } from './stop-worker.js';

/** The calling side of a helper thread. */
export interface WorkerRpc<R> {
  /** True once the thread failed or stopped: callers then do the work themselves. */
  readonly failed: boolean;
  /** Posts `{ id, ...message }` and resolves with `result` of its answer (rejects with the thread's error). */
  call(message: Record<string, unknown>): Promise<R>;
  /** Asks the thread to stop and waits for it to exit (stopWorker). */
  stop(): Promise<void>;
}

/**
 * Starts the thread at `url` with `workerData: { filename }`. It is referenced only while a call is out, so an idle
 * thread keeps nothing alive; when it errs or exits, every call out is rejected and `failed` turns true. `name`
 * appears in the errors. Undefined when the thread cannot start.
 */
export function startWorkerRpc<R>(url: URL, filename: string, name: string, result: (answer: Record<string, unknown>) => R): WorkerRpc<R> | undefined {
  const pending = new Map<number, { resolve(v: R): void; reject(err: unknown): void }>();
  let next = 0;
  let failed = false;
  let stopping = false;
  let worker: Worker;
  try {
    worker = new Worker(url, { workerData: { filename } });
  } catch {
    return undefined;
  }
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fail = (err: unknown): void => {
    failed = true;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (msg: Record<string, unknown> & { id: number; error?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (pending.size === 0 && !stopping) worker.unref();
    if (msg.error === undefined) p.resolve(result(msg));
    else p.reject(new Error(msg.error));
  });
  worker.on('error', fail);
  worker.once('exit', () => fail(new Error(`the ${name} thread exited`)));
  return {
    get failed() {
      return failed;
    },
    call(message) {
      if (failed) return Promise.reject(new Error(`the ${name} thread is gone`));
      const id = ++next;
      return new Promise<R>((resolve, reject) => {
        // Referenced while a call is out, so the process waits for its answer.
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, ...message });
      });
    },
    async stop() {
      if (failed) return;
      stopping = true;
      await stopWorker(worker, exited);
      failed = true;
    },
  };
}
