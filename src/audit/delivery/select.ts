/** Which stored events a trail delivers, and into which (account, region) log file each goes. */
import type { StoredEvent, TrailRecord } from '../../store/store.js';

/** Event sources CloudTrail counts as global service events (IncludeGlobalServiceEvents). */
const GLOBAL_SOURCES: ReadonlySet<string> = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com', 'signin.amazonaws.com', 'cloudfront.amazonaws.com']);

/** A stored event with the record fields selection needs. */
export interface DeliverableEvent {
  event: StoredEvent;
  region: string;
  managementEvent: boolean;
}

/** Reads the record's region (and management flag) once. */
export function deliverable(event: StoredEvent): DeliverableEvent {
  let region = 'us-east-1';
  let managementEvent = true;
  try {
    const r = JSON.parse(event.record) as { awsRegion?: unknown; managementEvent?: unknown };
    if (typeof r.awsRegion === 'string') region = r.awsRegion;
    if (r.managementEvent === false) managementEvent = false;
  } catch {
    // A record that is not JSON is still delivered as stored, in the default region.
  }
  return { event, region, managementEvent };
}

/** The selectors of PutEventSelectors that kamen applies (management events: read/write type, on or off). */
interface Selector {
  ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  IncludeManagementEvents?: boolean;
}

/** True when the trail's event selectors let a management event through (no selectors: all of them). */
function selected(trail: TrailRecord, e: DeliverableEvent): boolean {
  if (!trail.eventSelectors) return true;
  let selectors: Selector[];
  try {
    selectors = JSON.parse(trail.eventSelectors) as Selector[];
  } catch {
    return true;
  }
  return selectors.some((s) => {
    if (e.managementEvent && s.IncludeManagementEvents === false) return false;
    const rw = s.ReadWriteType ?? 'All';
    return rw === 'All' || (rw === 'ReadOnly') === e.event.readOnly;
  });
}

/**
 * The region folder an event goes to for `trail`, or undefined when the trail does not deliver it: the trail's
 * account (organization trails: every account of `orgAccounts`), its region (multi-region trails: every region),
 * global service events only with IncludeGlobalServiceEvents, and the trail's event selectors.
 */
export function regionFor(trail: TrailRecord, e: DeliverableEvent, orgAccounts: ReadonlySet<string> | undefined): string | undefined {
  const accountOk = e.event.accountId === trail.accountId || (trail.isOrganizationTrail && orgAccounts?.has(e.event.accountId) === true);
  if (!accountOk) return undefined;
  const global = GLOBAL_SOURCES.has(e.event.eventSource);
  if (global && !trail.includeGlobalServiceEvents) return undefined;
  if (!trail.isMultiRegionTrail && !global && e.region !== trail.homeRegion) return undefined;
  if (!selected(trail, e)) return undefined;
  return trail.isMultiRegionTrail ? e.region : trail.homeRegion;
}
