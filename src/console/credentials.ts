/**
 * Temporary credentials for a console sign-in: like GetSessionToken's, they act as the signed-in user (or root) with
 * aws:MultiFactorAuthPresent set from the sign-in, but carry no GetSessionToken restrictions (a console session may
 * call IAM without MFA, as AWS's console does).
 */
import { expirationFor, isoSeconds } from '../services/sts/common.js';
import { createTemporaryKeyIds } from '../authz/temporary-keys.js';
import { packSession } from '../authz/session.js';
import type { Clock } from '../clock.js';
import type { SessionInfo } from '../services/types.js';
import type { Store } from '../store/store.js';
import type { ConsoleCredentials, ConsolePrincipal } from './session.js';

/** How long a console sign-in lasts: 12 hours for IAM users, 1 hour for the root user. */
export const USER_SESSION_SECONDS = 12 * 3600;
export const ROOT_SESSION_SECONDS = 3600;

/** Mints and persists the temporary credentials a console session acts with. */
export async function mintConsoleCredentials(store: Store, clock: Clock, principal: ConsolePrincipal, mfa: boolean, seconds?: number): Promise<ConsoleCredentials> {
  const now = clock.now();
  const info: SessionInfo = { sourceArn: principal.arn, issuedAt: isoSeconds(now), mfaAuthenticated: mfa };
  if (mfa) info.mfaAuthenticatedAt = isoSeconds(now);
  const p = principal.userName !== undefined ? { kind: principal.kind, arn: principal.arn, userId: principal.userId, userName: principal.userName } : { kind: principal.kind, arn: principal.arn, userId: principal.userId };
  const expiration = expirationFor(now, seconds ?? (principal.kind === 'root' ? ROOT_SESSION_SECONDS : USER_SESSION_SECONDS));
  const cred = await store.putTemporaryCredential({ accessKeyId: createTemporaryKeyIds()(now), accountId: principal.accountId, expiration, createDate: new Date(now), session: packSession(p, info) });
  return { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey, sessionToken: cred.sessionToken, expiration };
}
