/** The one table mapping kamen's ErrorCodes to each wire protocol's AWS error code, HTTP status and fault type. */
import type { ErrorCode } from '../errors.js';

export type WireProtocol = 'query' | 'ec2' | 'json';

/** How one ErrorCode appears on the wire. */
export interface WireError {
  code: string;
  status: number;
  type: 'Sender' | 'Receiver';
}

type Entry = WireError & { ec2?: Partial<WireError>; json?: Partial<WireError> };

function e(code: string, status: number, overrides: { ec2?: Partial<WireError>; json?: Partial<WireError> } = {}): Entry {
  return { code, status, type: status >= 500 ? 'Receiver' : 'Sender', ...overrides };
}

const TABLE: Record<ErrorCode, Entry> = {
  ERR_VALIDATION: e('ValidationError', 400, { ec2: { code: 'InvalidParameterValue' }, json: { code: 'InvalidInputException' } }),
  ERR_INVALID_ACTION: e('InvalidAction', 400, { json: { code: 'UnknownOperationException' } }),
  ERR_INVALID_PARAMETER_VALUE: e('InvalidParameterValue', 400, { json: { code: 'InvalidInputException' } }),
  ERR_INVALID_PARAMETER_COMBINATION: e('InvalidParameterCombination', 400, { json: { code: 'InvalidInputException' } }),
  ERR_MISSING_PARAMETER: e('MissingParameter', 400, { json: { code: 'InvalidInputException' } }),
  ERR_INVALID_INPUT: e('InvalidInput', 400, { ec2: { code: 'InvalidParameterValue' }, json: { code: 'InvalidInputException' } }),
  ERR_MALFORMED_QUERY_STRING: e('MalformedQueryString', 404),
  ERR_SERIALIZATION: e('SerializationException', 400),
  ERR_UNKNOWN_OPERATION: e('UnknownOperationException', 400, { ec2: { code: 'InvalidAction' } }),
  ERR_INTERNAL: e('InternalFailure', 500, { ec2: { code: 'InternalError' } }),
  ERR_SERVICE_UNAVAILABLE: e('ServiceUnavailable', 503, { ec2: { code: 'Unavailable' }, json: { code: 'ServiceException', status: 500 } }),
  ERR_MISSING_AUTHENTICATION_TOKEN: e('MissingAuthenticationToken', 403, { ec2: { code: 'AuthFailure', status: 401 }, json: { code: 'MissingAuthenticationTokenException' } }),
  ERR_INCOMPLETE_SIGNATURE: e('IncompleteSignature', 403, { ec2: { status: 400 }, json: { code: 'IncompleteSignatureException', status: 400 } }),
  ERR_INVALID_CLIENT_TOKEN_ID: e('InvalidClientTokenId', 403, { ec2: { code: 'AuthFailure', status: 401 }, json: { code: 'UnrecognizedClientException', status: 400 } }),
  ERR_SIGNATURE_DOES_NOT_MATCH: e('SignatureDoesNotMatch', 403, { ec2: { code: 'AuthFailure', status: 401 }, json: { code: 'InvalidSignatureException', status: 400 } }),
  ERR_REQUEST_EXPIRED: e('RequestExpired', 400, { json: { code: 'InvalidSignatureException' } }),
  ERR_EXPIRED_TOKEN: e('ExpiredToken', 400, { ec2: { code: 'RequestExpired' }, json: { code: 'ExpiredTokenException' } }),
  ERR_OPT_IN_REQUIRED: e('OptInRequired', 403),
  ERR_ACCESS_DENIED: e('AccessDenied', 403, { ec2: { code: 'UnauthorizedOperation' }, json: { code: 'AccessDeniedException', status: 400 } }),
  ERR_NO_SUCH_ENTITY: e('NoSuchEntity', 404),
  ERR_ENTITY_ALREADY_EXISTS: e('EntityAlreadyExists', 409),
  ERR_DELETE_CONFLICT: e('DeleteConflict', 409),
  ERR_LIMIT_EXCEEDED: e('LimitExceeded', 409),
  ERR_MALFORMED_POLICY_DOCUMENT: e('MalformedPolicyDocument', 400, { json: { code: 'MalformedPolicyDocumentException' } }),
  ERR_ENTITY_TEMPORARILY_UNMODIFIABLE: e('EntityTemporarilyUnmodifiable', 409),
  ERR_INVALID_AUTHENTICATION_CODE: e('InvalidAuthenticationCode', 403),
  ERR_PASSWORD_POLICY_VIOLATION: e('PasswordPolicyViolation', 400),
  ERR_UNMODIFIABLE_ENTITY: e('UnmodifiableEntity', 400),
  ERR_CONCURRENT_MODIFICATION: e('ConcurrentModification', 409, { json: { code: 'ConcurrentModificationException', status: 400 } }),
  ERR_POLICY_NOT_ATTACHABLE: e('PolicyNotAttachable', 400),
  ERR_INVALID_PUBLIC_KEY: e('InvalidPublicKey', 400),
  ERR_UNRECOGNIZED_PUBLIC_KEY_ENCODING: e('UnrecognizedPublicKeyEncoding', 400),
  ERR_DUPLICATE_SSH_PUBLIC_KEY: e('DuplicateSSHPublicKey', 400),
  ERR_MALFORMED_CERTIFICATE: e('MalformedCertificate', 400),
  ERR_INVALID_CERTIFICATE: e('InvalidCertificate', 400),
  ERR_DUPLICATE_CERTIFICATE: e('DuplicateCertificate', 409),
  ERR_KEY_PAIR_MISMATCH: e('KeyPairMismatch', 400),
  ERR_SERVICE_NOT_SUPPORTED: e('NotSupportedService', 404),
  ERR_REPORT_NOT_PRESENT: e('ReportNotPresent', 410),
  ERR_REPORT_EXPIRED: e('ReportExpired', 410),
  ERR_REPORT_IN_PROGRESS: e('ReportInProgress', 404),
  ERR_POLICY_EVALUATION: e('PolicyEvaluation', 500),
  ERR_PACKED_POLICY_TOO_LARGE: e('PackedPolicyTooLarge', 400),
  ERR_REGION_DISABLED: e('RegionDisabledException', 403),
  ERR_INVALID_AUTHORIZATION_MESSAGE: e('InvalidAuthorizationMessageException', 400),
  ERR_IDP_REJECTED_CLAIM: e('IDPRejectedClaim', 403),
  ERR_INVALID_IDENTITY_TOKEN: e('InvalidIdentityToken', 400),
  ERR_EXPIRED_TOKEN_EXCEPTION: e('ExpiredTokenException', 400),
  ERR_IDP_COMMUNICATION_ERROR: e('IDPCommunicationError', 400),
  ERR_THROTTLING: e('Throttling', 400, { ec2: { code: 'RequestLimitExceeded', status: 503 }, json: { code: 'ThrottlingException' } }),
  ERR_ORG_ACCOUNT_NOT_FOUND: e('AccountNotFoundException', 400),
  ERR_ORG_PARENT_NOT_FOUND: e('ParentNotFoundException', 400),
  ERR_ORG_SOURCE_PARENT_NOT_FOUND: e('SourceParentNotFoundException', 400),
  ERR_ORG_DESTINATION_PARENT_NOT_FOUND: e('DestinationParentNotFoundException', 400),
  ERR_ORG_DUPLICATE_ACCOUNT: e('DuplicateAccountException', 400),
  ERR_ORG_DUPLICATE_OU: e('DuplicateOrganizationalUnitException', 400),
  ERR_ORG_OU_NOT_FOUND: e('OrganizationalUnitNotFoundException', 400),
  ERR_ORG_CREATE_ACCOUNT_STATUS_NOT_FOUND: e('CreateAccountStatusNotFoundException', 400),
  ERR_ORG_NOT_IN_USE: e('AWSOrganizationsNotInUseException', 400),
  ERR_ORG_INVALID_INPUT: e('InvalidInputException', 400),
  ERR_ORG_ACCESS_DENIED: e('AccessDeniedException', 400),
  ERR_ORG_CONSTRAINT_VIOLATION: e('ConstraintViolationException', 400),
  ERR_ORG_OU_NOT_EMPTY: e('OrganizationalUnitNotEmptyException', 400),
  ERR_ORG_CHILD_NOT_FOUND: e('ChildNotFoundException', 400),
  ERR_ORG_POLICY_NOT_FOUND: e('PolicyNotFoundException', 400),
  ERR_ORG_TARGET_NOT_FOUND: e('TargetNotFoundException', 400),
  ERR_ORG_DUPLICATE_POLICY: e('DuplicatePolicyException', 400),
  ERR_ORG_DUPLICATE_POLICY_ATTACHMENT: e('DuplicatePolicyAttachmentException', 400),
  ERR_ORG_POLICY_NOT_ATTACHED: e('PolicyNotAttachedException', 400),
  ERR_ORG_POLICY_IN_USE: e('PolicyInUseException', 400),
  ERR_ORG_MALFORMED_POLICY: e('MalformedPolicyDocumentException', 400),
  ERR_ORG_ROOT_NOT_FOUND: e('RootNotFoundException', 400),
  ERR_ORG_POLICY_TYPE_ALREADY_ENABLED: e('PolicyTypeAlreadyEnabledException', 400),
  ERR_ORG_POLICY_TYPE_NOT_ENABLED: e('PolicyTypeNotEnabledException', 400),
  ERR_ORG_POLICY_TYPE_NOT_AVAILABLE: e('PolicyTypeNotAvailableForOrganizationException', 400),
  ERR_ORG_ALREADY_IN_ORGANIZATION: e('AlreadyInOrganizationException', 400),
  ERR_ORG_NOT_EMPTY: e('OrganizationNotEmptyException', 400),
  ERR_ORG_HANDSHAKE_NOT_FOUND: e('HandshakeNotFoundException', 400),
  ERR_ORG_INVALID_HANDSHAKE_TRANSITION: e('InvalidHandshakeTransitionException', 400),
  ERR_ORG_HANDSHAKE_CONSTRAINT_VIOLATION: e('HandshakeConstraintViolationException', 400),
  ERR_ORG_DUPLICATE_HANDSHAKE: e('DuplicateHandshakeException', 400),
  ERR_ORG_HANDSHAKE_ALREADY_IN_STATE: e('HandshakeAlreadyInStateException', 400),
  ERR_ORG_MASTER_CANNOT_LEAVE: e('MasterCannotLeaveOrganizationException', 400),
  ERR_ORG_ACCOUNT_NOT_REGISTERED: e('AccountNotRegisteredException', 400),
  ERR_ORG_ACCOUNT_ALREADY_REGISTERED: e('AccountAlreadyRegisteredException', 400),
  ERR_ORG_ACCOUNT_ALREADY_CLOSED: e('AccountAlreadyClosedException', 400),
  ERR_ORG_RESOURCE_POLICY_NOT_FOUND: e('ResourcePolicyNotFoundException', 400),
  ERR_ORG_EFFECTIVE_POLICY_NOT_FOUND: e('EffectivePolicyNotFoundException', 400),
  ERR_EC2_INVALID_INSTANCE_TYPE: e('InvalidInstanceType', 400),
  ERR_EC2_VPC_NOT_FOUND: e('InvalidVpcID.NotFound', 400),
  ERR_EC2_INVALID_NEXT_TOKEN: e('InvalidNextToken', 400),
  ERR_EC2_DRY_RUN_OPERATION: e('DryRunOperation', 412),
  ERR_S3_NO_SUCH_BUCKET: e('NoSuchBucket', 404),
  ERR_S3_NO_SUCH_KEY: e('NoSuchKey', 404),
  ERR_S3_BUCKET_ALREADY_EXISTS: e('BucketAlreadyExists', 409),
  ERR_S3_BUCKET_ALREADY_OWNED_BY_YOU: e('BucketAlreadyOwnedByYou', 409),
  ERR_S3_BUCKET_NOT_EMPTY: e('BucketNotEmpty', 409),
  ERR_S3_INVALID_BUCKET_NAME: e('InvalidBucketName', 400),
  ERR_S3_INVALID_LOCATION_CONSTRAINT: e('InvalidLocationConstraint', 400),
  ERR_S3_ILLEGAL_LOCATION_CONSTRAINT: e('IllegalLocationConstraintException', 400),
  ERR_S3_NOT_IMPLEMENTED: e('NotImplemented', 501),
  ERR_S3_INVALID_ARGUMENT: e('InvalidArgument', 400),
  ERR_S3_INVALID_RANGE: e('InvalidRange', 416),
  ERR_S3_PRECONDITION_FAILED: e('PreconditionFailed', 412),
  ERR_S3_NOT_MODIFIED: e('NotModified', 304),
  ERR_S3_BAD_DIGEST: e('BadDigest', 400),
  ERR_S3_INVALID_DIGEST: e('InvalidDigest', 400),
  ERR_S3_MALFORMED_XML: e('MalformedXML', 400),
  ERR_S3_KEY_TOO_LONG: e('KeyTooLongError', 400),
  ERR_S3_METHOD_NOT_ALLOWED: e('MethodNotAllowed', 405),
  ERR_S3_INVALID_REQUEST: e('InvalidRequest', 400),
  ERR_S3_NO_SUCH_BUCKET_POLICY: e('NoSuchBucketPolicy', 404),
  ERR_S3_MALFORMED_POLICY: e('MalformedPolicy', 400),
  ERR_S3_INCOMPLETE_BODY: e('IncompleteBody', 400),
  ERR_S3_CONTENT_SHA256_MISMATCH: e('XAmzContentSHA256Mismatch', 400),
  ERR_S3_INVALID_ACCESS_KEY_ID: e('InvalidAccessKeyId', 403),
  ERR_S3_AUTHORIZATION_HEADER_MALFORMED: e('AuthorizationHeaderMalformed', 400),
  ERR_S3_MISSING_CONTENT_LENGTH: e('MissingContentLength', 411),
  ERR_S3_ENTITY_TOO_LARGE: e('EntityTooLarge', 400),
  ERR_S3_NO_SUCH_PUBLIC_ACCESS_BLOCK: e('NoSuchPublicAccessBlockConfiguration', 404),
  ERR_S3_INVALID_TOKEN: e('InvalidToken', 400),
  ERR_S3_NO_SUCH_UPLOAD: e('NoSuchUpload', 404),
  ERR_S3_INVALID_PART: e('InvalidPart', 400),
  ERR_S3_INVALID_PART_ORDER: e('InvalidPartOrder', 400),
  ERR_S3_ENTITY_TOO_SMALL: e('EntityTooSmall', 400),
};

/** Every ErrorCode the table knows (for tests). */
export const WIRE_ERROR_CODES = Object.keys(TABLE) as ErrorCode[];

/** The wire form of `code` in `protocol`; `extra.wireCode` (when given) overrides the AWS code, e.g. MissingAction. */
export function wireError(code: ErrorCode, protocol: WireProtocol, extra?: Record<string, string>): WireError {
  const entry = TABLE[code] ?? TABLE.ERR_INTERNAL;
  const o = protocol === 'ec2' ? entry.ec2 : protocol === 'json' ? entry.json : undefined;
  const status = o?.status ?? entry.status;
  return {
    code: extra?.wireCode ?? o?.code ?? entry.code,
    status,
    type: o?.type ?? (status >= 500 ? 'Receiver' : 'Sender'),
  };
}
