/** validatePolicy / assertValidPolicy: IAM's write-time checks with its MalformedPolicyDocument texts, paths and positions. */
import { KamenError } from '../../errors.js';
import type { PolicyKind, PolicyProblem } from '../types.js';
import type { ActionCatalog } from '../catalog.js';
import { parseLocated, JsonSyntaxError, childPath, type Position } from '../json.js';
import { DEFAULT_LIMITS, policySize } from './limits.js';
import { parsePrincipalElement } from '../principal.js';
import { parseOperator, conditionValues, compileCondition } from '../conditions/index.js';
import { parseTemplate } from '../variables.js';
import { RCP_SERVICES } from '../rcp.js';
import { failsLegacyResourceParsing, legacyDateOk, resourceFormatError } from './resource-format.js';

/** Options: an action catalog (warns on unknown actions) and a size limit overriding the kind's default. */
export interface ValidateOptions {
  catalog?: ActionCatalog;
  limitChars?: number;
  /** An AWS managed policy (RCPFullAWSAccess may Allow). */
  awsManaged?: boolean;
  /** Managed policies (CreatePolicy, CreatePolicyVersion): IAM requires "Version": "2012-10-17". */
  requireCurrentVersion?: boolean;
}

/** IAM's message texts. */
export const MSG = {
  syntax: 'Syntax errors in policy.',
  invalidJson: 'This policy contains invalid Json',
  version: 'Policy document must be version 2012-10-17 or greater.',
  vendorInvalid: (v: string) => `Vendor ${v} is not valid`,
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
  rcpVersion: 'Resource control policies must specify "Version": "2012-10-17".',
  rcpAllow: 'Resource control policies support only the Deny effect (Allow is reserved for RCPFullAWSAccess).',
  rcpPrincipal: 'Resource control policies must specify "Principal": "*" (restrict principals with conditions).',
  rcpNotPrincipal: 'Resource control policies do not support NotPrincipal.',
  rcpNotAction: 'Resource control policies do not support NotAction.',
  rcpService: (a: string) => `Action ${a} is not of a service that resource control policies support.`,
} as const;

const TOP = new Set(['Version', 'Id', 'Statement']);
const STMT = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const VENDOR = /^[a-zA-Z0-9.-]+$/;

/**
 * The order in which IAM checks a document; the first failing phase names the error IAM returns:
 * JSON and element syntax, Version, legacy parsing (Effect case, dates, resource shape), Sid uniqueness, actions
 * present, an action without a vendor, resources present, resource format, other action vendor problems, then the
 * rest (principals, condition values …).
 */
const PHASE: Record<string, number> = {
  SyntaxError: 0, UnknownField: 0, MissingStatement: 0, InvalidEffect: 0, MissingEffect: 0, InvalidVersion: 0,
  OldVersion: 1, LegacyParsing: 2, DuplicateSid: 3, MissingAction: 4, MissingVendor: 4.5, MissingResource: 5, InvalidResource: 6,
  InvalidAction: 7,
};
const phase = (code: string): number => PHASE[code] ?? 8;

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
    // Role trust policies (CreateRole, UpdateAssumeRolePolicy) word a JSON failure differently.
    const p: PolicyProblem = { code: 'SyntaxError', path: '$', message: kind === 'trust' ? MSG.invalidJson : MSG.syntax };
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
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') err('InvalidVersion', '$.Version', MSG.syntax);
  else if (opts.requireCurrentVersion && version !== '2012-10-17') err('OldVersion', version === undefined ? '$' : '$.Version', MSG.version);
  if (version === undefined) warn('MissingVersion', '$', 'No Version: IAM uses 2008-10-17, where policy variables are not supported.');
  if (top['Id'] !== undefined && typeof top['Id'] !== 'string') err('SyntaxError', '$.Id', MSG.syntax);
  const raw = top['Statement'];
  if (raw === undefined || raw === null || typeof raw !== 'object') {
    err('MissingStatement', '$.Statement', MSG.syntax);
    return { errors, warnings };
  }
  const isArray = Array.isArray(raw);
  const list = isArray ? (raw as unknown[]) : [raw];
  if (list.length === 0) err('MissingStatement', '$.Statement', MSG.syntax);
  const sids = new Set<string>();
  const identitySide = kind === 'identity' || kind === 'boundary' || kind === 'session' || kind === 'scp';
  const rcp = kind === 'rcp';
  if (rcp && version !== '2012-10-17') err('RcpVersion', '$.Version', MSG.rcpVersion);

  list.forEach((st, i) => {
    const sp = isArray ? `$.Statement[${i}]` : '$.Statement';
    if (!st || typeof st !== 'object' || Array.isArray(st)) {
      err('SyntaxError', sp, MSG.syntax);
      return;
    }
    const s = st as Record<string, unknown>;
    for (const k of Object.keys(s)) if (!STMT.has(k)) err('UnknownField', childPath(sp, k), MSG.syntax);

    // Sid (IAM ignores an empty one when it looks for duplicates)
    if (s['Sid'] !== undefined) {
      if (typeof s['Sid'] !== 'string') err('SyntaxError', `${sp}.Sid`, MSG.syntax);
      else {
        if (identitySide && kind !== 'scp' && !/^[0-9A-Za-z]*$/.test(s['Sid'])) err('InvalidSid', `${sp}.Sid`, MSG.sidChars);
        if (s['Sid'] !== '' && sids.has(s['Sid'])) err('DuplicateSid', `${sp}.Sid`, MSG.sidUnique);
        sids.add(s['Sid']);
      }
    }
    // Effect: "allow" in another case passes the grammar but not the legacy parser.
    const effect = s['Effect'];
    if (effect === undefined) err('MissingEffect', sp, identitySide ? MSG.syntax : MSG.missingEffect);
    else if (typeof effect !== 'string' || (effect.toLowerCase() !== 'allow' && effect.toLowerCase() !== 'deny')) err('InvalidEffect', `${sp}.Effect`, MSG.syntax);
    else if (effect !== 'Allow' && effect !== 'Deny') err('LegacyParsing', `${sp}.Effect`, MSG.legacyParsing);
    else if (rcp && s['Effect'] === 'Allow' && !opts.awsManaged) err('RcpAllow', `${sp}.Effect`, MSG.rcpAllow);
    if (rcp && 'NotAction' in s) err('RcpNotAction', `${sp}.NotAction`, MSG.rcpNotAction);

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
        const parts = a.split(':');
        if (parts.length === 1 && a !== '*') err('MissingVendor', ap, MSG.vendor);
        else if (parts.length > 2) err('InvalidAction', ap, MSG.oneColon);
        else if (a !== '*' && parts[0] !== '*' && !VENDOR.test(parts[0]!)) err('InvalidAction', ap, MSG.vendorInvalid(parts[0]!));
        else if (kind === 'trust' && a !== '*' && !/^sts:/i.test(a)) err('InvalidTrustAction', ap, MSG.trustActions);
        else if (rcp && a !== '*' && !RCP_SERVICES.has(a.slice(0, a.indexOf(':')).toLowerCase())) err('RcpService', ap, MSG.rcpService(a));
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
        // IAM reports a format problem; only a list without one goes on to the legacy parser.
        let formatOk = true;
        items.forEach((r, j) => {
          const rp = Array.isArray(v) ? `${sp}.${field}[${j}]` : `${sp}.${field}`;
          const bad = resourceFormatError(r);
          if (bad !== undefined) {
            formatOk = false;
            err('InvalidResource', rp, bad);
          }
          checkVariables(r, rp);
        });
        if (formatOk)
          items.forEach((r, j) => {
            if (failsLegacyResourceParsing(r)) err('LegacyParsing', Array.isArray(v) ? `${sp}.${field}[${j}]` : `${sp}.${field}`, MSG.legacyParsing);
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
      if (rcp && hasNP) err('RcpNotPrincipal', `${sp}.NotPrincipal`, MSG.rcpNotPrincipal);
      else if (rcp && hasP && s['Principal'] !== '*') err('RcpPrincipal', `${sp}.Principal`, MSG.rcpPrincipal);
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
          if (!body || typeof body !== 'object' || Array.isArray(body)) {
            err('SyntaxError', opPath, MSG.syntax);
            continue;
          }
          // An unknown operator is a syntax error unless its block is empty (IAM accepts and ignores that).
          if (!op) {
            if (Object.keys(body).length) err('SyntaxError', opPath, MSG.syntax);
            continue;
          }
          for (const [key, rawv] of Object.entries(body as Record<string, unknown>)) {
            const kp = childPath(opPath, key);
            // IAM accepts a key without a service prefix (it can never be in a request context): a warning only.
            if (!/^[A-Za-z0-9.-]+:./.test(key)) warn('ConditionKeyWithoutVendor', kp, `Condition key ${key} has no service prefix; no request carries it.`);
            else if (opts.catalog?.conditionKeyKnown(key) === false) warn('UnknownConditionKey', kp, `Condition key ${key} is not a known key of its service.`);
            const values = conditionValues(rawv);
            if (!values) {
              err('SyntaxError', kp, MSG.syntax);
              continue;
            }
            if (op.def.name.startsWith('Date')) {
              // Dates go through IAM's legacy parser (policy variables are not allowed with Date operators).
              if (values.some((v) => !legacyDateOk(v))) err('LegacyParsing', kp, MSG.legacyParsing);
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
  // IAM stops at the first failing phase: order the errors by phase, keeping document order within one.
  const ordered = errors.map((e, i) => ({ e, i })).sort((a, b) => phase(a.e.code) - phase(b.e.code) || a.i - b.i).map((x) => x.e);
  return { errors: ordered, warnings };
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
