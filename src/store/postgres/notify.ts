/**
 * Cross-node change feed of the PostgreSQL store: every write unit that can change a cached answer issues
 * `pg_notify(channel, '<node> <method> <patch keys> <key>')` inside its own transaction (so it is delivered only if it
 * commits, and never before), and each node keeps one dedicated LISTEN connection that hands other nodes' changes to
 * the store's subscribers (the authorization caches and the console's session memory). While that connection is down
 * subscribers are told the feed is not live (cache nothing); once it listens again they flush everything, since a
 * notification sent meanwhile is lost.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store, StoreChange } from '../store.js';
import type { PgContextWithTx } from './db.js';

/** Writes no cache on any node depends on: high-frequency bookkeeping, sent without a notification. */
const SILENT_WRITES: ReadonlySet<string> = new Set([
  'putTemporaryCredential',
  'deleteExpiredTemporaryCredentials',
  'deleteExpiredConsoleSessions',
  'consumeSamlAssertion',
  'putS3Object',
  'deleteS3Object',
  'createS3Upload',
  'putS3Part',
  'deleteS3Upload',
  'appendEvents',
  'deleteExpiredEvents',
]);

/** Patch methods whose patch is silent when it only touches these keys ("last used" stamps). */
const SILENT_PATCH_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  updateAccessKey: new Set(['lastUsed']),
  updateRole: new Set(['lastUsed']),
  updateUser: new Set(['passwordLastUsed']),
};

/** Methods whose notification names the row (the console's sessions drop just that one from memory). */
const KEYED: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  putConsoleSession: (a) => (a[0] as { id?: unknown } | undefined)?.id,
  deleteConsoleSession: (a) => a[0],
};

/** The application_name of every node's LISTEN connection (visible in pg_stat_activity). */
export const LISTENER_APPLICATION_NAME = 'kamen-change-listener';

const READ = /^(get|list|count|lookup)/;
const NOT_WRITES = new Set(['transaction', 'close', 'subscribeChanges']);

/** The LISTEN channel of one schema (several kamen installations may share a database, one schema each). */
export function changeChannel(schema: string): string {
  return `kamen_changes_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/** The payload of one change: node ID, method, comma-separated patch keys ("-" for none), then the row key if any. */
function encode(node: string, method: string, patchKeys: readonly string[] | undefined, key: unknown): string {
  const keys = patchKeys && patchKeys.length > 0 ? patchKeys.join(',') : '-';
  return typeof key === 'string' ? `${node} ${method} ${keys} ${key}` : `${node} ${method} ${keys}`;
}

/** The change a payload describes, or undefined for this node's own or a malformed one. */
export function decodeChange(payload: string, self: string): StoreChange | undefined {
  const [node, method, keys, key] = payload.split(' ');
  if (!node || !method || node === self) return undefined;
  const change: { method: string; patchKeys?: readonly string[]; key?: string } = { method };
  if (keys && keys !== '-') change.patchKeys = keys.split(',');
  if (key) change.key = key;
  return change;
}

/**
 * Wraps every write method of `store` (in place) so that it runs in one transaction with its notification. A write
 * already inside a transaction adds its notification to it; silent writes (and "last used" patches) are left as they
 * are, which keeps their lock-free paths (AssumeRole's putTemporaryCredential) lock-free.
 */
export function instrumentWrites(store: Store, ctx: PgContextWithTx, node: string, channel: string): void {
  const target = store as unknown as Record<string, unknown>;
  for (const name of Object.keys(target)) {
    const fn = target[name];
    if (typeof fn !== 'function' || READ.test(name) || NOT_WRITES.has(name) || SILENT_WRITES.has(name)) continue;
    const silentKeys = SILENT_PATCH_KEYS[name];
    const keyOf = KEYED[name];
    target[name] = (...args: unknown[]): Promise<unknown> => {
      const patch = args[args.length - 1];
      const patchKeys = patch && typeof patch === 'object' && !Array.isArray(patch) && !(patch instanceof Date) ? Object.keys(patch) : undefined;
      if (silentKeys && patchKeys && patchKeys.every((k) => silentKeys.has(k))) return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      const payload = encode(node, name, patchKeys, keyOf?.(args));
      return ctx.transaction(async () => {
        const result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        await ctx.conn().run('SELECT pg_notify($1, $2)', [channel, payload]);
        return result;
      });
    };
  }
}

/** What the listener needs to open its own connection. */
export interface ChangeListenerOptions {
  connectionString: string;
  /** libpq startup options (the pool's). */
  options: string;
  channel: string;
  /** This node's ID: its own notifications are skipped (its caches saw the writes already). */
  node: string;
  /** Where connection problems are reported (the pool's onPoolError). */
  onError?: (err: Error) => void;
  /** First and longest delay between reconnect attempts (ms; default 50 and 2000). */
  retryMs?: readonly [number, number];
  /** How often the connection is probed with a query (ms; default 5000); a probe unanswered by the next one counts as a lost connection. */
  probeMs?: number;
}

/** The running listener: `subscribe` for the Store's subscribeChanges, `close` at store close. */
export interface ChangeListener {
  subscribe(listener: (change: StoreChange) => void): () => void;
  /** True while the LISTEN connection is up. */
  live(): boolean;
  close(): Promise<void>;
}

/** A fresh node ID for notifications. */
export function newNodeId(): string {
  return randomBytes(8).toString('hex');
}

/** Connects the LISTEN connection (resolving once it listens) and keeps it connected, reconnecting after failures. */
export async function startChangeListener(opts: ChangeListenerOptions): Promise<ChangeListener> {
  const subscribers = new Set<(change: StoreChange) => void>();
  const [firstDelay, maxDelay] = opts.retryMs ?? [50, 2000];
  let client: pg.Client | undefined;
  let isLive = false;
  let closed = false;
  let delay = firstDelay;
  let retry: NodeJS.Timeout | undefined;
  let probe: NodeJS.Timeout | undefined;

  const emit = (change: StoreChange): void => {
    for (const s of subscribers) s(change);
  };

  /** The connection is gone (or never came): stop trusting caches, reconnect later. */
  const lost = (c: pg.Client, err?: Error): void => {
    if (client !== c) return;
    client = undefined;
    clearInterval(probe);
    if (err) opts.onError?.(err);
    c.removeAllListeners('notification');
    c.on('error', () => {});
    void c.end().catch(() => {});
    if (isLive) {
      isLive = false;
      emit({ live: false });
    }
    if (!closed) {
      retry = setTimeout(() => void connect().catch(() => {}), delay);
      retry.unref();
      delay = Math.min(delay * 2, maxDelay);
    }
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.connectionString, options: opts.options, keepAlive: true, connectionTimeoutMillis: 10_000, application_name: LISTENER_APPLICATION_NAME });
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', (msg) => {
      if (msg.channel !== opts.channel || msg.payload === undefined) return;
      const change = decodeChange(msg.payload, opts.node);
      if (change) emit(change);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${opts.channel}`);
    } catch (err) {
      lost(c, err as Error);
      throw err;
    }
    if (client !== c || closed) {
      // Closed (or replaced) while connecting: this connection is nobody's.
      await c.end().catch(() => {});
      return;
    }
    delay = firstDelay;
    isLive = true;
    // Anything may have changed while nobody listened: subscribers forget everything and cache again.
    emit({ live: true });
    // A probe still unanswered at the next tick means a silent peer (a partition): treated like a dropped connection.
    let pending = false;
    probe = setInterval(() => {
      if (client !== c) return;
      if (pending) return lost(c, new Error('the change listener connection did not answer its probe'));
      pending = true;
      c.query('SELECT 1').then(
        () => void (pending = false),
        (err: Error) => lost(c, err),
      );
    }, opts.probeMs ?? 5000);
    probe.unref();
  };

  try {
    await connect();
  } catch (err) {
    closed = true;
    clearTimeout(retry);
    throw err;
  }
  return {
    subscribe(listener) {
      subscribers.add(listener);
      if (!isLive) listener({ live: false });
      return () => void subscribers.delete(listener);
    },
    live: () => isLive,
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(probe);
      const c = client;
      client = undefined;
      isLive = false;
      await c?.end().catch(() => {});
    },
  };
}
