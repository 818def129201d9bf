/** compilePolicy: a policy document compiled once into statement matchers, plus a small LRU cache by text. */
import { KamenError } from '../errors.js';
import type { CompiledPolicy, CompiledStatement, PolicyType } from './types.js';
import { compileStatement } from './statement.js';

/** Compiles a policy document (assumed validated; throws MalformedPolicyDocument only when it is not a JSON policy). */
export function compilePolicy(text: string, meta: { id: string; type: PolicyType }): CompiledPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KamenError('ERR_MALFORMED_POLICY_DOCUMENT', 'Syntax errors in policy.');
  }
  return compilePolicyObject(doc, meta);
}

/** Compiles an already-parsed policy document. */
export function compilePolicyObject(doc: unknown, meta: { id: string; type: PolicyType }): CompiledPolicy {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new KamenError('ERR_MALFORMED_POLICY_DOCUMENT', 'Syntax errors in policy.');
  const raw = (doc as Record<string, unknown>)['Statement'];
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  const variables = (doc as Record<string, unknown>)['Version'] === '2012-10-17';
  const statements = list
    .map((st, i) => (st && typeof st === 'object' && !Array.isArray(st) ? compileStatement(st as Record<string, unknown>, i, meta.id, meta.type, variables) : undefined))
    .filter((s) => s !== undefined);
  const byService = new Map<string, CompiledStatement[]>();
  const anyService: CompiledStatement[] = [];
  for (const st of statements) {
    if (st.services === undefined) anyService.push(st);
    else
      for (const svc of st.services) {
        let list = byService.get(svc);
        if (!list) byService.set(svc, (list = []));
        list.push(st);
      }
  }
  return { id: meta.id, type: meta.type, statements, byService, anyService };
}

/** A cache of compiled policies keyed by (type, id, text), evicting the least recently used beyond `max`. */
export function createPolicyCache(max = 1000): { get(text: string, meta: { id: string; type: PolicyType }): CompiledPolicy; size(): number } {
  const map = new Map<string, CompiledPolicy>();
  return {
    get(text, meta) {
      const key = meta.type + '\u0000' + meta.id + '\u0000' + text;
      const hit = map.get(key);
      if (hit) {
        map.delete(key);
        map.set(key, hit);
        return hit;
      }
      const p = compilePolicy(text, meta);
      map.set(key, p);
      if (map.size > max) map.delete(map.keys().next().value as string);
      return p;
    },
    size: () => map.size,
  };
}
