/** IAM's write-time checks of one Resource / NotResource value: ARN shape, partition, vendor, region, IAM paths. */

/** IAM resource types a Resource of the iam service may name, as IAM's message lists them. */
const IAM_PATH_STARTS = [
  'user/', 'federated-user/', 'role/', 'group/', 'instance-profile/', 'mfa/', 'server-certificate/', 'policy/', 'sms-mfa/',
  'saml-provider/', 'oidc-provider/', 'report/', 'access-report/',
];
/** Resource types added to IAM after that message's list (the Service Authorization Reference's `delegation-request`). */
const IAM_PATH_STARTS_NEWER = ['delegation-request/'];

/** IAM's message for an IAM ARN with a region, and for an S3 bucket or object ARN (no account) with one. */
const IAM_REGION = (r: string) => `IAM resource ${r} cannot contain region information.`;
const S3_REGION = (r: string) => `Resource ${r} can not contain region information.`;

/** Partitions IAM accepts: aws and its siblings (aws-cn, aws-us-gov …), or a pattern with wildcards such as "*". */
const PARTITION = /^(aws(-[a-z]+)*|[a-z0-9-]*[*?][a-z0-9*?-]*)$/;

/**
 * IAM's message for a malformed Resource value, or undefined when it is acceptable. Case table, in IAM's order:
 *   no colon at all                         → Resource X must be in ARN format or "*".
 *   partition not aws / aws-… / a wildcard → Partition "P" is not valid for resource "arn:P:…" (missing parts shown as *)
 *   nothing after the partition             → Resource vendor must be fully qualified and cannot contain regexes.
 *   iam with a region, or s3 with a region and no account → … cannot contain region information.
 *   iam resource part not "*", "root" nor a known type path → IAM resource path must either be "*" or start with …
 * The first segment is not checked ("aws:s3:::b" reads as partition "s3"), as IAM does.
 */
export function resourceFormatError(resource: string): string | undefined {
  if (resource === '*') return undefined;
  const first = resource.indexOf(':');
  if (first < 0) return `Resource ${resource} must be in ARN format or "*".`;
  const afterFirst = resource.slice(first + 1);
  const second = afterFirst.indexOf(':');
  const partition = second < 0 ? afterFirst : afterFirst.slice(0, second);
  const rest = second < 0 ? '' : afterFirst.slice(second + 1);
  if (!PARTITION.test(partition)) {
    const parts = rest.split(':');
    const a1 = parts[0] !== '' || parts.length > 1 ? parts[0]! : '*';
    const a2 = parts.length > 1 ? parts[1]! : '*';
    const a3 = parts.length > 2 ? parts[2]! : '*';
    const a4 = parts.length > 3 ? parts.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${a1}:${a2}:${a3}:${a4}".`;
  }
  if (second < 0) return 'Resource vendor must be fully qualified and cannot contain regexes.';
  const svcEnd = rest.indexOf(':');
  const service = svcEnd < 0 ? rest : rest.slice(0, svcEnd);
  const afterService = svcEnd < 0 ? '' : rest.slice(svcEnd);
  const fields = afterService.split(':');
  const region = fields[1] ?? '';
  if (service === 'iam' && region !== '') return IAM_REGION(resource);
  // S3 access points, jobs and the like carry a region and an account; a bucket or object ARN carries neither.
  if (service === 's3' && region !== '' && (fields[2] ?? '') === '') return S3_REGION(resource);
  // The account's root user (arn:aws:iam::*:root) is an IAM resource too; variables are checked at request time.
  if (service === 'iam' && !resource.includes('${')) {
    const res = fields.slice(3).join(':');
    if (res !== '*' && res !== 'root' && !IAM_PATH_STARTS.some((p) => res.startsWith(p)) && !IAM_PATH_STARTS_NEWER.some((p) => res.startsWith(p))) {
      return `IAM resource path must either be "*" or start with ${IAM_PATH_STARTS.join(', ')}.`;
    }
  }
  return undefined;
}

/** True when a Resource value fails IAM's legacy parser: "::" in fewer than five colons, or an empty service. */
export function failsLegacyResourceParsing(resource: string): boolean {
  if (resource === '*') return false;
  let colons = 0;
  for (let i = 0; i < resource.length; i++) if (resource.charCodeAt(i) === 58) colons++;
  if (colons < 5 && resource.includes('::')) return true;
  const parts = resource.split(':');
  return parts.length > 2 && parts[2] === '';
}

/**
 * True when a Date condition value passes IAM's legacy parser: epoch seconds (0 … 2^63-1) or ISO 8601 with a year,
 * optional month, day, hours, minutes, seconds (with fraction) and a Z or ±hh[:mm] zone, each within range.
 */
export function legacyDateOk(value: string): boolean {
  const v = value.toLowerCase();
  if (!v.includes('t') && !v.includes('-')) return /^\d+$/.test(v) && BigInt(v) <= 9223372036854775807n;
  const tAt = v.indexOf('t');
  const datePart = tAt < 0 ? v : v.slice(0, tAt);
  const timePart = tAt < 0 ? '' : v.slice(tAt + 1);
  const neg = datePart.startsWith('-');
  const d = (neg ? datePart.slice(1) : datePart).split('-');
  const int = (s: string | undefined, lo: number, hi: number) => s !== undefined && /^\d+$/.test(s) && Number(s) >= lo && Number(s) <= hi;
  if (d.length > 3 || !/^\d+$/.test(d[0]!)) return false;
  const year = Number(d[0]) * (neg ? -1 : 1);
  if (year < -292275054 || year > 292278993) return false;
  if (d.length > 1 && !int(d[1], 1, 12)) return false;
  if (d.length > 2 && !int(d[2], 1, 31)) return false;
  if (timePart === '') return true;
  const t = timePart.split(':');
  if (t[0] !== '' && !int(t[0], 0, 23)) return false;
  if (t.length > 1 && !int(t[1], 0, 59)) return false;
  if (t.length > 2) {
    let secs = t.slice(2).join(':');
    const z = secs.indexOf('z');
    const plus = secs.indexOf('+') >= 0 ? secs.indexOf('+') : secs.indexOf('-');
    if (z >= 0) {
      if (secs.slice(z + 1) !== '') return false;
      secs = secs.slice(0, z);
    } else if (plus >= 0) {
      const zone = secs.slice(plus + 1).split(':');
      if (zone[0]!.length !== 2 || !int(zone[0], 0, 23)) return false;
      if (zone.length > 1 && (zone[1]!.length !== 2 || !int(zone[1], 0, 59))) return false;
      secs = secs.slice(0, plus);
    }
    const [s, frac] = secs.split('.');
    if (!int(s, 0, 59)) return false;
    if (frac !== undefined && !int(frac, 0, 999999999)) return false;
  }
  return true;
}
