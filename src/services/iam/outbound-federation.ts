/**
 * Outbound web identity federation: Enable/DisableOutboundWebIdentityFederation and
 * GetOutboundWebIdentityFederationInfo (IAM), the per-account signing keys sts:GetWebIdentityToken signs with, and the
 * issuer's OpenID discovery document and JWKS (served for the issuer's host, `<id>.tokens.sts.global.api.aws`). The
 * private signing keys are a secret setting (encrypted under the master key at rest); the plain record holds the rest.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { KamenError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { Operation } from '../types.js';

/** The algorithms GetWebIdentityToken signs with (SigningAlgorithm). */
export const OUTBOUND_ALGORITHMS = ['RS256', 'ES384'] as const;
export type OutboundAlgorithm = (typeof OUTBOUND_ALGORITHMS)[number];

/** One signing key of an account's issuer (the private JWK, which holds the public one). */
export interface OutboundKey {
  kid: string;
  alg: OutboundAlgorithm;
  jwk: JWK;
}

/** What kamen records per account: the issuer (kept across disable/enable), whether tokens are vended, the keys. */
export interface OutboundFederation {
  issuerId: string;
  enabled: boolean;
  keys: OutboundKey[];
}

/** AWS's issuer host suffix: the issuer is https://<issuer id><suffix>. */
export const ISSUER_HOST_SUFFIX = '.tokens.sts.global.api.aws';

const recordKey = (accountId: string): string => `iam.outboundWebIdentityFederation.${accountId}`;
const issuerKey = (issuerId: string): string => `iam.outboundWebIdentityIssuer.${issuerId}`;
/** The private JWKs, kept as a secret setting (encrypted under the master key at rest). */
const privateKeysKey = (accountId: string): string => `iam.outboundWebIdentitySigningKeys.${accountId}`;

/** The plain record: everything but the keys' private parts (the public JWKs the issuer publishes). */
interface StoredRecord {
  issuerId: string;
  enabled: boolean;
  keys: OutboundKey[];
}

const MSG = {
  enabled: 'Outbound web identity federation is already enabled for this account.',
  disabled: 'Outbound web identity federation is not enabled for this account.',
} as const;

/** The issuer URL of an issuer ID. */
export function issuerUrl(issuerId: string): string {
  return `https://${issuerId}${ISSUER_HOST_SUFFIX}`;
}

/** True when a stored record still holds private key material in the plain setting (written before keys were encrypted). */
function isLegacy(rec: StoredRecord): boolean {
  return rec.keys.some((k) => k.jwk.d !== undefined);
}

/** Reads the record and joins the private keys; a record from before encryption carries them in its plain keys. */
async function readRecord(store: Store, accountId: string): Promise<{ rec: OutboundFederation; legacy: boolean } | undefined> {
  const text = await store.getSetting(recordKey(accountId));
  if (!text) return undefined;
  const stored = JSON.parse(text) as StoredRecord;
  if (isLegacy(stored)) return { rec: stored, legacy: true };
  const secret = await store.getSecretSetting(privateKeysKey(accountId));
  const priv = secret ? (JSON.parse(secret) as OutboundKey[]) : [];
  return { rec: { ...stored, keys: priv }, legacy: false };
}

/** Writes the record: the public JWKs in the plain setting, the private ones as a secret setting (inside a transaction). */
async function writeRecord(store: Store, accountId: string, rec: OutboundFederation): Promise<void> {
  const stored: StoredRecord = { ...rec, keys: rec.keys.map((k) => ({ kid: k.kid, alg: k.alg, jwk: publicJwk(k) })) };
  await store.setSecretSetting(privateKeysKey(accountId), JSON.stringify(rec.keys));
  await store.setSetting(recordKey(accountId), JSON.stringify(stored));
}

/**
 * The account's record (with its private signing keys), or undefined before the feature was first enabled. A record
 * stored before private keys were encrypted is rewritten (private parts encrypted) on first read.
 */
export async function readOutboundFederation(store: Store, accountId: string): Promise<OutboundFederation | undefined> {
  const got = await readRecord(store, accountId);
  if (!got?.legacy) return got?.rec;
  return store.transaction(async () => {
    const again = await readRecord(store, accountId);
    if (again?.legacy) await writeRecord(store, accountId, again.rec);
    return again?.rec;
  });
}

/** The public signing keys of an account's issuer (what its JWKS publishes), without reading the private keys. */
async function readPublicKeys(store: Store, accountId: string): Promise<OutboundKey[] | undefined> {
  const text = await store.getSetting(recordKey(accountId));
  if (!text) return undefined;
  return (JSON.parse(text) as StoredRecord).keys;
}

/** A new signing key of `alg`. */
async function newKey(alg: OutboundAlgorithm): Promise<OutboundKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, alg, jwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' } };
}

/** The public half of a private JWK (what the JWKS publishes). */
function publicJwk(k: OutboundKey): JWK {
  const { kty, crv, x, y, n, e } = k.jwk;
  const out: JWK = { kty, kid: k.kid, alg: k.alg, use: 'sig' };
  if (crv !== undefined) Object.assign(out, { crv, x, y });
  if (n !== undefined) Object.assign(out, { n, e });
  return out;
}

/** The IAM operations of outbound web identity federation. */
export function outboundFederationOperations(): Record<string, Operation> {
  return {
    EnableOutboundWebIdentityFederation: async (ctx) => {
      const account = ctx.caller.accountId;
      // Keys are made before the transaction (key generation is slow and needs no lock).
      const fresh = await Promise.all(OUTBOUND_ALGORITHMS.map(newKey));
      const rec = await ctx.store.transaction(async () => {
        const now = (await readRecord(ctx.store, account))?.rec;
        if (now?.enabled) throw new KamenError('ERR_FEATURE_ENABLED', MSG.enabled);
        const next: OutboundFederation = now ? { ...now, enabled: true } : { issuerId: randomUUID(), enabled: true, keys: fresh };
        await writeRecord(ctx.store, account, next);
        if (!now) await ctx.store.setSetting(issuerKey(next.issuerId), account);
        return next;
      });
      return { IssuerIdentifier: issuerUrl(rec.issuerId) };
    },
    DisableOutboundWebIdentityFederation: async (ctx) => {
      const account = ctx.caller.accountId;
      await ctx.store.transaction(async () => {
        const now = (await readRecord(ctx.store, account))?.rec;
        if (!now?.enabled) throw new KamenError('ERR_FEATURE_DISABLED', MSG.disabled);
        await writeRecord(ctx.store, account, { ...now, enabled: false });
      });
      return {};
    },
    GetOutboundWebIdentityFederationInfo: async (ctx) => {
      const text = await ctx.store.getSetting(recordKey(ctx.caller.accountId));
      if (!text) throw new KamenError('ERR_FEATURE_DISABLED', MSG.disabled);
      const now = JSON.parse(text) as StoredRecord;
      return { IssuerIdentifier: issuerUrl(now.issuerId), JwtVendingEnabled: now.enabled };
    },
  };
}

/** True when `host` (a Host header, port allowed) names an outbound federation issuer (`<id>.tokens.sts.global.api.aws`). */
export function isIssuerHost(host: string | undefined): boolean {
  return host !== undefined && host.toLowerCase().replace(/:\d+$/, '').endsWith(ISSUER_HOST_SUFFIX);
}

/**
 * The issuer's public documents for a request to `host` + `path`: `/.well-known/openid-configuration` and the JWKS it
 * names (`/.well-known/jwks.json`), as JSON; undefined when the host names no issuer kamen holds or the path is another.
 */
export async function outboundIssuerDocument(store: Store, host: string | undefined, path: string): Promise<Record<string, unknown> | undefined> {
  const h = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!h.endsWith(ISSUER_HOST_SUFFIX)) return undefined;
  const issuerId = h.slice(0, -ISSUER_HOST_SUFFIX.length);
  if (!/^[0-9a-f-]{36}$/.test(issuerId)) return undefined;
  const account = await store.getSetting(issuerKey(issuerId));
  const keys = account ? await readPublicKeys(store, account) : undefined;
  if (!keys) return undefined;
  const iss = issuerUrl(issuerId);
  if (path === '/.well-known/openid-configuration') {
    return {
      issuer: iss,
      jwks_uri: `${iss}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...OUTBOUND_ALGORITHMS],
    };
  }
  if (path === '/.well-known/jwks.json') return { keys: keys.map(publicJwk) };
  return undefined;
}
