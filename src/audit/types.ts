/** The shapes of audit: a CloudTrail record, the facts of one call it is built from, and the stored event. */
import type { Caller, FederatedUserFacts } from '../services/types.js';
import type { StoredEvent } from '../store/store.js';

/** CloudTrail's userIdentity element. */
export interface UserIdentity {
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser' | 'AWSAccount' | 'SAMLUser' | 'WebIdentityUser' | 'Unknown';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: {
    sessionIssuer?: { type: 'Role' | 'IAMUser' | 'Root'; principalId: string; arn: string; accountId: string; userName?: string };
    attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
    sourceIdentity?: string;
  };
  invokedBy?: string;
  /** SAMLUser: the SAML provider's ARN; WebIdentityUser: the identity provider. */
  identityProvider?: string;
}

/** One CloudTrail record (event version 1.11), keys in CloudTrail's order. */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: Array<{ accountId?: string; type: string; ARN: string }>;
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn';
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  eventCategory: 'Management';
  tlsDetails?: { tlsVersion?: string; cipherSuite?: string; clientProvidedHostHeader?: string };
  sessionCredentialFromConsole?: 'true';
}

/** Everything about one call that its record is built from; filled in by the request path as it learns it. */
export interface CallFacts {
  requestId: string;
  /** Epoch ms when the request arrived. */
  eventTimeMs: number;
  /** The service's signing name (iam, sts, organizations, ec2, s3, cloudtrail, signin). */
  service: string;
  operation: string;
  region: string;
  sourceIp: string;
  userAgent: string;
  /** The Host header, when the request came over TLS (tlsDetails). */
  tlsHost?: string;
  /** The TLS protocol version and cipher suite, when known. */
  tlsVersion?: string;
  tlsCipher?: string;
  secureTransport: boolean;
  caller: Caller;
  input?: Record<string, unknown>;
  output?: unknown;
  error?: { code: string; message: string };
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn';
  /** Console sign-in facts (responseElements / additionalEventData). */
  responseElements?: Record<string, unknown>;
  additionalEventData?: Record<string, unknown>;
  /** Set once the call's event is written, so it is never written twice. */
  recorded?: boolean;
  /** requestParameters as the service records them, when not derived from `input` (S3's bucketName / Host). */
  requestParameters?: Record<string, unknown>;
  /** The record's resources element (S3 events name their bucket). */
  resources?: CloudTrailRecord['resources'];
  /** The call came from a console session (sessionCredentialFromConsole). */
  fromConsole?: boolean;
  /** An unsigned federation call that failed after its token was verified and its role found: who, in which account. */
  federated?: FederatedUserFacts;
}

/** A record together with the row it is stored as. */
export interface AuditEvent {
  record: CloudTrailRecord;
  stored: StoredEvent;
}
