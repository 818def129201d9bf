/**
 * A trail as a request names it (a name, or a trail ARN), CloudTrail's trail name rules, and finding the trail the
 * caller may see: its own trails of the calling region, its multi-region trails from any region (shadow trails), and
 * its organization's organization trails.
 */
import { TRAIL_ARN, inOrganizationOf } from '../../authz/organization-trail.js';
import type { TrailRecord } from '../../store/store.js';
import type { OperationContext } from '../types.js';
import { ctError, trailNotFound } from './errors.js';

/** The trail ARN of a name in an account and region. */
export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/** Throws InvalidTrailNameException unless `name` follows CloudTrail's trail name rules. */
export function checkTrailName(name: string): void {
  if (name.length < 3) throw ctError('InvalidTrailNameException', `Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`);
  if (name.length > 128) throw ctError('InvalidTrailNameException', `Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`);
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw ctError('InvalidTrailNameException', 'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).');
  if (!/^[A-Za-z0-9]/.test(name)) throw ctError('InvalidTrailNameException', 'Trail name must starts with a letter or number.');
  if (!/[A-Za-z0-9]$/.test(name)) throw ctError('InvalidTrailNameException', 'Trail name must ends with a letter or number.');
  if (/[._-]{2}/.test(name)) throw ctError('InvalidTrailNameException', 'Trail name cannot contain consecutive special characters.');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) throw ctError('InvalidTrailNameException', 'Trail name cannot be in the format of an IP address.');
}

/** What a Name member designates. */
export interface TrailRef {
  accountId: string;
  region: string;
  name: string;
  /** The ARN the caller gave, or the one the name makes in the caller's account and region. */
  arn: string;
  byArn: boolean;
}

/** Parses a Name member (name or ARN); a malformed ARN is CloudTrailARNInvalidException, a bad name InvalidTrailNameException. */
export function parseTrailRef(ctx: OperationContext, nameOrArn: string): TrailRef {
  if (nameOrArn.startsWith('arn:')) {
    const m = TRAIL_ARN.exec(nameOrArn);
    if (!m) throw ctError('CloudTrailARNInvalidException', `Invalid trail ARN: ${nameOrArn}`);
    checkTrailName(m[3]!);
    return { region: m[1]!, accountId: m[2]!, name: m[3]!, arn: nameOrArn, byArn: true };
  }
  checkTrailName(nameOrArn);
  return { region: ctx.region, accountId: ctx.caller.accountId, name: nameOrArn, arn: trailArn(ctx.region, ctx.caller.accountId, nameOrArn), byArn: false };
}

/** True when the caller sees `trail` from its region: its own trail of this region, a multi-region one, or its organization's trail. */
export async function visibleTo(ctx: OperationContext, trail: TrailRecord): Promise<boolean> {
  const regionOk = trail.homeRegion === ctx.region || trail.isMultiRegionTrail;
  if (!regionOk) return false;
  if (trail.accountId === ctx.caller.accountId) return true;
  return trail.isOrganizationTrail && (await inOrganizationOf(ctx.store, trail, ctx.caller.accountId));
}

/** The trail a Name member designates, if the caller sees it; else TrailNotFoundException. */
export async function findTrail(ctx: OperationContext, nameOrArn: string): Promise<TrailRecord> {
  const ref = parseTrailRef(ctx, nameOrArn);
  let trail = await ctx.store.getTrail(ref.accountId, ref.region, ref.name);
  if (!trail && !ref.byArn) {
    // A name also finds the account's multi-region trail of that name created in another region.
    trail = (await ctx.store.listTrails(ctx.caller.accountId)).find((t) => t.name === ref.name && t.isMultiRegionTrail);
  }
  if (!trail || !(await visibleTo(ctx, trail))) throw trailNotFound(ref.arn, ctx.caller.accountId);
  return trail;
}

/** The trail a mutating call names: the caller's own, called in its home region (else InvalidHomeRegionException). */
export async function findOwnTrail(ctx: OperationContext, nameOrArn: string): Promise<TrailRecord> {
  const trail = await findTrail(ctx, nameOrArn);
  if (trail.accountId !== ctx.caller.accountId) throw trailNotFound(trail.arn, ctx.caller.accountId);
  if (trail.homeRegion !== ctx.region) {
    throw ctError('InvalidHomeRegionException', `This operation must be called from the region in which the trail was created. Trail ${trail.name} was created in ${trail.homeRegion}.`);
  }
  return trail;
}
