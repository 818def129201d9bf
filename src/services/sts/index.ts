/** The STS service: AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity, GetCallerIdentity, GetSessionToken, GetFederationToken, GetAccessKeyInfo, DecodeAuthorizationMessage, GetWebIdentityToken, GetDelegatedAccessToken. */
import type { JwksCache } from '../../federation/oidc/index.js';
import type { ServiceDefinition } from '../types.js';
import { assumeRole } from './assume-role.js';
import { assumeRoleWithSaml } from './assume-role-with-saml.js';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity.js';
import { assumeRoot } from './assume-root.js';
import { authorizerSource, type StsDeps } from './common.js';
import { decodeAuthorizationMessage } from './decode-authorization-message.js';
import { getAccessKeyInfo } from './get-access-key-info.js';
import { getCallerIdentity } from './get-caller-identity.js';
import { getFederationToken } from './get-federation-token.js';
import { getSessionToken } from './get-session-token.js';
import { getWebIdentityToken } from './get-web-identity-token.js';
import { getDelegatedAccessToken } from './get-delegated-access-token.js';

export type { StsDeps } from './common.js';

/** Builds the STS ServiceDefinition; `deps.authorizer` (else ctx.deps.authorizer) decides AssumeRole and decodes EC2 messages. */
export function createStsService(deps: Partial<StsDeps> & { [k: string]: unknown } = {}): ServiceDefinition {
  const authorizerFor = authorizerSource(deps);
  return {
    name: 'sts',
    protocol: 'query',
    operations: {
      AssumeRole: assumeRole(authorizerFor),
      AssumeRoleWithSAML: assumeRoleWithSaml(authorizerFor),
      AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity(authorizerFor, deps['oidcKeys'] as JwksCache | undefined),
      AssumeRoot: assumeRoot(authorizerFor),
      GetCallerIdentity: getCallerIdentity(),
      GetSessionToken: getSessionToken(),
      GetFederationToken: getFederationToken(),
      GetAccessKeyInfo: getAccessKeyInfo(),
      DecodeAuthorizationMessage: decodeAuthorizationMessage(authorizerFor),
      GetWebIdentityToken: getWebIdentityToken(),
      GetDelegatedAccessToken: getDelegatedAccessToken(),
    },
  };
}
