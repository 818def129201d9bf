/** The authorizer and STS service over a World, with a small stand-in AWS managed policy catalog. */
import { createPolicyCache } from '../../src/policy/index.js';
import { createAuthorizer, type Authorizer } from '../../src/authz/authorizer.js';
import { createStsService } from '../../src/services/sts/index.js';
import type { Caller, OperationContext, ServiceDefinition } from '../../src/services/types.js';
import { opCtx, type World } from './world.js';

/** Stand-ins for two AWS managed policies (the real catalog belongs to src/services/iam). */
export const CATALOG: Record<string, string> = {
  'arn:aws:iam::aws:policy/AdministratorAccess': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
  'arn:aws:iam::aws:policy/ReadOnlyLite': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'ec2:Describe*'], Resource: '*' }] }),
};

export interface Harness {
  authz: Authorizer;
  sts: ServiceDefinition;
  ctx(caller: Caller, extra?: Partial<OperationContext>): OperationContext;
  /** Runs an operation the way the pipeline does: authorize, then invoke. */
  call(caller: Caller, service: string, operation: string, input?: Record<string, unknown>, extra?: Partial<OperationContext>): Promise<any>;
}

/** Builds the authorizer + STS for a world. */
export function harness(w: World): Harness {
  const authz = createAuthorizer({ store: w.store, clock: w.clock, managedPolicies: { get: (arn: string) => CATALOG[arn] }, policyCache: createPolicyCache(256) });
  const sts = createStsService({ authorizer: authz });
  const ctx = (caller: Caller, extra: Partial<OperationContext> = {}) => opCtx(w, caller, { authorizer: authz }, extra);
  return {
    authz,
    sts,
    ctx,
    async call(caller, service, operation, input = {}, extra = {}) {
      const c = ctx(caller, extra);
      await authz.authorizeOperation(c, service, operation, input);
      if (service === 'sts') return sts.operations[operation]!(c, input);
      return { authorized: true };
    },
  };
}
