/** A small HTTP/1.1 load generator: N keep-alive connections, each with a fixed number of pipelined requests. */
import fs from 'node:fs';
import net from 'node:net';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  non2xx: number;
}

/** Replays `request` (raw bytes) against host:port for `seconds`, keeping `depth` requests in flight per connection. */
export async function replay(port: number, request: Buffer, opts: { connections?: number; depth?: number; seconds: number }): Promise<LoadResult> {
  const connections = opts.connections ?? 16;
  const depth = opts.depth ?? 4;
  const deadline = Date.now() + opts.seconds * 1000;
  let done = 0;
  let non2xx = 0;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: connections }, () =>
      new Promise<void>((resolve, reject) => {
        const sock = net.connect(port, '127.0.0.1');
        sock.setNoDelay(true);
        let buf: Buffer = Buffer.alloc(0);
        let inflight = 0;
        let stopping = false;
        const send = () => {
          while (!stopping && inflight < depth) {
            inflight++;
            sock.write(request);
          }
        };
        sock.on('connect', send);
        sock.on('error', reject);
        sock.on('data', (chunk: Buffer) => {
          buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
          for (;;) {
            const headEnd = buf.indexOf('\r\n\r\n');
            if (headEnd < 0) break;
            const head = buf.subarray(0, headEnd).toString('latin1');
            const m = /content-length:\s*(\d+)/i.exec(head);
            const len = m ? Number(m[1]) : 0;
            if (buf.length < headEnd + 4 + len) break;
            if (head.charCodeAt(9) !== 50 /* '2' */) non2xx++;
            buf = buf.subarray(headEnd + 4 + len);
            inflight--;
            done++;
          }
          if (Date.now() >= deadline) stopping = true;
          if (stopping) {
            if (inflight === 0) {
              sock.end();
              resolve();
            }
          } else send();
        });
      }),
    ),
  );
  const seconds = (Date.now() - start) / 1000;
  return { requests: done, seconds, rps: done / seconds, non2xx };
}

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** The `q` quantile (0 … 1) of `xs`, interpolated between the two values around it. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. `mainThread` counts
 * only its main thread (the event loop), not worker threads such as the event writer.
 */
export function processCpuSeconds(pid: number, mainThread = false): number | undefined {
  try {
    const stat = fs.readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'latin1');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th (clock ticks, 100 Hz).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}
