/**
 * Management policies (tag, backup, AI services opt-out, chatbot, declarative, Security Hub): the document check and
 * the effective policy of an account, merged from the root down through each OU to the account with the inheritance
 * operators of the Organizations User Guide ("Inheritance operators"): `@@assign` overwrites (a multi-valued setting
 * loses every inherited value), `@@append` adds to and `@@remove` takes from a multi-valued setting, and
 * `@@operators_allowed_for_child_policies` (`@@all`, `@@none`, or a list) limits the value-setting operators the
 * policies of every node below may use on that setting and the settings under it; a child cannot widen a limit.
 */
import { KamenError } from '../../errors.js';
import { MSG } from './common.js';

/** Value-setting operators and the child control operator. */
const VALUE_OPS = ['@@assign', '@@append', '@@remove'] as const;
type ValueOp = (typeof VALUE_OPS)[number];
const CHILD_CONTROL = '@@operators_allowed_for_child_policies';

/** The largest management policy document (characters). */
const MAX_SIZE = 10_000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function malformed(): KamenError {
  return new KamenError('ERR_ORG_MALFORMED_POLICY', MSG.malformedPolicy);
}

/** Checks one level of a document: keys are settings or operators; @@append/@@remove take arrays; child control takes a list of operators. */
function checkNode(node: Obj): void {
  for (const [k, v] of Object.entries(node)) {
    if (k === CHILD_CONTROL) {
      if (!Array.isArray(v) || v.length === 0 || !v.every((o) => o === '@@all' || o === '@@none' || (VALUE_OPS as readonly string[]).includes(o as string))) throw malformed();
    } else if (k === '@@append' || k === '@@remove') {
      if (!Array.isArray(v)) throw malformed();
    } else if (k === '@@assign') {
      // any JSON value
    } else if (k.startsWith('@@')) {
      throw malformed();
    } else if (isObj(v)) {
      checkNode(v);
    } else {
      // A setting's value is given through an operator (or is a nested object of settings).
      throw malformed();
    }
  }
}

/** Checks a management policy document (MalformedPolicyDocumentException, or ConstraintViolation when too large). */
export function checkManagementPolicy(content: string): void {
  if (content.length > MAX_SIZE) throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', 'You attempted to exceed the maximum size of a policy.', { Reason: 'POLICY_CONTENT_LIMIT_EXCEEDED' });
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw malformed();
  }
  if (!isObj(doc)) throw malformed();
  checkNode(doc);
}

/** The operators allowed for a setting, or 'all'. */
type Allowed = ReadonlySet<ValueOp> | 'all';

/** A limit narrowed by a child control list (a child cannot widen what an ancestor allowed). */
function narrow(current: Allowed, list: Json[]): Allowed {
  const next: Allowed = list.includes('@@all') ? 'all' : new Set(list.filter((o): o is ValueOp => (VALUE_OPS as readonly Json[]).includes(o)));
  if (current === 'all') return next;
  if (next === 'all') return current;
  return new Set([...next].filter((o) => current.has(o)));
}

const allows = (a: Allowed, op: ValueOp): boolean => a === 'all' || a.has(op);

/** The effective value of a setting with its limit for the levels below, and its nested settings. */
interface Setting {
  value?: Json;
  has: boolean;
  limit: Allowed;
  children: Map<string, Setting>;
}

const newSetting = (limit: Allowed): Setting => ({ has: false, limit, children: new Map() });

/** A value as a list (a multi-valued setting). */
const asList = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const same = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies one policy node to a setting: value operators the inherited limit allows, and the child control list,
 * which takes effect for the levels below (collected in `limits` and applied once the whole level is merged).
 */
function apply(target: Setting, node: Obj, inherited: Allowed, limits: Array<() => void>): void {
  for (const [k, v] of Object.entries(node)) {
    if (k === CHILD_CONTROL) {
      const list = v as Json[];
      limits.push(() => (target.limit = narrow(target.limit, list)));
    } else if (k === '@@assign') {
      if (!allows(inherited, '@@assign')) continue;
      target.value = v;
      target.has = true;
      target.children.clear();
    } else if (k === '@@append') {
      if (!allows(inherited, '@@append')) continue;
      const list = asList(target.value);
      for (const x of v as Json[]) if (!list.some((y) => same(x, y))) list.push(x);
      target.value = list;
      target.has = true;
    } else if (k === '@@remove') {
      if (!allows(inherited, '@@remove')) continue;
      const drop = v as Json[];
      target.value = asList(target.value).filter((y) => !drop.some((x) => same(x, y)));
      target.has = true;
    } else if (isObj(v)) {
      let child = target.children.get(k);
      if (!child) target.children.set(k, (child = newSetting(target.limit)));
      apply(child, v, narrowTo(inherited, child.limit), limits);
    }
  }
}

/** The tighter of two limits. */
function narrowTo(a: Allowed, b: Allowed): Allowed {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return new Set([...a].filter((o) => b.has(o)));
}

/** The plain JSON of a merged setting tree (operators gone). */
function render(s: Setting): Json | undefined {
  if (s.has && s.children.size === 0) return s.value ?? null;
  const out: Obj = {};
  for (const [k, c] of s.children) {
    const v = render(c);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : s.has ? (s.value ?? null) : undefined;
}

/**
 * The effective policy of the documents attached at each level, root first and the account last (each level's
 * documents in attachment order), as JSON text; undefined when no document sets anything.
 */
export function effectivePolicy(levels: readonly (readonly string[])[]): string | undefined {
  const root = newSetting('all');
  for (const docs of levels) {
    const limits: Array<() => void> = [];
    for (const text of docs) apply(root, JSON.parse(text) as Obj, root.limit, limits);
    for (const set of limits) set();
  }
  const out = render(root);
  return out === undefined ? undefined : JSON.stringify(out);
}
