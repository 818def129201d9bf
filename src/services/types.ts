/**
 * The contract between the HTTP layer and the service operations. The protocol layer parses a request into `input`
 * (keys are the API model's member names: `{ UserName: 'bob', Path: '/' }`; lists are arrays, maps are objects,
 * timestamps are Date, integers/booleans are numbers/booleans) and renders the returned object through the model's
 * output shape. An operation throws KamenError for every failure a client should see.
 */
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

/** Who is calling, as established from the SigV4 access key. */
export interface Caller {
  /** 'anonymous': an unsigned request (AssumeRoleWithSAML / AssumeRoleWithWebIdentity), no account or identity. */
  kind: 'root' | 'user' | 'assumed-role' | 'federated-user' | 'anonymous';
  accountId: string;
  /** The ARN GetCallerIdentity prints: arn:aws:iam::A:root, arn:aws:iam::A:user/P/N, arn:aws:sts::A:assumed-role/R/S … */
  arn: string;
  /** The UserId GetCallerIdentity prints: account ID for root, AIDA… for users, AROA…:session for role sessions. */
  userId: string;
  accessKeyId: string;
  /** IAM user name (kind 'user'), or the federated user name. */
  userName?: string;
  /** Present for temporary credentials: the session's facts as STS recorded them. */
  session?: SessionInfo;
  /** Temporary credentials: when they expire (ms since the epoch). */
  sessionExpiresAt?: number;
}

/** What a temporary credential stands for (kept in TemporaryCredential.session). */
export interface SessionInfo {
  /** The role ARN (assumed-role) or the IAM user ARN (GetSessionToken / federation token issuer). */
  sourceArn: string;
  /** The unique ID of the identity `sourceArn` names when it was issued (GetSessionToken / federation token: the issuing user's AIDA…, or the account ID for root). */
  sourceId?: string;
  roleName?: string;
  roleId?: string;
  sessionName?: string;
  issuedAt: string; // ISO time, aws:TokenIssueTime
  mfaAuthenticated: boolean;
  mfaAuthenticatedAt?: string;
  sourceIdentity?: string;
  /** Inline session policy (JSON text) and managed session policy ARNs. */
  sessionPolicy?: string;
  sessionPolicyArns?: string[];
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  /** True when the credentials themselves came from a role session (role chaining). */
  chained?: boolean;
  /** GetSessionToken credentials act as the issuing user. */
  tokenType?: 'assume-role' | 'session-token' | 'federation-token' | 'assume-root';
}

/** Everything an operation may use; passed in, never imported as a singleton. */
export interface OperationContext {
  requestId: string;
  caller: Caller;
  store: Store;
  clock: Clock;
  /** The region the request was signed for (us-east-1 for global services). */
  region: string;
  sourceIp: string;
  secureTransport: boolean;
  /** The service's host-level dependencies (catalogs, key material, …), built once at server start. */
  deps: ServiceDeps;
  /**
   * Unsigned federation calls only (audit on): tells the audit record who the federated user is once the token is
   * verified and the role found, so a call that then fails is still recorded (src/audit/federated.ts).
   */
  noteFederatedUser?(who: FederatedUserFacts): void;
}

/** Who an unsigned federation call's user is (CloudTrail's SAMLUser / WebIdentityUser), in the role's account. */
export interface FederatedUserFacts {
  type: 'SAMLUser' | 'WebIdentityUser';
  /** SAML: the provider-specific name qualifier; web identity: the provider (issuer without https://). */
  qualifier: string;
  /** SAML: the provider's ARN; web identity: the provider. */
  identityProvider: string;
  /** SAML: the NameID; web identity: the token's sub. */
  subject: string;
  /** Web identity: the token's aud. */
  audience?: string;
  /** The role's account. */
  account: string;
}

/** Shared, read-mostly dependencies built at start-up and handed to every operation. */
export interface ServiceDeps {
  [name: string]: unknown;
}

/** One API operation: model-shaped input in, model-shaped output out. */
export type Operation<I = any, O = any> = (ctx: OperationContext, input: I) => Promise<O>;

/** A service as the router sees it. */
export interface ServiceDefinition {
  /** SigV4 signing name and IAM action prefix: iam, sts, organizations, ec2. */
  name: string;
  protocol: 'query' | 'ec2' | 'json' | 'rest-xml';
  /** The operations kamen implements, by their model name (CreateUser, ...). */
  operations: Record<string, Operation>;
}
