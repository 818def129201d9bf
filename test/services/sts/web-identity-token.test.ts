/** Outbound web identity federation through the SDK v3: the IAM switch, GetWebIdentityToken, and the issuer's JWKS verifying the JWT. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import * as I from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetWebIdentityTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { readVectors } from '../../helpers/paths.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const E = readVectors<Record<string, { name: string; message?: string; status: number }>>('sts', 'web-identity-token.json');
const AUD = 'https://api.example.com';

async function fails(p: Promise<unknown>, vector: string): Promise<void> {
  const want = E[vector]!;
  await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, want.name, `${vector}: ${e.name}: ${e.message}`);
    if (want.message) assert.equal(e.message, want.message);
    assert.equal(e.$metadata?.httpStatusCode, want.status, vector);
    return true;
  });
}

/** GET `path` on kamen with the issuer's Host header (as a verifier resolving the issuer would reach it). */
function getJson(port: number, host: string, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: res.headers['content-type'] === 'application/json' ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('outbound web identity federation', () => {
  let k: TestKamen;
  let issuer: string;
  let user: Creds;
  const clients = (credentials: Creds) => {
    const common = { endpoint: k.url, region: 'us-east-1', credentials, maxAttempts: 1 };
    return { iam: new I.IAMClient(common), sts: new STSClient(common) };
  };
  const root = () => clients({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey });
  const account = () => k.boot.managementAccountId;

  /** Verifies a token against the JWKS its issuer publishes, found through the issuer's discovery document. */
  async function verify(token: string) {
    const host = new URL(issuer).host;
    const disc = await getJson(k.port, host, '/.well-known/openid-configuration');
    assert.equal(disc.status, 200);
    assert.equal(disc.body.issuer, issuer);
    const jwksPath = new URL(disc.body.jwks_uri).pathname;
    const jwks = await getJson(k.port, host, jwksPath);
    assert.equal(jwks.status, 200);
    for (const key of (jwks.body as JSONWebKeySet).keys) assert.equal((key as { d?: string }).d, undefined, 'the JWKS publishes public keys only');
    return jwtVerify(token, createLocalJWKSet(jwks.body), { issuer, audience: AUD });
  }

  before(async () => {
    k = await startKamen();
    const r = root();
    await r.iam.send(new I.CreateUserCommand({ UserName: 'workload' }));
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:GetWebIdentityToken', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'sts:IdentityTokenAudience': AUD }, NumericLessThanEquals: { 'sts:DurationSeconds': 900 } } },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      ],
    };
    await r.iam.send(new I.PutUserPolicyCommand({ UserName: 'workload', PolicyName: 'tokens', PolicyDocument: JSON.stringify(doc) }));
    const key = (await r.iam.send(new I.CreateAccessKeyCommand({ UserName: 'workload' }))).AccessKey!;
    user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  });
  after(async () => {
    await k.stop();
  });

  it('before it is enabled: FeatureDisabled and OutboundWebIdentityFederationDisabledException', async () => {
    await fails(root().iam.send(new I.GetOutboundWebIdentityFederationInfoCommand({})), 'featureDisabled');
    await fails(root().iam.send(new I.DisableOutboundWebIdentityFederationCommand({})), 'featureDisabled');
    await fails(clients(user).sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'ES384' })), 'federationDisabled');
  });

  it('enables once per account with an issuer URL the info repeats', async () => {
    const on = await root().iam.send(new I.EnableOutboundWebIdentityFederationCommand({}));
    issuer = on.IssuerIdentifier!;
    assert.match(issuer, /^https:\/\/[0-9a-f-]{36}\.tokens\.sts\.global\.api\.aws$/);
    const info = await root().iam.send(new I.GetOutboundWebIdentityFederationInfoCommand({}));
    assert.deepEqual([info.IssuerIdentifier, info.JwtVendingEnabled], [issuer, true]);
    await fails(root().iam.send(new I.EnableOutboundWebIdentityFederationCommand({})), 'featureEnabled');
  });

  for (const alg of ['RS256', 'ES384'] as const) {
    it(`issues a ${alg} JWT naming the caller, verifiable through the issuer's JWKS`, async () => {
      const out = await clients(user).sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: alg, DurationSeconds: 600, Tags: [{ Key: 'team', Value: 'data' }] }));
      const token = out.WebIdentityToken!;
      assert.equal(decodeProtectedHeader(token).alg, alg);
      const { payload } = await verify(token);
      assert.equal(payload.sub, `arn:aws:iam::${account()}:user/workload`);
      assert.equal(payload.exp! - payload.iat!, 600);
      assert.equal(out.Expiration!.getTime(), payload.exp! * 1000);
      assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
      const aws = payload['https://sts.amazonaws.com/'] as Record<string, unknown>;
      assert.equal(aws['aws_account'], account());
      assert.equal(aws['principal_id'], `arn:aws:iam::${account()}:user/workload`);
      assert.deepEqual(aws['request_tags'], { team: 'data' });
      assert.match(String(aws['org_id']), /^o-[a-z0-9]{10,32}$/);
    });
  }

  it('a role session is named by its role; the default lifetime is 300 seconds', async () => {
    const r = root();
    await r.iam.send(new I.CreateRoleCommand({ RoleName: 'Pipeline', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account()}:user/workload` }, Action: 'sts:AssumeRole' }] }) }));
    await r.iam.send(new I.PutRolePolicyCommand({ RoleName: 'Pipeline', PolicyName: 't', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetWebIdentityToken', Resource: '*' }] }) }));
    const c = (await clients(user).sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account()}:role/Pipeline`, RoleSessionName: 'run-1' }))).Credentials!;
    const session = clients({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    const out = await session.sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'ES384' }));
    const { payload } = await verify(out.WebIdentityToken!);
    assert.equal(payload.sub, `arn:aws:iam::${account()}:role/Pipeline`);
    assert.equal(payload.exp! - payload.iat!, 300);
    // A 15-minute session cannot mint a token that outlives it.
    const short = (await clients(user).sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account()}:role/Pipeline`, RoleSessionName: 'run-2', DurationSeconds: 900 }))).Credentials!;
    const shortSession = clients({ accessKeyId: short.AccessKeyId!, secretAccessKey: short.SecretAccessKey!, sessionToken: short.SessionToken! });
    await fails(shortSession.sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'ES384', DurationSeconds: 3600 })), 'durationEscalation');
    assert.ok((await shortSession.sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'ES384', DurationSeconds: 600 }))).WebIdentityToken);
  });

  it('bad input and the policy conditions on audience and lifetime', async () => {
    const sts = clients(user).sts;
    await fails(sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'HS256' })), 'badAlgorithm');
    await fails(sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'RS256', DurationSeconds: 30 })), 'durationTooShort');
    await fails(sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'RS256', Tags: [{ Key: 'aws:x', Value: 'y' }] })), 'reservedTag');
    await assert.rejects(sts.send(new GetWebIdentityTokenCommand({ Audience: ['https://other.example.com'], SigningAlgorithm: 'RS256' })), (e: Error) => {
      assert.equal(e.name, 'AccessDenied');
      assert.match(e.message, /sts:GetWebIdentityToken/);
      return true;
    });
    await assert.rejects(sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'RS256', DurationSeconds: 1800 })), (e: Error) => e.name === 'AccessDenied');
  });

  it('an unknown issuer host or path is 404; disabling stops the tokens but keeps the issuer', async () => {
    assert.equal((await getJson(k.port, '00000000-0000-0000-0000-000000000000.tokens.sts.global.api.aws', '/.well-known/jwks.json')).status, 404);
    assert.equal((await getJson(k.port, new URL(issuer).host, '/.well-known/other')).status, 404);
    await root().iam.send(new I.DisableOutboundWebIdentityFederationCommand({}));
    const info = await root().iam.send(new I.GetOutboundWebIdentityFederationInfoCommand({}));
    assert.deepEqual([info.IssuerIdentifier, info.JwtVendingEnabled], [issuer, false]);
    await fails(clients(user).sts.send(new GetWebIdentityTokenCommand({ Audience: [AUD], SigningAlgorithm: 'RS256' })), 'federationDisabled');
    assert.equal((await root().iam.send(new I.EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier, issuer);
  });
});
