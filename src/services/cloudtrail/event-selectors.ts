/** PutEventSelectors, GetEventSelectors: which management events a trail delivers (data events are not recorded). */
import type { OperationContext } from '../types.js';
import { ctError } from './errors.js';
import { findOwnTrail, findTrail } from './trail-ref.js';

interface EventSelector {
  ReadWriteType?: string;
  IncludeManagementEvents?: boolean;
  DataResources?: unknown[];
  ExcludeManagementEventSources?: string[];
}

const DEFAULT: EventSelector[] = [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }];

/** The PutEventSelectors operation (one to five basic selectors). */
export function putEventSelectors() {
  return async (ctx: OperationContext, input: { TrailName: string; EventSelectors?: EventSelector[]; AdvancedEventSelectors?: unknown[] }) => {
    if (input.AdvancedEventSelectors !== undefined) throw ctError('UnsupportedOperationException', 'Advanced event selectors are not supported.');
    const selectors = input.EventSelectors;
    if (!selectors || selectors.length === 0 || selectors.length > 5) {
      throw ctError('InvalidEventSelectorsException', 'You can specify from 1 to 5 event selectors for a trail.');
    }
    const normal = selectors.map((s) => ({ ReadWriteType: s.ReadWriteType ?? 'All', IncludeManagementEvents: s.IncludeManagementEvents ?? true, DataResources: s.DataResources ?? [], ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [] }));
    return ctx.store.transaction(async () => {
      const t = await findOwnTrail(ctx, input.TrailName);
      await ctx.store.putTrail({ ...t, eventSelectors: JSON.stringify(normal) });
      return { TrailARN: t.arn, EventSelectors: normal };
    });
  };
}

/** The GetEventSelectors operation. */
export function getEventSelectors() {
  return async (ctx: OperationContext, input: { TrailName: string }) => {
    const t = await findTrail(ctx, input.TrailName);
    return { TrailARN: t.arn, EventSelectors: t.eventSelectors ? (JSON.parse(t.eventSelectors) as EventSelector[]) : DEFAULT };
  };
}
