/**
 * Which service a request is for: by Host (iam.amazonaws.com, sts.<region>.amazonaws.com, …), else by the service in
 * the SigV4 credential scope, else by the Query `Action` for unsigned calls. Pure functions, no I/O.
 */

/** Services kamen serves, by SigV4 signing name. */
export type ServiceName = 'iam' | 'sts' | 'organizations' | 'ec2';

const SERVICES: ReadonlySet<string> = new Set(['iam', 'sts', 'organizations', 'ec2']);

/** The service and region a Host names, e.g. `sts.ap-northeast-1.amazonaws.com` → sts in ap-northeast-1. */
export function serviceFromHost(hostHeader: string | undefined): { service: ServiceName; region?: string } | undefined {
  if (!hostHeader) return undefined;
  let host = hostHeader.toLowerCase();
  const colon = host.lastIndexOf(':');
  if (colon > 0 && !host.endsWith(']')) host = host.slice(0, colon);
  if (!host.endsWith('.amazonaws.com')) return undefined;
  const labels = host.slice(0, -'.amazonaws.com'.length).split('.');
  const first = labels[0] === 'fips' ? labels[1] : labels[0];
  const svc = first?.endsWith('-fips') ? first.slice(0, -5) : first;
  if (!svc || !SERVICES.has(svc)) return undefined;
  const region = labels.length >= 2 ? labels[labels.length - 1] : undefined;
  return { service: svc as ServiceName, region: region === svc ? undefined : region };
}

/** The service named in a SigV4 credential scope (`…/us-east-1/iam/aws4_request`), from header or query string. */
export function serviceFromScope(authorization: string | undefined, rawQuery: string): { service: ServiceName; region: string } | undefined {
  let credential: string | undefined;
  if (authorization) {
    const i = authorization.indexOf('Credential=');
    if (i >= 0) {
      const end = authorization.indexOf(',', i);
      credential = authorization.slice(i + 11, end < 0 ? undefined : end).trim();
    }
  } else if (rawQuery.includes('X-Amz-Credential=')) {
    const m = /(?:^|&)X-Amz-Credential=([^&]*)/.exec(rawQuery);
    if (m) credential = safeDecode(m[1]!);
  }
  if (!credential) return undefined;
  const parts = credential.split('/');
  if (parts.length < 5) return undefined;
  const service = parts[parts.length - 2]!;
  const region = parts[parts.length - 3]!;
  return SERVICES.has(service) ? { service: service as ServiceName, region } : undefined;
}

/** For unsigned Query calls: which service has an operation of that name. */
export function serviceFromAction(action: string | undefined, hasOperation: (service: ServiceName, op: string) => boolean): ServiceName | undefined {
  if (!action) return undefined;
  for (const s of ['sts', 'iam', 'ec2'] as const) if (hasOperation(s, action)) return s;
  return undefined;
}

/** The default signing region of a global service. */
export function defaultRegion(service: ServiceName): string {
  return service === 'ec2' ? 'us-east-1' : 'us-east-1';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
