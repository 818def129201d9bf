/** The S3 service: its operations and the front door the HTTP server hands S3 requests (with their body stream) to. */
import type http from 'node:http';
import { createOperationResolver, loadRestModel } from '../../protocol/rest-xml/index.js';
import type { S3Operation } from './context.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './buckets.js';
import { deleteObject, getObject, headObject, putObject } from './objects.js';
import { listObjects, listObjectsV2 } from './list-objects.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart } from './multipart.js';
import { deleteObjects } from './delete-objects.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './acl.js';
import { deleteBucketOwnershipControls, getBucketOwnershipControls, putBucketOwnershipControls } from './ownership.js';
import { deletePublicAccessBlock, getPublicAccessBlock, putPublicAccessBlock } from './public-access-block.js';
import { deleteBucketTagging, deleteObjectTagging, getBucketTagging, getObjectTagging, putBucketTagging, putObjectTagging } from './tagging.js';
import { copyObject } from './copy-object.js';
import { getBucketVersioning, listObjectVersions, putBucketVersioning } from './versioning.js';
import { uploadPartCopy } from './upload-part-copy.js';
import { deleteBucketPolicy, getBucketPolicy, getBucketPolicyStatus, putBucketPolicy } from './bucket-policy.js';
import { handleS3Request, type S3ConnectionFacts, type S3FrontDeps } from './front.js';

export { s3Host } from './addressing.js';
export type { S3ConnectionFacts } from './front.js';

/** The operations kamen implements; every other operation of the model answers NotImplemented. */
export const S3_OPERATIONS: Readonly<Record<string, S3Operation>> = {
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  ListBuckets: listBuckets,
  GetBucketLocation: getBucketLocation,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  CopyObject: copyObject,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  PutBucketPolicy: putBucketPolicy,
  GetBucketPolicy: getBucketPolicy,
  DeleteBucketPolicy: deleteBucketPolicy,
  GetBucketPolicyStatus: getBucketPolicyStatus,
  GetBucketAcl: getBucketAcl,
  GetObjectAcl: getObjectAcl,
  GetBucketOwnershipControls: getBucketOwnershipControls,
  // bucket configuration: Block Public Access, ownership and ACLs, tagging
  PutBucketOwnershipControls: putBucketOwnershipControls,
  DeleteBucketOwnershipControls: deleteBucketOwnershipControls,
  PutBucketAcl: putBucketAcl,
  PutObjectAcl: putObjectAcl,
  GetPublicAccessBlock: getPublicAccessBlock,
  PutPublicAccessBlock: putPublicAccessBlock,
  DeletePublicAccessBlock: deletePublicAccessBlock,
  GetBucketTagging: getBucketTagging,
  PutBucketTagging: putBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  GetObjectTagging: getObjectTagging,
  PutObjectTagging: putObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
  UploadPartCopy: uploadPartCopy,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  ListObjectVersions: listObjectVersions,
};

/** Handles one S3 request end to end (the body is read from `req` as the operation needs it). */
export type S3Handler = (req: http.IncomingMessage, res: http.ServerResponse, conn: S3ConnectionFacts) => void;

/** Builds the S3 front door (loads the model once). */
export function createS3Handler(deps: Omit<S3FrontDeps, 'model' | 'resolver' | 'operations'>): S3Handler {
  const model = loadRestModel('s3');
  const full: S3FrontDeps = { ...deps, model, resolver: createOperationResolver(model), operations: S3_OPERATIONS };
  return (req, res, conn) => {
    void handleS3Request(full, req, res, conn);
  };
}
