/** Clean shutdown of `kamen serve`: stop accepting, let in-flight requests finish (up to a grace period), then close. */
import type http from 'node:http';
import type https from 'node:https';

/** How long in-flight requests may take to finish before their connections are dropped. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** Stops `server` accepting connections and resolves once its in-flight requests are done (idle keep-alives close now). */
export function drain(server: http.Server | https.Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    // After the grace period, connections still open are dropped (tunnels too: the process exits after this).
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    timer.unref();
    // A connection whose request finishes while closing is idle afterwards: close it soon, not at the grace's end.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Installs SIGINT/SIGTERM handlers that run `stop` once, then exit 0 (1 when stop fails). */
export function onShutdownSignals(stop: (signal: string) => Promise<void>, say: (line: string) => void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        say(`kamen: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
