/** Replay: an assertion ID is accepted once per provider until its validity (plus the clock skew) ends. */
import type { FederationStore } from '../../store/store.js';
import { CLOCK_SKEW_MS } from './check-time.js';
import { malformed, replayed } from './errors.js';

/** Records the assertion ID as consumed, or throws when it was already used. */
export async function checkReplay(store: Pick<FederationStore, 'consumeSamlAssertion'>, providerArn: string, assertionId: string | null, end: number, now: number): Promise<void> {
  if (!assertionId) throw malformed();
  const fresh = await store.consumeSamlAssertion(providerArn, assertionId, new Date(end + CLOCK_SKEW_MS), new Date(now));
  if (!fresh) throw replayed();
}
