/** Stable error codes of kamen; the wire form of each lives in one table (src/protocol/wire-errors.ts). */
export type ErrorCode =
  // generic request / protocol
  | 'ERR_VALIDATION' // ValidationError (400): a parameter is missing, too long, or fails its pattern
  | 'ERR_INVALID_ACTION' // InvalidAction (400): unknown Action for the service
  | 'ERR_INVALID_PARAMETER_VALUE' // InvalidParameterValue (400)
  | 'ERR_INVALID_PARAMETER_COMBINATION' // InvalidParameterCombination (400)
  | 'ERR_MISSING_PARAMETER' // MissingParameter (400)
  | 'ERR_INVALID_INPUT' // InvalidInput (400)
  | 'ERR_MALFORMED_QUERY_STRING' // MalformedQueryString (404)
  | 'ERR_SERIALIZATION' // SerializationException (400), JSON protocol bodies that do not parse
  | 'ERR_UNKNOWN_OPERATION' // UnknownOperationException (400), JSON protocol
  | 'ERR_INTERNAL' // InternalFailure (500); never thrown on purpose
  | 'ERR_SERVICE_UNAVAILABLE' // ServiceUnavailable (503)
  // authentication (SigV4)
  | 'ERR_MISSING_AUTHENTICATION_TOKEN' // MissingAuthenticationToken (403)
  | 'ERR_INCOMPLETE_SIGNATURE' // IncompleteSignature (403)
  | 'ERR_INVALID_CLIENT_TOKEN_ID' // InvalidClientTokenId (403)
  | 'ERR_SIGNATURE_DOES_NOT_MATCH' // SignatureDoesNotMatch (403)
  | 'ERR_REQUEST_EXPIRED' // RequestExpired (400)
  | 'ERR_EXPIRED_TOKEN' // ExpiredToken (400)
  | 'ERR_OPT_IN_REQUIRED' // OptInRequired (403)
  // authorization
  | 'ERR_ACCESS_DENIED' // AccessDenied (403); EC2 renders it as UnauthorizedOperation
  // IAM
  | 'ERR_NO_SUCH_ENTITY' // NoSuchEntity (404)
  | 'ERR_ENTITY_ALREADY_EXISTS' // EntityAlreadyExists (409)
  | 'ERR_DELETE_CONFLICT' // DeleteConflict (409)
  | 'ERR_LIMIT_EXCEEDED' // LimitExceeded (409)
  | 'ERR_MALFORMED_POLICY_DOCUMENT' // MalformedPolicyDocument (400)
  | 'ERR_ENTITY_TEMPORARILY_UNMODIFIABLE' // EntityTemporarilyUnmodifiable (409)
  | 'ERR_INVALID_AUTHENTICATION_CODE' // InvalidAuthenticationCode (403)
  | 'ERR_PASSWORD_POLICY_VIOLATION' // PasswordPolicyViolation (400)
  | 'ERR_UNMODIFIABLE_ENTITY' // UnmodifiableEntity (400)
  | 'ERR_CONCURRENT_MODIFICATION' // ConcurrentModification (409)
  | 'ERR_POLICY_NOT_ATTACHABLE' // PolicyNotAttachable (400)
  // STS
  | 'ERR_PACKED_POLICY_TOO_LARGE' // PackedPolicyTooLarge (400)
  | 'ERR_REGION_DISABLED' // RegionDisabledException (403)
  | 'ERR_INVALID_AUTHORIZATION_MESSAGE' // InvalidAuthorizationMessageException (400)
  | 'ERR_IDP_REJECTED_CLAIM' // IDPRejectedClaim (403)
  // Organizations
  | 'ERR_ORG_ACCOUNT_NOT_FOUND' // AccountNotFoundException (400)
  | 'ERR_ORG_PARENT_NOT_FOUND' // ParentNotFoundException (400)
  | 'ERR_ORG_SOURCE_PARENT_NOT_FOUND' // SourceParentNotFoundException (400)
  | 'ERR_ORG_DESTINATION_PARENT_NOT_FOUND' // DestinationParentNotFoundException (400)
  | 'ERR_ORG_DUPLICATE_ACCOUNT' // DuplicateAccountException (400)
  | 'ERR_ORG_DUPLICATE_OU' // DuplicateOrganizationalUnitException (400)
  | 'ERR_ORG_OU_NOT_FOUND' // OrganizationalUnitNotFoundException (400)
  | 'ERR_ORG_CREATE_ACCOUNT_STATUS_NOT_FOUND' // CreateAccountStatusNotFoundException (400)
  | 'ERR_ORG_NOT_IN_USE' // AWSOrganizationsNotInUseException (400)
  | 'ERR_ORG_INVALID_INPUT' // InvalidInputException (400)
  | 'ERR_ORG_ACCESS_DENIED' // AccessDeniedException (400)
  | 'ERR_ORG_CONSTRAINT_VIOLATION' // ConstraintViolationException (400)
  | 'ERR_ORG_OU_NOT_EMPTY' // OrganizationalUnitNotEmptyException (400)
  | 'ERR_ORG_CHILD_NOT_FOUND' // ChildNotFoundException (400)
  | 'ERR_ORG_POLICY_NOT_FOUND' // PolicyNotFoundException (400)
  | 'ERR_ORG_TARGET_NOT_FOUND' // TargetNotFoundException (400)
  | 'ERR_ORG_DUPLICATE_POLICY' // DuplicatePolicyException (400)
  | 'ERR_ORG_DUPLICATE_POLICY_ATTACHMENT' // DuplicatePolicyAttachmentException (400)
  | 'ERR_ORG_POLICY_NOT_ATTACHED' // PolicyNotAttachedException (400)
  | 'ERR_ORG_POLICY_IN_USE' // PolicyInUseException (400)
  | 'ERR_ORG_MALFORMED_POLICY' // MalformedPolicyDocumentException (400)
  // EC2
  | 'ERR_EC2_INVALID_INSTANCE_TYPE' // InvalidInstanceType (400)
  | 'ERR_EC2_VPC_NOT_FOUND' // InvalidVpcID.NotFound (400)
  | 'ERR_EC2_INVALID_NEXT_TOKEN' // InvalidNextToken (400)
  | 'ERR_EC2_DRY_RUN_OPERATION'; // DryRunOperation (412): the request would have succeeded, but DryRun is set

/** An error kamen raises on purpose: a stable code, the client-facing message, and optional extra wire fields. */
export class KamenError extends Error {
  readonly code: ErrorCode;
  /** Extra fields some wire errors carry (e.g. EC2's encoded authorization message). */
  readonly extra: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, extra?: Record<string, string>) {
    super(message);
    this.name = 'KamenError';
    this.code = code;
    this.extra = extra;
  }
}

/** True when `err` is a KamenError with the given code (or any code when omitted). */
export function isKamenError(err: unknown, code?: ErrorCode): err is KamenError {
  return err instanceof KamenError && (code === undefined || err.code === code);
}
