/** DescribeRegions and DescribeAvailabilityZones from the region table in data/regions.json. */
import { KamenError } from '../../errors.js';
import type { Operation } from '../types.js';
import regionData from './data/regions.json' with { type: 'json' };
import { compileFilters, type Ec2Filter, type FilterTable } from './filters.js';

interface RegionRow {
  RegionName: string;
  OptInStatus: 'opt-in-not-required' | 'opted-in' | 'not-opted-in';
  Zones: string[][]; // [suffix, zoneId]
}

export interface Region {
  RegionName: string;
  Endpoint: string;
  OptInStatus: string;
}

export interface AvailabilityZone {
  OptInStatus: string;
  Messages: unknown[];
  RegionName: string;
  ZoneName: string;
  ZoneId: string;
  GroupName: string;
  NetworkBorderGroup: string;
  ZoneType: string;
  State: string;
}

const ROWS = regionData as RegionRow[];

/** Every commercial region kamen knows, in table order. */
export const REGIONS: readonly Region[] = ROWS.map((r) => ({ RegionName: r.RegionName, Endpoint: `ec2.${r.RegionName}.amazonaws.com`, OptInStatus: r.OptInStatus }));

const REGION_BY_NAME = new Map(REGIONS.map((r) => [r.RegionName, r]));

/** The availability zones of each region. */
export const ZONES: ReadonlyMap<string, readonly AvailabilityZone[]> = new Map(
  ROWS.map((r) => [
    r.RegionName,
    r.Zones.map(([suffix, zoneId]) => ({
      OptInStatus: 'opt-in-not-required',
      Messages: [],
      RegionName: r.RegionName,
      ZoneName: r.RegionName + suffix,
      ZoneId: zoneId!,
      GroupName: `${r.RegionName}-zg-1`,
      NetworkBorderGroup: r.RegionName,
      ZoneType: 'availability-zone',
      State: 'available',
    })),
  ]),
);

/** True when `name` is a region kamen knows. */
export function isKnownRegion(name: string): boolean {
  return REGION_BY_NAME.has(name);
}

const REGION_FILTERS: FilterTable<Region> = {
  'region-name': (r) => [r.RegionName],
  endpoint: (r) => [r.Endpoint],
  'opt-in-status': (r) => [r.OptInStatus],
};

const ZONE_FILTERS: FilterTable<AvailabilityZone> = {
  'zone-name': (z) => [z.ZoneName],
  'zone-id': (z) => [z.ZoneId],
  'zone-type': (z) => [z.ZoneType],
  state: (z) => [z.State],
  'region-name': (z) => [z.RegionName],
  'group-name': (z) => [z.GroupName],
  'group-long-name': () => [],
  'opt-in-status': (z) => [z.OptInStatus],
  'network-border-group': (z) => [z.NetworkBorderGroup],
  message: () => [],
  'parent-zone-id': () => [],
  'parent-zone-name': () => [],
};

/** DescribeRegions: enabled regions, or every region with AllRegions. */
export const describeRegions = (): Operation => async (_ctx, input: { Filters?: Ec2Filter[]; RegionNames?: string[]; AllRegions?: boolean }) => {
  const match = compileFilters(input.Filters, REGION_FILTERS);
  let list: readonly Region[] = REGIONS;
  if (input.RegionNames?.length) {
    for (const n of input.RegionNames) if (!REGION_BY_NAME.has(n)) throw new KamenError('ERR_INVALID_PARAMETER_VALUE', `Invalid region: [${n}]`);
    const wanted = new Set(input.RegionNames);
    list = list.filter((r) => wanted.has(r.RegionName));
  } else if (!input.AllRegions) {
    list = list.filter((r) => r.OptInStatus !== 'not-opted-in');
  }
  return { Regions: list.filter(match).map((r) => ({ ...r })) };
};

/** DescribeAvailabilityZones for the request's region (ZoneNames / ZoneIds / Filters / AllAvailabilityZones). */
export const describeAvailabilityZones = (): Operation => async (
  ctx,
  input: { Filters?: Ec2Filter[]; ZoneNames?: string[]; ZoneIds?: string[]; AllAvailabilityZones?: boolean },
) => {
  const match = compileFilters(input.Filters, ZONE_FILTERS);
  const zones = ZONES.get(ctx.region) ?? [];
  let list = zones;
  if (input.ZoneNames?.length) {
    for (const n of input.ZoneNames) {
      if (!zones.some((z) => z.ZoneName === n)) throw new KamenError('ERR_INVALID_PARAMETER_VALUE', `Invalid availability zone: [${n}]`);
    }
    list = list.filter((z) => input.ZoneNames!.includes(z.ZoneName));
  }
  if (input.ZoneIds?.length) {
    for (const n of input.ZoneIds) {
      if (!zones.some((z) => z.ZoneId === n)) throw new KamenError('ERR_INVALID_PARAMETER_VALUE', `Invalid availability zone ID: [${n}]`);
    }
    list = list.filter((z) => input.ZoneIds!.includes(z.ZoneId));
  }
  return { AvailabilityZones: list.filter(match).map((z) => ({ ...z, Messages: [] })) };
};
