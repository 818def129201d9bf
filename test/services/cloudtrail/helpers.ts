/** Trail test helpers: a bucket with the policy the CloudTrail User Guide gives, straight into the store. */
import type { Store } from '../../../src/store/store.js';

/** The bucket policy CloudTrail requires for a trail (GetBucketAcl on the bucket, PutObject under AWSLogs/<folder>/). */
export function cloudTrailBucketPolicy(bucket: string, folders: string[], prefix?: string): string {
  const p = prefix ? `${prefix}/` : '';
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
      {
        Sid: 'AWSCloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: folders.map((f) => `arn:aws:s3:::${bucket}/${p}AWSLogs/${f}/*`),
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ],
  });
}

/** Creates a bucket owned by `accountId`, with `policy` when given. */
export async function bucket(store: Store, name: string, accountId: string, policy?: string): Promise<void> {
  await store.createS3Bucket({ name, accountId, region: 'us-east-1', createdAt: new Date(0) });
  if (policy) await store.setS3BucketPolicy(name, policy);
}
