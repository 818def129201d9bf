/** Builds the authorization side of a kamen instance: the AWS managed policy catalog, the authorizer and its hooks. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from './clock.js';
import { createRandomPool, type RandomSource } from './random.js';
import { createAuthzRuntime, type AuthzRuntime } from './authz/index.js';
import { loadManagedPolicyCatalog, type ManagedPolicyCatalog } from './services/iam/index.js';
import { createSealedKeyIds, createTemporaryKeyIds, type SealedKeyIds, type TemporaryKeyIds } from './authz/temporary-keys.js';
import type { IssueRate } from './authz/issue-rate.js';
import type { AcceptAnyCredentials } from './authz/authenticate.js';
import type { ServiceDeps } from './services/types.js';
import type { Store } from './store/store.js';

/** The file holding the key that seals EC2's encoded authorization messages (so they decode after a restart). */
export const MESSAGE_KEY_FILE = 'authz-message.key';

export interface Authorization {
  serviceDeps: ServiceDeps & { managedPolicies: ManagedPolicyCatalog; random: RandomSource; temporaryKeyIds: TemporaryKeyIds; sealedKeyIds: SealedKeyIds };
  resolveCredentials: AuthzRuntime['resolveCredentials'];
  authorizeOperation: AuthzRuntime['authorizeOperation'];
  noteKeyUsed: AuthzRuntime['noteKeyUsed'];
}

/**
 * Wires the managed policy catalog and the authorizer over a store; `dataDir` undefined keeps the message key in memory;
 * `stsIssueRate` limits each principal's rate of temporary credential issuance; `acceptAnyCredentials` is drop-in mode.
 */
export async function buildAuthorization(opts: { store: Store; clock: Clock; dataDir: string | undefined; stsIssueRate?: IssueRate; acceptAnyCredentials?: AcceptAnyCredentials }): Promise<Authorization> {
  const managedPolicies = loadManagedPolicyCatalog();
  const rt = createAuthzRuntime({
    store: opts.store,
    clock: opts.clock,
    managedPolicies,
    messageKey: messageKey(opts.dataDir),
    ...(opts.stsIssueRate ? { stsIssueRate: opts.stsIssueRate } : {}),
    ...(opts.acceptAnyCredentials ? { acceptAnyCredentials: opts.acceptAnyCredentials } : {}),
  });
  const random = createRandomPool();
  return {
    serviceDeps: { ...rt.serviceDeps, managedPolicies, random, temporaryKeyIds: createTemporaryKeyIds(random), sealedKeyIds: createSealedKeyIds(random) },
    resolveCredentials: rt.resolveCredentials,
    authorizeOperation: rt.authorizeOperation,
    noteKeyUsed: rt.noteKeyUsed,
  };
}

/** Reads <dataDir>/authz-message.key, creating it (32 random bytes, mode 0600) on first use. */
function messageKey(dataDir: string | undefined): Buffer {
  if (!dataDir) return randomBytes(32);
  const file = path.join(dataDir, MESSAGE_KEY_FILE);
  try {
    const key = randomBytes(32);
    fs.writeFileSync(file, key, { flag: 'wx', mode: 0o600 });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = fs.readFileSync(file);
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}
