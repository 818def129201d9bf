/** Unsigned federation calls for the audit tests: a SAML IdP and an OIDC issuer (loopback) trusted by roles, and unsigned STS requests into a kamen pipeline. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Kamen } from '../../src/app.js';
import { queryParams } from '../../src/console/aws-client.js';
import { handleApiRequest } from '../../src/http/pipeline.js';
import { b64, metadata, newSigner, responseXml, sign, type Signer } from '../federation/idp.js';
import { call, type CallResult } from './helpers.js';

const ENTITY_ID = 'https://idp.example.com/saml';

/** An unsigned STS Query request (no Authorization header), as AWS serves AssumeRoleWithSAML / WithWebIdentity. */
export async function unsigned(k: Kamen, operation: string, params: Record<string, unknown>, host = 'sts.amazonaws.com'): Promise<CallResult> {
  const body = [['Action', operation], ['Version', '2011-06-15'], ...queryParams(params)].map(([a, b]) => `${encodeURIComponent(a!)}=${encodeURIComponent(b!)}`).join('&');
  const headers = { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'user-agent': 'federation-test/2.0' };
  const res = await handleApiRequest(k.pipeline, { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body, 'utf8'), host }, { sourceIp: '203.0.113.9', secureTransport: true });
  if (!res) throw new Error('no service answered');
  return { status: res.status, body: res.body, json: {} };
}

/** A SAML provider trusting a fresh IdP signer, and a role `name` trusting that provider. */
export interface SamlSetup {
  providerArn: string;
  roleArn: string;
  signer: Signer;
  /** A signed, base64 SAML response for `nameId` mapping to the role, issued at `now`. */
  assertion(now: number, nameId: string, roleArn?: string): string;
}

/** Creates the provider and the role through the API as `root`. */
export async function samlSetup(k: Kamen, root: { accessKeyId: string; secretAccessKey: string }, account: string, name = 'SamlRole'): Promise<SamlSetup> {
  const signer = newSigner();
  const p = await call(k, root, 'iam', 'CreateSAMLProvider', { Name: 'Corp', SAMLMetadataDocument: metadata(ENTITY_ID, [signer]) });
  if (p.status !== 200) throw new Error(p.body);
  const providerArn = `arn:aws:iam::${account}:saml-provider/Corp`;
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringLike: { 'saml:sub': '*@example.com' } } }] };
  const r = await call(k, root, 'iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) });
  if (r.status !== 200) throw new Error(r.body);
  const roleArn = `arn:aws:iam::${account}:role/${name}`;
  return {
    providerArn,
    roleArn,
    signer,
    assertion: (now, nameId, role = roleArn) => b64(sign(responseXml({ issuer: ENTITY_ID, now, roles: [`${role},${providerArn}`], nameId, sessionName: nameId }), 'Assertion', signer)),
  };
}

/** A loopback OIDC issuer (discovery + JWKS) with one RS256 key, a provider for it, and a role trusting client `app`. */
export interface OidcSetup {
  issuer: string;
  /** The provider as AWS names it (the issuer without http(s)://). */
  provider: string;
  roleArn: string;
  token(nowMs: number, sub: string, aud?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the issuer on port 0 and creates the provider and the role through the API as `root`. */
export async function oidcSetup(k: Kamen, root: { accessKeyId: string; secretAccessKey: string }, account: string, name = 'WebRole'): Promise<OidcSetup> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = issuer.slice('http://'.length);
  const p = await call(k, root, 'iam', 'CreateOpenIDConnectProvider', { Url: issuer, ClientIDList: ['app'] });
  if (p.status !== 200) throw new Error(p.body);
  const providerArn = `arn:aws:iam::${account}:oidc-provider/${provider}`;
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${provider}:sub`]: 'user-*' } } }] };
  const r = await call(k, root, 'iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) });
  if (r.status !== 200) throw new Error(r.body);
  return {
    issuer,
    provider,
    roleArn: `arn:aws:iam::${account}:role/${name}`,
    token: (nowMs, sub, aud = 'app') =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setSubject(sub)
        .setAudience(aud)
        .setIssuedAt(Math.floor(nowMs / 1000))
        .setExpirationTime(Math.floor(nowMs / 1000) + 3600)
        .sign(privateKey),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
