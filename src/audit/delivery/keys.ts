/** The digest signing keys: one RSA key pair per region, made when first needed and replaced when its window ends. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Store, TrailSigningKey } from '../../store/store.js';

/** How long a signing key signs digests. */
export const KEY_VALIDITY_MS = 30 * 86_400_000;

/** A new key pair for `region`, valid from `nowMs`: the public key as base64 DER PKCS #1, its MD5 fingerprint. */
export function newSigningKey(region: string, nowMs: number): TrailSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'pkcs1', format: 'der' });
  return {
    region,
    fingerprint: createHash('md5').update(der).digest('hex'),
    publicKey: der.toString('base64'),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    validFrom: new Date(nowMs),
    validTo: new Date(nowMs + KEY_VALIDITY_MS),
  };
}

/** The key that signs in `region` at `nowMs`, made and stored when there is none. */
export async function currentSigningKey(store: Store, region: string, nowMs: number): Promise<TrailSigningKey> {
  const keys = await store.listTrailSigningKeys(region);
  const live = keys.filter((k) => k.validFrom.getTime() <= nowMs && nowMs < k.validTo.getTime());
  if (live.length > 0) return live[live.length - 1]!;
  const key = newSigningKey(region, nowMs);
  await store.putTrailSigningKey(key);
  return key;
}
