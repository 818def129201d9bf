/** The userIdentity element of a CloudTrail record, from the caller the request authenticated as. */
import type { Caller } from '../services/types.js';
import type { UserIdentity } from './types.js';

/** The userIdentity AWS writes for `caller` (Root, IAMUser, AssumedRole, FederatedUser). */
export function userIdentity(caller: Caller): UserIdentity {
  const s = caller.session;
  switch (caller.kind) {
    case 'root': {
      const id: UserIdentity = { type: 'Root', principalId: caller.accountId, arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
      if (s) id.sessionContext = { attributes: attributes(s.issuedAt, s.mfaAuthenticated) };
      return id;
    }
    case 'user': {
      const id: UserIdentity = { type: 'IAMUser', principalId: caller.userId, arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
      if (caller.userName !== undefined) id.userName = caller.userName;
      // A failed console sign-in of a user that does not exist names no principal.
      if (!caller.arn) {
        delete id.principalId;
        delete id.arn;
      }
      // GetSessionToken credentials act as the user; the record says how they were obtained.
      if (s) id.sessionContext = { attributes: attributes(s.issuedAt, s.mfaAuthenticated) };
      return id;
    }
    case 'assumed-role': {
      const id: UserIdentity = { type: 'AssumedRole', principalId: caller.userId, arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
      if (s) {
        id.sessionContext = {
          sessionIssuer: { type: 'Role', principalId: s.roleId ?? caller.userId.split(':')[0]!, arn: s.sourceArn, accountId: caller.accountId, userName: s.roleName ?? s.sourceArn.slice(s.sourceArn.lastIndexOf('/') + 1) },
          attributes: attributes(s.issuedAt, s.mfaAuthenticated),
        };
        if (s.sourceIdentity !== undefined) id.sessionContext.sourceIdentity = s.sourceIdentity;
      }
      return id;
    }
    case 'federated-user': {
      const id: UserIdentity = { type: 'FederatedUser', principalId: caller.userId, arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
      if (s) {
        const issuerIsRoot = s.sourceArn.endsWith(':root');
        id.sessionContext = {
          sessionIssuer: {
            type: issuerIsRoot ? 'Root' : 'IAMUser',
            principalId: s.sourceId ?? caller.accountId,
            arn: s.sourceArn,
            accountId: caller.accountId,
            ...(issuerIsRoot ? {} : { userName: s.sourceArn.slice(s.sourceArn.lastIndexOf('/') + 1) }),
          },
          attributes: attributes(s.issuedAt, s.mfaAuthenticated),
        };
      }
      return id;
    }
    default:
      return { type: 'Unknown' };
  }
}

/** The userIdentity of a call as the other account records it (AssumeRole of its role from another account). */
export function otherAccountIdentity(caller: Caller): UserIdentity {
  return { type: 'AWSAccount', principalId: caller.userId, accountId: caller.accountId };
}

/** The name LookupEvents' Username attribute matches: the user name, the role session name, or `root`. */
export function lookupUsername(caller: Caller): string | undefined {
  switch (caller.kind) {
    case 'root':
      return 'root';
    case 'user':
      return caller.userName;
    case 'assumed-role':
      return caller.session?.sessionName ?? caller.arn.slice(caller.arn.lastIndexOf('/') + 1);
    case 'federated-user':
      return caller.userName ?? caller.arn.slice(caller.arn.lastIndexOf('/') + 1);
    default:
      return undefined;
  }
}

function attributes(issuedAt: string, mfa: boolean): { creationDate: string; mfaAuthenticated: 'true' | 'false' } {
  return { creationDate: issuedAt, mfaAuthenticated: mfa ? 'true' : 'false' };
}
