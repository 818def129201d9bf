/** SigV4 signing-key derivation (kSecret → kDate → kRegion → kService → kSigning) with a bounded cache. */
import { createHmac } from 'node:crypto';
import type { SigningKeyCache } from './types.js';
import { TERMINATOR } from './types.js';

/** Derives the signing key: four chained HMAC-SHA256 steps. */
export function deriveSigningKey(secretAccessKey: string, scopeDate: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', 'AWS4' + secretAccessKey).update(scopeDate).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update(TERMINATOR).digest();
}

/** One cached signing key and the scope it signs for. */
interface CachedKey {
  scopeDate: string;
  region: string;
  service: string;
  key: Buffer;
}

/** The most scopes kept per secret (a caller signs for a day, a region or two and the services it calls). */
const SCOPES_PER_SECRET = 16;

/**
 * A cache of signing keys by secret, then date+region+service; at most `max` keys, the oldest secret's oldest key
 * evicted first. Keyed by the secret string itself (a cached credential hands the same string object to every request,
 * whose hash is computed once) and a short scan of its scopes: no string to build and hash per request.
 */
export function createSigningKeyCache(max = 1024): SigningKeyCache {
  const bySecret = new Map<string, CachedKey[]>();
  const cap = Math.max(1, max);
  let size = 0;
  /** Drops the oldest key of `list` (the secret's list in bySecret). */
  const dropOldest = (secret: string, list: CachedKey[]): void => {
    list.shift();
    size--;
    if (list.length === 0) bySecret.delete(secret);
  };
  return {
    get(secretAccessKey, scopeDate, region, service) {
      let list = bySecret.get(secretAccessKey);
      if (list !== undefined) {
        for (let i = 0; i < list.length; i++) {
          const e = list[i]!;
          if (e.scopeDate === scopeDate && e.region === region && e.service === service) return e.key;
        }
      }
      const key = deriveSigningKey(secretAccessKey, scopeDate, region, service);
      if (list !== undefined && list.length >= SCOPES_PER_SECRET) dropOldest(secretAccessKey, list);
      if (size >= cap) {
        const [oldest, oldestList] = bySecret.entries().next().value as [string, CachedKey[]];
        dropOldest(oldest, oldestList);
      }
      list = bySecret.get(secretAccessKey);
      if (list === undefined) bySecret.set(secretAccessKey, (list = []));
      list.push({ scopeDate, region, service, key });
      size++;
      return key;
    },
    get size() {
      return size;
    },
  };
}
