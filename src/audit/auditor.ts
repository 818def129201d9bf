/**
 * The audit step of the request path: runs an operation and records its event. A call that may change a resource runs
 * in one store transaction with the write of its event, so a change is never stored without its record nor a record
 * without its change; read-only calls (STS's credential-issuing calls among them, as CloudTrail classes them) and
 * failures are queued to the sink and stored in the next group-committed batch.
 */
import { KamenError } from '../errors.js';
import { wireError, type WireProtocol } from '../protocol/wire-errors.js';
import type { Store } from '../store/store.js';
import { changesState } from './record.js';
import type { EventSink } from './sink.js';
import type { CallFacts } from './types.js';

/** What the pipeline calls to audit. */
export interface Auditor {
  sink: EventSink;
  /** Runs `run` and records the call (in one transaction with its changes when it may change state); rethrows failures after recording them. */
  invoke<T>(facts: CallFacts, protocol: WireProtocol, run: () => Promise<T>): Promise<T>;
  /**
   * True when the call may change state, so it must run through `invoke` (its event commits with its changes). A
   * read-only call may instead be run by the caller, which then reports its answer with `answered` (or its failure
   * with `failed`): the request path saves invoke's wrapping on every read.
   */
  transactional(facts: CallFacts): boolean;
  /** Records a read-only call that answered `output`; a promise to await before answering when the store fell behind. */
  answered(facts: CallFacts, output: unknown): Promise<void> | undefined;
  /**
   * Records a failure that happened outside `invoke` (authorization, input validation), unless already recorded; a
   * promise to await before answering when the store fell behind (EventSink.enqueue).
   */
  failed(facts: CallFacts, protocol: WireProtocol, err: unknown): Promise<void> | undefined;
  /** Records a finished call (console sign-in, switch role) whose facts are complete; a promise as `failed` gives. */
  record(facts: CallFacts): Promise<void> | undefined;
}

/** The errorCode and errorMessage a failure is recorded with: the code the client saw on the wire. */
export function errorFacts(err: unknown, protocol: WireProtocol): { code: string; message: string } {
  if (err instanceof KamenError) return { code: wireError(err.code, protocol, err.extra).code, message: err.message };
  return { code: wireError('ERR_INTERNAL', protocol).code, message: 'An internal error occurred.' };
}

/** Builds the auditor over a store and its sink. */
export function createAuditor(store: Store, sink: EventSink): Auditor {
  const failed = (facts: CallFacts, protocol: WireProtocol, err: unknown): Promise<void> | undefined => {
    if (facts.recorded) return undefined;
    facts.recorded = true;
    facts.error = errorFacts(err, protocol);
    return sink.enqueue(facts);
  };
  const answered = (facts: CallFacts, output: unknown): Promise<void> | undefined => {
    facts.output = output;
    facts.recorded = true;
    // Reads, and STS calls that issue credentials (read-only in CloudTrail), are stored in the next group-committed
    // batch: waiting for the disk here would double the latency of every AssumeRole (unless the store fell behind).
    return sink.enqueue(facts);
  };
  return {
    sink,
    transactional: (facts) => changesState(facts.service, facts.operation),
    answered,
    async invoke(facts, protocol, run) {
      if (!changesState(facts.service, facts.operation)) {
        let out: Awaited<ReturnType<typeof run>>;
        try {
          out = await run();
        } catch (err) {
          failed(facts, protocol, err);
          throw err;
        }
        const behind = answered(facts, out);
        if (behind) await behind;
        return out;
      }
      try {
        const out = await store.transaction(async () => {
          const o = await run();
          facts.output = o;
          await sink.write(facts);
          return o;
        });
        facts.recorded = true;
        return out;
      } catch (err) {
        failed(facts, protocol, err);
        throw err;
      }
    },
    failed,
    record(facts) {
      facts.recorded = true;
      return sink.enqueue(facts);
    },
  };
}
