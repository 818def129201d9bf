/** A stored trail as CloudTrail's Trail shape (DescribeTrails, GetTrail) and as the Create/UpdateTrail response. */
import type { TrailRecord } from '../../store/store.js';

/** The members CreateTrail and UpdateTrail answer. */
export function trailResponse(t: TrailRecord): Record<string, unknown> {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    ...(t.s3KeyPrefix !== undefined ? { S3KeyPrefix: t.s3KeyPrefix } : {}),
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidationEnabled,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

/** The Trail structure. */
export function trailShape(t: TrailRecord): Record<string, unknown> {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    ...(t.s3KeyPrefix !== undefined ? { S3KeyPrefix: t.s3KeyPrefix } : {}),
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    HomeRegion: t.homeRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidationEnabled,
    HasCustomEventSelectors: t.eventSelectors !== undefined,
    HasInsightSelectors: false,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}
