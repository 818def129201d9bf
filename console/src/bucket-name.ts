// S3's general purpose bucket naming rules, as the create-bucket form checks them while you type.

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** The rules `name` breaks (empty when it is a valid bucket name). */
export function bucketNameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length < 3 || name.length > 63) out.push('Bucket names must be between 3 and 63 characters long.');
  if (!/^[a-z0-9.-]*$/.test(name)) out.push('Bucket names can consist only of lowercase letters, numbers, dots (.), and hyphens (-).');
  if (name && !/^[a-z0-9]/.test(name)) out.push('Bucket names must begin with a letter or number.');
  if (name && !/[a-z0-9]$/.test(name)) out.push('Bucket names must end with a letter or number.');
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) out.push('Bucket names must not contain two adjacent periods, or a period next to a hyphen.');
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) out.push('Bucket names must not be formatted as an IP address (for example, 192.168.5.4).');
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) out.push(`Bucket names must not start with the prefix ${prefix}`);
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) out.push(`Bucket names must not end with the suffix ${suffix}`);
  return out;
}
