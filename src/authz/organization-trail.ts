/**
 * Organization trails as member accounts see them: a trail the management account created for the whole organization
 * is visible to every member, which reads it (GetTrail, GetTrailStatus, GetEventSelectors) with its own identity
 * policies, though the trail's ARN names the management account. Changing it stays the management account's.
 */
import type { Caller } from '../services/types.js';
import type { Store, TrailRecord } from '../store/store.js';

/** The CloudTrail operations a member account may call on its organization's trails. */
const MEMBER_READS: ReadonlySet<string> = new Set(['GetTrail', 'GetTrailStatus', 'GetEventSelectors']);
/** A trail ARN: its region, account and name (the CloudTrail service reads Name members by it too). */
export const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

/** True when `accountId` belongs to the organization whose management account owns `trail`. */
export async function inOrganizationOf(store: Store, trail: Pick<TrailRecord, 'accountId'>, accountId: string): Promise<boolean> {
  const org = await store.getOrganization();
  if (!org || org.managementAccountId !== trail.accountId) return false;
  return (await store.getAccount(accountId)) !== undefined;
}

/**
 * True when `operation` reads, as `caller`, an organization trail of another account that the caller's organization
 * shares with it: the request is then decided on the caller's identity side, like a call on its own trail.
 */
export async function readsOrganizationTrail(store: Store, operation: string, resource: string, caller: Caller): Promise<boolean> {
  if (!MEMBER_READS.has(operation)) return false;
  const m = TRAIL_ARN.exec(resource);
  if (!m || m[2] === caller.accountId) return false;
  const trail = await store.getTrail(m[2]!, m[1]!, m[3]!);
  return trail !== undefined && trail.isOrganizationTrail && (await inOrganizationOf(store, trail, caller.accountId));
}
