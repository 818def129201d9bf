/**
 * "Public" as the S3 User Guide defines it for bucket policies ("The meaning of public"): an Allow statement whose
 * principal is a wildcard (or is given by NotPrincipal) is public unless a condition pins the request to fixed values
 * of one of the keys S3 names — aws:SourceIp (a CIDR no wider than /8, or /32 for IPv6), aws:SourceArn, aws:SourceVpc,
 * aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID,
 * aws:userid, s3:DataAccessPointArn, s3:DataAccessPointAccount, s3:x-amz-server-side-encryption-aws-kms-key-id.
 */

/** Condition keys whose fixed values make a statement non-public (lower case). */
const FIXED_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:userid',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
]);

/** Operators that pin a key to exact values (without a wildcard in the value they are exact). */
const EXACT_OPERATORS: ReadonlySet<string> = new Set(['stringequals', 'stringequalsignorecase', 'arnequals', 'arnlike', 'stringlike']);

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** True when every value is a string without a wildcard or policy variable. */
function fixedValues(values: unknown): boolean {
  const list = asList(values);
  return list.length > 0 && list.every((x) => typeof x === 'string' && x !== '' && !/[*?]/.test(x) && !x.includes('${'));
}

/** True when every value is a CIDR narrow enough to be non-public. */
function narrowCidrs(values: unknown): boolean {
  const list = asList(values);
  return (
    list.length > 0 &&
    list.every((x) => {
      if (typeof x !== 'string') return false;
      const [addr, bits] = x.split('/');
      const v6 = (addr ?? '').includes(':');
      const n = bits === undefined ? (v6 ? 128 : 32) : Number(bits);
      return Number.isInteger(n) && n >= (v6 ? 32 : 8);
    })
  );
}

/** True when a statement's Condition block pins the request to fixed values of a key S3 recognises. */
function conditionRestricts(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [op, block] of Object.entries(condition as Record<string, unknown>)) {
    const name = op.toLowerCase();
    // A set operator or "…IfExists" lets a request without the key through: it pins nothing.
    if (name.includes(':') || name.endsWith('ifexists') || typeof block !== 'object' || block === null) continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      const k = key.toLowerCase();
      if (k === 'aws:sourceip' && name === 'ipaddress' && narrowCidrs(values)) return true;
      if (FIXED_KEYS.has(k) && EXACT_OPERATORS.has(name) && fixedValues(values)) return true;
    }
  }
  return false;
}

/** True when a principal element names everyone (a wildcard, or an ARN with one). */
function wildcardPrincipal(p: unknown): boolean {
  if (p === '*') return true;
  if (typeof p !== 'object' || p === null) return false;
  const aws = (p as Record<string, unknown>)['AWS'];
  return aws !== undefined && asList(aws).some((v) => typeof v === 'string' && v.includes('*'));
}

/** True when a bucket policy (valid JSON) is public by S3's definition. */
export function isPublicPolicy(text: string): boolean {
  const doc = JSON.parse(text) as { Statement?: unknown };
  for (const st of asList(doc.Statement)) {
    if (typeof st !== 'object' || st === null) continue;
    const s = st as Record<string, unknown>;
    if (s['Effect'] !== 'Allow') continue;
    if (!(wildcardPrincipal(s['Principal']) || s['NotPrincipal'] !== undefined)) continue;
    if (!conditionRestricts(s['Condition'])) return true;
  }
  return false;
}
