/**
 * The console's calls to kamen's APIs: each one is encoded as the real wire request (Query form or JSON 1.1), signed
 * with SigV4 using the session's temporary credentials, and sent through the same request pipeline the AWS CLI's
 * requests take (authentication, enforcement, rendering), in process. Answers are read back into model shapes.
 */
import type { ConnectionFacts, PipelineDeps } from '../http/pipeline.js';
import { handleApiRequest } from '../http/pipeline.js';
import { loadServiceModel, type ServiceModel } from '../protocol/index.js';
import { signRequest, type SigningCredentials } from './sigv4-sign.js';
import { child, fromXml, parseXml } from './xml-read.js';

/** The services the console talks to. */
export type ConsoleService = 'iam' | 'sts' | 'organizations' | 'cloudtrail';

/** An AWS error answer: its wire code, message and HTTP status, as the CLI would print them. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/** Calls one API operation as the holder of `creds`. */
export interface ApiClient {
  /** `region` is the regional endpoint a regional service (CloudTrail) is called in; us-east-1 when absent. */
  call<T = Record<string, any>>(creds: SigningCredentials, service: ConsoleService, operation: string, params: Record<string, unknown>, conn: ConnectionFacts, region?: string): Promise<T>;
}

const HOSTS: Record<ConsoleService, string> = { iam: 'iam.amazonaws.com', sts: 'sts.amazonaws.com', organizations: 'organizations.us-east-1.amazonaws.com', cloudtrail: 'cloudtrail.us-east-1.amazonaws.com' };

/** The endpoint and signing region of a call: CloudTrail's regional endpoint, the others' global one. */
function endpoint(service: ConsoleService, region: string | undefined): { host: string; region: string } {
  if (service === 'cloudtrail' && region && region !== 'us-east-1') return { host: `cloudtrail.${region}.amazonaws.com`, region };
  return { host: HOSTS[service], region: 'us-east-1' };
}

/** Flattens model-shaped input into Query parameters (`Tags.member.1.Key=…`). */
export function queryParams(params: Record<string, unknown>, prefix = '', out: Array<[string, string]> = []): Array<[string, string]> {
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    const name = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (item !== null && typeof item === 'object') queryParams(item as Record<string, unknown>, `${name}.member.${i + 1}`, out);
        else out.push([`${name}.member.${i + 1}`, String(item)]);
      });
    } else if (v instanceof Date) out.push([name, v.toISOString()]);
    else if (typeof v === 'object') queryParams(v as Record<string, unknown>, name, out);
    else out.push([name, String(v)]);
  }
  return out;
}

function formEncode(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** Builds the API client over a pipeline (models are loaded once here). */
export function createApiClient(pipeline: PipelineDeps): ApiClient {
  const models: Record<ConsoleService, ServiceModel> = { iam: loadServiceModel('iam'), sts: loadServiceModel('sts'), organizations: loadServiceModel('organizations'), cloudtrail: loadServiceModel('cloudtrail') };
  return {
    async call(creds, service, operation, params, conn, region) {
      const model = models[service];
      const op = model.operations[operation];
      if (!op) throw new ApiError('InvalidAction', `Could not find operation ${operation}`, 400);
      const json = model.metadata.protocol === 'json';
      const body = json ? JSON.stringify(params) : formEncode([['Action', operation], ['Version', model.metadata.apiVersion], ...queryParams(params)]);
      const extra: Record<string, string> = json
        ? { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.metadata.targetPrefix}.${operation}` }
        : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
      const at = endpoint(service, region);
      const headers = signRequest({ host: at.host, service, region: at.region, body, headers: extra, nowMs: pipeline.clock.now() }, creds);
      const res = await handleApiRequest(pipeline, { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body, 'utf8'), host: at.host }, conn);
      if (!res) throw new ApiError('InternalFailure', 'no service answered the request', 500);
      if (json) {
        const out = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
        if (res.status >= 400) {
          const type = String(out['__type'] ?? 'InternalFailure');
          throw new ApiError(type.slice(type.lastIndexOf('#') + 1), String(out['Message'] ?? out['message'] ?? ''), res.status);
        }
        return out as never;
      }
      const tree = parseXml(res.body);
      const top = tree.children[0];
      if (res.status >= 400 || top?.name === 'ErrorResponse') {
        const err = child(top, 'Error');
        throw new ApiError(child(err, 'Code')?.text ?? 'InternalFailure', child(err, 'Message')?.text ?? '', res.status);
      }
      if (!op.output) return {} as never;
      const result = child(top, op.resultWrapper ?? `${operation}Result`);
      return (result ? fromXml(model, op.output, result) : {}) as never;
    },
  };
}

/** IAM answers policy documents URL-encoded (RFC 3986); this returns the JSON text. */
export function decodePolicyDocument(doc: unknown): string {
  if (typeof doc !== 'string') return '';
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}
