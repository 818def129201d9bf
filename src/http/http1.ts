/**
 * A lean HTTP/1.1 server side for the API port: request parsing (Content-Length and chunked bodies, Expect:
 * 100-continue, pipelining with answers in order), keep-alive and Connection: close, limits, and one write for every
 * batch of answers that are ready together. node:http costs more per request than all of kamen's own work on a
 * signed Query call, so the API port speaks HTTP itself; the console keeps node:http.
 */
import type { Duplex } from 'node:stream';

/** One parsed request. Header names are lowercase; repeated headers are joined with ", " (as node:http does). */
export interface Http1Request {
  method: string;
  /** The request target as sent: /path?query (or host:port for CONNECT). */
  target: string;
  httpVersion: '1.0' | '1.1';
  headers: Record<string, string>;
  body: Buffer;
}

/** What a handler answers. `content-length`, `date` and `connection` are added here. */
export interface Http1Response {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface Http1Options {
  /** Largest request head (request line + headers); larger gets 431. */
  maxHeaderBytes?: number;
  /** Largest request body; larger gets 413 and the connection closes. */
  maxBodyBytes?: number;
  /** An idle connection (nothing pending) is closed after this long. */
  idleTimeoutMs?: number;
  /** Requests one connection may have waiting for their answers before reading pauses. */
  maxPipelined?: number;
  /** CONNECT: the connection is handed over with the bytes read after the request head. Absent: 405. */
  onConnect?(target: string, socket: Duplex, head: Buffer): void;
  /** The Date header source (createDateHeader()); one per server. */
  date?: () => string;
  /** Runs each request's handler; absent: at once. A server passes one createTurnBatcher() to all its connections. */
  schedule?: (task: () => void) => void;
}

type Handler = (req: Http1Request) => Promise<Http1Response>;

const CRLF2 = Buffer.from('\r\n\r\n');
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/;
/** Headers node:http keeps the first of when repeated (a second value is ignored). */
const SINGLE = new Set(['age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent']);
const REASONS: Record<number, string> = { 100: 'Continue', 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 412: 'Precondition Failed', 417: 'Expectation Failed', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** A protocol error: answered with `status`, then the connection closes. */
class ProtocolError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(REASONS[status] ?? 'Bad Request');
    this.status = status;
  }
}

/** The Date header value, formatted at most once a second (one per server). */
export function createDateHeader(now: () => number = Date.now): () => string {
  let second = -1;
  let text = '';
  return () => {
    const t = now();
    const s = Math.floor(t / 1000);
    if (s !== second) {
      second = s;
      text = new Date(t).toUTCString();
    }
    return text;
  };
}

/**
 * A scheduler that runs the handlers of every request read in one turn of the event loop together, once all ready
 * sockets have been read (setImmediate): requests arriving on many connections at once are then handled back to back
 * and their answers written together, instead of one read, one handler and one write at a time. On this project's
 * benchmark machine that halves the CPU a signed GetUser costs with one request in flight per connection.
 */
export function createTurnBatcher(): (task: () => void) => void {
  let queue: Array<() => void> = [];
  const drain = (): void => {
    const tasks = queue;
    queue = [];
    for (const t of tasks) t();
  };
  return (task) => {
    if (queue.push(task) === 1) setImmediate(drain);
  };
}

/** Serializes one answer; `close` adds Connection: close; `head` leaves the body out (HEAD requests). */
export function serializeResponse(res: Http1Response, close: boolean, date: string, head = false): Buffer {
  const text = responseHead(res, close, date, typeof res.body === 'string' ? Buffer.byteLength(res.body, 'utf8') : res.body.length);
  // An ASCII head and a text body become one buffer in one copy.
  if (typeof res.body === 'string' && !head && !NON_ASCII.test(text)) return Buffer.from(text + res.body, 'utf8');
  const body = typeof res.body === 'string' ? Buffer.from(res.body, 'utf8') : res.body;
  const headBytes = Buffer.from(text, 'latin1');
  return head || body.length === 0 ? headBytes : Buffer.concat([headBytes, body], headBytes.length + body.length);
}

const NON_ASCII = /[^\x00-\x7f]/;

/** The status line and headers of an answer whose body is `length` bytes. */
function responseHead(res: Http1Response, close: boolean, date: string, length: number): string {
  let text = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? 'Unknown'}\r\n`;
  let hasDate = false;
  for (const k in res.headers) {
    const lower = k.toLowerCase();
    if (lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding') continue;
    if (lower === 'date') hasDate = true;
    text += `${k}: ${res.headers[k]}\r\n`;
  }
  if (!hasDate) text += `date: ${date}\r\n`;
  return text + `content-length: ${length}\r\nconnection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`;
}

/** Parses a request head (without the final CRLFCRLF); throws ProtocolError(400) on anything malformed. */
export function parseHead(text: string): { method: string; target: string; httpVersion: '1.0' | '1.1'; headers: Record<string, string> } {
  const lines = text.split('\r\n');
  const m = REQUEST_LINE.exec(lines[0]!);
  if (!m) throw new ProtocolError(400);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ProtocolError(400);
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new ProtocolError(400); // also refuses obsolete line folding
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (/[\0\r\n]/.test(value)) throw new ProtocolError(400);
    const prev = headers[key];
    if (prev === undefined) headers[key] = value;
    else if (key === 'content-length') {
      if (prev !== value) throw new ProtocolError(400);
    } else if (!SINGLE.has(key)) headers[key] = `${prev}, ${value}`;
  }
  return { method: m[1]!, target: m[2]!, httpVersion: m[3] === '0' ? '1.0' : '1.1', headers };
}

/** How the body of a request is framed. */
function bodyFraming(headers: Record<string, string>): { chunked: true } | { length: number } {
  const te = headers['transfer-encoding'];
  if (te !== undefined) {
    // A request with both is a smuggling attempt; any coding but a final "chunked" cannot be framed.
    if (headers['content-length'] !== undefined) throw new ProtocolError(400);
    const codings = te.toLowerCase().split(',').map((s) => s.trim());
    if (codings[codings.length - 1] !== 'chunked') throw new ProtocolError(400);
    if (codings.length > 1) throw new ProtocolError(501);
    return { chunked: true };
  }
  const cl = headers['content-length'];
  if (cl === undefined) return { length: 0 };
  if (!/^\d{1,15}$/.test(cl)) throw new ProtocolError(400);
  return { length: Number(cl) };
}

/**
 * Decodes a chunked body from `buf`; returns the body and the bytes it used, or undefined while it is incomplete.
 * Chunk extensions and trailers are read and dropped.
 */
export function decodeChunked(buf: Buffer, maxBodyBytes: number): { body: Buffer; used: number } | undefined {
  const parts: Buffer[] = [];
  let size = 0;
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) {
      if (buf.length - pos > 1024) throw new ProtocolError(400);
      return undefined;
    }
    const sizeText = buf.subarray(pos, eol).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new ProtocolError(400);
    const n = parseInt(sizeText, 16);
    pos = eol + 2;
    if (n === 0) {
      // trailers, then an empty line
      for (;;) {
        const t = buf.indexOf('\r\n', pos);
        if (t < 0) return undefined;
        if (t === pos) return { body: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), used: t + 2 };
        pos = t + 2;
      }
    }
    size += n;
    if (size > maxBodyBytes) throw new ProtocolError(413);
    if (buf.length < pos + n + 2) return undefined;
    if (buf[pos + n] !== 13 || buf[pos + n + 1] !== 10) throw new ProtocolError(400);
    parts.push(buf.subarray(pos, pos + n));
    pos += n + 2;
  }
}

/** Serves HTTP/1.1 on one connection until it closes; `handle` never sees malformed requests. */
export function serveConnection(socket: Duplex, handle: Handler, opts: Http1Options = {}): void {
  const maxHeader = opts.maxHeaderBytes ?? 16 * 1024;
  const maxBody = opts.maxBodyBytes ?? 2 * 1024 * 1024;
  const maxPipelined = opts.maxPipelined ?? 64;
  const date = opts.date ?? createDateHeader();
  const schedule = opts.schedule;
  let buf: Buffer = Buffer.alloc(0);
  /** The parsed head of the request whose body is still arriving. */
  let pending: { req: Omit<Http1Request, 'body'>; framing: { chunked: true } | { length: number } } | undefined;
  /** Answers in request order; `out` is set once ready. */
  const queue: Array<{ out?: Buffer; close: boolean }> = [];
  let closing = false; // no more requests are read
  let peerEnded = false;
  let paused = false;

  const flush = (): void => {
    const ready: Buffer[] = [];
    let end = false;
    while (queue.length > 0 && queue[0]!.out !== undefined) {
      const e = queue.shift()!;
      ready.push(e.out!);
      if (e.close) {
        end = true;
        queue.length = 0;
        break;
      }
    }
    if (ready.length === 0) return;
    if (peerEnded && queue.length === 0) end = true;
    if (socket.writable) {
      if (end) socket.end(ready.length === 1 ? ready[0] : Buffer.concat(ready));
      else socket.write(ready.length === 1 ? ready[0] : Buffer.concat(ready));
    }
    if (paused && queue.length < maxPipelined && !closing) {
      paused = false;
      socket.resume();
    }
  };

  /** Queues a protocol error answer and stops reading. */
  const fail = (status: number): void => {
    closing = true;
    const body = `${REASONS[status] ?? 'Bad Request'}\n`;
    queue.push({ out: serializeResponse({ status, headers: { 'content-type': 'text/plain' }, body }, true, date()), close: true });
    flush();
  };

  const dispatch = (req: Http1Request): void => {
    const connHeader = (req.headers['connection'] ?? '').toLowerCase();
    const close = req.httpVersion === '1.0' ? !/\bkeep-alive\b/.test(connHeader) : /\bclose\b/.test(connHeader);
    if (close) closing = true;
    const entry: { out?: Buffer; close: boolean } = { close };
    queue.push(entry);
    const isHead = req.method === 'HEAD';
    const run = (): void => {
      let answer: Promise<Http1Response>;
      try {
        answer = handle(req);
      } catch (err) {
        answer = Promise.reject(err);
      }
      answer.then(
        (res) => (entry.out = serializeResponse(res, close, date(), isHead)),
        () => (entry.out = serializeResponse({ status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error\n' }, close, date(), isHead)),
      ).then(flush);
    };
    if (schedule) schedule(run);
    else run();
    if (queue.length >= maxPipelined && !paused && !closing) {
      paused = true;
      socket.pause();
    }
  };

  const parse = (): void => {
    while (!closing) {
      if (!pending) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) {
          if (buf.length > maxHeader) fail(431);
          return;
        }
        if (end > maxHeader) return fail(431);
        // Leading empty lines before a request are ignored (RFC 9112 §2.2).
        let start = 0;
        while (buf[start] === 13 && buf[start + 1] === 10) start += 2;
        const head = parseHead(buf.subarray(start, end).toString('latin1'));
        buf = buf.subarray(end + 4);
        if (head.method === 'CONNECT') {
          if (!opts.onConnect || queue.length > 0) return fail(405);
          closing = true;
          socket.removeListener('data', onData);
          socket.removeListener('end', onEnd);
          (socket as Duplex & { setTimeout?(ms: number): void }).setTimeout?.(0);
          const rest = buf;
          buf = Buffer.alloc(0);
          opts.onConnect(head.target, socket, rest);
          return;
        }
        const framing = bodyFraming(head.headers);
        if ('length' in framing && framing.length > maxBody) return fail(413);
        pending = { req: head, framing };
        const expect = head.headers['expect'];
        if (expect !== undefined) {
          if (expect.toLowerCase() !== '100-continue') return fail(417);
          if (head.httpVersion === '1.1' && ('chunked' in framing || framing.length > buf.length)) socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        }
      }
      const p = pending;
      let body: Buffer;
      if ('chunked' in p.framing) {
        const got = decodeChunked(buf, maxBody);
        if (!got) return;
        body = got.body;
        buf = buf.subarray(got.used);
      } else {
        const n = p.framing.length;
        if (buf.length < n) return;
        body = buf.subarray(0, n);
        buf = buf.subarray(n);
      }
      pending = undefined;
      dispatch({ ...p.req, body });
    }
  };

  const onData = (chunk: Buffer): void => {
    if (closing) return;
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    try {
      parse();
    } catch (err) {
      if (err instanceof ProtocolError) fail(err.status);
      else fail(400);
    }
  };

  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
  const onEnd = (): void => {
    closing = true;
    peerEnded = true;
    if (queue.length === 0) socket.end();
  };
  socket.on('end', onEnd);
  (socket as Duplex & { setTimeout?(ms: number, cb: () => void): void }).setTimeout?.(opts.idleTimeoutMs ?? 65_000, () => {
    if (queue.length === 0) socket.destroy();
  });
}
