/** Access key (and session token) → the Caller and the secret the SigV4 signature is verified with. */
import { timingSafeEqual } from 'node:crypto';
import { KamenError } from '../errors.js';
import type { Caller } from '../services/types.js';
import type { Store } from '../store/store.js';
import { bindSessionIssuer, callerFromTemporaryCredential } from './session.js';
import { CREDENTIAL_RELEVANCE, createGenerationCache } from './cache.js';
import { MAX_TEMPORARY_LIFETIME_SECONDS, temporaryKeyIssuedAt } from './temporary-keys.js';
import { createSessionSealer, isSealedToken, type SessionSealer } from './sealed-session.js';

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';

function invalid(): KamenError {
  return new KamenError('ERR_INVALID_CLIENT_TOKEN_ID', INVALID_TOKEN);
}

/** Constant-time string equality (length leaks, contents do not). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // same work either way
    return false;
  }
  return timingSafeEqual(x, y);
}

/** What a key resolves to, before the per-request checks (session token, expiry). */
interface ResolvedKey {
  /** Undefined for a swept temporary key: known only to be expired. */
  caller?: Caller;
  secretAccessKey: string;
  /** Temporary credentials: the token the request must carry, and when they expire (ms). */
  sessionToken?: string;
  expiresAt?: number;
}

/**
 * Looks an access key up. Long-term keys (AKIA…): the root user's or an IAM user's; an Inactive key is refused like
 * an unknown one (AWS: InvalidClientTokenId). Temporary keys (ASIA…): the session and its token and expiry, from the
 * request's sealed token when it opens for this key (sealed-session.ts), else from the row; a key whose row was
 * swept (every credential of its issue second has expired) still has its derived token and is expired.
 */
async function lookupKey(store: Store, accessKeyId: string, nowMs: number, sessionToken: string | undefined, sealer: SessionSealer): Promise<ResolvedKey> {
  if (accessKeyId.startsWith('ASIA')) {
    const sealed = sessionToken !== undefined ? await sealer.open(accessKeyId, sessionToken) : undefined;
    const cred = sealed ?? (await store.getTemporaryCredential(accessKeyId));
    if (!cred) {
      // A sealed token that does not open is refused outright, before the swept-key answer: a forged one must leave no
      // entry in the resolver's cache for the real token to miss (a derived token begins like a sealed one twice
      // in 2^24; swept, it then reads as invalid rather than expired).
      if (sessionToken !== undefined && isSealedToken(sessionToken)) throw invalid();
      const issued = temporaryKeyIssuedAt(accessKeyId);
      const outlived = issued === undefined ? undefined : issued + MAX_TEMPORARY_LIFETIME_SECONDS * 1000;
      if (outlived === undefined || outlived >= nowMs) throw invalid();
      return { secretAccessKey: '', sessionToken: (await store.getDerivedTemporarySecrets(accessKeyId)).sessionToken, expiresAt: outlived };
    }
    // Sessions of a deleted issuing user are refused like an unknown key (see bindSessionIssuer).
    const caller = await bindSessionIssuer(store, cred, callerFromTemporaryCredential(cred));
    if (!caller) throw invalid();
    return { caller, secretAccessKey: cred.secretAccessKey, sessionToken: cred.sessionToken, expiresAt: cred.expiration.getTime() };
  }
  const key = await store.getAccessKey(accessKeyId);
  if (!key || key.status !== 'Active') throw invalid();
  if (key.userName === undefined) {
    return {
      caller: { kind: 'root', accountId: key.accountId, arn: `arn:aws:iam::${key.accountId}:root`, userId: key.accountId, accessKeyId },
      secretAccessKey: key.secretAccessKey,
    };
  }
  const user = await store.getUser(key.accountId, key.userName);
  if (!user) throw invalid();
  return {
    caller: { kind: 'user', accountId: key.accountId, arn: user.arn, userId: user.userId, accessKeyId, userName: user.userName },
    secretAccessKey: key.secretAccessKey,
  };
}

/** The checks every request makes of its key: the session token matches (temporary) or is absent (long-term), not expired. */
function checkKey(key: ResolvedKey, sessionToken: string | undefined, nowMs: number): { caller: Caller; secretAccessKey: string } {
  if (key.sessionToken !== undefined) {
    if (sessionToken === undefined || !constantTimeEqual(sessionToken, key.sessionToken)) throw invalid();
    if (key.expiresAt! <= nowMs) throw new KamenError('ERR_EXPIRED_TOKEN', EXPIRED_TOKEN);
  } else if (sessionToken !== undefined && sessionToken !== '') {
    // A long-term key used with a session token is a mismatch AWS refuses the same way.
    throw invalid();
  }
  if (!key.caller) throw invalid();
  return { caller: key.caller, secretAccessKey: key.secretAccessKey };
}

/**
 * Drop-in mode (`kamen serve --accept-any-credentials`): an access key the store does not know resolves to the root
 * user of `accountId`. Its secret is unknown, so its signature cannot be verified (`signatureUnverifiable`).
 */
export interface AcceptAnyCredentials {
  accountId: string;
}

/** What a request's credentials resolve to; `signatureUnverifiable` only for an unknown key in drop-in mode. */
export interface ResolvedCredentials {
  caller: Caller;
  secretAccessKey: string;
  signatureUnverifiable?: boolean;
}

/** The lookup, or in drop-in mode the default account's root for a key that is not in the store at all. */
async function lookupOrAdopt(store: Store, accessKeyId: string, nowMs: number, sessionToken: string | undefined, sealer: SessionSealer, anyKey: AcceptAnyCredentials | undefined): Promise<ResolvedKey & { signatureUnverifiable?: boolean }> {
  if (!anyKey) return lookupKey(store, accessKeyId, nowMs, sessionToken, sealer);
  // Only a key absent from the store is adopted: an inactive, deleted-user or expired key is refused as before.
  const known = accessKeyId.startsWith('ASIA') ? await store.getTemporaryCredential(accessKeyId) : await store.getAccessKey(accessKeyId);
  if (known || (accessKeyId.startsWith('ASIA') && temporaryKeyIssuedAt(accessKeyId) !== undefined)) return lookupKey(store, accessKeyId, nowMs, sessionToken, sealer);
  const id = anyKey.accountId;
  return { caller: { kind: 'root', accountId: id, arn: `arn:aws:iam::${id}:root`, userId: id, accessKeyId }, secretAccessKey: '', signatureUnverifiable: true };
}

/** checkKey, keeping drop-in mode's flag (an adopted key carries no session token requirement). */
function checkResolved(key: ResolvedKey & { signatureUnverifiable?: boolean }, sessionToken: string | undefined, nowMs: number): ResolvedCredentials {
  if (key.signatureUnverifiable) return { caller: key.caller!, secretAccessKey: '', signatureUnverifiable: true };
  return checkKey(key, sessionToken, nowMs);
}

/** Resolves the credentials of one request from the store (no caching). */
export async function resolveCredentials(store: Store, accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<{ caller: Caller; secretAccessKey: string }> {
  return checkKey(await lookupKey(store, accessKeyId, nowMs, sessionToken, createSessionSealer(store)), sessionToken, nowMs);
}

/**
 * A cached key whose token differs from the request's sealed token: two sealed credentials drew the same key ID (their
 * 39 bits of time and chance), each valid with its own token; the request's is opened on its own, never cached over the other.
 */
function otherSealedToken(key: ResolvedKey, sessionToken: string | undefined): boolean {
  return key.sessionToken !== undefined && sessionToken !== undefined && isSealedToken(sessionToken) && !constantTimeEqual(sessionToken, key.sessionToken);
}

/**
 * resolveCredentials with a cache of looked-up keys that stays exact (a write that can change a key's answer —
 * status, deletion, a user rename — invalidates it); the token and expiry checks run on every request.
 */
export function createCredentialResolver(
  store: Store,
  max = 10_000,
  anyKey?: AcceptAnyCredentials,
  sealer: SessionSealer = createSessionSealer(store),
): (accessKeyId: string, sessionToken: string | undefined, nowMs: number) => Promise<ResolvedCredentials> {
  const cache = createGenerationCache<ResolvedKey & { signatureUnverifiable?: boolean }>(store, max, CREDENTIAL_RELEVANCE);
  if (anyKey) {
    return async (accessKeyId, sessionToken, nowMs) => {
      const key = await cache.through(accessKeyId, () => lookupOrAdopt(store, accessKeyId, nowMs, sessionToken, sealer, anyKey));
      return checkResolved(otherSealedToken(key, sessionToken) ? await lookupOrAdopt(store, accessKeyId, nowMs, sessionToken, sealer, anyKey) : key, sessionToken, nowMs);
    };
  }
  return async (accessKeyId, sessionToken, nowMs) => {
    // A hit is read synchronously (through() would add a promise and a turn to every request).
    const key = cache.get(accessKeyId) ?? (await cache.through(accessKeyId, () => lookupKey(store, accessKeyId, nowMs, sessionToken, sealer)));
    return checkKey(otherSealedToken(key, sessionToken) ? await lookupKey(store, accessKeyId, nowMs, sessionToken, sealer) : key, sessionToken, nowMs);
  };
}
