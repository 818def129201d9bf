/**
 * The flow of one AWS API request, as a readable list of steps:
 *   1. route      — which service (Host, else SigV4 scope, else Action)
 *   2. operation  — which operation the wire format names
 *   3. authenticate — SigV4 parse, credential lookup, signature verification
 *   4. parse      — model-driven input parsing and validation
 *   5. authorize  — the policy engine decides (when enforcement is wired)
 *   6. invoke     — the service operation runs against the store
 *   7. render     — the wire format renders the result or the error
 */
import type { Clock } from '../clock.js';
import { KamenError } from '../errors.js';
import { requestId as newRequestId } from '../ids.js';
import type { Codec, WireRequest, WireResponse } from '../protocol/index.js';
import type { SigningKeyCache } from '../sigv4/index.js';
import { parseSigV4, verifySigV4 } from '../sigv4/index.js';
import type { Caller, OperationContext, ServiceDefinition, ServiceDeps } from '../services/types.js';
import type { Store } from '../store/store.js';
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
  resolveCredentials(accessKeyId: string, sessionToken: string | undefined, nowMs: number): Promise<{ caller: Caller; secretAccessKey: string }>;
  /** Throws KamenError('ERR_ACCESS_DENIED', …) when the engine denies; absent = every caller may act in its own account. */
  authorizeOperation?(ctx: OperationContext, service: string, operation: string, input: Record<string, unknown>): Promise<void>;
  /** Called after a successful authentication with a long-term key (last-used tracking). */
  noteKeyUsed?(caller: Caller, service: string, region: string): void;
  log?(entry: Record<string, unknown>): void;
}

/** Facts about the connection a request came in on. */
export interface ConnectionFacts {
  sourceIp: string;
  secureTransport: boolean;
}

/** Operations AWS serves without a signature. */
const UNSIGNED_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']);

/** Runs one request through the steps above; never throws. Returns undefined when no service claims the request. */
export async function handleApiRequest(deps: PipelineDeps, req: WireRequest & { path: string; host?: string }, conn: ConnectionFacts): Promise<WireResponse | undefined> {
  const requestId = newRequestId();
  // 1. route
  const byHost = serviceFromHost(req.host);
  const authHeader = headerValue(req.headers['authorization']);
  const byScope = byHost ? undefined : serviceFromScope(authHeader, req.query);
  let serviceName: ServiceName | undefined = byHost?.service ?? byScope?.service;
  let mounted = serviceName ? deps.services.get(serviceName) : undefined;
  if (!mounted) {
    serviceName = routeByAction(deps, req);
    mounted = serviceName ? deps.services.get(serviceName) : undefined;
  }
  if (!mounted || !serviceName) return undefined;
  const { codec, definition } = mounted;
  try {
    // 2. operation
    const operation = codec.operationName(req);
    if (operation === undefined || !codec.hasOperation(operation) || !definition.operations[operation]) {
      // Let the codec produce its own "missing/unknown action" error (it validates the name).
      codec.parseInput(operation ?? '', req);
      throw new KamenError('ERR_INVALID_ACTION', `Could not find operation ${operation ?? ''}`);
    }
    // 3. authenticate
    const nowMs = deps.clock.now();
    const auth = parseSigV4({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body });
    if (!auth) {
      if (!UNSIGNED_OPERATIONS.has(operation)) throw new KamenError('ERR_MISSING_AUTHENTICATION_TOKEN', 'Request is missing Authentication Token');
      throw new KamenError('ERR_INVALID_ACTION', `${operation} is not supported yet`);
    }
    const { caller, secretAccessKey } = await deps.resolveCredentials(auth.accessKeyId, auth.securityToken, nowMs);
    verifySigV4({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body }, auth, secretAccessKey, nowMs, deps.signingKeys);
    const region = auth.region || byHost?.region || defaultRegion(serviceName);
    deps.noteKeyUsed?.(caller, serviceName, region);
    // 4. parse
    const input = codec.parseInput(operation, req);
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
    // 5. authorize
    if (deps.authorizeOperation) await deps.authorizeOperation(ctx, serviceName, operation, input);
    // 6. invoke
    const output = await definition.operations[operation]!(ctx, input);
    // 7. render
    return codec.renderResult(operation, output, requestId);
  } catch (err) {
    if (!(err instanceof KamenError)) deps.log?.({ level: 'error', requestId, msg: 'internal error', err: String((err as Error)?.stack ?? err) });
    return codec.renderError(err, requestId);
  }
}

function routeByAction(deps: PipelineDeps, req: WireRequest): ServiceName | undefined {
  const json = headerValue(req.headers['x-amz-target']);
  if (json) return json.startsWith('AWSOrganizations') ? 'organizations' : undefined;
  const query = deps.services.get('iam')?.codec ?? deps.services.get('sts')?.codec;
  const action = query?.operationName(req);
  return serviceFromAction(action, (s, op) => deps.services.get(s)?.codec.hasOperation(op) === true && deps.services.get(s)?.definition.operations[op] !== undefined);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
