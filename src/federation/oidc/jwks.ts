/**
 * The signing keys of OIDC issuers: the discovery document at `<issuer>/.well-known/openid-configuration` names
 * `jwks_uri`; both are fetched with a timeout and a size bound, over https (plain http only for loopback issuers, see
 * url.ts), cached per issuer for `ttlMs`, and fetched again when a token names a `kid` the cache lacks (at most once
 * per `refreshCooldownMs`, so unknown kids cannot make kamen hammer an issuer).
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../clock.js';
import { isLoopbackHost } from './url.js';
import { unreachable } from './errors.js';

/** Options of the key cache. */
export interface JwksCacheOptions {
  clock: Clock;
  /** Per-request timeout of a fetch (default 5 s). */
  timeoutMs?: number;
  /** Largest discovery document or key set read (default 256 KiB). */
  maxBytes?: number;
  /** How long fetched keys are used before they are fetched again (default 1 hour). */
  ttlMs?: number;
  /** Least time between two fetches of one issuer's keys prompted by an unknown kid (default 10 s). */
  refreshCooldownMs?: number;
  /** At most this many issuers are cached (least recently fetched dropped first; default 100). */
  maxIssuers?: number;
  fetch?: typeof fetch;
}

/** Keys of one issuer as jose consumes them, plus the kids they hold. */
export interface IssuerKeys {
  resolve: JWTVerifyGetKey;
  kids: ReadonlySet<string>;
}

/** The cache: `keys(issuer, kid)` returns the issuer's keys, fetched again when `kid` is unknown and the cooldown allows. */
export interface JwksCache {
  keys(issuer: string, kid: string | undefined): Promise<IssuerKeys>;
}

interface Entry {
  keys: IssuerKeys;
  fetchedAt: number;
}

/** Creates a key cache (one per server). */
export function createJwksCache(opts: JwksCacheOptions): JwksCache {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const ttl = opts.ttlMs ?? 3_600_000;
  const cooldown = opts.refreshCooldownMs ?? 10_000;
  const maxIssuers = opts.maxIssuers ?? 100;
  const doFetch = opts.fetch ?? fetch;
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Entry>>();

  async function getJson(url: string): Promise<unknown> {
    const u = new URL(url);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) throw unreachable();
    let res: Response;
    try {
      res = await doFetch(u, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
    } catch {
      throw unreachable();
    }
    if (!res.ok || !res.body) throw unreachable();
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw unreachable();
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) throw unreachable();
        chunks.push(value);
      }
    } catch {
      await reader.cancel().catch(() => undefined);
      throw unreachable();
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw unreachable();
    }
  }

  async function load(issuer: string): Promise<Entry> {
    const config = (await getJson(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration')) as { jwks_uri?: unknown; issuer?: unknown };
    if (typeof config?.jwks_uri !== 'string') throw unreachable();
    const set = (await getJson(config.jwks_uri)) as JSONWebKeySet;
    if (!Array.isArray(set?.keys)) throw unreachable();
    let resolve: JWTVerifyGetKey;
    try {
      resolve = createLocalJWKSet(set);
    } catch {
      throw unreachable();
    }
    const kids = new Set(set.keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string'));
    const entry = { keys: { resolve, kids }, fetchedAt: opts.clock.now() };
    cache.delete(issuer);
    cache.set(issuer, entry);
    while (cache.size > maxIssuers) cache.delete(cache.keys().next().value as string);
    return entry;
  }

  function refresh(issuer: string): Promise<Entry> {
    let p = inflight.get(issuer);
    if (!p) {
      p = load(issuer).finally(() => inflight.delete(issuer));
      inflight.set(issuer, p);
    }
    return p;
  }

  return {
    async keys(issuer, kid) {
      const now = opts.clock.now();
      const hit = cache.get(issuer);
      if (hit && now - hit.fetchedAt < ttl && (kid === undefined || hit.keys.kids.has(kid) || now - hit.fetchedAt < cooldown)) return hit.keys;
      return (await refresh(issuer)).keys;
    },
  };
}
