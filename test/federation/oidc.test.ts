/**
 * AssumeRoleWithWebIdentity with real ID tokens from oidc-provider on a loopback port (kamen fetches its discovery
 * document and JWKS over http, allowed for loopback issuers only), plus the JWKS cache's refresh and bounds.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';
import { createJwksCache } from '../../src/federation/oidc/jwks.js';
import { oidcProviderOperations } from '../../src/services/iam/oidc-providers.js';
import { roleOperations } from '../../src/services/iam/roles.js';
import { loadManagedPolicyCatalog } from '../../src/services/iam/managed-catalog.js';
import { createStsService } from '../../src/services/sts/index.js';
import { frozenClock } from '../../src/clock.js';
import { addAccount, callerFor, newWorld, opCtx, type World } from '../authz/world.js';
import { A, ANONYMOUS, awsError } from './fixture.js';

let server: Server;
let issuer: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end();
let w: World;
const ROLE = `arn:aws:iam::${A}:role/WebApp`;

/** An oidc-provider instance for `issuer` signing with a fresh RS256 key `kid`. */
async function idp(kid: string): Promise<Provider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: [
      { client_id: 'app', client_secret: 's3cret', redirect_uris: ['http://127.0.0.1/cb'], id_token_signed_response_alg: 'RS256' },
      { client_id: 'other-client', client_secret: 's3cret', redirect_uris: ['http://127.0.0.1/cb'], id_token_signed_response_alg: 'RS256' },
    ],
    ttl: { IdToken: 3600 },
    claims: { openid: ['sub'], email: ['email'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@example.com` }) }),
  });
}

/** A real ID token issued by `p` for `sub` (oidc-provider's own IdToken model, signed with its JWKS). */
async function idToken(p: Provider, sub: string, clientId = 'app'): Promise<string> {
  const client = await p.Client.find(clientId);
  const t = new p.IdToken({ sub }, { client });
  t.scope = 'openid';
  return t.issue({ use: 'idtoken' });
}

before(async () => {
  server = createServer((q, r) => handler(q, r));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  w = await newWorld();
  w.clock.set(Date.now()); // oidc-provider stamps tokens with the real time; kamen's clock is frozen at it
  const admin = await callerFor(w, await addAccount(w, A));
  const iam = { ...oidcProviderOperations(), ...roleOperations({ managedPolicies: loadManagedPolicyCatalog() }) };
  const { OpenIDConnectProviderArn: arn } = await iam['CreateOpenIDConnectProvider']!(opCtx(w, admin), { Url: issuer, ClientIDList: ['app'] });
  const host = issuer.slice('http://'.length);
  await iam['CreateRole']!(opCtx(w, admin), {
    RoleName: 'WebApp',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: arn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${host}:aud`]: 'app' }, StringLike: { [`${host}:sub`]: 'user-*' } } }],
    }),
  });
});
after(async () => {
  await w.close();
  await new Promise((r) => server.close(r));
});

test('a real ID token assumes the role; trust conditions on <issuer>:sub apply; rotated keys are fetched again', async () => {
  const keys = createJwksCache({ clock: w.clock });
  const sts = createStsService({ oidcKeys: keys });
  const call = (token: string, name = 'web-session') => sts.operations['AssumeRoleWithWebIdentity']!(opCtx(w, ANONYMOUS), { RoleArn: ROLE, RoleSessionName: name, WebIdentityToken: token });
  const p1 = await idp('k1');
  handler = p1.callback();
  const out = await call(await idToken(p1, 'user-alice'));
  assert.equal(out.SubjectFromWebIdentityToken, 'user-alice');
  assert.equal(out.Audience, 'app');
  assert.equal(out.Provider, issuer.slice('http://'.length));
  assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${A}:assumed-role/WebApp/web-session`);
  assert.deepEqual(awsError(await call(await idToken(p1, 'mallory')).catch((e) => e)), { code: 'AccessDenied', status: 403, message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
  // The IdP rotates to a new key: kamen's cached set lacks the kid and is fetched again (after the cooldown).
  const p2 = await idp('k2');
  handler = p2.callback();
  w.clock.advance(11_000);
  assert.equal((await call(await idToken(p2, 'user-bob'))).SubjectFromWebIdentityToken, 'user-bob');
  // Expired: ExpiredTokenException with AWS's wording.
  const stale = await idToken(p2, 'user-carol');
  w.clock.advance(3 * 3600_000);
  const err = awsError(await call(stale).catch((e) => e));
  assert.equal(err.code, 'ExpiredTokenException');
  assert.match(err.message, /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/);
  w.clock.set(Date.now());
});

test('tokens kamen must refuse: forged key, wrong audience, unknown issuer, not a JWT', async () => {
  const sts = createStsService({ oidcKeys: createJwksCache({ clock: w.clock }) });
  const call = (token: string) => sts.operations['AssumeRoleWithWebIdentity']!(opCtx(w, ANONYMOUS), { RoleArn: ROLE, RoleSessionName: 's1', WebIdentityToken: token });
  const p = await idp('k3');
  handler = p.callback();
  const now = Math.floor(w.clock.now() / 1000);
  const forgedKey = (await generateKeyPair('RS256')).privateKey;
  const forged = await new SignJWT({ sub: 'user-x' }).setProtectedHeader({ alg: 'RS256', kid: 'k3' }).setIssuer(issuer).setAudience('app').setIssuedAt(now).setExpirationTime(now + 600).sign(forgedKey);
  assert.deepEqual(awsError(await call(forged).catch((e) => e)), { code: 'InvalidIdentityToken', status: 400, message: 'Signature verification failed' });
  const client2 = await idToken(p, 'user-x', 'other-client');
  assert.deepEqual(awsError(await call(client2).catch((e) => e)), { code: 'InvalidIdentityToken', status: 400, message: 'Incorrect token audience' });
  const stranger = await new SignJWT({ sub: 'user-x' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://idp.elsewhere.test').setAudience('app').setIssuedAt(now).setExpirationTime(now + 600).sign(forgedKey);
  assert.deepEqual(awsError(await call(stranger).catch((e) => e)), { code: 'InvalidIdentityToken', status: 400, message: 'No OpenIDConnect provider found in your account for https://idp.elsewhere.test' });
  assert.equal(awsError(await call('not.a.jwt').catch((e) => e)).message, 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
  const hs = await new SignJWT({ sub: 'user-x' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setAudience('app').setIssuedAt(now).setExpirationTime(now + 600).sign(new Uint8Array(32));
  assert.equal(awsError(await call(hs).catch((e) => e)).message, 'Signature verification failed');
});

test('JWKS fetches are bounded in size and refused for non-loopback http', async () => {
  const clock = frozenClock(Date.now());
  handler = (_q, r) => {
    r.setHeader('content-type', 'application/json');
    r.end(JSON.stringify({ jwks_uri: `${issuer}/jwks`, padding: 'x'.repeat(5000) }));
  };
  await assert.rejects(createJwksCache({ clock, maxBytes: 1024 }).keys(issuer, 'k'), (e) => awsError(e).code === 'IDPCommunicationError');
  await assert.rejects(createJwksCache({ clock }).keys('http://idp.example.com', 'k'), (e) => awsError(e).code === 'IDPCommunicationError');
});
