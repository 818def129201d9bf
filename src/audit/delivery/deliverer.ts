/**
 * The trail deliverer: on a timer, every logging trail's new events (read from the store after the trail's durable
 * position) become gzipped `{"Records":[…]}` log files in the trail's bucket and, with log file validation on, one
 * signed digest per (account, region) chain. Objects are written as the CloudTrail service, not as a user; the
 * objects' metadata, the trail's new position and its digest chains commit in one store transaction, so a crash or a
 * restart neither loses nor repeats a file (blobs of an interrupted pass are left unreferenced).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Clock } from '../../clock.js';
import type { BlobStore } from '../../store/blobs/index.js';
import type { S3ObjectRecord, Store, StoredEvent, TrailDigestLink, TrailRecord } from '../../store/store.js';
import { bucketAllowsCloudTrail } from './bucket-access.js';
import { digestDocument, sha256Hex, signDigest, stringToSign, type DigestLogFile } from './digest.js';
import { currentSigningKey } from './keys.js';
import { accountRoot, digestFileKey, isoSecond, logFileKey } from './names.js';
import { deliverable, regionFor } from './select.js';

/** What the deliverer needs. */
export interface DelivererDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  /** Milliseconds between passes (also the digest interval). */
  intervalMs: number;
  log: (entry: Record<string, unknown>) => void;
  /** Stores the audit events still queued, so a pass sees every call made before it. */
  flush?: () => Promise<void>;
}

/** A running deliverer. */
export interface TrailDeliverer {
  /** Runs one delivery pass now (after the one in progress, if any). */
  runOnce(): Promise<void>;
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

const READ_BATCH = 1000;
const MAX_EVENTS_PER_PASS = 50_000;
const RECORDS_PER_FILE = 1000;

/** A file to store: its key, its gzipped bytes and metadata. */
interface PendingObject {
  key: string;
  body: Buffer;
  metadata: Record<string, string>;
}

/** Starts the deliverer's timer (unref'd, so it never keeps the process alive). */
export function startTrailDeliverer(deps: DelivererDeps): TrailDeliverer {
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const runOnce = (): Promise<void> => {
    const next = chain.then(() => deliverAll(deps)).catch((err) => deps.log({ level: 'error', msg: 'trail delivery failed', err: String(err) }));
    chain = next;
    return next;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void runOnce().then(schedule), deps.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}

/** One pass over every logging trail. */
export async function deliverAll(deps: DelivererDeps): Promise<void> {
  await deps.flush?.();
  const trails = (await deps.store.listTrails()).filter((t) => t.isLogging);
  if (trails.length === 0) return;
  const org = trails.some((t) => t.isOrganizationTrail) ? await organizationOf(deps.store) : undefined;
  for (const trail of trails) await deliverTrail(deps, trail, org);
}

/** The organization's ID and its accounts. */
async function organizationOf(store: Store): Promise<{ id: string; accounts: Set<string> } | undefined> {
  const o = await store.getOrganization();
  if (!o) return undefined;
  const accounts = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await store.listAccounts({ maxItems: 1000, ...(marker ? { marker } : {}) });
    for (const a of page.items) accounts.add(a.id);
    marker = page.nextMarker;
  } while (marker);
  return { id: o.id, accounts };
}

/** Delivers one trail's new events and digests. */
async function deliverTrail(deps: DelivererDeps, trail: TrailRecord, org: { id: string; accounts: Set<string> } | undefined): Promise<void> {
  const { store, clock } = deps;
  const now = clock.now();
  const orgId = trail.isOrganizationTrail ? org?.id : undefined;
  const bucket = await store.getS3Bucket(trail.s3BucketName);
  const problem = !bucket ? 'NoSuchBucket' : !bucketAllowsCloudTrail(bucket, { trailArn: trail.arn, accountId: trail.accountId, ...(trail.s3KeyPrefix ? { prefix: trail.s3KeyPrefix } : {}), ...(orgId ? { orgId } : {}) }) ? 'AccessDenied' : undefined;
  if (problem) {
    await commit(deps, trail, [], trail.position, (t) => ({ ...t.delivery, lastDeliveryError: problem, ...(t.logFileValidationEnabled ? { lastDigestDeliveryError: problem } : {}) }));
    return;
  }
  // Read the new events, grouped by the (account, region) file they go to.
  const groups = new Map<string, StoredEvent[]>();
  let position = trail.position;
  for (let read = 0; read < MAX_EVENTS_PER_PASS; read += READ_BATCH) {
    const batch = await store.readEventsAfter(position, READ_BATCH);
    for (const e of batch) {
      position = e.seq;
      const region = regionFor(trail, deliverable(e), trail.isOrganizationTrail ? org?.accounts : undefined);
      if (region === undefined) continue;
      const k = `${e.accountId}/${region}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(e);
    }
    if (batch.length < READ_BATCH) break;
  }
  const objects: PendingObject[] = [];
  const logFiles = new Map<string, DigestLogFile[]>();
  for (const [k, events] of groups) {
    const [accountId, region] = k.split('/') as [string, string];
    const root = accountRoot(trail.s3KeyPrefix, accountId, orgId);
    for (let i = 0; i < events.length; i += RECORDS_PER_FILE) {
      const slice = events.slice(i, i + RECORDS_PER_FILE);
      const text = `{"Records":[${slice.map((e) => e.record).join(',')}]}`;
      const key = logFileKey(root, accountId, region, now);
      objects.push({ key, body: gzipSync(text), metadata: {} });
      const times = slice.map((e) => e.eventTime.getTime()).sort((a, b) => a - b);
      let list = logFiles.get(k);
      if (!list) logFiles.set(k, (list = []));
      list.push({ s3Bucket: trail.s3BucketName, s3Object: key, hashValue: sha256Hex(text), oldestEventTime: isoSecond(times[0]!), newestEventTime: isoSecond(times[times.length - 1]!) });
    }
  }
  const chains: Record<string, TrailDigestLink> = { ...trail.delivery.chains };
  if (trail.logFileValidationEnabled) {
    const chainKeys = new Set([`${trail.accountId}/${trail.homeRegion}`, ...Object.keys(chains), ...logFiles.keys()]);
    for (const k of chainKeys) {
      const [accountId, region] = k.split('/') as [string, string];
      const previous = chains[k];
      // Each region's digests are signed with that region's key (validate-logs asks the region it validates).
      const key = await currentSigningKey(store, region, now);
      const endMs = Math.max(Math.floor(now / 1000) * 1000, previous ? previous.endMs + 1000 : 0);
      const digestKey = digestFileKey(accountRoot(trail.s3KeyPrefix, accountId, orgId), accountId, region, trail.name, trail.homeRegion, endMs);
      const doc = digestDocument({ accountId, startMs: previous?.endMs ?? endMs - deps.intervalMs, endMs, bucket: trail.s3BucketName, key: digestKey, fingerprint: key.fingerprint, ...(previous ? { previous } : {}), logFiles: logFiles.get(k) ?? [] });
      const hash = sha256Hex(doc);
      const signature = signDigest(stringToSign(isoSecond(endMs), trail.s3BucketName, digestKey, hash, previous?.signature), key.privateKey);
      objects.push({ key: digestKey, body: gzipSync(doc), metadata: { signature, 'signature-algorithm': 'SHA256withRSA' } });
      chains[k] = { bucket: trail.s3BucketName, key: digestKey, signature, hash, endMs };
    }
  }
  await commit(deps, trail, objects, position, (t) => {
    const d = { ...t.delivery, chains: t.logFileValidationEnabled ? chains : t.delivery.chains };
    delete d.lastDeliveryError;
    delete d.lastDigestDeliveryError;
    if (logFiles.size > 0) d.lastDeliveryTime = new Date(now);
    if (t.logFileValidationEnabled) d.lastDigestDeliveryTime = new Date(now);
    return d;
  });
}

/**
 * Writes the blobs, then in one transaction stores the objects' metadata and the trail's new position and delivery
 * state on the trail as it is now (a trail changed meanwhile keeps its new settings; a deleted one gets nothing).
 */
async function commit(deps: DelivererDeps, trail: TrailRecord, objects: PendingObject[], position: number, delivery: (t: TrailRecord) => TrailRecord['delivery']): Promise<void> {
  const { store, blobs, clock } = deps;
  const written: S3ObjectRecord[] = [];
  try {
    for (const o of objects) {
      const blob = await blobs.write(once(o.body));
      written.push({
        bucket: trail.s3BucketName,
        key: o.key,
        size: blob.size,
        etag: `"${createHash('md5').update(o.body).digest('hex')}"`,
        lastModified: new Date(clock.now()),
        blobId: blob.blobId,
        metadata: o.metadata,
        headers: { 'content-type': 'application/json' },
        checksums: {},
      });
    }
    const replaced = await store.transaction(async () => {
      const current = await store.getTrail(trail.accountId, trail.homeRegion, trail.name);
      if (!current || current.createdAt.getTime() !== trail.createdAt.getTime()) throw new Gone();
      // Another pass (another node sharing the store) or a StartLogging moved the trail on meanwhile: this pass's
      // files would repeat or break its chains, so they are dropped and the next pass starts from where it now is.
      if (current.position !== trail.position || JSON.stringify(current.delivery.chains) !== JSON.stringify(trail.delivery.chains)) throw new Gone();
      const old: S3ObjectRecord[] = [];
      for (const rec of written) {
        const prev = await store.putS3Object(rec);
        if (prev) old.push(prev);
      }
      await store.putTrail({ ...current, position: Math.max(current.position, position), delivery: delivery(current) });
      return old;
    });
    for (const o of replaced) await blobs.delete(o.blobId).catch(() => undefined);
  } catch (err) {
    for (const w of written) await blobs.delete(w.blobId).catch(() => undefined);
    if (!(err instanceof Gone)) throw err;
  }
}

/** The trail was deleted, replaced or moved on during the pass. */
class Gone extends Error {}

async function* once(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}
