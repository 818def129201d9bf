/** GetTrailStatus, StartLogging, StopLogging: whether a trail delivers, and how its deliveries went. */
import type { OperationContext } from '../types.js';
import { findOwnTrail, findTrail } from './trail-ref.js';
import { isoSecond } from '../../audit/delivery/names.js';

/** The GetTrailStatus operation. */
export function getTrailStatus() {
  return async (ctx: OperationContext, input: { Name: string }) => {
    const t = await findTrail(ctx, input.Name);
    const d = t.delivery;
    const attempt = d.lastDeliveryTime;
    // The *Attempt* and TimeLogging* members are strings, empty when there is nothing to report (as CloudTrail answers).
    return {
      IsLogging: t.isLogging,
      ...(d.lastDeliveryError ? { LatestDeliveryError: d.lastDeliveryError } : {}),
      ...(d.lastDeliveryTime ? { LatestDeliveryTime: d.lastDeliveryTime } : {}),
      ...(t.startLoggingTime ? { StartLoggingTime: t.startLoggingTime } : {}),
      ...(t.stopLoggingTime ? { StopLoggingTime: t.stopLoggingTime } : {}),
      ...(d.lastDigestDeliveryTime ? { LatestDigestDeliveryTime: d.lastDigestDeliveryTime } : {}),
      ...(d.lastDigestDeliveryError ? { LatestDigestDeliveryError: d.lastDigestDeliveryError } : {}),
      LatestDeliveryAttemptTime: attempt ? isoSecond(attempt.getTime()) : '',
      LatestNotificationAttemptTime: '',
      LatestNotificationAttemptSucceeded: '',
      LatestDeliveryAttemptSucceeded: attempt && !d.lastDeliveryError ? isoSecond(attempt.getTime()) : '',
      TimeLoggingStarted: t.startLoggingTime ? isoSecond(t.startLoggingTime.getTime()) : '',
      TimeLoggingStopped: t.stopLoggingTime ? isoSecond(t.stopLoggingTime.getTime()) : '',
    };
  };
}

/** The StartLogging operation: delivery starts with the events recorded from now on. */
export function startLogging() {
  return async (ctx: OperationContext, input: { Name: string }) =>
    ctx.store.transaction(async () => {
      const t = await findOwnTrail(ctx, input.Name);
      if (t.isLogging) return {};
      await ctx.store.putTrail({ ...t, isLogging: true, startLoggingTime: new Date(ctx.clock.now()), position: Math.max(t.position, await ctx.store.lastEventPosition()) });
      return {};
    });
}

/** The StopLogging operation: delivery stops and the digest chains end (a later start begins new ones). */
export function stopLogging() {
  return async (ctx: OperationContext, input: { Name: string }) =>
    ctx.store.transaction(async () => {
      const t = await findOwnTrail(ctx, input.Name);
      if (!t.isLogging) return {};
      await ctx.store.putTrail({ ...t, isLogging: false, stopLoggingTime: new Date(ctx.clock.now()), delivery: { ...t.delivery, chains: {} } });
      return {};
    });
}
