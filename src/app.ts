/** Assembles a kamen instance from a data dir: store, bootstrap, catalogs, services, authorizer, pipeline. */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { createCodec, loadServiceModel } from './protocol/index.js';
import { createSigningKeyCache } from './sigv4/index.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import type { MountedService, PipelineDeps } from './http/pipeline.js';
import type { ServiceName } from './http/route.js';
import { loadOrCreateCa, type CertificateAuthority } from './http/proxy/index.js';
import { bootstrapOrganization, type BootstrapInfo } from './services/accounts/index.js';
import { createIamService } from './services/iam/index.js';
import { createStsService } from './services/sts/index.js';
import { createOrganizationsService } from './services/organizations/index.js';
import { createEc2Service } from './services/ec2/index.js';
import type { ServiceDefinition } from './services/types.js';
import { buildAuthorization } from './app-deps.js';
import { startExpiredCredentialSweeper } from './authz/sweep-expired.js';

/** What the first start writes to <data-dir>/bootstrap.json (mode 0600). */
export type { BootstrapInfo };

export interface KamenOptions {
  /** Where the store, CA and bootstrap.json live; ':memory:' keeps everything in memory (tests). */
  dataDir: string;
  /** base64 or hex of 32 bytes; otherwise <data-dir>/master.key is used (created on first start). */
  masterKey?: string;
  clock?: Clock;
  /** Load/create the proxy-mode CA (default true). */
  withCa?: boolean;
  /** Skip enforcement (issue-3 behaviour: every caller may act in its own account). */
  enforce?: boolean;
  log?: (entry: Record<string, unknown>) => void;
}

export interface Kamen {
  store: Store;
  clock: Clock;
  pipeline: PipelineDeps;
  ca?: CertificateAuthority;
  caPath: string;
  /** True when this start created the organization. */
  createdNow: boolean;
  bootstrap: BootstrapInfo | undefined;
  close(): Promise<void>;
}

/** Opens (and on first start bootstraps) a kamen instance. */
export async function openKamen(opts: KamenOptions): Promise<Kamen> {
  const clock = opts.clock ?? systemClock();
  const memory = opts.dataDir === ':memory:';
  if (!memory) fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ dataDir: opts.dataDir, masterKey: parseMasterKey(opts.masterKey) });
  let createdNow = false;
  let bootstrap = memory ? undefined : readBootstrap(opts.dataDir);
  if (!(await store.getOrganization())) {
    const info = await bootstrapOrganization(store, clock, {});
    if (info) {
      bootstrap = info;
      createdNow = true;
      if (!memory) writeBootstrap(opts.dataDir, info);
    }
  }
  const ca = opts.withCa === false || memory ? undefined : loadOrCreateCa(opts.dataDir);
  const caPath = memory ? '' : path.join(opts.dataDir, 'ca.pem');

  const authz = await buildAuthorization({ store, clock, dataDir: memory ? undefined : opts.dataDir });
  const serviceDeps = authz.serviceDeps;
  const definitions: Array<[ServiceName, ServiceDefinition]> = [
    ['iam', createIamService(serviceDeps as never)],
    ['sts', createStsService(serviceDeps as never)],
    ['organizations', createOrganizationsService(serviceDeps as never)],
    ['ec2', createEc2Service(serviceDeps as never)],
  ];
  const services = new Map<ServiceName, MountedService>();
  for (const [name, definition] of definitions) services.set(name, { definition, codec: createCodec(loadServiceModel(name)) });

  const log = opts.log ?? ((e: Record<string, unknown>) => console.error(JSON.stringify(e)));
  const sweeper = startExpiredCredentialSweeper({ store, clock, onError: (err) => log({ level: 'error', msg: 'sweeping expired temporary credentials failed', err: String(err) }) });
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
  const close = async (): Promise<void> => {
    await sweeper.stop();
    await store.close();
  };
  return { store, clock, pipeline, ca, caPath, createdNow, bootstrap, close };
}

/** Reads <data-dir>/bootstrap.json, or undefined before the first start. */
export function readBootstrap(dataDir: string): BootstrapInfo | undefined {
  const file = path.join(dataDir, 'bootstrap.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as BootstrapInfo;
}

function writeBootstrap(dataDir: string, info: BootstrapInfo): void {
  const file = path.join(dataDir, 'bootstrap.json');
  fs.writeFileSync(file, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

function parseMasterKey(text: string | undefined): Buffer | undefined {
  if (!text) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('KAMEN_MASTER_KEY must be 32 bytes, base64 or hex');
  return key;
}
