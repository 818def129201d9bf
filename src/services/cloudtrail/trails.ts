/** CreateTrail, UpdateTrail, DeleteTrail: a trail's configuration, checked as CloudTrail checks it. */
import type { TrailRecord } from '../../store/store.js';
import type { OperationContext } from '../types.js';
import { checkBucket, checkPrefix } from './bucket-check.js';
import { ctError } from './errors.js';
import { organizationForTrail } from './organization-trail.js';
import { checkTrailName, findOwnTrail, trailArn } from './trail-ref.js';
import { trailResponse } from './trail-view.js';

/** Trails one account may have in one region. */
export const MAX_TRAILS_PER_REGION = 5;

interface TrailSettings {
  S3BucketName?: string;
  S3KeyPrefix?: string;
  SnsTopicName?: string;
  IncludeGlobalServiceEvents?: boolean;
  IsMultiRegionTrail?: boolean;
  EnableLogFileValidation?: boolean;
  IsOrganizationTrail?: boolean;
}

/** A multi-region trail must include global service events (InvalidParameterCombinationException otherwise). */
function checkCombination(t: Pick<TrailRecord, 'isMultiRegionTrail' | 'includeGlobalServiceEvents'>): void {
  if (t.isMultiRegionTrail && !t.includeGlobalServiceEvents) {
    throw ctError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.');
  }
}

/** The CreateTrail operation. */
export function createTrail() {
  return async (ctx: OperationContext, input: TrailSettings & { Name: string; S3BucketName: string }) => {
    checkTrailName(input.Name);
    checkPrefix(input.S3KeyPrefix);
    return ctx.store.transaction(async () => {
      const arn = trailArn(ctx.region, ctx.caller.accountId, input.Name);
      if (await ctx.store.getTrail(ctx.caller.accountId, ctx.region, input.Name)) {
        throw ctError('TrailAlreadyExistsException', `Trail ${input.Name} already exists for customer: ${ctx.caller.accountId}`);
      }
      const mine = (await ctx.store.listTrails(ctx.caller.accountId)).filter((t) => t.homeRegion === ctx.region);
      if (mine.length >= MAX_TRAILS_PER_REGION) {
        throw ctError('MaximumNumberOfTrailsExceededException', `User: ${ctx.caller.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`);
      }
      const orgId = input.IsOrganizationTrail ? await organizationForTrail(ctx) : undefined;
      const trail: TrailRecord = {
        accountId: ctx.caller.accountId,
        homeRegion: ctx.region,
        name: input.Name,
        arn,
        s3BucketName: input.S3BucketName,
        ...(input.S3KeyPrefix ? { s3KeyPrefix: input.S3KeyPrefix } : {}),
        ...(input.SnsTopicName ? { snsTopicName: input.SnsTopicName } : {}),
        includeGlobalServiceEvents: input.IncludeGlobalServiceEvents ?? true,
        isMultiRegionTrail: input.IsMultiRegionTrail ?? false,
        isOrganizationTrail: input.IsOrganizationTrail ?? false,
        logFileValidationEnabled: input.EnableLogFileValidation ?? false,
        isLogging: false,
        createdAt: new Date(ctx.clock.now()),
        position: await ctx.store.lastEventPosition(),
        delivery: { chains: {} },
      };
      checkCombination(trail);
      await checkBucket(ctx.store, { bucketName: trail.s3BucketName, ...(trail.s3KeyPrefix ? { prefix: trail.s3KeyPrefix } : {}), trailArn: arn, accountId: trail.accountId, ...(orgId ? { orgId } : {}) });
      await ctx.store.createTrail(trail);
      return trailResponse(trail);
    });
  };
}

/** The UpdateTrail operation: only the members given change; turning validation off ends the digest chains. */
export function updateTrail() {
  return async (ctx: OperationContext, input: TrailSettings & { Name: string }) => {
    checkPrefix(input.S3KeyPrefix);
    return ctx.store.transaction(async () => {
      const t = await findOwnTrail(ctx, input.Name);
      const next: TrailRecord = { ...t, delivery: { ...t.delivery } };
      if (input.S3BucketName !== undefined) next.s3BucketName = input.S3BucketName;
      if (input.S3KeyPrefix !== undefined) {
        if (input.S3KeyPrefix === '') delete next.s3KeyPrefix;
        else next.s3KeyPrefix = input.S3KeyPrefix;
      }
      if (input.SnsTopicName !== undefined) {
        if (input.SnsTopicName === '') delete next.snsTopicName;
        else next.snsTopicName = input.SnsTopicName;
      }
      if (input.IncludeGlobalServiceEvents !== undefined) next.includeGlobalServiceEvents = input.IncludeGlobalServiceEvents;
      if (input.IsMultiRegionTrail !== undefined) next.isMultiRegionTrail = input.IsMultiRegionTrail;
      if (input.EnableLogFileValidation !== undefined) next.logFileValidationEnabled = input.EnableLogFileValidation;
      if (input.IsOrganizationTrail !== undefined) next.isOrganizationTrail = input.IsOrganizationTrail;
      checkCombination(next);
      const orgId = next.isOrganizationTrail ? await organizationForTrail(ctx) : undefined;
      if (input.S3BucketName !== undefined || input.S3KeyPrefix !== undefined || input.IsOrganizationTrail !== undefined) {
        await checkBucket(ctx.store, { bucketName: next.s3BucketName, ...(next.s3KeyPrefix ? { prefix: next.s3KeyPrefix } : {}), trailArn: next.arn, accountId: next.accountId, ...(orgId ? { orgId } : {}) });
      }
      if (!next.logFileValidationEnabled) next.delivery.chains = {};
      await ctx.store.putTrail(next);
      return trailResponse(next);
    });
  };
}

/** The DeleteTrail operation. */
export function deleteTrail() {
  return async (ctx: OperationContext, input: { Name: string }) =>
    ctx.store.transaction(async () => {
      const t = await findOwnTrail(ctx, input.Name);
      await ctx.store.deleteTrail(t.accountId, t.homeRegion, t.name);
      return {};
    });
}
