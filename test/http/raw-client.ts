/** Raw-socket helpers for the HTTP tests: send exact bytes, read answers back as they were framed on the wire. */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses a stream of responses (Content-Length or chunked framing; interim 1xx answers included). */
export function parseResponses(bytes: Buffer): RawAnswer[] {
  const out: RawAnswer[] = [];
  let rest = bytes;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const status = Number(lines[0]!.split(' ')[1]);
    let pos = end + 4;
    let body: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const eol = rest.indexOf('\r\n', pos);
        if (eol < 0) return out;
        const n = parseInt(rest.subarray(pos, eol).toString('latin1'), 16);
        if (rest.length < eol + 2 + n + 2) return out;
        parts.push(rest.subarray(eol + 2, eol + 2 + n));
        pos = eol + 2 + n + 2;
        if (n === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const len = status < 200 ? 0 : Number(headers['content-length'] ?? 0);
      if (rest.length < pos + len) return out;
      body = rest.subarray(pos, pos + len);
      pos += len;
    }
    out.push({ status, headers, body: body.toString() });
    rest = rest.subarray(pos);
  }
}

/** Builds bytes from parts: a latin1 string, or `{ repeat, times }`. */
export function bytesOf(parts: Array<string | { repeat: string; times: number }>): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(typeof p === 'string' ? p : p.repeat.repeat(p.times), 'latin1')));
}

/**
 * Sends `chunks` in order on a new connection (each chunk a separate write) and resolves once `answers` complete
 * answers have arrived and, when `closed` is expected, the server has closed the connection; or, when the server closes
 * first, with what it got. `closed` in the result says whether the server ended the connection.
 */
export function exchange(port: number, chunks: Buffer[], want: { answers: number; closed: boolean }): Promise<{ answers: RawAnswer[]; closed: boolean; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let closed = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const raw = Buffer.concat(got);
      sock.destroy();
      resolve({ answers: parseResponses(raw), closed, raw });
    };
    const check = (): void => {
      const n = parseResponses(Buffer.concat(got)).filter((a) => a.status >= 200).length;
      if (n >= want.answers && (closed || !want.closed)) finish();
    };
    sock.on('data', (d: Buffer) => {
      got.push(d);
      check();
    });
    sock.on('end', () => {
      closed = true;
      finish();
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      // A server that resets after answering has still closed the connection.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
        closed = true;
        finish();
      } else reject(err);
    });
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (sock.destroyed) return;
        sock.write(c);
        if (chunks.length > 1) await new Promise((r) => setImmediate(r));
      }
    });
  });
}
