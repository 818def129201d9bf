/** Access-key "last used" tracking for long-term keys, throttled so the request path rarely writes (one write per key a minute). */
import type { Clock } from '../clock.js';
import type { Caller } from '../services/types.js';
import type { Store } from '../store/store.js';

/** Returns noteKeyUsed(caller, service, region): records AccessKeyLastUsed in the background, at most once per `intervalMs` per key. */
export function createKeyUsageRecorder(store: Store, clock: Clock, opts: { intervalMs?: number; max?: number; onError?: (err: unknown) => void } = {}): (caller: Caller, service: string, region: string) => void {
  const interval = opts.intervalMs ?? 60_000;
  const max = opts.max ?? 10_000;
  const last = new Map<string, { at: number; service: string; region: string }>();
  return (caller, service, region) => {
    if (!caller.accessKeyId.startsWith('AKIA')) return;
    const now = clock.now();
    const prev = last.get(caller.accessKeyId);
    if (prev && now - prev.at < interval && prev.service === service && prev.region === region) return;
    last.delete(caller.accessKeyId);
    last.set(caller.accessKeyId, { at: now, service, region });
    if (last.size > max) last.delete(last.keys().next().value as string);
    store.updateAccessKey(caller.accessKeyId, { lastUsed: { date: new Date(now), serviceName: service, region } }).catch((err) => opts.onError?.(err));
  };
}
