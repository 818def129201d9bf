/** Drives the IAM operations over a contract store (any backend), for the service-level concurrency sections. */
import assert from 'node:assert/strict';
import { frozenClock } from '../../src/clock.js';
import { isKamenError, type ErrorCode } from '../../src/errors.js';
import { createIamService, loadManagedPolicyCatalog, type ManagedPolicyCatalog } from '../../src/services/iam/index.js';
import type { Caller, ServiceDefinition } from '../../src/services/types.js';
import type { Store } from '../../src/store/store.js';
import { A1, T0 } from './fixtures.js';

/** The IAM service and a caller's context over one store. */
export interface IamHarness {
  store: Store;
  /** Calls an operation as the root user of `accountId` (A1 by default). */
  call(op: string, input?: Record<string, unknown>, accountId?: string): Promise<any>;
}

/** How a batch of concurrent calls ended: the indexes that succeeded, and the error codes of the rest. */
export interface Outcome {
  ok: number[];
  codes: ErrorCode[];
}

/** The AWS managed policy catalog, read once for the process (it is immutable and indexed lazily). */
const catalog: ManagedPolicyCatalog = loadManagedPolicyCatalog();

/** The root caller of an account. */
function root(accountId: string): Caller {
  return { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId: 'AKIAROOTROOTROOTROOT' };
}

/** Builds the harness: the IAM service over `store`, with a clock frozen at the fixtures' T0. */
export function iamHarness(store: Store): IamHarness {
  const iam: ServiceDefinition = createIamService({ managedPolicies: catalog });
  const clock = frozenClock(T0.getTime());
  return {
    store,
    call: (op, input = {}, accountId = A1) => {
      const fn = iam.operations[op];
      assert.ok(fn, `operation ${op} missing`);
      return fn({ requestId: 'req', caller: root(accountId), store, clock, region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: {} }, input);
    },
  };
}

/** Starts every call at once and waits for all; non-KamenError failures are rethrown (they are bugs, not outcomes). */
export async function concurrently(calls: Array<() => Promise<unknown>>): Promise<Outcome> {
  const settled = await Promise.allSettled(calls.map((c) => c()));
  const out: Outcome = { ok: [], codes: [] };
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') out.ok.push(i);
    else if (isKamenError(r.reason)) out.codes.push(r.reason.code);
    else throw r.reason;
  });
  return out;
}

/** Tags as a sorted `key=value` list, for order-free comparison. */
export function tagSet(tags: Array<{ Key: string; Value: string }> | undefined): string[] {
  return (tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort();
}
