/** Assembles a kamen instance from a data dir: store, bootstrap, catalogs, services, authorizer, pipeline. */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { createCodec, loadServiceModel } from './protocol/index.js';
import { createSigningKeyCache } from './sigv4/index.js';
import { openStore } from './store/open.js';
import type { SnapshotStore, Store } from './store/store.js';
import type { MountedService, PipelineDeps } from './http/pipeline.js';
import type { ServiceName } from './http/route.js';
import { loadOrCreateCa, type CertificateAuthority } from './http/proxy/index.js';
import { bootstrapOrganization, type BootstrapInfo } from './services/accounts/index.js';
import { managementAccountId } from './services/accounts/index.js';
import { bootstrapStandalone, createStandaloneAccount, isBootstrapped } from './services/accounts/standalone.js';
import { createIamService } from './services/iam/index.js';
import { createStsService } from './services/sts/index.js';
import { createOrganizationsService } from './services/organizations/index.js';
import { createEc2Service } from './services/ec2/index.js';
import { createCloudTrailService } from './services/cloudtrail/index.js';
import { createAuditor } from './audit/auditor.js';
import { createEventSink, type EventSink } from './audit/sink.js';
import type { RequestLogEntry } from './audit/request-log.js';
import type { ServiceDefinition } from './services/types.js';
import { buildAuthorization } from './app-deps.js';
import { startExpiredCredentialSweeper } from './authz/sweep-expired.js';
import { startEventRetentionSweeper } from './audit/event-retention.js';
import type { IssueRate } from './authz/issue-rate.js';
import os from 'node:os';
import { createS3Handler } from './services/s3/index.js';
import { isKnownRegion } from './services/ec2/index.js';
import { openFileBlobStore } from './store/blobs/index.js';
import { openPostgresBlobStore } from './store/blobs/postgres.js';
import { startS3Sweeper, type S3SweepResult } from './services/s3/sweep.js';
import { isIssuerHost, outboundIssuerDocument } from './services/iam/outbound-federation.js';
import { startTrailDeliverer, type TrailDeliverer } from './audit/delivery/deliverer.js';

/** What the first start writes to <data-dir>/bootstrap.json (mode 0600). */
export type { BootstrapInfo };

export interface KamenOptions {
  /** Where the store, CA and bootstrap.json live; ':memory:' keeps everything in memory (tests). */
  dataDir: string;
  /** base64 or hex of 32 bytes; otherwise <data-dir>/master.key is used (created on first start). */
  masterKey?: string;
  /** postgres://… to keep the store in PostgreSQL (the data dir still holds master.key, the CA and bootstrap.json). */
  storeUrl?: string;
  /** PostgreSQL: the maximum number of pooled connections. */
  poolSize?: number;
  /** Where S3 object bytes live: 'files' (default, <data-dir>/objects) or 'postgres' (the store's database, shared by every node; needs storeUrl). */
  objectStore?: 'files' | 'postgres';
  clock?: Clock;
  /** Load/create the proxy-mode CA (default true). */
  withCa?: boolean;
  /** Create the organization when the store holds none (default true); false makes an empty store an error. */
  bootstrap?: boolean;
  /** Skip enforcement (issue-3 behaviour: every caller may act in its own account). */
  enforce?: boolean;
  /** How long expired temporary credentials are kept before the sweep deletes them, in ms (default 36 h). */
  temporaryCredentialRetentionMs?: number;
  /** How long stored CloudTrail events are kept before the retention sweep deletes them, in ms (default 90 days). */
  eventRetentionMs?: number;
  /** Each principal's rate of temporary credential issuance (AssumeRole, GetSessionToken, GetFederationToken); none when absent. */
  stsIssueRate?: IssueRate;
  log?: (entry: Record<string, unknown>) => void;
  /** Record a CloudTrail event for every call (default true). */
  audit?: boolean;
  /** Seconds between trail deliveries (log files and digests; `serve --trail-delivery-seconds`, default 300). */
  trailDeliverySeconds?: number;
  /** The operator's request log (`serve --log`): one JSON line per API request. */
  requestLog?: (entry: RequestLogEntry) => void;
  /** false: the first start creates a standalone account rather than an organization (`serve --no-organization`). */
  organization?: boolean;
  /**
   * Drop-in mode (`serve --accept-any-credentials`): an unknown access key acts as the root user of `defaultAccountId`
   * (default: the first account; created standalone when missing), and `Kamen.reset` restores the bootstrapped store.
   */
  acceptAnyCredentials?: { defaultAccountId?: string };
  /** S3: multipart uploads initiated longer ago than this are aborted by the hourly sweep (ms; default 7 days). */
  s3MultipartExpiryMs?: number;
}

export interface Kamen {
  store: Store;
  clock: Clock;
  pipeline: PipelineDeps;
  /** The audit event sink (where every call's events are stored). */
  events: EventSink;
  /** The trail deliverer (runOnce delivers now). */
  trails: TrailDeliverer;
  ca?: CertificateAuthority;
  caPath: string;
  /** True when this start created the organization. */
  createdNow: boolean;
  bootstrap: BootstrapInfo | undefined;
  /** Runs the expired temporary credential sweep now (it also runs on its timer); resolves with how many rows went. */
  sweepExpiredCredentials(): Promise<number>;
  /** Runs the CloudTrail event retention sweep now (it also runs on its timer); resolves with how many events went. */
  sweepExpiredEvents(): Promise<number>;
  /** Runs the S3 sweep now (abandoned multipart uploads, orphaned blobs; it also runs hourly). */
  sweepS3(): Promise<S3SweepResult>;
  /** Drop-in mode only: returns the store to its state right after start (POST /_kamen/reset). */
  reset?: () => Promise<void>;
  /** Drop-in mode only: the account unknown access keys act as. */
  defaultAccountId?: string;
  close(): Promise<void>;
}

/** Opens (and on first start bootstraps) a kamen instance. */
export async function openKamen(opts: KamenOptions): Promise<Kamen> {
  const clock = opts.clock ?? systemClock();
  const memory = opts.dataDir === ':memory:';
  if (!memory) fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({
    dataDir: opts.dataDir,
    masterKey: parseMasterKey(opts.masterKey),
    ...(opts.storeUrl !== undefined ? { url: opts.storeUrl } : {}),
    ...(opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {}),
  });
  let createdNow = false;
  let bootstrap = memory ? undefined : readBootstrap(opts.dataDir);
  if (!(await isBootstrapped(store))) {
    if (opts.bootstrap === false) {
      await store.close();
      throw new Error(`${memory ? 'the store' : opts.dataDir} holds no kamen organization: start \`kamen serve\` on it once first, or point --data-dir / --store at the one it uses`);
    }
    // bootstrap.json is written inside the transaction that creates the organization: when it cannot be written
    // (a full disk, a bad data dir) the organization is not created either, so a failed first start leaves no half.
    const info = await store.transaction(async () => {
      const first = opts.acceptAnyCredentials?.defaultAccountId ? { accountId: opts.acceptAnyCredentials.defaultAccountId } : {};
      const created = opts.organization === false ? await bootstrapStandalone(store, clock, first) : await bootstrapOrganization(store, clock, first);
      if (created && !memory) writeBootstrap(opts.dataDir, created);
      return created;
    });
    if (info) {
      bootstrap = info;
      createdNow = true;
    }
  }
  const ca = opts.withCa === false || memory ? undefined : loadOrCreateCa(opts.dataDir);
  const caPath = memory ? '' : path.join(opts.dataDir, 'ca.pem');

  let defaultAccountId: string | undefined;
  if (opts.acceptAnyCredentials) {
    defaultAccountId = opts.acceptAnyCredentials.defaultAccountId ?? (await managementAccountId(store));
    if (!defaultAccountId) throw new Error('--accept-any-credentials: the store has no first account; pass --default-account');
    if (!(await store.getRootUser(defaultAccountId))) await createStandaloneAccount(store, clock, { name: 'default', accountId: defaultAccountId });
  }
  const authz = await buildAuthorization({
    store,
    clock,
    dataDir: memory ? undefined : opts.dataDir,
    ...(opts.stsIssueRate ? { stsIssueRate: opts.stsIssueRate } : {}),
    ...(defaultAccountId ? { acceptAnyCredentials: { accountId: defaultAccountId } } : {}),
  });
  const serviceDeps = authz.serviceDeps;
  const definitions: Array<[ServiceName, ServiceDefinition]> = [
    ['iam', createIamService(serviceDeps as never)],
    ['sts', createStsService(serviceDeps as never)],
    ['organizations', createOrganizationsService(serviceDeps as never)],
    ['ec2', createEc2Service(serviceDeps as never)],
    ['cloudtrail', createCloudTrailService(serviceDeps as never)],
  ];
  const services = new Map<ServiceName, MountedService>();
  for (const [name, definition] of definitions) services.set(name, { definition, codec: createCodec(loadServiceModel(name)) });

  const log = opts.log ?? ((e: Record<string, unknown>) => console.error(JSON.stringify(e)));
  // Delegation trade-in tokens (SendDelegationToken): kamen holds no SNS, so the notification goes to the operator log.
  (serviceDeps as Record<string, unknown>)['delegationTokenSink'] ??= (n: Record<string, unknown>) => log({ level: 'info', msg: 'delegation token sent', ...n });
  const sweeper = startExpiredCredentialSweeper({ store, clock, retentionMs: opts.temporaryCredentialRetentionMs, onError: (err) => log({ level: 'error', msg: 'sweeping expired temporary credentials failed', err: String(err) }) });
  const pipeline: PipelineDeps = {
    store,
    clock,
    services,
    signingKeys: createSigningKeyCache(4096),
    serviceDeps,
    resolveCredentials: authz.resolveCredentials,
    authorizeOperation: opts.enforce === false ? undefined : authz.authorizeOperation,
    noteKeyUsed: authz.noteKeyUsed,
    log,
  };
  // Audit: every call's CloudTrail event goes to the store through the sink (trail delivery reads them from the store).
  const events = createEventSink(store, (err) => log({ level: 'error', msg: 'storing audit events failed', err: String(err) }));
  if (opts.audit !== false) pipeline.auditor = createAuditor(store, events);
  if (opts.requestLog) pipeline.requestLog = opts.requestLog;
  // Outbound web identity federation: each account's issuer answers its discovery document and JWKS.
  pipeline.wellKnown = { claims: isIssuerHost, document: (host, path) => outboundIssuerDocument(store, host, path) };
  // S3 object bytes: <data-dir>/objects (a temporary directory for an in-memory instance, removed at close).
  const objectsDir = memory ? fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-objects-')) : path.join(opts.dataDir, 'objects');
  // With several nodes: the store's PostgreSQL database (src/store/blobs/postgres.ts).
  if (opts.objectStore === 'postgres' && opts.storeUrl === undefined) {
    await store.close();
    throw new Error('--object-store postgres needs the PostgreSQL store (--store or KAMEN_DATABASE_URL)');
  }
  const pgBlobs = opts.objectStore === 'postgres' ? await openPostgresBlobStore({ url: opts.storeUrl!, ...(opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {}) }) : undefined;
  const blobs = pgBlobs ?? openFileBlobStore(objectsDir);
  const s3Sweeper = startS3Sweeper({ store, blobs, clock, ...(opts.s3MultipartExpiryMs !== undefined ? { multipartExpiryMs: opts.s3MultipartExpiryMs } : {}), onError: (err) => log({ level: 'error', msg: 's3 sweep failed', err: String(err) }) });
  pipeline.s3 = createS3Handler({
    store,
    clock,
    blobs,
    signingKeys: pipeline.signingKeys,
    isValidRegion: isKnownRegion,
    resolveCredentials: authz.resolveCredentials,
    ...(opts.enforce === false ? {} : { authorizeOperation: authz.authorizeOperation }),
    ...(pipeline.auditor ? { auditor: pipeline.auditor } : {}),
    log,
  });
  // Trails: stored events become log files and digests in the trails' buckets (src/audit/delivery).
  const eventSweeper = startEventRetentionSweeper({ store, clock, ...(opts.eventRetentionMs !== undefined ? { retentionMs: opts.eventRetentionMs } : {}), onError: (err) => log({ level: 'error', msg: 'event retention sweep failed', err: String(err) }) });
  const trails = startTrailDeliverer({ store, blobs, clock, intervalMs: (opts.trailDeliverySeconds ?? 300) * 1000, flush: () => events.flush(), log });
  const close = async (): Promise<void> => {
    await trails.stop();
    await sweeper.stop();
    await eventSweeper.stop();
    await s3Sweeper.stop();
    await events.flush();
    await store.close();
    await pgBlobs?.close();
    if (memory) fs.rmSync(objectsDir, { recursive: true, force: true });
  };
  const reset = defaultAccountId ? await snapshotReset(store) : undefined;
  return { store, clock, pipeline, events, trails, ca, caPath, createdNow, bootstrap, sweepExpiredCredentials: () => sweeper.sweep(), sweepExpiredEvents: () => eventSweeper.sweep(), sweepS3: () => s3Sweeper.sweep(), ...(reset ? { reset, defaultAccountId } : {}), close };
}

/** Captures the store now and returns the function that restores that capture (drop-in mode's reset). */
async function snapshotReset(store: Store & SnapshotStore): Promise<() => Promise<void>> {
  if (!store.captureSnapshot || !store.restoreSnapshot) throw new Error('--accept-any-credentials: this store backend cannot be reset (POST /_kamen/reset)');
  const snapshot = await store.captureSnapshot();
  // Looked up at each call: the caches wrap the store's write methods so a restore invalidates them.
  return () => store.restoreSnapshot!(snapshot);
}

/** Reads <data-dir>/bootstrap.json, or undefined before the first start. */
export function readBootstrap(dataDir: string): BootstrapInfo | undefined {
  const file = path.join(dataDir, 'bootstrap.json');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as BootstrapInfo;
}

/** Writes bootstrap.json (mode 0600) durably: a temporary file, fsync, then rename over the old one. */
function writeBootstrap(dataDir: string, info: BootstrapInfo): void {
  const file = path.join(dataDir, 'bootstrap.json');
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(info, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function parseMasterKey(text: string | undefined): Buffer | undefined {
  if (!text) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('KAMEN_MASTER_KEY must be 32 bytes, base64 or hex');
  return key;
}
