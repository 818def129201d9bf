/** src/authz: authentication of access keys, request authorization, and EC2's encoded authorization messages. */
export { resolveCredentials, createCredentialResolver, constantTimeEqual } from './authenticate.js';
export { createAuthorizer, ec2DeniedText, type Authorizer, type AuthorizerDeps } from './authorizer.js';
export { buildAuthorizationMessage, encodeAuthorizationMessage, decodeAuthorizationMessage, type AuthorizationMessage } from './auth-message.js';
export { gatherPolicies, managedPolicyDocument, type ManagedPolicyCatalog, type PrincipalPolicies } from './policies.js';
export { operationTarget, TARGET_TABLES, type OperationTarget } from './targets.js';
export { packSession, callerFromTemporaryCredential, type StoredSession } from './session.js';
export { createAuthzRuntime, type AuthzRuntime } from './runtime.js';
export { createKeyUsageRecorder } from './key-usage.js';
export { createGenerationCache } from './cache.js';
