/**
 * The flow of one AWS API request, as a readable list of steps:
 *   1. route      — which service (Host, else SigV4 scope, else Action)
 *   2. operation  — which operation the wire format names
 *   3. authenticate — SigV4 parse (the scope names the endpoint's region and the routed service), credential lookup,
 *                   signature verification (the body is always signed: no UNSIGNED-PAYLOAD for Query/JSON APIs)
 *   4. parse      — model-driven input parsing and validation
 *   5. authorize  — the policy engine decides (when enforcement is wired)
 *   6. invoke     — the service operation runs against the store
 *   7. render     — the wire format renders the result or the error
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { KamenError } from '../errors.js';
import { requestId as newRequestId } from '../ids.js';
import type { Codec, WireRequest, WireResponse } from '../protocol/index.js';
import type { PayloadRules, ScopeRules, SignedRequest, SigningKeyCache } from '../sigv4/index.js';
import { parseSigV4, SIGNED_PAYLOAD_ONLY, verifySigV4 } from '../sigv4/index.js';
import regionData from '../services/ec2/data/regions.json' with { type: 'json' };
import type { Caller, OperationContext, ServiceDefinition, ServiceDeps } from '../services/types.js';
import type { Store } from '../store/store.js';
import type { Auditor } from '../audit/auditor.js';
import type { RequestLogEntry } from '../audit/request-log.js';
import { requestLogEntry, startCallFacts, wireProtocolOf } from '../audit/request-facts.js';
import type { CallFacts } from '../audit/types.js';
import { defaultRegion, serviceFromAction, serviceFromHost, serviceFromScope, type ServiceName } from './route.js';

/** A service as the pipeline holds it: its operations and its wire codec. */
export interface MountedService {
  definition: ServiceDefinition;
  codec: Codec;
}

/** Everything the pipeline needs; built once at server start. */
export interface PipelineDeps {
  store: Store;
  clock: Clock;
  services: Map<ServiceName, MountedService>;
  signingKeys: SigningKeyCache;
  serviceDeps: ServiceDeps;
  /** Access key (and session token) → the caller and the secret to verify the signature with. */
  resolveCredentials(accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<{ caller: Caller; secretAccessKey: string; signatureUnverifiable?: boolean }>;
  /** Throws KamenError('ERR_ACCESS_DENIED', …) when the engine denies; absent = every caller may act in its own account. */
  authorizeOperation?(ctx: OperationContext, service: string, operation: string, input: Record<string, unknown>): Promise<void>;
  /** Called after a successful authentication with a long-term key (last-used tracking). */
  noteKeyUsed?(caller: Caller, service: string, region: string): void;
  log?(entry: Record<string, unknown>): void;
  /** Audit (src/audit): records every authenticated call that reaches a service; absent = no events. */
  auditor?: Auditor;
  /** The operator's request log: one JSON line per API request; absent = none. */
  requestLog?(entry: RequestLogEntry): void;
  /** The S3 front door: S3 requests (route.ts isS3Request) are handed over with their body unread, as a stream. */
  s3?(req: IncomingMessage, res: ServerResponse, conn: ConnectionFacts): void;
  /**
   * Public documents for GET /.well-known/* on the hosts `claims` accepts (outbound federation issuers' discovery and
   * JWKS): `document` answers one (undefined: 404). Requests for other hosts (S3 buckets' `.well-known/` keys) pass on.
   */
  wellKnown?: { claims(host: string | undefined): boolean; document(host: string | undefined, path: string): Promise<Record<string, unknown> | undefined> };
}

/** Facts about the connection a request came in on. */
export interface ConnectionFacts {
  sourceIp: string;
  secureTransport: boolean;
  /** Set on the web console's in-process calls: `tls` when the browser reached the console over TLS (audit records). */
  console?: { tls: boolean };
}

/** Operations AWS serves without a signature. */
const UNSIGNED_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']);

/** The regions of the partition kamen serves (the EC2 region table): the only valid scope regions. */
const VALID_REGIONS: ReadonlySet<string> = new Set((regionData as Array<{ RegionName: string }>).map((r) => r.RegionName));

/** Services with one global endpoint, served from us-east-1: its region is the request's region (aws:RequestedRegion). */
const GLOBAL_SERVICES: ReadonlySet<ServiceName> = new Set<ServiceName>(['iam', 'organizations']);
const GLOBAL_REGION = 'us-east-1';

/** How each service treats x-amz-content-sha256: every service kamen serves signs the body (S3 would allow UNSIGNED-PAYLOAD). */
const PAYLOAD_RULES: Readonly<Record<ServiceName, PayloadRules>> = { iam: SIGNED_PAYLOAD_ONLY, sts: SIGNED_PAYLOAD_ONLY, organizations: SIGNED_PAYLOAD_ONLY, ec2: SIGNED_PAYLOAD_ONLY, cloudtrail: SIGNED_PAYLOAD_ONLY };

const isValidRegion = (region: string): boolean => VALID_REGIONS.has(region);

/** Scope rules on kamen's own address: any valid region (clients sign with their configured region), the routed service. */
const OWN_ENDPOINT_RULES: Readonly<Record<ServiceName, ScopeRules>> = {
  iam: { service: 'iam', regionAllowed: isValidRegion },
  sts: { service: 'sts', regionAllowed: isValidRegion },
  organizations: { service: 'organizations', regionAllowed: isValidRegion },
  ec2: { service: 'ec2', regionAllowed: isValidRegion },
  cloudtrail: { service: 'cloudtrail', regionAllowed: isValidRegion },
};

/**
 * The scope an endpoint accepts. A Host naming an AWS endpoint (proxy mode) accepts that endpoint's region only, as
 * AWS does: iam.amazonaws.com, organizations.us-east-1…, sts.amazonaws.com and ec2.amazonaws.com sign as us-east-1,
 * sts.<region>… and ec2.<region>… as <region>. kamen's own address accepts any valid region of the partition.
 */
function scopeRules(service: ServiceName, byHost: { service: ServiceName; region?: string } | undefined): ScopeRules {
  if (!byHost) return OWN_ENDPOINT_RULES[service];
  const endpointRegion = GLOBAL_SERVICES.has(service) ? GLOBAL_REGION : (byHost.region ?? GLOBAL_REGION);
  return { service, regionAllowed: (region) => region === endpointRegion && VALID_REGIONS.has(region) };
}

/** Runs one request through the steps above; never throws. Returns undefined when no service claims the request. */
export async function handleApiRequest(deps: PipelineDeps, req: WireRequest & { path: string; host?: string }, conn: ConnectionFacts): Promise<WireResponse | undefined> {
  const requestId = newRequestId();
  // 1. route
  const byHost = serviceFromHost(req.host);
  let serviceName: ServiceName | undefined = byHost?.service;
  if (!serviceName) {
    serviceName = serviceFromScope(headerValue(req.headers['authorization']), req.query)?.service;
    // Signed for one service but naming another's operation: on AWS it reaches that service's endpoint, whose scope
    // check refuses it (so an STS call signed as `iam` gets STS's SignatureDoesNotMatch, not IAM's InvalidAction).
    if (serviceName && !servesOperation(deps, serviceName, req)) serviceName = routeByAction(deps, req) ?? serviceName;
  }
  let mounted = serviceName ? deps.services.get(serviceName) : undefined;
  if (!mounted) {
    serviceName = routeByAction(deps, req);
    mounted = serviceName ? deps.services.get(serviceName) : undefined;
  }
  if (!mounted || !serviceName) return undefined;
  const { codec, definition } = mounted;
  const startedMs = deps.requestLog ? performance.now() : 0;
  const protocol = wireProtocolOf(definition.protocol);
  let call: CallFacts | undefined;
  let who: Caller | undefined;
  let decision: 'Allow' | 'Deny' | undefined;
  let operationName: string | undefined;
  try {
    // 2. operation
    const operation = codec.operationName(req);
    operationName = operation;
    if (operation === undefined || !codec.hasOperation(operation) || !definition.operations[operation]) {
      // Let the codec produce its own "missing/unknown action" error (it validates the name).
      codec.parseInput(operation ?? '', req);
      throw new KamenError('ERR_INVALID_ACTION', `Could not find operation ${operation ?? ''}`);
    }
    // 3. authenticate
    const nowMs = deps.clock.now();
    // The request itself is what SigV4 signs (method, raw path and query, headers, body): no copy per request.
    const signed: SignedRequest = req;
    const auth = parseSigV4(signed, scopeRules(serviceName, byHost));
    if (!auth && !UNSIGNED_OPERATIONS.has(operation)) throw new KamenError('ERR_MISSING_AUTHENTICATION_TOKEN', 'Request is missing Authentication Token');
    let caller: Caller;
    let region: string;
    if (!auth) {
      // AWS serves AssumeRoleWithSAML / AssumeRoleWithWebIdentity unsigned: the caller is anonymous, the token decides.
      caller = { kind: 'anonymous', accountId: '', arn: '', userId: 'anonymous', accessKeyId: '' };
      region = byHost?.region || defaultRegion(serviceName);
    } else {
      const resolved = await deps.resolveCredentials(auth.accessKeyId, auth.securityToken, nowMs);
      // Drop-in mode's adopted unknown key has no secret to check the signature with (documented trade-off).
      if (!resolved.signatureUnverifiable) verifySigV4(signed, auth, resolved.secretAccessKey, nowMs, deps.signingKeys, PAYLOAD_RULES[serviceName]);
      caller = resolved.caller;
      // A global service's calls are made in us-east-1 whatever region the client signed with (aws:RequestedRegion).
      region = GLOBAL_SERVICES.has(serviceName) ? GLOBAL_REGION : auth.region || byHost?.region || defaultRegion(serviceName);
      deps.noteKeyUsed?.(caller, serviceName, region);
    }
    who = caller;
    // Unsigned federation calls are audited too: their record names the federated user once the call learns it.
    if (deps.auditor && (caller.kind !== 'anonymous' || !auth)) {
      call = startCallFacts({ requestId, nowMs, service: serviceName, operation, region, caller, sourceIp: conn.sourceIp, secureTransport: conn.secureTransport, userAgent: req.headers['user-agent'], host: req.host, console: conn.console });
    }
    // 4. parse
    const input = codec.parseInput(operation, req);
    if (call) call.input = input;
    const ctx: OperationContext = {
      requestId,
      caller,
      store: deps.store,
      clock: deps.clock,
      region,
      sourceIp: conn.sourceIp,
      secureTransport: conn.secureTransport,
      deps: deps.serviceDeps,
    };
    if (call && !auth) {
      const facts = call;
      ctx.noteFederatedUser = (who) => {
        facts.federated = who;
      };
    }
    // 5. authorize
    if (deps.authorizeOperation) {
      try {
        await deps.authorizeOperation(ctx, serviceName, operation, input);
      } catch (err) {
        if (err instanceof KamenError && err.code === 'ERR_ACCESS_DENIED') decision = 'Deny';
        throw err;
      }
      decision = 'Allow';
    }
    // 6. invoke (audited: with its event, in one store transaction when the call may change state)
    const run = definition.operations[operation]!;
    let output: unknown;
    if (call && deps.auditor!.transactional(call)) output = await deps.auditor!.invoke(call, protocol, () => run(ctx, input));
    else {
      // A read is run here and its answer recorded after (a failure is recorded by the catch below).
      output = await run(ctx, input);
      if (call) {
        const behind = deps.auditor!.answered(call, output);
        if (behind) await behind;
      }
    }
    // 7. render
    const res = codec.renderResult(operation, output, requestId);
    if (deps.requestLog) deps.requestLog(requestLogEntry({ requestId, startedMs, service: serviceName, operation, caller: who, decision, status: res.status, err: undefined, protocol, sourceIp: conn.sourceIp }));
    return res;
  } catch (err) {
    if (!(err instanceof KamenError)) deps.log?.({ level: 'error', requestId, msg: 'internal error', err: String((err as Error)?.stack ?? err) });
    const behind = call ? deps.auditor!.failed(call, protocol, err) : undefined;
    if (behind) await behind;
    const res = codec.renderError(err, requestId);
    if (deps.requestLog) deps.requestLog(requestLogEntry({ requestId, startedMs, service: serviceName, operation: operationName, caller: who, decision, status: res.status, err, protocol, sourceIp: conn.sourceIp }));
    return res;
  }
}

/** True when `service` has the operation the request names. */
function servesOperation(deps: PipelineDeps, service: ServiceName, req: WireRequest): boolean {
  const m = deps.services.get(service);
  if (!m) return false;
  const op = m.codec.operationName(req);
  return op !== undefined && m.codec.hasOperation(op) && m.definition.operations[op] !== undefined;
}

function routeByAction(deps: PipelineDeps, req: WireRequest): ServiceName | undefined {
  const json = headerValue(req.headers['x-amz-target']);
  if (json) return json.startsWith('AWSOrganizations') ? 'organizations' : json.startsWith('com.amazonaws.cloudtrail.') ? 'cloudtrail' : undefined;
  const query = deps.services.get('iam')?.codec ?? deps.services.get('sts')?.codec;
  const action = query?.operationName(req);
  return serviceFromAction(action, (s, op) => deps.services.get(s)?.codec.hasOperation(op) === true && deps.services.get(s)?.definition.operations[op] !== undefined);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
