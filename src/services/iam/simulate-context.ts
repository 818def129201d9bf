/**
 * The simulator's inputs checked and turned into engine facts: ContextEntries of every ContextKeyType into condition
 * key values, action names, resource ARNs, CallerArn and ResourceOwner.
 */
import net from 'node:net';
import { KamenError } from '../../errors.js';
import { validatePolicy, type PolicyKind } from '../../policy/index.js';
import type { Input } from './common.js';

const SCALAR_CHECKS: Record<string, (v: string) => boolean> = {
  string: () => true,
  numeric: (v) => /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()),
  boolean: (v) => /^(true|false)$/i.test(v.trim()),
  ip: (v) => {
    const [addr, bits, more] = v.trim().split('/');
    const family = net.isIP(addr ?? '');
    if (family === 0 || more !== undefined) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  },
  binary: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v.trim()) && v.trim().length % 4 === 0,
  date: (v) => /^\d+$/.test(v.trim()) || !Number.isNaN(Date.parse(v.trim())),
};

function invalid(message: string): KamenError {
  return new KamenError('ERR_INVALID_INPUT', message);
}

/**
 * The condition keys of a simulation from its ContextEntries (name → values). A scalar type takes one value, a list
 * type any number; each value must parse as its type; booleans are normalised to true/false.
 */
export function contextFromEntries(entries: unknown): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  if (!Array.isArray(entries)) return keys;
  for (const e of entries as Input[]) {
    const name = e?.['ContextKeyName'];
    const type = e?.['ContextKeyType'];
    const raw = e?.['ContextKeyValues'];
    if (typeof name !== 'string' || name === '') throw invalid('ContextKeyName is required for every context entry.');
    if (typeof type !== 'string') throw invalid(`ContextKeyType is required for context key ${name}.`);
    const list = type.endsWith('List');
    const base = list ? type.slice(0, -4) : type;
    const check = SCALAR_CHECKS[base];
    if (!check) throw invalid(`Invalid ContextKeyType ${type} for context key ${name}.`);
    const values = Array.isArray(raw) ? raw.map(String) : [];
    if (!list && values.length !== 1) throw invalid(`Context key ${name} of type ${type} takes exactly one value.`);
    for (const v of values) if (!check(v)) throw invalid(`Invalid value ${v} for context key ${name} of type ${type}.`);
    keys[name] = base === 'boolean' ? values.map((v) => v.trim().toLowerCase()) : values;
  }
  return keys;
}

/** Checks each ActionName is service:action (InvalidInput otherwise). */
export function checkActionNames(names: unknown): string[] {
  const list = Array.isArray(names) ? names.map(String) : [];
  if (list.length === 0) throw invalid('ActionNames must contain at least one action.');
  for (const a of list) if (!/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) throw invalid(`Invalid action name: ${a}`);
  return list;
}

/** The resources to simulate: the given ARNs (each "*" or an ARN), else ["*"]. */
export function resourceList(arns: unknown): { resources: string[]; given: boolean } {
  const list = Array.isArray(arns) ? arns.map(String) : [];
  if (list.length === 0) return { resources: ['*'], given: false };
  for (const r of list) if (r !== '*' && !/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+/.test(r)) throw invalid(`Invalid resource ARN: ${r}`);
  return { resources: list, given: true };
}

/** The account of ResourceOwner (arn:aws:iam::ACCOUNT:root, or a bare 12-digit account ID). */
export function resourceOwnerAccount(owner: unknown): string | undefined {
  if (owner === undefined) return undefined;
  const m = /^(?:arn:aws:iam::(\d{12}):root|(\d{12}))$/.exec(String(owner));
  if (!m) throw invalid(`Invalid ResourceOwner: ${String(owner)}. It must be an account ARN: arn:aws:iam::<account-id>:root.`);
  return m[1] ?? m[2];
}

/** CallerArn, which may only name an IAM user. */
export function callerUserArn(arn: unknown): string | undefined {
  if (arn === undefined) return undefined;
  const s = String(arn);
  if (!/^arn:aws:iam::\d{12}:user\/(?:.*\/)?[^/]+$/.test(s)) throw invalid(`Invalid CallerArn: ${s}. Only IAM user ARNs can be used as the simulated caller.`);
  return s;
}

/** Validates a passed document as IAM does on write; a document that does not validate is InvalidInput. */
export function checkDocument(text: string, kind: PolicyKind, where: string): void {
  const r = validatePolicy(text, kind);
  const first = r.errors[0];
  if (first) throw invalid(`${where}: ${first.message}`);
}
