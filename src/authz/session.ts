/** The shape STS writes into TemporaryCredential.session, and the Caller rebuilt from it on every request. */
import type { Caller, SessionInfo } from '../services/types.js';
import type { TemporaryCredential } from '../store/store.js';

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
  const caller: Caller = { kind: s.kind, accountId: cred.accountId, arn: s.arn, userId: s.userId, accessKeyId: cred.accessKeyId, session: s.info };
  if (s.userName !== undefined) caller.userName = s.userName;
  return caller;
}
