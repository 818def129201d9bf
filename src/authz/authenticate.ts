/** Access key (and session token) → the Caller and the secret the SigV4 signature is verified with. */
import { timingSafeEqual } from 'node:crypto';
import { KamenError } from '../errors.js';
import type { Caller } from '../services/types.js';
import type { Store } from '../store/store.js';
import { callerFromTemporaryCredential } from './session.js';

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

/**
 * Resolves the credentials of one request. Long-term keys (AKIA…): the root user's or an IAM user's; an Inactive key
 * is refused like an unknown one (AWS: InvalidClientTokenId). Temporary keys (ASIA…): the session token must match
 * and the credential must not have expired (ExpiredToken).
 */
export async function resolveCredentials(store: Store, accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<{ caller: Caller; secretAccessKey: string }> {
  if (accessKeyId.startsWith('ASIA')) {
    const cred = await store.getTemporaryCredential(accessKeyId);
    if (!cred || sessionToken === undefined || !constantTimeEqual(sessionToken, cred.sessionToken)) throw invalid();
    if (cred.expiration.getTime() <= nowMs) throw new KamenError('ERR_EXPIRED_TOKEN', EXPIRED_TOKEN);
    return { caller: callerFromTemporaryCredential(cred), secretAccessKey: cred.secretAccessKey };
  }
  const key = await store.getAccessKey(accessKeyId);
  if (!key || key.status !== 'Active') throw invalid();
  // A long-term key used with a session token is a mismatch AWS refuses the same way.
  if (sessionToken !== undefined && sessionToken !== '') throw invalid();
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
