/**
 * A cache of gathered principal policies that stays exact: the store's write methods are instrumented so that every
 * write that can change a policy decision bumps a generation, and an entry is only used when no write happened (or was
 * in flight) since it was gathered. Writes that cannot change a decision (temporary credentials, key/MFA bookkeeping,
 * "last used" stamps, settings) do not invalidate.
 */
import type { Store, StoreChange } from '../store/store.js';

/** Which store writes leave a cache's values valid; every other write invalidates. */
export interface CacheRelevance {
  /** Store methods whose writes never change the cached values. */
  neutralWrites: ReadonlySet<string>;
  /** Patch methods that are neutral when every key of the patch is listed. */
  neutralPatchKeys: Readonly<Record<string, ReadonlySet<string>>>;
}

/** S3 bucket and object data writes: identity policies and credentials never depend on them. */
const S3_DATA_WRITES = ['createS3Bucket', 'deleteS3Bucket', 'putS3Object', 'deleteS3Object', 'createS3Upload', 'putS3Part', 'deleteS3Upload', 'putS3ObjectVersion', 'deleteS3ObjectVersion', 'setS3BucketVersioning'] as const;

/** CloudTrail events appended for every call (and the queue that appends them): nothing cached depends on them. */
const AUDIT_WRITES = ['appendEvents', 'appendEventsDetached', 'appendEventRows'] as const;

/** Store methods whose writes never change what policies say (everything else that writes invalidates). */
const NEUTRAL_WRITES: ReadonlySet<string> = new Set([
  'putTemporaryCredential',
  'deleteExpiredTemporaryCredentials',
  'createAccessKey',
  'updateAccessKey',
  'deleteAccessKey',
  'createMfaDevice',
  'updateMfaDevice',
  'deleteMfaDevice',
  'putLoginProfile',
  'deleteLoginProfile',
  'putRootUser',
  'setAccountAlias',
  'putCreateAccountStatus',
  'setSetting',
  ...S3_DATA_WRITES,
  ...AUDIT_WRITES,
]);

/** Patches whose keys are all listed here do not invalidate (updateRole lastUsed, updateUser passwordLastUsed). */
const NEUTRAL_PATCH_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  updateRole: new Set(['lastUsed', 'description']),
  updateUser: new Set(['passwordLastUsed']),
};

/** The relevance of gathered principal policies. */
export const POLICY_RELEVANCE: CacheRelevance = { neutralWrites: NEUTRAL_WRITES, neutralPatchKeys: NEUTRAL_PATCH_KEYS };

/**
 * The relevance of resolved credentials (access key → caller + secret): new keys and sessions, MFA, passwords and
 * "last used" stamps leave them valid; key status, deletions and user renames do not.
 */
export const CREDENTIAL_RELEVANCE: CacheRelevance = {
  neutralWrites: new Set(['putTemporaryCredential', 'createAccessKey', 'createMfaDevice', 'updateMfaDevice', 'putLoginProfile', 'setSetting', 'putCreateAccountStatus', 'setAccountAlias', ...S3_DATA_WRITES, ...AUDIT_WRITES, 'setS3BucketPolicy', 'setS3PublicAccessBlock']),
  neutralPatchKeys: { updateAccessKey: new Set(['lastUsed']), updateRole: new Set(['lastUsed', 'description']), updateUser: new Set(['passwordLastUsed']) },
};

const READ = /^(get|list|count|lookup)/;

/** True when another node's write `change` can change values cached under `relevance`. */
export function invalidatedBy(relevance: CacheRelevance, change: StoreChange): boolean {
  const method = change.method;
  if (method === undefined) return true;
  if (relevance.neutralWrites.has(method)) return false;
  const neutralKeys = relevance.neutralPatchKeys[method];
  return !(neutralKeys && change.patchKeys && change.patchKeys.every((k) => neutralKeys.has(k)));
}

/** A generation-checked, approximately LRU map of values keyed by principal. */
export interface GenerationCache<V> {
  /** The cached value, if still valid. */
  get(key: string): V | undefined;
  /** Computes (or reuses) the value for `key`; caches it only when no relevant write overlapped the computation. */
  through(key: string, compute: () => Promise<V>): Promise<V>;
  /** Drops everything (for writers that bypass the store object). */
  invalidate(): void;
  size(): number;
}

/** Builds the cache and instruments `store` (in place) so its relevant writes invalidate it. */
export function createGenerationCache<V>(store: Store, max: number, relevance: CacheRelevance = POLICY_RELEVANCE): GenerationCache<V> {
  let generation = 0;
  let inFlight = 0;
  /** Counts insertions: an entry's `seq` says how many entries were put in after it (the map keeps insertion order). */
  let seq = 0;
  const map = new Map<string, { gen: number; value: V; seq: number }>();
  const target = store as unknown as Record<string, unknown>;
  // Own methods and prototype methods alike (a class-based backend keeps them on the prototype).
  const names = new Set<string>();
  for (let o: object | null = store; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) for (const n of Object.getOwnPropertyNames(o)) names.add(n);
  let instrumented = true;
  for (const name of names) {
    const fn = target[name];
    if (name === 'constructor' || typeof fn !== 'function' || READ.test(name) || relevance.neutralWrites.has(name) || name === 'transaction' || name === 'close' || name === 'subscribeChanges') continue;
    const neutralKeys = relevance.neutralPatchKeys[name];
    const wrapper = async function (this: unknown, ...args: unknown[]) {
      const patch = args[args.length - 1];
      if (neutralKeys && patch && typeof patch === 'object' && Object.keys(patch).every((k) => neutralKeys.has(k))) return (fn as (...a: unknown[]) => unknown).apply(this, args);
      generation++;
      inFlight++;
      try {
        return await (fn as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        inFlight--;
        generation++;
      }
    };
    try {
      Object.defineProperty(store, name, { value: wrapper, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(store, name) });
    } catch {
      instrumented = false;
    }
    if (target[name] !== wrapper) instrumented = false;
  }
  // A store we could not instrument (frozen, proxied…) gets no caching rather than a stale one.
  if (!instrumented) max = 0;
  // Writes committed by other nodes sharing the database; while that feed is down nothing is cached.
  let live = true;
  store.subscribeChanges?.((change) => {
    if (change.method === undefined) live = change.live === true;
    else if (!invalidatedBy(relevance, change)) return;
    generation++;
    map.clear();
  });
  return {
    get(key) {
      const e = map.get(key);
      if (!e) return undefined;
      if (e.gen !== generation) {
        map.delete(key);
        return undefined;
      }
      // A hit moves to the newest end only once it has drifted into the older half (approximate LRU): an entry in the
      // newer half is far from eviction, and moving it costs two more Map operations on every request.
      if (seq - e.seq > max / 2) {
        map.delete(key);
        e.seq = ++seq;
        map.set(key, e);
      }
      return e.value;
    },
    async through(key, compute) {
      const hit = this.get(key);
      if (hit !== undefined) return hit;
      const gen = generation;
      const quiet = inFlight === 0;
      const value = await compute();
      if (max > 0 && live && quiet && inFlight === 0 && gen === generation) {
        map.set(key, { gen, value, seq: ++seq });
        if (map.size > max) map.delete(map.keys().next().value as string);
      }
      return value;
    },
    invalidate() {
      generation++;
      map.clear();
    },
    size: () => map.size,
  };
}
