/** One-call wiring of src/authz for the server: the functions PipelineDeps needs and the deps STS needs. */
import type { Clock } from '../clock.js';
import { createPolicyCache } from '../policy/index.js';
import type { Caller, OperationContext } from '../services/types.js';
import type { Store } from '../store/store.js';
import { createCredentialResolver } from './authenticate.js';
import { createAuthorizer, type Authorizer } from './authorizer.js';
import { createKeyUsageRecorder } from './key-usage.js';
import type { ManagedPolicyCatalog } from './policies.js';

/** The hooks PipelineDeps takes and the deps STS takes. */
export interface AuthzRuntime {
  authorizer: Authorizer;
  /** PipelineDeps.resolveCredentials (step 3). */
  resolveCredentials(accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<{ caller: Caller; secretAccessKey: string }>;
  /** PipelineDeps.authorizeOperation (step 5). */
  authorizeOperation(ctx: OperationContext, service: string, operation: string, input: Record<string, unknown>): Promise<void>;
  /** PipelineDeps.noteKeyUsed (after authentication). */
  noteKeyUsed(caller: Caller, service: string, region: string): void;
  /** Merge into ServiceDeps: createStsService reads `authorizer`. */
  serviceDeps: { authorizer: Authorizer };
}

/** Builds the authorizer (policy cache, principal cache, message key) and the pipeline hooks. */
export function createAuthzRuntime(opts: { store: Store; clock: Clock; managedPolicies: ManagedPolicyCatalog; messageKey?: Buffer; policyCacheSize?: number }): AuthzRuntime {
  const deps: Parameters<typeof createAuthorizer>[0] = { store: opts.store, clock: opts.clock, managedPolicies: opts.managedPolicies, policyCache: createPolicyCache(opts.policyCacheSize ?? 5000) };
  if (opts.messageKey) deps.messageKey = opts.messageKey;
  const authorizer = createAuthorizer(deps);
  return {
    authorizer,
    resolveCredentials: createCredentialResolver(opts.store),
    authorizeOperation: (ctx, service, operation, input) => authorizer.authorizeOperation(ctx, service, operation, input),
    noteKeyUsed: createKeyUsageRecorder(opts.store, opts.clock),
    serviceDeps: { authorizer },
  };
}
