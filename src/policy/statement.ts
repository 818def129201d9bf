/** Compiling one policy statement into matchers for action, resource, principal and conditions. */
import type { CompiledStatement, PolicyType, PrincipalMatch, RequestContext, StatementRef } from './types.js';
import { compileActionList } from './action.js';
import { compileResourceList } from './resource.js';
import { compilePrincipal, compileNotPrincipal } from './principal.js';
import { compileConditionBlock } from './conditions/index.js';

/** A JSON value that is a string or list of strings, as a list (non-strings dropped). */
export function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

const never = () => false;
const always = () => true;
const direct = (): PrincipalMatch => 3;
const nobody = (): PrincipalMatch => 0;

/**
 * Compiles a statement. Case table for absent elements:
 *   no Action and no NotAction   → never applies
 *   no Resource and no NotResource → applies to any resource (trust policies name none)
 *   no Principal/NotPrincipal   → identity-side policies: the caller; resource policies: nobody
 */
export function compileStatement(st: Record<string, unknown>, index: number, policyId: string, policyType: PolicyType, variables = true): CompiledStatement {
  // Before Version 2012-10-17 "${...}" is literal text: rewrite it with the ${$} escape so no variable is resolved.
  const lit = variables ? (xs: string[]) => xs : (xs: string[]) => xs.map((x) => x.replaceAll('${', '${$}{'));
  const deny = st['Effect'] === 'Deny';
  const ref: StatementRef = { policyId, policyType, index, effect: deny ? 'Deny' : 'Allow' };
  if (typeof st['Sid'] === 'string' && st['Sid'] !== '') ref.sid = st['Sid'];
  Object.freeze(ref);

  let matchAction: (a: string) => boolean = never;
  let services: ReadonlySet<string> | undefined;
  if ('Action' in st) {
    const list = stringList(st['Action']);
    matchAction = compileActionList(list);
    services = actionServices(list);
  }
  else if ('NotAction' in st) {
    const m = compileActionList(stringList(st['NotAction']));
    matchAction = (a) => !m(a);
  }

  let matchResource: (ctx: RequestContext) => boolean = always;
  if ('Resource' in st) {
    const m = compileResourceList(lit(stringList(st['Resource'])));
    matchResource = (ctx) => m(ctx.resource, ctx);
  } else if ('NotResource' in st) {
    const m = compileResourceList(lit(stringList(st['NotResource'])));
    matchResource = (ctx) => !m(ctx.resource, ctx);
  }

  let matchPrincipal: (ctx: RequestContext) => PrincipalMatch = policyType === 'resource' ? nobody : direct;
  if ('Principal' in st) matchPrincipal = compilePrincipal(st['Principal']);
  else if ('NotPrincipal' in st) matchPrincipal = compileNotPrincipal(st['NotPrincipal']);

  let matchConditions: (ctx: RequestContext) => boolean = always;
  const cond = st['Condition'];
  if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
    const c = compileConditionBlock(variables ? (cond as Record<string, unknown>) : literalBlock(cond as Record<string, unknown>));
    // A condition that does not compile never matches (validation reports it on write).
    matchConditions = c.errors.length ? never : c.test;
  }
  const out: CompiledStatement = { ref, deny, matchAction, matchResource, matchPrincipal, matchConditions };
  if (services) out.services = services;
  return out;
}

/** The lowercased service prefixes an Action list can match, or undefined when a service part has a wildcard. */
function actionServices(list: string[]): ReadonlySet<string> | undefined {
  const out = new Set<string>();
  for (const a of list) {
    const colon = a.indexOf(':');
    const svc = colon < 0 ? a : a.slice(0, colon);
    if (svc.includes('*') || svc.includes('?') || colon < 0) return undefined;
    out.add(svc.toLowerCase());
  }
  return out;
}

/** A Condition block with "${" made literal in every value. */
function literalBlock(block: Record<string, unknown>): Record<string, unknown> {
  const esc = (v: unknown): unknown => (typeof v === 'string' ? v.replaceAll('${', '${$}{') : Array.isArray(v) ? v.map(esc) : v);
  const out: Record<string, unknown> = {};
  for (const [op, body] of Object.entries(block)) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      out[op] = body;
      continue;
    }
    const b: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) b[k] = esc(v);
    out[op] = b;
  }
  return out;
}
