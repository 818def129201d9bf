/**
 * LookupEvents: one page of the calling account's event history in the region called, newest first, within the last 90 days, filtered by
 * at most one lookup attribute. `CloudTrailEvent` is the stored record as JSON text, as AWS returns it.
 */
import { createHash } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { EventLookupKey, EventQuery } from '../../store/store.js';
import type { OperationContext } from '../types.js';

/** How far back the event history reaches. */
export const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;
const DEFAULT_MAX_RESULTS = 50;

interface LookupEventsInput {
  LookupAttributes?: Array<{ AttributeKey: EventLookupKey; AttributeValue: string }>;
  StartTime?: Date;
  EndTime?: Date;
  EventCategory?: string;
  MaxResults?: number;
  NextToken?: string;
}

const invalid = (wireCode: string, message: string): KamenError => new KamenError('ERR_INVALID_INPUT', message, { wireCode });

/** The position a NextToken carries, bound to the query it continues (a token from another query is refused). */
interface Token {
  t: number;
  s: number;
  q: string;
}

function queryHash(accountId: string, region: string, attr: EventQuery['attribute'], startMs: number | undefined, endMs: number | undefined): string {
  return createHash('sha256').update(JSON.stringify([accountId, region, attr?.key, attr?.value, startMs, endMs])).digest('base64url').slice(0, 16);
}

function readToken(text: string, hash: string): { timeMs: number; seq: number } {
  let tok: Token | undefined;
  try {
    tok = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Token;
  } catch {
    tok = undefined;
  }
  if (!tok || typeof tok.t !== 'number' || typeof tok.s !== 'number' || tok.q !== hash) throw invalid('InvalidNextTokenException', 'Invalid NextToken.');
  return { timeMs: tok.t, seq: tok.s };
}

/** The LookupEvents operation. */
export function lookupEvents() {
  return async (ctx: OperationContext, input: LookupEventsInput) => {
    const attrs = input.LookupAttributes ?? [];
    if (attrs.length > 1) throw invalid('InvalidLookupAttributesException', 'You can specify only one lookup attribute.');
    const attr = attrs[0] ? { key: attrs[0].AttributeKey, value: attrs[0].AttributeValue } : undefined;
    if (attr?.key === 'ReadOnly' && attr.value !== 'true' && attr.value !== 'false') {
      throw invalid('InvalidLookupAttributesException', 'The value of the ReadOnly lookup attribute must be true or false.');
    }
    if (input.EventCategory !== undefined && input.EventCategory !== 'insight') throw invalid('InvalidEventCategoryException', 'Event category is not valid.');
    const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
    if (!Number.isInteger(max) || max < 1 || max > 50) throw invalid('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    const startIn = input.StartTime?.getTime();
    const endIn = input.EndTime?.getTime();
    if (startIn !== undefined && endIn !== undefined && startIn > endIn) throw invalid('InvalidTimeRangeException', 'Start time must be before end time.');
    const hash = queryHash(ctx.caller.accountId, ctx.region, attr, startIn, endIn);
    const after = input.NextToken !== undefined ? readToken(input.NextToken, hash) : undefined;
    // Insights events are not recorded: that category has none.
    if (input.EventCategory === 'insight') return { Events: [] };
    const now = ctx.clock.now();
    const q: EventQuery = {
      accountId: ctx.caller.accountId,
      // Event history is per region: the events recorded in the region this call was made in (global services': us-east-1).
      region: ctx.region,
      startMs: Math.max(startIn ?? 0, now - HISTORY_DAYS * DAY_MS),
      endMs: endIn ?? now,
      limit: max + 1,
      ...(attr ? { attribute: attr } : {}),
      ...(after ? { after } : {}),
    };
    const rows = q.startMs > q.endMs ? [] : await ctx.store.lookupEvents(q);
    const page = rows.slice(0, max);
    const last = page[page.length - 1];
    const out: { Events: unknown[]; NextToken?: string } = {
      Events: page.map((e) => ({
        EventId: e.eventId,
        EventName: e.eventName,
        ReadOnly: e.readOnly ? 'true' : 'false',
        ...(e.accessKeyId !== undefined ? { AccessKeyId: e.accessKeyId } : {}),
        EventTime: e.eventTime,
        EventSource: e.eventSource,
        ...(e.username !== undefined ? { Username: e.username } : {}),
        Resources: e.resources,
        CloudTrailEvent: e.record,
      })),
    };
    if (rows.length > max && last) out.NextToken = Buffer.from(JSON.stringify({ t: last.eventTime.getTime(), s: last.seq, q: hash } satisfies Token)).toString('base64url');
    return out;
  };
}
