/**
 * Which service a request is for: by Host (iam.amazonaws.com, sts.<region>.amazonaws.com, …), else by the service in
 * the SigV4 credential scope, else by the Query `Action` for unsigned calls. Pure functions, no I/O.
 */

/** Services kamen serves, by SigV4 signing name. */
export type ServiceName = 'iam' | 'sts' | 'organizations' | 'ec2' | 'cloudtrail';

/**
 * The one list of services kamen serves: routing by Host and scope, and which AWS hosts proxy mode accepts a CONNECT
 * for, all read it. Serving a new service (S3, CloudTrail) starts with one name here.
 */
const SERVICES: ReadonlySet<string> = new Set(['iam', 'sts', 'organizations', 'ec2', 'cloudtrail']);

/** Largest request body a service reads into memory (Query and JSON APIs: 2 MiB, far above AWS's own request sizes). */
const BODY_LIMITS: Readonly<Record<ServiceName, number>> = { iam: 2 * 1024 * 1024, sts: 2 * 1024 * 1024, organizations: 2 * 1024 * 1024, ec2: 2 * 1024 * 1024, cloudtrail: 2 * 1024 * 1024 };

/** The body limit of a request no service claims by Host or scope (routed later by its Action, or refused). */
export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;

/** True while every service has the default limit: the server then need not route a request to size its body. */
const UNIFORM_BODY_LIMIT = Object.values(BODY_LIMITS).every((n) => n === DEFAULT_BODY_LIMIT);

/**
 * How the server reads a request's body, decided from its head alone (Host and SigV4 scope) before any body byte is
 * read: today every service takes the body as one buffer up to its limit; a service that streams bodies (S3) adds its
 * own kind here and the server hands it the request stream instead.
 */
export function bodyLimitFor(hostHeader: string | undefined, authorization: string | undefined, rawQuery: string): number {
  if (UNIFORM_BODY_LIMIT) return DEFAULT_BODY_LIMIT;
  const service = serviceFromHost(hostHeader)?.service ?? serviceFromScope(authorization, rawQuery)?.service;
  return service ? BODY_LIMITS[service] : DEFAULT_BODY_LIMIT;
}

/** The service and region a Host names, e.g. `sts.ap-northeast-1.amazonaws.com` → sts in ap-northeast-1. */
export function serviceFromHost(hostHeader: string | undefined): { service: ServiceName; region?: string } | undefined {
  const named = awsServiceOfHost(hostHeader);
  return named && SERVICES.has(named.service) ? (named as { service: ServiceName; region?: string }) : undefined;
}

/**
 * The AWS service an AWS endpoint host names, served by kamen or not (`s3.us-west-2.amazonaws.com` → s3,
 * `sts.us-east-1.api.aws` → sts); undefined for hosts that are not AWS endpoints. A port is ignored.
 */
export function awsServiceOfHost(hostHeader: string | undefined): { service: string; region?: string } | undefined {
  if (!hostHeader) return undefined;
  let host = hostHeader.toLowerCase();
  const colon = host.lastIndexOf(':');
  if (colon > 0 && !host.endsWith(']')) host = host.slice(0, colon);
  const suffix = host.endsWith('.amazonaws.com') ? '.amazonaws.com' : host.endsWith('.api.aws') ? '.api.aws' : undefined;
  if (!suffix) return undefined;
  const labels = host.slice(0, -suffix.length).split('.');
  // Virtual-hosted S3 and S3's legacy hosts (`bucket.s3.us-west-2.amazonaws.com`, `s3-us-west-2.amazonaws.com`) names s3.
  if (labels.some((l) => l === 's3' || l.startsWith('s3-'))) return { service: 's3' };
  const first = labels[0] === 'fips' ? labels[1] : labels[0];
  const svc = first?.endsWith('-fips') ? first.slice(0, -5) : first;
  if (!svc) return undefined;
  const region = labels.length >= 2 ? labels[labels.length - 1] : undefined;
  return { service: svc, region: region === svc ? undefined : region };
}

/** True when kamen serves the AWS endpoint `host` names (proxy mode accepts a CONNECT only for these). */
export function servesHost(host: string): boolean {
  return serviceFromHost(host) !== undefined || awsServiceOfHost(host)?.service === 's3';
}

/**
 * True when a request is for S3, from its head alone: an S3 Host (virtual-hosted or path-style endpoint), else a
 * SigV4 scope (header or presigned URL) naming s3. S3 takes its body as a stream: the server hands it the request.
 */
export function isS3Request(hostHeader: string | undefined, authorization: string | undefined, rawQuery: string): boolean {
  if (hostHeader !== undefined && hostHeader.includes('.amazonaws.com')) return awsServiceOfHost(hostHeader)?.service === 's3';
  // A header scope naming s3 holds `/s3/` (`…/<region>/s3/aws4_request`): without it, no scope to read (every API request asks).
  if (authorization) return authorization.includes('/s3/') && scopeOf(authorization, rawQuery)?.service === 's3';
  return scopeOf(authorization, rawQuery)?.service === 's3';
}

/** The service named in a SigV4 credential scope (`…/us-east-1/iam/aws4_request`), from header or query string. */
export function serviceFromScope(authorization: string | undefined, rawQuery: string): { service: ServiceName; region: string } | undefined {
  const scope = scopeOf(authorization, rawQuery);
  return scope && SERVICES.has(scope.service) ? (scope as { service: ServiceName; region: string }) : undefined;
}

/** The service and region of a SigV4 credential scope, served by kamen or not; undefined when unsigned or unreadable. */
export function scopeOf(authorization: string | undefined, rawQuery: string): { service: string; region: string } | undefined {
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
  // <key>/<date>/<region>/<service>/aws4_request, read from the end (the key may itself contain '/').
  const s4 = credential.lastIndexOf('/');
  const s3 = s4 > 0 ? credential.lastIndexOf('/', s4 - 1) : -1;
  const s2 = s3 > 0 ? credential.lastIndexOf('/', s3 - 1) : -1;
  const s1 = s2 > 0 ? credential.lastIndexOf('/', s2 - 1) : -1;
  if (s1 < 0) return undefined;
  return { service: credential.slice(s3 + 1, s4), region: credential.slice(s2 + 1, s3) };
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
