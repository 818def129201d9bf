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
  | 'ERR_INVALID_PUBLIC_KEY' // InvalidPublicKey (400)
  | 'ERR_UNRECOGNIZED_PUBLIC_KEY_ENCODING' // UnrecognizedPublicKeyEncoding (400)
  | 'ERR_DUPLICATE_SSH_PUBLIC_KEY' // DuplicateSSHPublicKey (400)
  | 'ERR_MALFORMED_CERTIFICATE' // MalformedCertificate (400)
  | 'ERR_INVALID_CERTIFICATE' // InvalidCertificate (400)
  | 'ERR_DUPLICATE_CERTIFICATE' // DuplicateCertificate (409)
  | 'ERR_KEY_PAIR_MISMATCH' // KeyPairMismatch (400)
  | 'ERR_SERVICE_NOT_SUPPORTED' // NotSupportedService (404)
  | 'ERR_REPORT_NOT_PRESENT' // ReportNotPresent (410)
  | 'ERR_REPORT_EXPIRED' // ReportExpired (410)
  | 'ERR_REPORT_IN_PROGRESS' // ReportInProgress (404)
  | 'ERR_POLICY_EVALUATION' // PolicyEvaluation (500): the simulator could not evaluate a policy
  | 'ERR_IAM_ORGANIZATION_NOT_FOUND' // OrganizationNotFoundException (400): centralized root access, no organization
  | 'ERR_IAM_ORGANIZATION_NOT_ALL_FEATURES' // OrganizationNotInAllFeaturesModeException (400)
  | 'ERR_IAM_SERVICE_ACCESS_NOT_ENABLED' // ServiceAccessNotEnabledException (400): trusted access for IAM is off
  | 'ERR_IAM_NOT_MANAGEMENT_OR_DELEGATED_ADMIN' // AccountNotManagementOrDelegatedAdministratorException (400)
  | 'ERR_IAM_CALLER_NOT_MANAGEMENT' // CallerIsNotManagementAccountException (400)
  | 'ERR_FEATURE_ENABLED' // FeatureEnabled (409): outbound web identity federation is already on
  | 'ERR_FEATURE_DISABLED' // FeatureDisabled (404): outbound web identity federation is off
  // STS
  | 'ERR_PACKED_POLICY_TOO_LARGE' // PackedPolicyTooLarge (400)
  | 'ERR_REGION_DISABLED' // RegionDisabledException (403)
  | 'ERR_INVALID_AUTHORIZATION_MESSAGE' // InvalidAuthorizationMessageException (400)
  | 'ERR_IDP_REJECTED_CLAIM' // IDPRejectedClaim (403)
  | 'ERR_INVALID_IDENTITY_TOKEN' // InvalidIdentityToken (400): a SAML assertion or web identity token that fails verification
  | 'ERR_EXPIRED_TOKEN_EXCEPTION' // ExpiredTokenException (400): a SAML assertion or web identity token past its validity
  | 'ERR_IDP_COMMUNICATION_ERROR' // IDPCommunicationError (400): the OIDC provider's keys could not be fetched
  | 'ERR_THROTTLING' // Throttling (400): "Rate exceeded", a caller's rate of requests is over its limit
  | 'ERR_OUTBOUND_FEDERATION_DISABLED' // OutboundWebIdentityFederationDisabledException (403): GetWebIdentityToken while the account's feature is off
  | 'ERR_JWT_PAYLOAD_SIZE_EXCEEDED' // JWTPayloadSizeExceededException (400)
  | 'ERR_SESSION_DURATION_ESCALATION' // SessionDurationEscalationException (403)
  | 'ERR_EXPIRED_TRADE_IN_TOKEN' // ExpiredTradeInTokenException (400): GetDelegatedAccessToken with a token that is unknown, used or expired
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
  | 'ERR_ORG_ROOT_NOT_FOUND' // RootNotFoundException (400)
  | 'ERR_ORG_POLICY_TYPE_ALREADY_ENABLED' // PolicyTypeAlreadyEnabledException (400)
  | 'ERR_ORG_POLICY_TYPE_NOT_ENABLED' // PolicyTypeNotEnabledException (400)
  | 'ERR_ORG_POLICY_TYPE_NOT_AVAILABLE' // PolicyTypeNotAvailableForOrganizationException (400)
  | 'ERR_ORG_ALREADY_IN_ORGANIZATION' // AlreadyInOrganizationException (400)
  | 'ERR_ORG_NOT_EMPTY' // OrganizationNotEmptyException (400)
  | 'ERR_ORG_HANDSHAKE_NOT_FOUND' // HandshakeNotFoundException (400)
  | 'ERR_ORG_INVALID_HANDSHAKE_TRANSITION' // InvalidHandshakeTransitionException (400)
  | 'ERR_ORG_HANDSHAKE_CONSTRAINT_VIOLATION' // HandshakeConstraintViolationException (400)
  | 'ERR_ORG_DUPLICATE_HANDSHAKE' // DuplicateHandshakeException (400)
  | 'ERR_ORG_HANDSHAKE_ALREADY_IN_STATE' // HandshakeAlreadyInStateException (400)
  | 'ERR_ORG_MASTER_CANNOT_LEAVE' // MasterCannotLeaveOrganizationException (400)
  | 'ERR_ORG_ACCOUNT_NOT_REGISTERED' // AccountNotRegisteredException (400)
  | 'ERR_ORG_ACCOUNT_ALREADY_REGISTERED' // AccountAlreadyRegisteredException (400)
  | 'ERR_ORG_ACCOUNT_ALREADY_CLOSED' // AccountAlreadyClosedException (400)
  | 'ERR_ORG_RESOURCE_POLICY_NOT_FOUND' // ResourcePolicyNotFoundException (400)
  | 'ERR_ORG_EFFECTIVE_POLICY_NOT_FOUND' // EffectivePolicyNotFoundException (400)
  // EC2
  | 'ERR_EC2_INVALID_INSTANCE_TYPE' // InvalidInstanceType (400)
  | 'ERR_EC2_VPC_NOT_FOUND' // InvalidVpcID.NotFound (400)
  | 'ERR_EC2_INVALID_NEXT_TOKEN' // InvalidNextToken (400)
  | 'ERR_EC2_DRY_RUN_OPERATION' // DryRunOperation (412): the request would have succeeded, but DryRun is set
  // S3 (REST-XML)
  | 'ERR_S3_NO_SUCH_BUCKET' // NoSuchBucket (404)
  | 'ERR_S3_NO_SUCH_VERSION' // NoSuchVersion (404)
  | 'ERR_S3_NO_SUCH_KEY' // NoSuchKey (404)
  | 'ERR_S3_BUCKET_ALREADY_EXISTS' // BucketAlreadyExists (409)
  | 'ERR_S3_BUCKET_ALREADY_OWNED_BY_YOU' // BucketAlreadyOwnedByYou (409)
  | 'ERR_S3_BUCKET_NOT_EMPTY' // BucketNotEmpty (409)
  | 'ERR_S3_INVALID_BUCKET_NAME' // InvalidBucketName (400)
  | 'ERR_S3_INVALID_LOCATION_CONSTRAINT' // InvalidLocationConstraint (400)
  | 'ERR_S3_ILLEGAL_LOCATION_CONSTRAINT' // IllegalLocationConstraintException (400)
  | 'ERR_S3_NOT_IMPLEMENTED' // NotImplemented (501)
  | 'ERR_S3_INVALID_ARGUMENT' // InvalidArgument (400)
  | 'ERR_S3_INVALID_RANGE' // InvalidRange (416)
  | 'ERR_S3_PRECONDITION_FAILED' // PreconditionFailed (412)
  | 'ERR_S3_NOT_MODIFIED' // NotModified (304)
  | 'ERR_S3_BAD_DIGEST' // BadDigest (400)
  | 'ERR_S3_INVALID_DIGEST' // InvalidDigest (400)
  | 'ERR_S3_MALFORMED_XML' // MalformedXML (400)
  | 'ERR_S3_KEY_TOO_LONG' // KeyTooLongError (400)
  | 'ERR_S3_METHOD_NOT_ALLOWED' // MethodNotAllowed (405)
  | 'ERR_S3_INVALID_REQUEST' // InvalidRequest (400)
  | 'ERR_S3_NO_SUCH_BUCKET_POLICY' // NoSuchBucketPolicy (404)
  | 'ERR_S3_MALFORMED_POLICY' // MalformedPolicy (400)
  | 'ERR_S3_INCOMPLETE_BODY' // IncompleteBody (400)
  | 'ERR_S3_CONTENT_SHA256_MISMATCH' // XAmzContentSHA256Mismatch (400)
  | 'ERR_S3_INVALID_ACCESS_KEY_ID' // InvalidAccessKeyId (403)
  | 'ERR_S3_AUTHORIZATION_HEADER_MALFORMED' // AuthorizationHeaderMalformed (400)
  | 'ERR_S3_MISSING_CONTENT_LENGTH' // MissingContentLength (411)
  | 'ERR_S3_ENTITY_TOO_LARGE' // EntityTooLarge (400)
  | 'ERR_S3_NO_SUCH_PUBLIC_ACCESS_BLOCK' // NoSuchPublicAccessBlockConfiguration (404)
  | 'ERR_S3_NO_SUCH_TAG_SET' // NoSuchTagSet (404)
  | 'ERR_S3_INVALID_TAG' // InvalidTag (400)
  | 'ERR_S3_ACL_NOT_SUPPORTED' // AccessControlListNotSupported (400)
  | 'ERR_S3_OWNERSHIP_CONTROLS_NOT_FOUND' // OwnershipControlsNotFoundError (404)
  | 'ERR_S3_INVALID_BUCKET_ACL_WITH_OWNERSHIP' // InvalidBucketAclWithObjectOwnership (400)
  | 'ERR_S3_MALFORMED_ACL' // MalformedACLError (400)
  | 'ERR_S3_INVALID_TOKEN' // InvalidToken (400)
  | 'ERR_S3_NO_SUCH_UPLOAD' // NoSuchUpload (404)
  | 'ERR_S3_INVALID_PART' // InvalidPart (400)
  | 'ERR_S3_INVALID_PART_ORDER' // InvalidPartOrder (400)
  | 'ERR_S3_ENTITY_TOO_SMALL'; // EntityTooSmall (400)

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
