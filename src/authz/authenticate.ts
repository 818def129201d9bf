/** Access key (and session token) → the Caller and the secret the SigV4 signature is verified with. */
import { timingSafeEqual } from 'node:crypto';
import { KamenError } from '../errors.js';
import type { Caller } from '../services/types.js';
import type { Store } from '../store/store.js';
import { callerFromTemporaryCredential } from './session.js';
import { CREDENTIAL_RELEVANCE, createGenerationCache } from './cache.js';
import { MAX_TEMPORARY_LIFETIME_SECONDS, temporaryKeyIssuedAt } from './temporary-keys.js';

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
 * an unknown one (AWS: InvalidClientTokenId). Temporary keys (ASIA…): the session and its token and expiry; a key
 * whose row was swept (every credential of its issue second has expired) still has its derived token and is expired.
 */
async function lookupKey(store: Store, accessKeyId: string, nowMs: number): Promise<ResolvedKey> {
  if (accessKeyId.startsWith('ASIA')) {
    const cred = await store.getTemporaryCredential(accessKeyId);
    if (!cred) {
      const issued = temporaryKeyIssuedAt(accessKeyId);
      const outlived = issued === undefined ? undefined : issued + MAX_TEMPORARY_LIFETIME_SECONDS * 1000;
      if (outlived === undefined || outlived >= nowMs) throw invalid();
      return { secretAccessKey: '', sessionToken: (await store.getDerivedTemporarySecrets(accessKeyId)).sessionToken, expiresAt: outlived };
    }
    return { caller: callerFromTemporaryCredential(cred), secretAccessKey: cred.secretAccessKey, sessionToken: cred.sessionToken, expiresAt: cred.expiration.getTime() };
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

/** Resolves the credentials of one request from the store (no caching). */
export async function resolveCredentials(store: Store, accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<{ caller: Caller; secretAccessKey: string }> {
  return checkKey(await lookupKey(store, accessKeyId, nowMs), sessionToken, nowMs);
}

/**
 * resolveCredentials with a cache of looked-up keys that stays exact (a write that can change a key's answer —
 * status, deletion, a user rename — invalidates it); the token and expiry checks run on every request.
 */
export function createCredentialResolver(store: Store, max = 10_000): (accessKeyId: string, sessionToken: string | undefined, nowMs: number) => Promise<{ caller: Caller; secretAccessKey: string }> {
  const cache = createGenerationCache<ResolvedKey>(store, max, CREDENTIAL_RELEVANCE);
  return async (accessKeyId, sessionToken, nowMs) => checkKey(await cache.through(accessKeyId, () => lookupKey(store, accessKeyId, nowMs)), sessionToken, nowMs);
}
