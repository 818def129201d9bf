/** S3 wire facts the model does not carry: the XML root names of answers, and which operations stream their body. */

/** Operations whose request body is object data, handed to the operation as a stream. */
export const STREAMING_OPERATIONS: ReadonlySet<string> = new Set(['PutObject', 'UploadPart']);

/** The root element of each answer whose body is the output's unbound members. */
export const ROOT_NAMES: Readonly<Record<string, string>> = {
  ListBuckets: 'ListAllMyBucketsResult',
  ListObjects: 'ListBucketResult',
  ListObjectsV2: 'ListBucketResult',
  DeleteObjects: 'DeleteResult',
  CreateMultipartUpload: 'InitiateMultipartUploadResult',
  CompleteMultipartUpload: 'CompleteMultipartUploadResult',
  ListParts: 'ListPartsResult',
  ListMultipartUploads: 'ListMultipartUploadsResult',
  ListObjectVersions: 'ListVersionsResult',
  GetBucketTagging: 'Tagging',
  GetObjectTagging: 'Tagging',
  GetBucketVersioning: 'VersioningConfiguration',
  GetBucketAcl: 'AccessControlPolicy',
  GetObjectAcl: 'AccessControlPolicy',
};
