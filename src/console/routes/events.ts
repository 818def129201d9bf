/**
 * Event history (CloudTrail console style): one page of cloudtrail:LookupEvents as the signed-in identity, in the
 * region chosen (LookupEvents answers one region's history; global services' events are us-east-1's), with one
 * lookup attribute, a relative or absolute time range and the NextToken to the next page; and the region list the
 * console's region selector offers.
 */
import { REGIONS as REGION_TABLE } from '../../services/ec2/regions.js';
import { ConsoleError, type ConsoleDeps, type Route, type RouteContext } from '../http.js';

/** The regions kamen serves (the EC2 region table), in its order; the console's region selector lists them. */
export const REGIONS: readonly string[] = REGION_TABLE.map((r) => r.RegionName);
const REGION_SET: ReadonlySet<string> = new Set(REGIONS);

/** The region the console starts in (and the one global services' events are recorded in). */
export const DEFAULT_REGION = 'us-east-1';

/** The page's `region` (the default when absent); a region kamen does not serve is a 400. */
export function regionParam(ctx: RouteContext): string {
  const region = ctx.query.get('region') || DEFAULT_REGION;
  if (!REGION_SET.has(region)) throw new ConsoleError(400, 'ValidationError', `region must be one of ${REGIONS.join(', ')}`);
  return region;
}

/** The lookup attributes AWS's Event history filter offers (LookupAttribute AttributeKey values). */
export const LOOKUP_KEYS: ReadonlySet<string> = new Set(['EventName', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'ReadOnly', 'AccessKeyId', 'EventId']);

/** Relative ranges the page offers, in milliseconds back from the server's clock. */
const RANGES: Readonly<Record<string, number>> = { '1h': 3_600_000, '3h': 10_800_000, '12h': 43_200_000, '1d': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000, '90d': 7_776_000_000 };

function timeParam(ctx: RouteContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  if (!v) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new ConsoleError(400, 'ValidationError', `${name} is not a date and time`);
  return ms;
}

/** The LookupEvents input for a page request (`key`/`value`, `range` or `start`/`end`, `maxResults`, `token`). */
export function lookupInput(ctx: RouteContext, nowMs: number): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const key = ctx.query.get('key') ?? '';
  const value = ctx.query.get('value') ?? '';
  if (key && value) {
    if (!LOOKUP_KEYS.has(key)) throw new ConsoleError(400, 'ValidationError', `key must be one of ${[...LOOKUP_KEYS].join(', ')}`);
    input['LookupAttributes'] = [{ AttributeKey: key, AttributeValue: value }];
  }
  const range = ctx.query.get('range') ?? '';
  if (range) {
    const back = RANGES[range];
    if (back === undefined) throw new ConsoleError(400, 'ValidationError', `range must be one of ${Object.keys(RANGES).join(', ')}`);
    input['StartTime'] = (nowMs - back) / 1000;
  } else {
    const start = timeParam(ctx, 'start');
    const end = timeParam(ctx, 'end');
    if (start !== undefined) input['StartTime'] = start / 1000;
    if (end !== undefined) input['EndTime'] = end / 1000;
  }
  const max = ctx.query.get('maxResults');
  if (max) input['MaxResults'] = Number(max);
  const token = ctx.query.get('token');
  if (token) input['NextToken'] = token;
  return input;
}

/** The event-history routes. */
export function eventRoutes(deps: ConsoleDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/events',
      auth: true,
      handler: async (ctx) => {
        const region = regionParam(ctx);
        const out = await ctx.api('cloudtrail', 'LookupEvents', lookupInput(ctx, deps.clock.now()), { region });
        return { region, events: out['Events'] ?? [], nextToken: out['NextToken'] ?? null };
      },
    },
    {
      method: 'GET',
      path: '/regions',
      auth: true,
      handler: async () => ({ regions: REGIONS, default: DEFAULT_REGION }),
    },
  ];
}
