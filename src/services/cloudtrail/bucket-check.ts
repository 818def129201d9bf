/** The S3 checks CreateTrail and UpdateTrail make: bucket name, key prefix, the bucket exists, its policy lets CloudTrail in. */
import { bucketAllowsCloudTrail } from '../../audit/delivery/bucket-access.js';
import type { Store } from '../../store/store.js';
import { ctError } from './errors.js';

/** Throws InvalidS3PrefixException for a prefix CloudTrail refuses. */
export function checkPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && prefix.length > 200) throw ctError('InvalidS3PrefixException', 'S3 prefix is longer than 200 characters.');
}

/** Throws CloudTrail's error when the trail cannot deliver to `bucketName` under `prefix`. */
export async function checkBucket(store: Store, t: { bucketName: string; prefix?: string; trailArn: string; accountId: string; orgId?: string }): Promise<void> {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(t.bucketName)) throw ctError('InvalidS3BucketNameException', `Bucket name is not valid: ${t.bucketName}`);
  const bucket = await store.getS3Bucket(t.bucketName);
  if (!bucket) throw ctError('S3BucketDoesNotExistException', `S3 bucket ${t.bucketName} does not exist.`);
  const target = { trailArn: t.trailArn, accountId: t.accountId, ...(t.prefix ? { prefix: t.prefix } : {}), ...(t.orgId ? { orgId: t.orgId } : {}) };
  if (!bucketAllowsCloudTrail(bucket, target)) throw ctError('InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${t.bucketName}`);
}
