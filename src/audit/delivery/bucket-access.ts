/**
 * Whether a bucket's policy lets CloudTrail deliver a trail's files, as the CloudTrail User Guide requires: the
 * service principal cloudtrail.amazonaws.com may s3:GetBucketAcl on the bucket and s3:PutObject (with the
 * bucket-owner-full-control ACL) under `[prefix/]AWSLogs/<account>/` (organization trails: `AWSLogs/<org-id>/`),
 * judged by the policy engine with the trail's aws:SourceArn and aws:SourceAccount.
 */
import { authorize, buildRequestContext, compilePolicy } from '../../policy/index.js';
import type { S3BucketRecord } from '../../store/store.js';

const SERVICE = 'cloudtrail.amazonaws.com';

/** What CloudTrail writes for one trail into one bucket. */
export interface DeliveryTarget {
  trailArn: string;
  accountId: string;
  /** The S3 key prefix, without a trailing slash. */
  prefix?: string;
  /** Organization trails: the organization's ID (files go under AWSLogs/<org-id>/). */
  orgId?: string;
}

/** True when the bucket's policy allows the service principal both calls CloudTrail makes for `t`. */
export function bucketAllowsCloudTrail(bucket: S3BucketRecord, t: DeliveryTarget): boolean {
  if (!bucket.policy) return false;
  let policy;
  try {
    policy = compilePolicy(bucket.policy, { id: `bucket:${bucket.name}`, type: 'resource' });
  } catch {
    return false;
  }
  const folder = `${t.prefix ? `${t.prefix}/` : ''}AWSLogs/${t.orgId ?? t.accountId}/`;
  const check = (action: string, arn: string, extra: Record<string, string>): boolean =>
    authorize(
      buildRequestContext({
        principal: { kind: 'service', arn: SERVICE, service: SERVICE },
        action,
        resource: { arn, accountId: bucket.accountId },
        context: { 'aws:SourceArn': t.trailArn, 'aws:SourceAccount': t.accountId, ...extra },
      }),
      { identity: [], resource: policy },
    ).decision === 'Allow';
  return (
    check('s3:GetBucketAcl', `arn:aws:s3:::${bucket.name}`, {}) &&
    check('s3:PutObject', `arn:aws:s3:::${bucket.name}/${folder}${t.accountId}_CloudTrail_probe.json.gz`, { 's3:x-amz-acl': 'bucket-owner-full-control' })
  );
}
