/** In-process API calls for the audit tests: SigV4-signed requests straight into a kamen pipeline (no sockets). */
import type { Kamen } from '../../src/app.js';
import { queryParams } from '../../src/console/aws-client.js';
import { signRequest, type SigningCredentials } from '../../src/console/sigv4-sign.js';
import { handleApiRequest, type ConnectionFacts } from '../../src/http/pipeline.js';
import { loadServiceModel } from '../../src/protocol/index.js';
import type { ServiceModel } from '../../src/protocol/model.js';

const HOSTS: Record<string, string> = { iam: 'iam.amazonaws.com', sts: 'sts.amazonaws.com', cloudtrail: 'cloudtrail.us-east-1.amazonaws.com', organizations: 'organizations.us-east-1.amazonaws.com' };

/** The models, read once per test process. */
const MODELS: Partial<Record<string, ServiceModel>> = {};

/** The answer of one call: status and the JSON body (json protocol) or the raw XML text (query protocol). */
export interface CallResult {
  status: number;
  body: string;
  json: Record<string, any>;
}

/** Calls `operation` of `service` as the holder of `creds`. */
export async function call(k: Kamen, creds: SigningCredentials, service: 'iam' | 'sts' | 'cloudtrail' | 'organizations', operation: string, params: Record<string, unknown> = {}, conn: ConnectionFacts = { sourceIp: '198.51.100.7', secureTransport: false }): Promise<CallResult> {
  const model = (MODELS[service] ??= loadServiceModel(service));
  const json = model.metadata.protocol === 'json';
  const pairs = queryParams(params);
  const body = json ? JSON.stringify(params) : [['Action', operation], ['Version', model.metadata.apiVersion], ...pairs].map(([a, b]) => `${encodeURIComponent(a!)}=${encodeURIComponent(b!)}`).join('&');
  const extra: Record<string, string> = json
    ? { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.metadata.targetPrefix}.${operation}`, 'user-agent': 'kamen-test/1.0' }
    : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'user-agent': 'kamen-test/1.0' };
  const host = HOSTS[service]!;
  const headers = signRequest({ host, service, region: 'us-east-1', body, headers: extra, nowMs: k.clock.now() }, creds);
  const res = await handleApiRequest(k.pipeline, { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body, 'utf8'), host }, conn);
  if (!res) throw new Error('no service answered');
  const text = res.body;
  let parsed: Record<string, any> = {};
  if (json && text) parsed = JSON.parse(text) as Record<string, any>;
  return { status: res.status, body: text, json: parsed };
}

/** The text of one XML element in a Query response (first match). */
export function xmlText(body: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(body);
  return m?.[1];
}
