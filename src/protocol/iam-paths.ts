/**
 * IAM checks `Path` and `PathPrefix` itself rather than through the model's pattern: a path outside the pattern gets
 * IAM's own ValidationError text, after the model's other constraints (lengths still fail the model way).
 */
import { KamenError } from '../errors.js';
import type { ServiceModel, Shape } from './model.js';
import { PatternCache } from './validate.js';

/** IAM's text for a path member outside its pattern, by member name. */
const MESSAGES: Readonly<Record<string, string>> = {
  Path: 'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
  PathPrefix: 'The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.',
};

/** The path shapes whose pattern IAM checks itself, with the member names it checks them for. */
const SHAPES: Readonly<Record<string, readonly string[]>> = {
  pathType: ['Path'],
  policyPathType: ['Path'],
  pathPrefixType: ['PathPrefix'],
};

interface PathCheck {
  member: string;
  re: RegExp;
  message: string;
}

/** A model to validate with (those patterns removed) and the path checks to run per operation once it passes. */
export interface IamPathRules {
  model: ServiceModel;
  check(operation: string, input: Record<string, unknown>): void;
}

/** Builds the path rules for a model (IAM); for other models the model is returned unchanged and nothing is checked. */
export function iamPathRules(model: ServiceModel): IamPathRules {
  if (model.metadata.endpointPrefix !== 'iam') return { model, check: () => {} };
  const patterns = new PatternCache();
  const shapes: Record<string, Shape> = { ...model.shapes };
  for (const name of Object.keys(SHAPES)) {
    const s = shapes[name];
    if (s?.pattern === undefined) continue;
    const copy: Shape = { ...s };
    delete copy.pattern;
    shapes[name] = copy;
  }
  const perOp = new Map<string, PathCheck[]>();
  for (const [op, o] of Object.entries(model.operations)) {
    const input = o.input ? model.shapes[o.input] : undefined;
    const checks: PathCheck[] = [];
    for (const [member, ref] of Object.entries(input?.members ?? {})) {
      const original = model.shapes[ref.shape];
      const re = original?.pattern !== undefined ? patterns.get(original.pattern) : null;
      if (re && SHAPES[ref.shape]?.includes(member)) checks.push({ member, re, message: MESSAGES[member]! });
    }
    if (checks.length) perOp.set(op, checks);
  }
  return {
    model: { ...model, shapes },
    check(operation, input) {
      const checks = perOp.get(operation);
      if (!checks) return;
      for (const c of checks) {
        const v = input[c.member];
        if (typeof v === 'string' && !c.re.test(v)) throw new KamenError('ERR_VALIDATION', c.message);
      }
    },
  };
}
