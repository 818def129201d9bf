/** The policy engine's public API: validate, compile, build request contexts, authorize, explain. */
export type { PolicyKind, PolicyType, PolicyProblem, PrincipalKind, PrincipalInfo, RequestContext, StatementRef, CompiledStatement, CompiledPolicy, PolicySet, Decision } from './types.js';
export { validatePolicy, assertValidPolicy, MSG as IAM_POLICY_MESSAGES, type ValidateOptions } from './validate/index.js';
export { DEFAULT_LIMITS, INLINE_POLICY_LIMITS, inlineLimitMessage, policySize } from './validate/limits.js';
export { compilePolicy, compilePolicyObject, createPolicyCache } from './compile.js';
export { buildRequestContext, withResource, isoSeconds, contextKeys, contextValues, kindFromArn, type RequestFacts, type PrincipalFacts, type ContextInput } from './context.js';
export { authorize } from './authorize.js';
export { RCP_SERVICES, isServiceLinkedRole } from './rcp.js';
export { evaluatePolicy } from './evaluate.js';
export { accessDeniedMessage, denialReason } from './messages.js';
export { explainDecision } from './explain.js';
export { createActionCatalog, loadActionCatalog, type ActionCatalog, type ActionInfo, type CatalogData } from './catalog.js';
export { operatorNames, parseOperator } from './conditions/index.js';
export { compileGlob } from './glob.js';
