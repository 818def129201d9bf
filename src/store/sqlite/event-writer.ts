/**
 * The event writer thread's handle: audit events that need not commit with a change (reads, failures) are appended by
 * a worker thread over its own connection to the database file, so the SQLite work of recording every call (the row,
 * its lookup indexes, the resources) stays off the event loop. The caller holds the serving connection's gate
 * (SqliteContext.exclusive) while the thread writes, so the two connections never wait on each other's lock.
 */
import { startWorkerRpc } from './worker-rpc.js';
import type { StoredEvent } from '../store.js';

/** A running writer; `failed` turns true once the thread is gone (its callers then write on the serving connection). */
export interface EventWriter {
  /** Appends `events` in one transaction of the thread's connection; resolves once committed. */
  write(events: readonly StoredEvent[]): Promise<void>;
  /** Closes the thread's connection. */
  stop(): Promise<void>;
  readonly failed: boolean;
}

/**
 * A batch of events as one text: per event its columns and then its record, each string as `<length>:<text>` (an
 * absent optional column as `~`), the resources as their count and then type and name of each. Lengths are counted in
 * UTF-16 units, so any text (control characters included) is carried as it is, and nothing is escaped or scanned: the
 * record, most of the bytes, is only copied.
 */
export function encodeEvents(events: readonly StoredEvent[]): string {
  let text = '';
  for (const e of events) {
    const u = e.username;
    const k = e.accessKeyId;
    const r = e.awsRegion;
    text += `${e.accountId.length}:${e.accountId}${e.eventId.length}:${e.eventId}${e.eventTime.getTime()}:${e.eventName.length}:${e.eventName}${e.eventSource.length}:${e.eventSource}${e.readOnly ? 1 : 0}`;
    text += u === undefined ? '~' : `${u.length}:${u}`;
    text += k === undefined ? '~' : `${k.length}:${k}`;
    text += r === undefined ? '~' : `${r.length}:${r}`;
    text += `${e.resources.length}:`;
    for (const x of e.resources) text += `${x.ResourceType.length}:${x.ResourceType}${x.ResourceName.length}:${x.ResourceName}`;
    text += `${e.record.length}:${e.record}`;
  }
  return text;
}

/** The events encodeEvents encoded; throws on a text it did not make. */
export function decodeEvents(text: string): StoredEvent[] {
  let at = 0;
  const bad = (): never => {
    throw new Error('not an encoded event batch');
  };
  /** A decimal number ended by `:` (a time may be negative). */
  const num = (): number => {
    let n = 0;
    let sign = 1;
    if (text.charCodeAt(at) === 45) {
      sign = -1;
      at++;
    }
    const from = at;
    for (;;) {
      const c = text.charCodeAt(at++);
      if (c === 58 && at - 1 > from) return sign * n;
      if (!(c >= 48 && c <= 57)) return bad();
      n = n * 10 + (c - 48);
    }
  };
  const str = (): string => {
    const n = num();
    if (at + n > text.length) bad();
    const s = text.slice(at, at + n);
    at += n;
    return s;
  };
  const opt = (): string | undefined => {
    if (text.charCodeAt(at) !== 126) return str();
    at++;
    return undefined;
  };
  const out: StoredEvent[] = [];
  while (at < text.length) {
    const accountId = str();
    const eventId = str();
    const eventTime = new Date(num());
    const eventName = str();
    const eventSource = str();
    const ro = text.charCodeAt(at++);
    if (ro !== 48 && ro !== 49) bad();
    const username = opt();
    const accessKeyId = opt();
    const awsRegion = opt();
    const resources: StoredEvent['resources'] = [];
    for (let i = num(); i > 0; i--) resources.push({ ResourceType: str(), ResourceName: str() });
    const e: StoredEvent = { accountId, eventId, eventTime, eventName, eventSource, readOnly: ro === 49, resources, record: str() };
    if (username !== undefined) e.username = username;
    if (accessKeyId !== undefined) e.accessKeyId = accessKeyId;
    if (awsRegion !== undefined) e.awsRegion = awsRegion;
    out.push(e);
  }
  return out;
}

/** Starts the writer thread on the database file `filename`. */
export function startEventWriter(filename: string): EventWriter {
  const rpc = startWorkerRpc(new URL('./event-writer-worker.js', import.meta.url), filename, 'event writer', () => undefined);
  if (!rpc) return { write: () => Promise.reject(new Error('no event writer thread')), stop: async () => {}, failed: true };
  return {
    get failed() {
      return rpc.failed;
    },
    write(events) {
      // One string per batch: a structured clone of the event objects cost the event loop more than the inserts.
      let text: string;
      try {
        text = encodeEvents(events);
      } catch (err) {
        return Promise.reject(err);
      }
      return rpc.call({ events: text });
    },
    stop: () => rpc.stop(),
  };
}
