/** One-call wiring of src/authz for the server: the functions PipelineDeps needs and the deps STS needs. */
import type { Clock } from '../clock.js';
import { createPolicyCache } from '../policy/index.js';
import type { Caller, OperationContext } from '../services/types.js';
import type { Store } from '../store/store.js';
import { createCredentialResolver, type AcceptAnyCredentials, type ResolvedCredentials } from './authenticate.js';
import { createSessionSealer, type SessionSealer } from './sealed-session.js';
import { createAuthorizer, type Authorizer, type ResourceOwner } from './authorizer.js';
import { createKeyUsageRecorder } from './key-usage.js';
import { createIssueRateLimiter, type IssueRate, type IssueRateLimiter } from './issue-rate.js';
import type { ManagedPolicyCatalog } from './policies.js';

/** The hooks PipelineDeps takes and the deps STS takes. */
export interface AuthzRuntime {
  authorizer: Authorizer;
  /** PipelineDeps.resolveCredentials (step 3). */
  resolveCredentials(accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<ResolvedCredentials>;
  /** PipelineDeps.authorizeOperation (step 5). */
  authorizeOperation(ctx: OperationContext, service: string, operation: string, input: Record<string, unknown>, resource?: ResourceOwner): Promise<void>;
  /** PipelineDeps.noteKeyUsed (after authentication). */
  noteKeyUsed(caller: Caller, service: string, region: string): void;
  /** Merge into ServiceDeps: createStsService reads `authorizer`, `sessionSealer`, and `stsIssueRate` when a rate of issuance is set. */
  serviceDeps: { authorizer: Authorizer; sessionSealer: SessionSealer; stsIssueRate?: IssueRateLimiter };
}

/**
 * Builds the authorizer (policy cache, principal cache, message key) and the pipeline hooks; `stsIssueRate` limits how
 * fast each principal may have temporary credentials issued (no limit when absent); `acceptAnyCredentials` turns on
 * drop-in mode (an unknown access key is that account's root user).
 */
export function createAuthzRuntime(opts: { store: Store; clock: Clock; managedPolicies: ManagedPolicyCatalog; messageKey?: Buffer; policyCacheSize?: number; stsIssueRate?: IssueRate; acceptAnyCredentials?: AcceptAnyCredentials }): AuthzRuntime {
  const deps: Parameters<typeof createAuthorizer>[0] = { store: opts.store, clock: opts.clock, managedPolicies: opts.managedPolicies, policyCache: createPolicyCache(opts.policyCacheSize ?? 5000) };
  if (opts.messageKey) deps.messageKey = opts.messageKey;
  const authorizer = createAuthorizer(deps);
  const sessionSealer = createSessionSealer(opts.store);
  return {
    authorizer,
    resolveCredentials: createCredentialResolver(opts.store, undefined, opts.acceptAnyCredentials, sessionSealer),
    authorizeOperation: (ctx, service, operation, input, resource) => authorizer.authorizeOperation(ctx, service, operation, input, resource),
    noteKeyUsed: createKeyUsageRecorder(opts.store, opts.clock),
    serviceDeps: opts.stsIssueRate ? { authorizer, sessionSealer, stsIssueRate: createIssueRateLimiter(opts.clock, opts.stsIssueRate) } : { authorizer, sessionSealer },
  };
}
