/** Stopping a store helper thread: ask it to stop, wait for it to exit (at most `graceMs`), else terminate it. */
import type { Worker } from 'node:worker_threads';

/**
 * Posts 'stop' to `worker` and resolves once it has exited (`exited` settles on its 'exit' event). The worker and a
 * timer stay referenced meanwhile, so a process whose only remaining work is this close does not end with it pending.
 */
export async function stopWorker(worker: Worker, exited: Promise<void>, graceMs = 2000): Promise<void> {
  worker.ref();
  worker.postMessage('stop');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') await worker.terminate();
}
