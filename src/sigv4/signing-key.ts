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

/** A cache of signing keys keyed by secret+date+region+service; evicts the oldest-inserted entry once `max` is reached. */
export function createSigningKeyCache(max = 1024): SigningKeyCache {
  const map = new Map<string, Buffer>();
  const cap = Math.max(1, max);
  return {
    get(secretAccessKey, scopeDate, region, service) {
      const key = secretAccessKey + '\n' + scopeDate + '\n' + region + '\n' + service;
      const hit = map.get(key);
      if (hit !== undefined) return hit;
      const derived = deriveSigningKey(secretAccessKey, scopeDate, region, service);
      if (map.size >= cap) map.delete(map.keys().next().value as string);
      map.set(key, derived);
      return derived;
    },
    get size() {
      return map.size;
    },
  };
}
