/**
 * The S3 Control endpoint, as far as kamen serves it: account-level Block Public Access (Get/Put/DeletePublicAccessBlock
 * at `/v20180820/configuration/publicAccessBlock`, the account in `x-amz-account-id`, the host
 * `<account>.s3-control.<region>.amazonaws.com`). S3 Control signs as `s3`, so its requests reach the S3 front door.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { KamenError } from '../../errors.js';
import { malformed, parseXml, XmlSyntaxError, type RestResponse, type XmlElement } from '../../protocol/rest-xml/index.js';
import type { S3Context } from './context.js';
import { parsePublicAccessBlock, publicAccessBlockText } from './public-access-block.js';

const PATH = '/v20180820/configuration/publicAccessBlock';
const XMLNS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';
const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** An S3 Control request: the operation (named as the authorization table names it) and the account it is for. */
export interface S3ControlRequest {
  operation: 'GetAccountPublicAccessBlock' | 'PutAccountPublicAccessBlock' | 'DeleteAccountPublicAccessBlock';
  accountId: string;
  /** The region of an `s3-control.<region>` host. */
  region?: string;
}

/** The region of an S3 Control host (`[account.]s3-control[.dualstack].<region>.amazonaws.com`), or undefined when it is not one. */
export function s3ControlHost(hostHeader: string | undefined): { region?: string } | undefined {
  if (!hostHeader) return undefined;
  const host = hostHeader.toLowerCase().replace(/:\d+$/, '');
  if (!host.endsWith('.amazonaws.com')) return undefined;
  const labels = host.slice(0, -'.amazonaws.com'.length).split('.');
  const at = labels.indexOf('s3-control');
  if (at < 0) return undefined;
  const rest = labels.slice(at + 1).filter((l) => l !== 'dualstack' && l !== 'fips');
  return rest[0] ? { region: rest[0] } : {};
}

/** The S3 Control request a head names, or undefined when it is an ordinary S3 request. */
export function s3ControlRequest(method: string, rawPath: string, headers: IncomingHttpHeaders): S3ControlRequest | undefined {
  const host = s3ControlHost(headers.host);
  const account = headers['x-amz-account-id'];
  if (!host && !(rawPath.startsWith('/v20180820/') && typeof account === 'string')) return undefined;
  if (rawPath !== PATH) throw new KamenError('ERR_S3_NOT_IMPLEMENTED', 'A header you provided implies functionality that is not implemented');
  const operation = method === 'GET' ? 'GetAccountPublicAccessBlock' : method === 'PUT' ? 'PutAccountPublicAccessBlock' : method === 'DELETE' ? 'DeleteAccountPublicAccessBlock' : undefined;
  if (!operation) throw new KamenError('ERR_S3_METHOD_NOT_ALLOWED', 'The specified method is not allowed against this resource.', { Method: method, ResourceType: 'PUBLICACCESSBLOCK' });
  if (typeof account !== 'string' || !/^\d{12}$/.test(account)) throw new KamenError('ERR_S3_INVALID_REQUEST', 'Missing or invalid x-amz-account-id header');
  return { operation, accountId: account, ...(host?.region ? { region: host.region } : {}) };
}

/** Reads a PublicAccessBlockConfiguration body (MalformedXML when absent or not that document). */
export function parseControlBody(body: Buffer | undefined): Record<string, boolean> {
  if (!body || body.length === 0) throw malformed();
  let root: XmlElement;
  try {
    root = parseXml(body.toString('utf8'));
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw malformed();
    throw err;
  }
  if (root.name !== 'PublicAccessBlockConfiguration') throw malformed();
  const out: Record<string, boolean> = {};
  for (const f of FLAGS) {
    const el = root.children.find((c) => c.name === f);
    if (el) out[f] = el.text.trim().toLowerCase() === 'true';
  }
  return out;
}

/**
 * Runs an (authorized) S3 Control request for the caller's account: the account in the request must be the caller's
 * (AccessDenied otherwise, as S3 Control answers another account's ID).
 */
export async function runControl(ctx: S3Context, r: S3ControlRequest, body: Buffer | undefined): Promise<RestResponse> {
  if (r.accountId !== ctx.caller.accountId) throw new KamenError('ERR_ACCESS_DENIED', 'Access Denied');
  if (r.operation === 'PutAccountPublicAccessBlock') {
    await ctx.store.setS3AccountPublicAccessBlock(r.accountId, publicAccessBlockText(parseControlBody(body)));
    return { status: 200, headers: {} };
  }
  if (r.operation === 'DeleteAccountPublicAccessBlock') {
    await ctx.store.setS3AccountPublicAccessBlock(r.accountId, undefined);
    return { status: 204, headers: {} };
  }
  const text = await ctx.store.getS3AccountPublicAccessBlock(r.accountId);
  if (text === undefined) throw new KamenError('ERR_S3_NO_SUCH_PUBLIC_ACCESS_BLOCK', 'The public access block configuration was not found', { AccountId: r.accountId });
  const c = parsePublicAccessBlock(text);
  const inner = FLAGS.map((f) => `<${f}>${c[f]}</${f}>`).join('');
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<PublicAccessBlockConfiguration xmlns="${XMLNS}">${inner}</PublicAccessBlockConfiguration>` };
}
