/** The shape STS writes into TemporaryCredential.session, and the Caller rebuilt from it on every request. */
import type { Caller, SessionInfo } from '../services/types.js';
import type { Store, TemporaryCredential, User } from '../store/store.js';

/** What TemporaryCredential.session holds: the principal's printable identity plus the session facts. */
export interface StoredSession {
  v: 1;
  kind: Caller['kind'];
  arn: string;
  userId: string;
  userName?: string;
  info: SessionInfo;
}

/** Packs a caller (kind/arn/userId/userName) and its SessionInfo for TemporaryCredential.session. */
export function packSession(p: { kind: Caller['kind']; arn: string; userId: string; userName?: string }, info: SessionInfo): Record<string, unknown> {
  const s: StoredSession = { v: 1, kind: p.kind, arn: p.arn, userId: p.userId, info };
  if (p.userName !== undefined) s.userName = p.userName;
  return s as unknown as Record<string, unknown>;
}

/** Rebuilds the Caller a temporary credential stands for. */
export function callerFromTemporaryCredential(cred: TemporaryCredential): Caller {
  const s = cred.session as unknown as StoredSession;
  const caller: Caller = { kind: s.kind, accountId: cred.accountId, arn: s.arn, userId: s.userId, accessKeyId: cred.accessKeyId, session: s.info, sessionExpiresAt: cred.expiration.getTime() };
  if (s.userName !== undefined) caller.userName = s.userName;
  return caller;
}

const USER_ARN_NAME = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/;

/**
 * Temporary credentials acting as an IAM user (GetSessionToken, console sign-in) and GetFederationToken credentials
 * are bound to the issuing user's unique ID: the Caller of such a credential as the issuing user is now (a renamed
 * user's sessions act under the new name), or undefined when that user no longer exists (deleted; a user created
 * later under the same name is another identity). Sessions the root user issued and role sessions are returned
 * unchanged. Federation credentials recorded before the issuer's ID was kept are bound by name to a user that already
 * existed when they were issued.
 */
export async function bindSessionIssuer(store: Store, cred: TemporaryCredential, caller: Caller): Promise<Caller | undefined> {
  const info = caller.session;
  if (!info || (caller.kind !== 'user' && info.tokenType !== 'federation-token')) return caller;
  const byName = USER_ARN_NAME.exec(info.sourceArn);
  if (!byName) return caller; // issued by the root user
  const id = info.sourceId ?? (caller.kind === 'user' ? caller.userId : undefined);
  let user: User | undefined;
  if (id !== undefined) user = await store.getUserById(id);
  else {
    user = await store.getUser(cred.accountId, byName[1]!);
    if (user && user.createDate.getTime() > cred.createDate.getTime()) user = undefined;
  }
  if (!user || user.accountId !== cred.accountId) return undefined;
  if (user.arn === info.sourceArn) return caller;
  const session: SessionInfo = { ...info, sourceArn: user.arn, sourceId: user.userId };
  if (caller.kind === 'user') return { ...caller, arn: user.arn, userName: user.userName, session };
  return { ...caller, session };
}

/**
 * True unless `caller` is a session of a role that was deleted since (or deleted and created again: a new role ID).
 * Such a session still carries the role's ARN, which now names another identity or none, so a trust policy naming
 * that ARN must not let it in (IAM binds the named role by its unique ID).
 */
export async function sessionRoleIsCurrent(store: Store, caller: Caller): Promise<boolean> {
  const info = caller.session;
  if (caller.kind !== 'assumed-role' || !info?.roleId) return true;
  const role = await store.getRoleById(info.roleId);
  return role !== undefined && role.arn === info.sourceArn;
}
