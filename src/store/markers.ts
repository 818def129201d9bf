/**
 * Keyset pagination markers shared by both backends: a marker carries the sort key of the last row returned, signed
 * with an HMAC (under a key derived from the master key) over the key and the listing's scope (kind, account,
 * parameters), so a tampered marker, or one issued for another account or another listing, is refused.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { KamenError, type ErrorCode } from '../errors.js';
import type { ListOptions, Page } from './store.js';

/** Signs and checks markers for one master key. */
export interface MarkerCodec {
  /** The marker for `key` within `scope`. */
  encode(scope: string, key: ReadonlyArray<string | number>): string;
  /** The key a marker carries, or null when it was not issued by this codec for `scope`. */
  decode(scope: string, marker: string): Array<string | number> | null;
}

/** What a family needs to page: the marker codec. */
export interface Paging {
  markers: MarkerCodec;
}

/** The default page size when ListOptions.maxItems is not given. */
export const DEFAULT_MAX_ITEMS = 100;
/** The largest page a store returns (IAM's and Organizations' model maximum is 1000 or less). */
export const MAX_PAGE_ITEMS = 1000;

const MAC_BYTES = 16;

/** Builds the codec; the HMAC key is HKDF-SHA256 of the master key, so markers survive restarts and span nodes. */
export function createMarkerCodec(masterKey: Buffer): MarkerCodec {
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'kamen pagination marker v1', 32));
  const mac = (scope: string, payload: string): Buffer =>
    createHmac('sha256', key).update(scope).update('\0').update(payload).digest().subarray(0, MAC_BYTES);
  return {
    encode(scope, sortKey) {
      const payload = Buffer.from(JSON.stringify(sortKey), 'utf8').toString('base64url');
      return payload + '.' + mac(scope, payload).toString('base64url');
    },
    decode(scope, marker) {
      const dot = marker.indexOf('.');
      if (dot <= 0 || marker.length > 4096) return null;
      const payload = marker.slice(0, dot);
      const given = Buffer.from(marker.slice(dot + 1), 'base64url');
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(scope, payload))) return null;
      try {
        const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (!Array.isArray(value)) return null;
        if (!value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)))) return null;
        return value as Array<string | number>;
      } catch {
        return null;
      }
    },
  };
}

/** A decoded page request: the key of the last row already returned (or null), the limit, the path prefix, the scope. */
export interface PageRequest {
  after: Array<string | number> | null;
  limit: number;
  pathPrefix: string | null;
  scope: string;
}

/**
 * Decodes ListOptions for the listing named by `scope` (kind, account, parameters; the path prefix is added here):
 * a marker not issued for exactly this listing, or whose key does not have `kinds`' shape, gives KamenError(invalidCode).
 */
export function pageRequest(
  paging: Paging,
  scope: ReadonlyArray<string>,
  opts: ListOptions | undefined,
  kinds: ReadonlyArray<'string' | 'number'>,
  invalidCode: ErrorCode = 'ERR_VALIDATION',
): PageRequest {
  const requested = opts?.maxItems;
  const limit = requested !== undefined && Number.isFinite(requested)
    ? Math.min(MAX_PAGE_ITEMS, Math.max(1, Math.floor(requested)))
    : DEFAULT_MAX_ITEMS;
  const pathPrefix = opts?.pathPrefix ? opts.pathPrefix : null;
  const fullScope = [...scope, pathPrefix ?? ''].join('\0');
  let after: Array<string | number> | null = null;
  if (opts?.marker !== undefined && opts.marker !== '') {
    after = paging.markers.decode(fullScope, opts.marker);
    if (after && (after.length !== kinds.length || !after.every((v, i) => typeof v === kinds[i]))) after = null;
    if (!after) throw new KamenError(invalidCode, 'Invalid Marker.');
  }
  return { after, limit, pathPrefix, scope: fullScope };
}

/** Turns `limit + 1` fetched rows into a Page, with a signed nextMarker (the last row's sort key) when there were more. */
export function toPage<R, T>(paging: Paging, p: PageRequest, rows: R[], map: (r: R) => T, key: (r: R) => Array<string | number>): Page<T> {
  if (rows.length > p.limit) {
    const shown = rows.slice(0, p.limit);
    return { items: shown.map(map), nextMarker: paging.markers.encode(p.scope, key(shown[shown.length - 1]!)) };
  }
  return { items: rows.map(map) };
}

/** The exclusive upper bound of strings starting with `prefix` (for `path >= prefix AND path < upper`): index-friendly. */
export function prefixUpper(prefix: string): string {
  return prefix + '\u{10FFFF}';
}
