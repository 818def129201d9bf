/** validatePolicy / assertValidPolicy: IAM's write-time checks with its MalformedPolicyDocument texts, paths and positions. */
import { KamenError } from '../../errors.js';
import type { PolicyKind, PolicyProblem } from '../types.js';
import type { ActionCatalog } from '../catalog.js';
import { parseLocated, JsonSyntaxError, childPath, type Position } from '../json.js';
import { DEFAULT_LIMITS, policySize } from './limits.js';
import { parsePrincipalElement } from '../principal.js';
import { parseOperator, conditionValues, compileCondition } from '../conditions/index.js';
import { isWellFormedAction } from '../action.js';
import { parseTemplate } from '../variables.js';

/** Options: an action catalog (warns on unknown actions) and a size limit overriding the kind's default. */
export interface ValidateOptions {
  catalog?: ActionCatalog;
  limitChars?: number;
}

/** IAM's message texts. */
export const MSG = {
  syntax: 'Syntax errors in policy.',
  noPrincipalAllowed: 'Policy document should not specify a principal.',
  missingPrincipal: 'Missing required field Principal',
  missingEffect: 'Missing required field Effect',
  prohibitedResource: 'Has prohibited field Resource',
  prohibitedNotPrincipal: 'Has prohibited field NotPrincipal',
  noActions: 'Policy statement must contain actions.',
  noResources: 'Policy statement must contain resources.',
  vendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  sidChars: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  legacyParsing: 'The policy failed legacy parsing',
  oneColon: 'Actions/Condition can contain only one colon.',
  iamRegion: (r: string) => `IAM resource ${r} cannot contain region information.`,
  trustActions: 'AssumeRole policy may only specify STS AssumeRole actions.',
  invalidPrincipal: (e: string) => `Invalid principal in policy: ${e}`,
  resourceFormat: (r: string) => `Resource ${r} must be in ARN format or "*".`,
} as const;

const TOP = new Set(['Version', 'Id', 'Statement']);
const STMT = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const ARN = /^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+$/s;

/** Validates a policy document as IAM does on write; errors block the write, warnings do not. */
export function validatePolicy(text: string, kind: PolicyKind, opts: ValidateOptions = {}): { errors: PolicyProblem[]; warnings: PolicyProblem[] } {
  const errors: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  let positions = new Map<string, Position>();
  const at = (path: string): Position | undefined => {
    for (let p = path; ; ) {
      const hit = positions.get(p);
      if (hit) return hit;
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) return positions.get('$');
      p = p.slice(0, cut);
    }
  };
  const add = (list: PolicyProblem[], code: string, path: string, message: string) => {
    const pr: PolicyProblem = { code, path, message };
    const pos = at(path);
    if (pos) {
      pr.line = pos.line;
      pr.column = pos.column;
    }
    list.push(pr);
  };
  const err = (code: string, path: string, message: string) => add(errors, code, path, message);
  const warn = (code: string, path: string, message: string) => add(warnings, code, path, message);

  let doc: unknown;
  try {
    const parsed = parseLocated(text);
    doc = parsed.value;
    positions = parsed.positions;
    for (const d of parsed.duplicates) warn('DuplicateKey', d, `Duplicate key ${d}; the last value is used.`);
  } catch (e) {
    const p: PolicyProblem = { code: 'SyntaxError', path: '$', message: MSG.syntax };
    if (e instanceof JsonSyntaxError) {
      p.line = e.line;
      p.column = e.column;
    }
    return { errors: [p], warnings };
  }

  const limit = DEFAULT_LIMITS[kind];
  const max = opts.limitChars ?? limit.chars;
  if (policySize(text, limit.countWhitespace) > max) err('LimitExceeded', '$', limit.message(max));

  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    err('SyntaxError', '$', MSG.syntax);
    return { errors, warnings };
  }
  const top = doc as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!TOP.has(k)) err('UnknownField', childPath('$', k), MSG.syntax);
  const version = top['Version'];
  // An unknown Version sends IAM to its legacy parser, hence the odd text.
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') err('InvalidVersion', '$.Version', MSG.legacyParsing);
  if (version === undefined) warn('MissingVersion', '$', 'No Version: IAM uses 2008-10-17, where policy variables are not supported.');
  if (top['Id'] !== undefined && typeof top['Id'] !== 'string') err('SyntaxError', '$.Id', MSG.syntax);
  const raw = top['Statement'];
  if (raw === undefined || raw === null || typeof raw !== 'object') {
    err('MissingStatement', '$.Statement', MSG.syntax);
    return { errors, warnings };
  }
  const isArray = Array.isArray(raw);
  const list = isArray ? (raw as unknown[]) : [raw];
  const sids = new Set<string>();
  const identitySide = kind === 'identity' || kind === 'boundary' || kind === 'session' || kind === 'scp';

  list.forEach((st, i) => {
    const sp = isArray ? `$.Statement[${i}]` : '$.Statement';
    if (!st || typeof st !== 'object' || Array.isArray(st)) {
      err('SyntaxError', sp, MSG.syntax);
      return;
    }
    const s = st as Record<string, unknown>;
    for (const k of Object.keys(s)) if (!STMT.has(k)) err('UnknownField', childPath(sp, k), MSG.syntax);

    // Sid
    if (s['Sid'] !== undefined) {
      if (typeof s['Sid'] !== 'string') err('SyntaxError', `${sp}.Sid`, MSG.syntax);
      else {
        if (identitySide && kind !== 'scp' && !/^[0-9A-Za-z]*$/.test(s['Sid'])) err('InvalidSid', `${sp}.Sid`, MSG.sidChars);
        if (s['Sid'] !== '' && sids.has(s['Sid'])) err('DuplicateSid', `${sp}.Sid`, MSG.sidUnique);
        sids.add(s['Sid']);
      }
    }
    // Effect
    if (s['Effect'] === undefined) err('MissingEffect', sp, MSG.missingEffect);
    else if (s['Effect'] !== 'Allow' && s['Effect'] !== 'Deny') err('InvalidEffect', `${sp}.Effect`, MSG.syntax);

    // Action / NotAction
    const hasA = 'Action' in s;
    const hasNA = 'NotAction' in s;
    if (hasA && hasNA) err('SyntaxError', `${sp}.NotAction`, MSG.syntax);
    if (!hasA && !hasNA) err('MissingAction', sp, MSG.noActions);
    for (const field of ['Action', 'NotAction'] as const) {
      if (!(field in s)) continue;
      const v = s[field];
      const items = strings(v);
      if (!items) {
        err('SyntaxError', `${sp}.${field}`, MSG.syntax);
        continue;
      }
      if (items.length === 0) err('MissingAction', `${sp}.${field}`, MSG.noActions);
      items.forEach((a, j) => {
        const ap = Array.isArray(v) ? `${sp}.${field}[${j}]` : `${sp}.${field}`;
        if (a.split(':').length > 2) err('InvalidAction', ap, MSG.oneColon);
        else if (!isWellFormedAction(a)) err('InvalidAction', ap, MSG.vendor);
        else if (kind === 'trust' && a !== '*' && !/^sts:/i.test(a)) err('InvalidTrustAction', ap, MSG.trustActions);
        else if (opts.catalog && a !== '*') {
          const svc = a.slice(0, a.indexOf(':')).toLowerCase();
          if (!svc.includes('*') && !svc.includes('?') && !opts.catalog.hasService(svc)) warn('UnknownService', ap, `Unknown service prefix "${svc}" in action ${a}.`);
          else if (opts.catalog.expand(a).length === 0) warn('UnknownAction', ap, `Action ${a} matches no known action.`);
        }
      });
    }

    // Resource / NotResource
    const hasR = 'Resource' in s;
    const hasNR = 'NotResource' in s;
    if (kind === 'trust') {
      if (hasR) err('ProhibitedField', `${sp}.Resource`, MSG.prohibitedResource);
      if (hasNR) err('ProhibitedField', `${sp}.NotResource`, 'Has prohibited field NotResource');
    } else {
      if (hasR && hasNR) err('SyntaxError', `${sp}.NotResource`, MSG.syntax);
      if (!hasR && !hasNR && kind !== 'resource') err('MissingResource', sp, MSG.noResources);
      for (const field of ['Resource', 'NotResource'] as const) {
        if (!(field in s)) continue;
        const v = s[field];
        const items = strings(v);
        if (!items) {
          err('SyntaxError', `${sp}.${field}`, MSG.syntax);
          continue;
        }
        if (items.length === 0) err('MissingResource', `${sp}.${field}`, MSG.noResources);
        items.forEach((r, j) => {
          const rp = Array.isArray(v) ? `${sp}.${field}[${j}]` : `${sp}.${field}`;
          if (r !== '*' && !ARN.test(r)) err('InvalidResource', rp, MSG.resourceFormat(r));
          else if (/^arn:[^:]+:iam:[^:]+:/.test(r)) err('InvalidResource', rp, MSG.iamRegion(r));
          checkVariables(r, rp);
        });
      }
    }

    // Principal / NotPrincipal
    const hasP = 'Principal' in s;
    const hasNP = 'NotPrincipal' in s;
    if (identitySide) {
      if (hasP || hasNP) err('PrincipalNotAllowed', `${sp}.${hasP ? 'Principal' : 'NotPrincipal'}`, MSG.noPrincipalAllowed);
    } else {
      if (kind === 'trust' && hasNP) err('ProhibitedField', `${sp}.NotPrincipal`, MSG.prohibitedNotPrincipal);
      if (hasP && hasNP) err('SyntaxError', `${sp}.NotPrincipal`, MSG.syntax);
      if (!hasP && !hasNP) err('MissingPrincipal', sp, MSG.missingPrincipal);
      for (const field of ['Principal', 'NotPrincipal'] as const) {
        if (!(field in s)) continue;
        const r = parsePrincipalElement(s[field]);
        if (r.syntax) err('SyntaxError', `${sp}.${field}`, MSG.syntax);
        for (const bad of r.invalid) err('InvalidPrincipal', `${sp}.${field}`, MSG.invalidPrincipal(bad));
      }
    }

    // Condition
    if ('Condition' in s) {
      const c = s['Condition'];
      const cp = `${sp}.Condition`;
      if (!c || typeof c !== 'object' || Array.isArray(c)) err('SyntaxError', cp, MSG.syntax);
      else
        for (const [opName, body] of Object.entries(c as Record<string, unknown>)) {
          const op = parseOperator(opName);
          const opPath = childPath(cp, opName);
          if (!op) {
            err('InvalidConditionOperator', opPath, `Invalid Condition type : ${opName}.`);
            continue;
          }
          if (!body || typeof body !== 'object' || Array.isArray(body)) {
            err('SyntaxError', opPath, MSG.syntax);
            continue;
          }
          for (const [key, rawv] of Object.entries(body as Record<string, unknown>)) {
            const kp = childPath(opPath, key);
            if (!/^[A-Za-z0-9.-]+:./.test(key)) err('InvalidConditionKey', kp, MSG.vendor);
            else if (opts.catalog?.conditionKeyKnown(key) === false) warn('UnknownConditionKey', kp, `Condition key ${key} is not a known key of its service.`);
            const values = conditionValues(rawv);
            if (!values) {
              err('SyntaxError', kp, MSG.syntax);
              continue;
            }
            const t = compileCondition(op, key, values);
            if (typeof t === 'string') err('InvalidConditionValue', kp, t);
            for (const v of values) checkVariables(v, kp);
          }
        }
    }
  });

  function checkVariables(value: string, path: string): void {
    if (!value.includes('${')) return;
    const t = parseTemplate(value);
    if (t.hasVars && version !== '2012-10-17') warn('VariablesNeedVersion', path, 'Policy variables are used only with "Version": "2012-10-17"; here they are literal text.');
  }
  return { errors, warnings };
}

function strings(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** Throws IAM's error for the first problem: LimitExceeded for size, MalformedPolicyDocument otherwise. */
export function assertValidPolicy(text: string, kind: PolicyKind, opts?: ValidateOptions): void {
  const { errors } = validatePolicy(text, kind, opts);
  const first = errors.find((e) => e.code !== 'LimitExceeded') ?? errors[0];
  if (!first) return;
  if (first.code === 'LimitExceeded') {
    if (kind === 'session') throw new KamenError('ERR_VALIDATION', first.message);
    throw new KamenError('ERR_LIMIT_EXCEEDED', first.message);
  }
  throw new KamenError('ERR_MALFORMED_POLICY_DOCUMENT', first.message);
}
