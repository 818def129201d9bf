/**
 * The policy simulator's side of the engine: authorize() over a request whose condition keys are exactly the ones
 * given (the simulator derives none), the per-type sub-decisions AWS reports (boundary, organizations), the line and
 * column span of each statement in its document, and the context keys a document references.
 */
import { authorize } from './authorize.js';
import { buildRequestContext, type PrincipalFacts } from './context.js';
import { DENIED, evaluatePolicy } from './evaluate.js';
import { parseLocated, type Position } from './json.js';
import type { CompiledPolicy, Decision, PolicySet, RequestContext, StatementRef } from './types.js';

/** One simulated request: who, what, on which resource, and every condition key it carries (lowercase not needed). */
export interface SimulatedRequest {
  principal: PrincipalFacts;
  action: string;
  resource: string;
  resourceAccount?: string;
  /** Condition key → values; the only keys the request has. */
  keys: Record<string, string[]>;
}

/** The decision and the sub-decisions AWS's simulator reports next to it. */
export interface SimulatedDecision {
  decision: Decision;
  /** Whether the permissions boundary allows the request (no Deny, an Allow); undefined without a boundary. */
  allowedByBoundary?: boolean;
  /** Whether the organization's SCPs allow it (every level allows, none denies); undefined when SCPs do not apply. */
  allowedByScps?: boolean;
  /** The request context the decision used (for matching statements against it afterwards). */
  context: RequestContext;
}

/** A request context whose condition keys are exactly `req.keys` (built on first read, as for enforcement). */
export function simulationContext(req: SimulatedRequest): RequestContext {
  const facts: Parameters<typeof buildRequestContext>[0] = { principal: req.principal, action: req.action, resource: req.resource };
  if (req.resourceAccount !== undefined) facts.resourceAccount = req.resourceAccount;
  const ctx = buildRequestContext(facts);
  ctx.buildKeys = () => {
    const m = new Map<string, string[]>();
    for (const [k, v] of Object.entries(req.keys)) m.set(k.toLowerCase(), v);
    return m;
  };
  // Every key is the request's: none is read apart from the rest.
  delete ctx.serviceKeys;
  return ctx;
}

function levelAllows(levels: CompiledPolicy[][], ctx: RequestContext): boolean {
  for (const level of levels) {
    let allow = false;
    for (const p of level) {
      const r = evaluatePolicy(p, ctx, []);
      if (r & DENIED) return false;
      if (r & 3) allow = true;
    }
    if (!allow) return false;
  }
  return true;
}

/** Decides a simulated request with authorize() and adds the boundary and organizations sub-decisions. */
export function simulateDecision(req: SimulatedRequest, set: PolicySet): SimulatedDecision {
  const context = simulationContext(req);
  const decision = authorize(context, set);
  const out: SimulatedDecision = { decision, context };
  if (set.boundary) {
    const r = evaluatePolicy(set.boundary, context, []);
    out.allowedByBoundary = (r & DENIED) === 0 && (r & 3) !== 0;
  }
  if (set.scps) out.allowedByScps = levelAllows(set.scps, context);
  return out;
}

/** One policy's own verdict on a request: Deny if a Deny statement applies, else Allow if an Allow does, else ImplicitDeny. */
export function policyDecision(policy: CompiledPolicy, ctx: RequestContext): Decision['decision'] {
  const r = evaluatePolicy(policy, ctx, []);
  return r & DENIED ? 'ExplicitDeny' : r & 3 ? 'Allow' : 'ImplicitDeny';
}

/** The statements of `policies` whose Action, Resource and Principal match the request (conditions not tested). */
export function statementsInScope(policies: CompiledPolicy[], ctx: RequestContext): StatementRef[] {
  const out: StatementRef[] = [];
  for (const p of policies)
    for (const s of p.statements) if (s.matchAction(ctx.actionLower) && s.matchResource(ctx) && s.matchPrincipal(ctx) !== 0) out.push(s.ref);
  return out;
}

/** Where one statement sits in its document: its opening and closing braces, 1-based line and column. */
export interface StatementSpan {
  start: Position;
  end: Position;
}

/**
 * The span of every statement of a document, by statement index (a lone Statement object is index 0); empty when the
 * text is not JSON.
 */
export function statementSpans(text: string): StatementSpan[] {
  let located;
  try {
    located = parseLocated(text);
  } catch {
    return [];
  }
  const doc = located.value as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') return [];
  const st = doc['Statement'];
  const paths = Array.isArray(st) ? st.map((_, i) => `$.Statement[${i}]`) : st && typeof st === 'object' ? ['$.Statement'] : [];
  const lineStarts: number[] = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const offset = (p: Position) => lineStarts[p.line - 1]! + p.column - 1;
  const position = (at: number): Position => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= at) line++;
    return { line: line + 1, column: at - lineStarts[line]! + 1 };
  };
  return paths.map((path) => {
    const start = located.positions.get(path)!;
    return { start, end: position(closingBrace(text, offset(start))) };
  });
}

/** The offset of the brace closing the object that opens at `at`. */
function closingBrace(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length - 1;
}

const VARIABLE = /\$\{([^}]+)\}/g;

function variablesIn(value: unknown, add: (k: string) => void): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(VARIABLE)) {
      const name = m[1]!.split(',')[0]!.trim();
      if (name.includes(':')) add(name);
    }
  } else if (Array.isArray(value)) for (const v of value) variablesIn(v, add);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) variablesIn(v, add);
}

/**
 * The context keys one statement references: its condition keys and the policy variables in its Resource, NotResource
 * and Condition values (only in Version 2012-10-17, where variables exist), in document order.
 */
export function statementContextKeys(statement: Record<string, unknown>, variables: boolean): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  const add = (k: string) => {
    const lower = k.toLowerCase();
    if (seen.has(lower)) return;
    seen.add(lower);
    keys.push(k);
  };
  if (variables) {
    variablesIn(statement['Resource'], add);
    variablesIn(statement['NotResource'], add);
  }
  const cond = statement['Condition'];
  if (cond && typeof cond === 'object' && !Array.isArray(cond))
    for (const block of Object.values(cond as Record<string, unknown>)) {
      if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
      for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
        add(key);
        if (variables) variablesIn(values, add);
      }
    }
  return keys;
}

/** The statements of a document as objects, by index (a lone Statement object is index 0), and whether variables apply. */
export function documentStatements(text: string): { statements: (Record<string, unknown> | undefined)[]; variables: boolean } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { statements: [], variables: false };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { statements: [], variables: false };
  const d = doc as Record<string, unknown>;
  const st = d['Statement'];
  const list = Array.isArray(st) ? st : st && typeof st === 'object' ? [st] : [];
  return {
    statements: list.map((s) => (s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : undefined)),
    variables: d['Version'] === '2012-10-17',
  };
}

/** Every context key a document references, in document order, each once (case-insensitively). */
export function documentContextKeys(text: string): string[] {
  const { statements, variables } = documentStatements(text);
  const out: string[] = [];
  for (const s of statements) if (s) out.push(...statementContextKeys(s, variables));
  return out;
}
