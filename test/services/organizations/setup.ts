/** A bootstrapped in-memory organization and helpers to call Organizations operations as an account's root user. */
import assert from 'node:assert/strict';
import { frozenClock } from '../../../src/clock.js';
import { isKamenError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import type { Caller, OperationContext } from '../../../src/services/types.js';
import { bootstrapOrganization, type BootstrapInfo } from '../../../src/services/accounts/index.js';
import { createOrganizationsService } from '../../../src/services/organizations/index.js';
import { readVectors } from '../../helpers/paths.js';

export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
export const MGMT = '999999999999';

export interface OrgWorld {
  store: Store;
  clock: ReturnType<typeof frozenClock>;
  boot: BootstrapInfo;
  rootId: string;
  /** Calls an operation as the root user of `account` (default: the management account). */
  call(op: string, input?: Record<string, unknown>, account?: string): Promise<any>;
  close(): Promise<void>;
}

const service = createOrganizationsService();

/** Root caller of an account. */
export function rootCaller(accountId: string): Caller {
  return { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId: 'AKIAEXAMPLEEXAMPLE00' };
}

/** A fresh organization with management account MGMT. */
export async function orgWorld(): Promise<OrgWorld> {
  const store = await openStore({ dataDir: ':memory:' });
  const clock = frozenClock(T0);
  const boot = (await bootstrapOrganization(store, clock, { accountId: MGMT }))!;
  const rootId = (await store.getOrganization())!.rootId;
  const call = async (op: string, input: Record<string, unknown> = {}, account = MGMT) => {
    const fn = service.operations[op];
    assert.ok(fn, `operation ${op} is implemented`);
    const ctx: OperationContext = { requestId: 'r', caller: rootCaller(account), store, clock, region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: {} };
    return fn(ctx, input);
  };
  return { store, clock, boot, rootId, call, close: () => store.close() };
}

type ErrorVectors = Record<string, { code: string; message: string }>;
const ERRORS = readVectors<ErrorVectors>('organizations', 'errors.json');

/** Asserts that `p` rejects with the KamenError named in test/vectors/organizations/errors.json. */
export async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  const want = ERRORS[name];
  assert.ok(want, `vector ${name}`);
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isKamenError(e), `KamenError expected, got ${String(e)}`);
    assert.equal(e.code, want.code);
    assert.equal(e.message, want.message);
    return true;
  });
}
