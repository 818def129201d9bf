/** Test helpers for the IAM operations: an in-memory store, a frozen clock, callers, and a call() wrapper. */
import assert from 'node:assert/strict';
import { frozenClock } from '../../../src/clock.js';
import { isKamenError, type ErrorCode } from '../../../src/errors.js';
import { createIamService, loadManagedPolicyCatalog } from '../../../src/services/iam/index.js';
import type { Caller, OperationContext, ServiceDefinition } from '../../../src/services/types.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { readVectors } from '../../helpers/paths.js';

export const ACCT = '123456789012';
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** One catalog for the whole test process (it is read-only). */
export const catalog = loadManagedPolicyCatalog();

export const docs = readVectors<Record<string, string>>('iam', 'documents.json');
const messages = readVectors<Record<string, string>>('iam', 'errors.json');

/** The expected AWS message with {name}/{arn} filled in. */
export function msg(key: string, vars: Record<string, string> = {}): string {
  const t = messages[key];
  assert.ok(t, `no message vector ${key}`);
  return t.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

export function rootCaller(accountId = ACCT): Caller {
  return { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId: 'AKIAROOTROOTROOTROOT' };
}
export function userCaller(userName: string, accountId = ACCT): Caller {
  return { kind: 'user', accountId, arn: `arn:aws:iam::${accountId}:user/${userName}`, userId: 'AIDAEXAMPLE', accessKeyId: 'AKIAUSERUSERUSERUSER', userName };
}
export function roleCaller(accountId = ACCT): Caller {
  return {
    kind: 'assumed-role',
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/R/s`,
    userId: 'AROAEXAMPLE:s',
    accessKeyId: 'ASIAEXAMPLE',
    session: { sourceArn: `arn:aws:iam::${accountId}:role/R`, issuedAt: new Date(T0).toISOString(), mfaAuthenticated: false },
  };
}

export interface Env {
  store: Store;
  clock: ReturnType<typeof frozenClock>;
  iam: ServiceDefinition;
  /** Calls an operation as `caller` (root by default). */
  call(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<any>;
  /** Asserts the operation fails with `code` and exactly `message`. */
  fails(op: string, input: Record<string, unknown>, code: ErrorCode, message?: string, caller?: Caller): Promise<void>;
  close(): Promise<void>;
}

/** A fresh in-memory environment. */
export async function env(): Promise<Env> {
  const store = await openStore({ dataDir: ':memory:' });
  const clock = frozenClock(T0);
  const iam = createIamService({ managedPolicies: catalog });
  const ctxFor = (caller: Caller): OperationContext => ({
    requestId: 'req',
    caller,
    store,
    clock,
    region: 'us-east-1',
    sourceIp: '127.0.0.1',
    secureTransport: true,
    deps: {},
  });
  const call = async (op: string, input: Record<string, unknown> = {}, caller: Caller = rootCaller()) => {
    const fn = iam.operations[op];
    assert.ok(fn, `operation ${op} missing`);
    return fn(ctxFor(caller), input);
  };
  return {
    store,
    clock,
    iam,
    call,
    fails: async (op, input, code, message, caller) => {
      await assert.rejects(call(op, input, caller), (err: unknown) => {
        assert.ok(isKamenError(err), `expected KamenError, got ${String(err)}`);
        assert.equal(err.code, code, `code (message: ${err.message})`);
        if (message !== undefined) assert.equal(err.message, message);
        return true;
      });
    },
    close: () => store.close(),
  };
}
