/**
 * Console sessions: signed-in sessions (each backed by temporary credentials that expire) in memory, written through
 * to the Store when given so they survive a restart; the HMAC-signed session cookie (HttpOnly, SameSite=Strict, Path=/console) and the per-session CSRF token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ConsoleSessionStore, Store } from '../store/store.js';
import type { SigningCredentials } from './sigv4-sign.js';

/** The cookie that carries the signed session ID. */
export const SESSION_COOKIE = 'kamen-console';

/** Temporary credentials as the console holds them. */
export interface ConsoleCredentials extends SigningCredentials {
  sessionToken: string;
  expiration: Date;
}

/** Who signed in (the base identity the session returns to after "Back to"). */
export interface ConsolePrincipal {
  /** 'assumed-role': signed in through SAML (POST /saml) as a role session. */
  kind: 'root' | 'user' | 'assumed-role';
  accountId: string;
  arn: string;
  userId: string;
  userName?: string;
}

/** One entry of the switch-role history (and the switch form's fields). */
export interface RoleRef {
  accountId: string;
  roleName: string;
  displayName: string;
  color: string;
}

/** The role the session has switched to, with the credentials sts:AssumeRole returned. */
export interface SwitchedRole extends RoleRef {
  roleArn: string;
  assumedRoleArn: string;
  credentials: ConsoleCredentials;
}

/** A signed-in console session. */
export interface ConsoleSession {
  id: string;
  csrfToken: string;
  createdAt: number;
  /** The session ends when its credentials expire. */
  expiresAt: number;
  principal: ConsolePrincipal;
  mfa: boolean;
  credentials: ConsoleCredentials;
  switched?: SwitchedRole;
  /** Most recent first, at most five. */
  history: RoleRef[];
}

/** How many roles the history menu keeps (AWS's console keeps five). */
export const HISTORY_SIZE = 5;

/** `id.signature` with an HMAC-SHA256 (base64url) over the ID. */
export function signCookieValue(id: string, secret: Buffer): string {
  return `${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`;
}

/** The session ID of a signed cookie value, or undefined when the signature does not match. */
export function verifyCookieValue(value: string, secret: Buffer): string | undefined {
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const id = value.slice(0, dot);
  const expected = Buffer.from(signCookieValue(id, secret).slice(dot + 1));
  const given = Buffer.from(value.slice(dot + 1));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header for a session cookie (maxAgeSeconds 0 clears it). */
export function sessionCookieHeader(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? '; Secure' : ''}`;
}

/** True when `given` equals the session's CSRF token (constant time). */
export function checkCsrf(session: ConsoleSession, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Adds a role at the front of the history (no duplicates by account + role), keeping HISTORY_SIZE entries. */
export function pushHistory(history: RoleRef[], entry: RoleRef): RoleRef[] {
  const same = (r: RoleRef) => r.accountId === entry.accountId && r.roleName.toLowerCase() === entry.roleName.toLowerCase();
  return [entry, ...history.filter((r) => !same(r))].slice(0, HISTORY_SIZE);
}

/** Where sessions are kept besides memory (the Store's console sessions: encrypted under the master key). */
export type SessionPersistence = Pick<ConsoleSessionStore, 'putConsoleSession' | 'getConsoleSession' | 'deleteConsoleSession' | 'deleteExpiredConsoleSessions'> & Partial<Pick<Store, 'subscribeChanges'>>;

/** The session store of one console server: in memory, written through to `persist` when given. */
export interface SessionStore {
  create(principal: ConsolePrincipal, mfa: boolean, credentials: ConsoleCredentials): Promise<ConsoleSession>;
  /** The live session a Cookie header names (from memory, else from the persistent store); expired sessions are dropped. */
  fromCookieHeader(header: string | undefined): Promise<ConsoleSession | undefined>;
  /** The credentials the session acts with now (the switched role's until they expire, else the signed-in identity's). */
  activeCredentials(session: ConsoleSession): ConsoleCredentials;
  /** Writes a changed session through to the persistent store. */
  save(session: ConsoleSession): Promise<void>;
  destroy(id: string): Promise<void>;
  cookieFor(session: ConsoleSession): string;
  size(): number;
}

/** The stored key of a session: SHA-256 of its ID, so the store never holds what a cookie carries. */
function storedId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** A session as JSON (dates as epoch ms): what the Store keeps, and how a change to a session is noticed. */
export function serializeSession(s: ConsoleSession): string {
  return JSON.stringify(s, (_k, v: unknown) => (v instanceof Date ? { $date: v.getTime() } : v));
}

/** The session serializeSession() wrote. */
function deserialize(text: string): ConsoleSession {
  return JSON.parse(text, (_k, v: unknown) => (v !== null && typeof v === 'object' && '$date' in v ? new Date((v as { $date: number }).$date) : v)) as ConsoleSession;
}

/** Derives the cookie-signing secret from the master key (stable across restarts, so persisted sessions stay valid). */
export function cookieSecretFromMasterKey(masterKey: Buffer): Buffer {
  return createHmac('sha256', masterKey).update('kamen console session cookie v1').digest();
}

/** Builds a session store; `secret` signs cookies (random per process when omitted), at most `maxSessions` in memory. */
export function createSessionStore(opts: { clock: Clock; secret?: Buffer; maxSessions?: number; persist?: SessionPersistence }): SessionStore {
  const secret = opts.secret ?? randomBytes(32);
  const max = opts.maxSessions ?? 10_000;
  const persist = opts.persist;
  const sessions = new Map<string, ConsoleSession>();
  const sweep = (now: number) => {
    for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
  };
  const remember = (s: ConsoleSession): void => {
    if (sessions.size >= max) sweep(opts.clock.now());
    while (sessions.size >= max) sessions.delete(sessions.keys().next().value!);
    sessions.set(s.id, s);
  };
  // A session another node changed or ended is dropped from memory (read again from the store on its next request);
  // while that feed is down, memory is not trusted at all.
  let live = true;
  persist?.subscribeChanges?.((change) => {
    if (change.method === undefined) {
      live = change.live === true;
      sessions.clear();
    } else if ((change.method === 'putConsoleSession' || change.method === 'deleteConsoleSession') && change.key !== undefined) {
      for (const id of sessions.keys()) if (storedId(id) === change.key) sessions.delete(id);
    }
  });
  const save = async (s: ConsoleSession): Promise<void> => {
    if (sessions.get(s.id) !== s) return; // destroyed (signed out) or dropped: never written back
    await persist?.putConsoleSession({ id: storedId(s.id), expiresAt: new Date(s.expiresAt), data: serializeSession(s) });
  };
  return {
    async create(principal, mfa, credentials) {
      const now = opts.clock.now();
      const s: ConsoleSession = {
        id: randomBytes(24).toString('base64url'),
        csrfToken: randomBytes(24).toString('base64url'),
        createdAt: now,
        expiresAt: credentials.expiration.getTime(),
        principal,
        mfa,
        credentials,
        history: [],
      };
      remember(s);
      if (persist) {
        await persist.deleteExpiredConsoleSessions(new Date(now));
        await save(s);
      }
      return s;
    },
    async fromCookieHeader(header) {
      const raw = readCookie(header, SESSION_COOKIE);
      const id = raw ? verifyCookieValue(raw, secret) : undefined;
      if (!id) return undefined;
      let s = live ? sessions.get(id) : undefined;
      if (!s && persist) {
        const rec = await persist.getConsoleSession(storedId(id));
        if (rec) {
          s = deserialize(rec.data);
          if (s.id !== id) return undefined;
          remember(s);
        }
      }
      if (!s) return undefined;
      if (s.expiresAt <= opts.clock.now()) {
        sessions.delete(s.id);
        await persist?.deleteConsoleSession(storedId(s.id));
        return undefined;
      }
      return s;
    },
    activeCredentials(s) {
      if (s.switched && s.switched.credentials.expiration.getTime() <= opts.clock.now()) delete s.switched;
      return s.switched?.credentials ?? s.credentials;
    },
    save,
    async destroy(id) {
      sessions.delete(id);
      await persist?.deleteConsoleSession(storedId(id));
    },
    cookieFor: (s) => signCookieValue(s.id, secret),
    size: () => sessions.size,
  };
}
