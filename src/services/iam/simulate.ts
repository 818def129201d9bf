/**
 * The IAM policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy decide each (action, resource) with the
 * enforcement engine (src/policy authorize) over the same gathered policies, and answer in AWS's EvaluationResult
 * shape with matched statements and their positions, missing context keys, and the boundary and organizations details.
 */
import { isKamenError, KamenError } from '../../errors.js';
import { documentStatements, policyDecision, simulateDecision, statementContextKeys, statementSpans, statementsInScope, type SimulatedDecision, type StatementSpan } from '../../policy/simulate.js';
import type { PolicySet, PrincipalFacts, StatementRef } from '../../policy/index.js';
import type { Operation, OperationContext } from '../types.js';
import { paginate, type IamDeps, type Input } from './common.js';
import { callerUserArn, checkActionNames, checkDocument, contextFromEntries, resourceList, resourceOwnerAccount } from './simulate-context.js';
import { entityPolicies, simulationSources, source, sourceEntity, type SimulationPolicies, type SimulationSource } from './simulate-sources.js';

const PASSED = 'IAM Policy';

/** Everything one simulation evaluates. */
interface Simulation {
  policies: SimulationPolicies;
  resourcePolicy?: SimulationSource;
  principal: PrincipalFacts;
  principalAccount: string;
  ownerAccount?: string;
  keys: Record<string, string[]>;
}

/** Policies passed in a request, validated (InvalidInput) and compiled. */
function passedSources(ctx: OperationContext, deps: IamDeps, list: unknown, name: string, kind: 'identity' | 'boundary'): SimulationSource[] {
  const src = simulationSources(ctx, deps);
  const docs = Array.isArray(list) ? list.map(String) : [];
  return docs.map((text, i) => {
    const id = `${name}.${i + 1}`;
    checkDocument(text, kind, id);
    return source(src, id, PASSED, text, kind, 'passed');
  });
}

function passedBoundary(ctx: OperationContext, deps: IamDeps, input: Input): SimulationSource | undefined {
  const list = input['PermissionsBoundaryPolicyInputList'];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (list.length > 1) throw new KamenError('ERR_INVALID_INPUT', 'Only one permissions boundary policy can be simulated.');
  return passedSources(ctx, deps, list, 'PermissionsBoundaryPolicyInputList', 'boundary')[0];
}

/** The resource policy (validated as a resource policy) and the principal it is evaluated against. */
function resourcePolicySource(ctx: OperationContext, deps: IamDeps, input: Input, caller: string | undefined): SimulationSource | undefined {
  const text = input['ResourcePolicy'];
  if (text === undefined) return undefined;
  if (caller === undefined) throw new KamenError('ERR_INVALID_INPUT', 'CallerArn is required when a ResourcePolicy is simulated and PolicySourceArn is not an IAM user.');
  checkDocument(String(text), 'resource', 'ResourcePolicy');
  return source(simulationSources(ctx, deps), 'ResourcePolicy', 'resource', String(text), 'resource', 'passed');
}

function userFacts(arn: string): PrincipalFacts {
  return { kind: 'user', arn, accountId: arn.split(':')[4]!, userName: arn.slice(arn.lastIndexOf('/') + 1) };
}

/** Runs the simulation over every action × resource and pages the results. */
function run(sim: Simulation, input: Input): Input {
  const actions = checkActionNames(input['ActionNames']);
  const { resources, given } = resourceList(input['ResourceArns']);
  const byId = new Map<string, SimulationSource>();
  const all = [...sim.policies.identity, ...(sim.policies.boundary ? [sim.policies.boundary] : []), ...(sim.resourcePolicy ? [sim.resourcePolicy] : [])];
  for (const s of all) byId.set(s.compiled.id, s);
  const spans = new Map<SimulationSource, StatementSpan[]>();
  const parsed = new Map<SimulationSource, ReturnType<typeof documentStatements>>();
  const provided = new Set(Object.keys(sim.keys).map((k) => k.toLowerCase()));
  const set: PolicySet = { identity: sim.policies.identity.map((s) => s.compiled) };
  if (sim.policies.boundary) set.boundary = sim.policies.boundary.compiled;
  if (sim.policies.scps) set.scps = sim.policies.scps;
  if (sim.resourcePolicy) set.resource = sim.resourcePolicy.compiled;

  const statementOut = (ref: StatementRef): Input => {
    const s = byId.get(ref.policyId)!;
    let sp = spans.get(s);
    if (!sp) spans.set(s, (sp = statementSpans(s.text)));
    const out: Input = { SourcePolicyId: s.sourceId, SourcePolicyType: s.sourceType };
    const span = sp[ref.index];
    if (span) {
      out['StartPosition'] = { Line: span.start.line, Column: span.start.column };
      out['EndPosition'] = { Line: span.end.line, Column: span.end.column };
    }
    return out;
  };
  const missing = (r: SimulatedDecision): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const ref of statementsInScope(all.map((s) => s.compiled), r.context)) {
      const s = byId.get(ref.policyId)!;
      let doc = parsed.get(s);
      if (!doc) parsed.set(s, (doc = documentStatements(s.text)));
      const { statements, variables } = doc;
      const st = statements[ref.index];
      if (!st) continue;
      for (const k of statementContextKeys(st, variables)) {
        const lower = k.toLowerCase();
        if (provided.has(lower) || seen.has(lower)) continue;
        seen.add(lower);
        out.push(k);
      }
    }
    return out;
  };

  const results: Input[] = [];
  for (const action of actions)
    for (const resource of resources) {
      const resourceAccount = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? sim.ownerAccount ?? sim.principalAccount;
      const r = evaluate(sim, set, action, resource, resourceAccount);
      const d = r.decision;
      const decision = d.decision === 'Allow' ? 'allowed' : d.decision === 'ExplicitDeny' ? 'explicitDeny' : 'implicitDeny';
      const want = d.decision === 'Allow' ? 'Allow' : d.decision === 'ExplicitDeny' ? 'Deny' : undefined;
      const matched = d.matchedStatements.filter((m) => m.effect === want && byId.has(m.policyId)).map(statementOut);
      const missingKeys = missing(r);
      const res: Input = { EvalActionName: action, EvalResourceName: resource, EvalDecision: decision, MatchedStatements: matched, MissingContextValues: given ? [] : missingKeys };
      if (sim.policies.orgId !== undefined) res['OrganizationsDecisionDetail'] = { AllowedByOrganizations: r.allowedByScps ?? true };
      if (r.allowedByBoundary !== undefined) res['PermissionsBoundaryDecisionDetail'] = { AllowedByPermissionsBoundary: r.allowedByBoundary };
      if (given) {
        const details = d.crossAccount ? crossAccountDetails(sim, set, action, resource, r) : {};
        res['EvalDecisionDetails'] = details;
        const specific: Input = { EvalResourceName: resource, EvalResourceDecision: decision, MatchedStatements: matched, MissingContextValues: missingKeys, EvalDecisionDetails: details };
        if (r.allowedByBoundary !== undefined) specific['PermissionsBoundaryDecisionDetail'] = { AllowedByPermissionsBoundary: r.allowedByBoundary };
        res['ResourceSpecificResults'] = [specific];
      }
      results.push(res);
    }
  const page = paginate(results, input);
  const out: Input = { EvaluationResults: page.items, IsTruncated: page.IsTruncated };
  if (page.Marker) out['Marker'] = page.Marker;
  return out;
}

function evaluate(sim: Simulation, set: PolicySet, action: string, resource: string, resourceAccount: string): SimulatedDecision {
  try {
    return simulateDecision({ principal: sim.principal, action, resource, resourceAccount, keys: sim.keys }, set);
  } catch (err) {
    if (isKamenError(err)) throw err;
    throw new KamenError('ERR_POLICY_EVALUATION', `The policies could not be evaluated for ${action} on ${resource}.`);
  }
}

/** For a cross-account request: how the caller's account (identity side) and the resource's (resource policy) decided. */
function crossAccountDetails(sim: Simulation, set: PolicySet, action: string, resource: string, r: SimulatedDecision): Record<string, string> {
  const same = { ...set };
  delete same.resource;
  const identity = evaluate(sim, same, action, resource, sim.principalAccount).decision.decision;
  const word = (d: string) => (d === 'Allow' ? 'allowed' : d === 'ExplicitDeny' ? 'explicitDeny' : 'implicitDeny');
  const out: Record<string, string> = { 'IAM Policy': word(identity) };
  if (set.resource) out['Resource Policy'] = word(policyDecision(set.resource, r.context));
  return out;
}

/** The simulator operations. */
export function simulateOperations(deps: IamDeps): Record<string, Operation> {
  return {
    SimulatePrincipalPolicy: async (ctx, input: Input) => {
      const entity = await sourceEntity(ctx, String(input['PolicySourceArn']));
      const caller = callerUserArn(input['CallerArn']) ?? (entity.kind === 'user' ? entity.arn : undefined);
      const policies = await entityPolicies(simulationSources(ctx, deps), entity, `${entity.kind}/${entity.name}`);
      policies.identity.push(...passedSources(ctx, deps, input['PolicyInputList'], 'PolicyInputList', 'identity'));
      const boundary = passedBoundary(ctx, deps, input);
      if (boundary) policies.boundary = boundary;
      const sim: Simulation = { policies, principal: caller ? userFacts(caller) : { kind: 'user', arn: entity.arn, accountId: entity.accountId }, principalAccount: caller?.split(':')[4] ?? entity.accountId, keys: contextFromEntries(input['ContextEntries']) };
      const rp = resourcePolicySource(ctx, deps, input, caller);
      if (rp) sim.resourcePolicy = rp;
      const owner = resourceOwnerAccount(input['ResourceOwner']);
      if (owner) sim.ownerAccount = owner;
      return run(sim, input);
    },
    SimulateCustomPolicy: async (ctx, input: Input) => {
      const identity = passedSources(ctx, deps, input['PolicyInputList'], 'PolicyInputList', 'identity');
      if (identity.length === 0) throw new KamenError('ERR_INVALID_INPUT', 'PolicyInputList must contain at least one policy.');
      const policies: SimulationPolicies = { identity };
      const boundary = passedBoundary(ctx, deps, input);
      if (boundary) policies.boundary = boundary;
      const caller = callerUserArn(input['CallerArn']);
      const account = caller?.split(':')[4] ?? ctx.caller.accountId;
      const sim: Simulation = { policies, principal: caller ? userFacts(caller) : { kind: 'user', arn: '', accountId: account }, principalAccount: account, keys: contextFromEntries(input['ContextEntries']) };
      const rp = resourcePolicySource(ctx, deps, input, caller);
      if (rp) sim.resourcePolicy = rp;
      const owner = resourceOwnerAccount(input['ResourceOwner']);
      if (owner) sim.ownerAccount = owner;
      return run(sim, input);
    },
  };
}
