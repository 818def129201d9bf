/**
 * The storage contract of kamen: every backend (SQLite now, PostgreSQL next) implements this interface and passes
 * the one contract suite in test/contract/. All methods are async so a networked backend fits; dates are Date objects;
 * secrets (access key secrets, MFA seeds, session secrets) are plaintext here and encrypted at rest by the backend.
 * "Not found" is `undefined`, never an exception; uniqueness violations throw KamenError('ERR_ENTITY_ALREADY_EXISTS').
 */
import type { MarkerCodec } from './markers.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface Organization {
  id: string; // o-xxxxxxxxxx
  arn: string; // arn:aws:organizations::MGMT:organization/o-xxxxxxxxxx
  managementAccountId: string;
  managementAccountEmail: string;
  rootId: string; // r-xxxx
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  createdAt: Date;
}

export interface Account {
  id: string; // 12 digits
  arn: string; // arn:aws:organizations::MGMT:account/o-xxx/ID
  name: string;
  email: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
  joinedMethod: 'CREATED' | 'INVITED';
  joinedTimestamp: Date;
  parentId: string; // r-xxxx or ou-xxxx-yyyyyyyy
}

export interface OrganizationalUnit {
  id: string; // ou-xxxx-yyyyyyyy
  arn: string;
  name: string;
  parentId: string;
}

export interface CreateAccountStatus {
  id: string; // car-xxxxxxxx
  accountName: string;
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  requestedTimestamp: Date;
  completedTimestamp?: Date;
  accountId?: string;
  failureReason?: string;
}

/** A service control policy (or other Organizations policy) and where it is attached. */
export interface OrgPolicy {
  id: string; // p-xxxxxxxx
  arn: string;
  name: string;
  description: string;
  type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY' | 'TAG_POLICY' | 'BACKUP_POLICY' | 'AISERVICES_OPT_OUT_POLICY' | 'CHATBOT_POLICY' | 'DECLARATIVE_POLICY_EC2' | 'SECURITYHUB_POLICY';
  awsManaged: boolean;
  content: string;
}

export interface RootUser {
  accountId: string;
  email: string;
  passwordHash: string; // scrypt$N$r$p$salt$hash
  createDate: Date;
}

export interface User {
  accountId: string;
  userId: string; // AIDA...
  userName: string;
  path: string;
  arn: string;
  createDate: Date;
  permissionsBoundaryArn?: string;
  tags: Tag[];
  passwordLastUsed?: Date;
}

export interface Group {
  accountId: string;
  groupId: string; // AGPA...
  groupName: string;
  path: string;
  arn: string;
  createDate: Date;
}

export interface Role {
  accountId: string;
  roleId: string; // AROA...
  roleName: string;
  path: string;
  arn: string;
  createDate: Date;
  assumeRolePolicyDocument: string; // JSON text as written (not URL-encoded)
  description?: string;
  maxSessionDuration: number; // seconds, 3600..43200
  permissionsBoundaryArn?: string;
  tags: Tag[];
  lastUsed?: { date: Date; region: string };
}

/** A customer managed policy (AWS managed ones come from the catalog, not the store). */
export interface ManagedPolicy {
  accountId: string;
  policyId: string; // ANPA...
  policyName: string;
  path: string;
  arn: string;
  defaultVersionId: string; // v1..
  description?: string;
  createDate: Date;
  updateDate: Date;
  tags: Tag[];
}

export interface PolicyVersion {
  policyArn: string;
  versionId: string; // v1, v2, ...
  document: string; // JSON text
  isDefaultVersion: boolean;
  createDate: Date;
}

export type PrincipalKind = 'user' | 'group' | 'role';

export interface InlinePolicy {
  accountId: string;
  kind: PrincipalKind;
  principalName: string;
  policyName: string;
  document: string;
}

export interface PolicyAttachment {
  accountId: string;
  kind: PrincipalKind;
  principalName: string;
  policyArn: string; // customer managed or arn:aws:iam::aws:policy/...
}

/** How often one managed policy is used in one account: principals it is attached to, users and roles it bounds. */
export interface PolicyUsageCount {
  attachments: number;
  boundaries: number;
}

/** A user, group or role that uses a managed policy (attached to it, or as its permissions boundary). */
export interface PolicyEntity {
  kind: PrincipalKind;
  name: string;
  id: string;
}

/** Which principals and which uses `listPolicyEntities` lists. */
export interface PolicyEntityFilter {
  kinds: readonly PrincipalKind[];
  attached: boolean;
  boundary: boolean;
}

export interface AccessKey {
  accessKeyId: string; // AKIA...
  secretAccessKey: string;
  accountId: string;
  userName?: string; // undefined for the account's root user
  status: 'Active' | 'Inactive';
  createDate: Date;
  lastUsed?: { date: Date; serviceName: string; region: string };
}

export interface LoginProfile {
  accountId: string;
  userName: string;
  passwordHash: string;
  passwordResetRequired: boolean;
  createDate: Date;
}

export interface MfaDevice {
  accountId: string;
  serialNumber: string; // arn:aws:iam::ACCT:mfa/PATHNAME
  path: string;
  name: string;
  seedBase32: string;
  userName?: string; // set once enabled for a user ('root' devices use userName undefined + rootEnabled)
  enableDate?: Date;
  tags: Tag[];
  lastUsedStep?: number; // last accepted TOTP time step, so a code is not reused within its window
}

export interface InstanceProfile {
  accountId: string;
  instanceProfileId: string; // AIPA...
  name: string;
  path: string;
  arn: string;
  createDate: Date;
  roleNames: string[];
  tags: Tag[];
}

/** The secret access key and session token of one set of temporary credentials. */
export interface TemporarySecrets {
  secretAccessKey: string;
  sessionToken: string;
}

/** Temporary credentials minted by STS; `session` is the serialized principal they stand for. */
export interface TemporaryCredential extends TemporaryCredentialRecord, TemporarySecrets {}

/** What the store keeps of temporary credentials: the secret and token are derived from the key ID, never stored. */
export interface TemporaryCredentialRecord {
  accessKeyId: string; // ASIA...
  accountId: string;
  expiration: Date;
  createDate: Date;
  session: Record<string, unknown>;
}

/** One page of a listing: items plus the marker of the next page when truncated. */
export interface Page<T> {
  items: T[];
  nextMarker?: string;
}

/**
 * How a delete treats dependent rows. Default: refuse with KamenError('ERR_DELETE_CONFLICT') when the entity still has
 * anything IAM would refuse over (keys, login profile, MFA, policies, group memberships, instance profiles...), so no
 * orphan rows outlive it; the IAM layer checks first and writes AWS's messages. `cascade: true` deletes the dependents
 * too (MFA devices are deactivated, not deleted).
 */
export interface DeleteOptions {
  cascade?: boolean;
}

export interface ListOptions {
  marker?: string;
  maxItems?: number; // default 100
  pathPrefix?: string;
}

export interface OrganizationStore {
  getOrganization(): Promise<Organization | undefined>;
  createOrganization(org: Organization): Promise<void>;
  putAccount(account: Account): Promise<void>; // insert or update
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(opts?: ListOptions): Promise<Page<Account>>;
  listAccountsForParent(parentId: string, opts?: ListOptions): Promise<Page<Account>>;
  putOrganizationalUnit(ou: OrganizationalUnit): Promise<void>;
  getOrganizationalUnit(id: string): Promise<OrganizationalUnit | undefined>;
  listOrganizationalUnitsForParent(parentId: string, opts?: ListOptions): Promise<Page<OrganizationalUnit>>;
  deleteOrganizationalUnit(id: string): Promise<void>; // also removes policy attachments targeting it
  /** Removes an account from the organization's records (and the policy attachments targeting it). */
  deleteAccount(id: string): Promise<void>;
  /** Deletes the organization row (accounts, OUs and policies are the caller's to remove first). */
  deleteOrganization(): Promise<void>;
  putCreateAccountStatus(status: CreateAccountStatus): Promise<void>;
  getCreateAccountStatus(id: string): Promise<CreateAccountStatus | undefined>;
  putOrgPolicy(policy: OrgPolicy): Promise<void>;
  getOrgPolicy(id: string): Promise<OrgPolicy | undefined>;
  listOrgPolicies(): Promise<OrgPolicy[]>;
  deleteOrgPolicy(id: string): Promise<void>;
  attachOrgPolicy(policyId: string, targetId: string): Promise<void>;
  detachOrgPolicy(policyId: string, targetId: string): Promise<void>;
  listOrgPolicyTargets(policyId: string): Promise<string[]>;
  listOrgPoliciesForTarget(targetId: string): Promise<OrgPolicy[]>;
}

export interface IdentityStore {
  // root users and account aliases
  putRootUser(root: RootUser): Promise<void>;
  getRootUser(accountId: string): Promise<RootUser | undefined>;
  getRootUserByEmail(email: string): Promise<RootUser | undefined>;
  setAccountAlias(accountId: string, alias: string | undefined): Promise<void>; // undefined deletes; alias unique across accounts
  getAccountAlias(accountId: string): Promise<string | undefined>;
  getAccountIdByAlias(alias: string): Promise<string | undefined>;

  // users
  createUser(user: User): Promise<void>;
  getUser(accountId: string, userName: string): Promise<User | undefined>; // user names are case-insensitive unique
  getUserById(userId: string): Promise<User | undefined>;
  updateUser(accountId: string, userName: string, patch: Partial<Omit<User, 'accountId' | 'userId' | 'createDate'>>): Promise<void>;
  deleteUser(accountId: string, userName: string, opts?: DeleteOptions): Promise<void>;
  listUsers(accountId: string, opts?: ListOptions): Promise<Page<User>>;

  // groups and membership
  createGroup(group: Group): Promise<void>;
  getGroup(accountId: string, groupName: string): Promise<Group | undefined>;
  updateGroup(accountId: string, groupName: string, patch: Partial<Pick<Group, 'groupName' | 'path' | 'arn'>>): Promise<void>;
  deleteGroup(accountId: string, groupName: string, opts?: DeleteOptions): Promise<void>;
  listGroups(accountId: string, opts?: ListOptions): Promise<Page<Group>>;
  addUserToGroup(accountId: string, groupName: string, userName: string): Promise<void>;
  removeUserFromGroup(accountId: string, groupName: string, userName: string): Promise<void>;
  listGroupMembers(accountId: string, groupName: string, opts?: ListOptions): Promise<Page<User>>;
  listGroupsForUser(accountId: string, userName: string, opts?: ListOptions): Promise<Page<Group>>;

  // roles
  createRole(role: Role): Promise<void>;
  getRole(accountId: string, roleName: string): Promise<Role | undefined>;
  getRoleById(roleId: string): Promise<Role | undefined>;
  updateRole(accountId: string, roleName: string, patch: Partial<Omit<Role, 'accountId' | 'roleId' | 'roleName' | 'arn' | 'createDate'>>): Promise<void>;
  deleteRole(accountId: string, roleName: string, opts?: DeleteOptions): Promise<void>;
  listRoles(accountId: string, opts?: ListOptions): Promise<Page<Role>>;

  // customer managed policies and versions
  createPolicy(policy: ManagedPolicy, firstVersion: PolicyVersion): Promise<void>;
  getPolicy(arn: string): Promise<ManagedPolicy | undefined>;
  updatePolicy(arn: string, patch: Partial<Pick<ManagedPolicy, 'defaultVersionId' | 'updateDate' | 'tags' | 'description'>>): Promise<void>;
  deletePolicy(arn: string): Promise<void>; // also deletes its versions; ERR_DELETE_CONFLICT while attached
  listPolicies(accountId: string, opts?: ListOptions): Promise<Page<ManagedPolicy>>;
  createPolicyVersion(version: PolicyVersion): Promise<void>;
  getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersion | undefined>;
  listPolicyVersions(policyArn: string): Promise<PolicyVersion[]>; // newest first
  deletePolicyVersion(policyArn: string, versionId: string): Promise<void>;
  setDefaultPolicyVersion(policyArn: string, versionId: string): Promise<void>;

  // inline policies
  putInlinePolicy(policy: InlinePolicy): Promise<void>; // insert or replace
  getInlinePolicy(accountId: string, kind: PrincipalKind, principalName: string, policyName: string): Promise<InlinePolicy | undefined>;
  deleteInlinePolicy(accountId: string, kind: PrincipalKind, principalName: string, policyName: string): Promise<void>;
  listInlinePolicies(accountId: string, kind: PrincipalKind, principalName: string): Promise<InlinePolicy[]>; // sorted by name

  // managed policy attachments
  attachPolicy(att: PolicyAttachment): Promise<void>; // idempotent
  detachPolicy(att: PolicyAttachment): Promise<void>;
  listAttachedPolicies(accountId: string, kind: PrincipalKind, principalName: string): Promise<string[]>; // policy ARNs
  listPolicyAttachments(accountId: string, policyArn: string): Promise<PolicyAttachment[]>; // who has it, in that account
  countPolicyAttachments(policyArn: string): Promise<number>;
  /**
   * Customer managed policies of an account sorting after `after` in (case-folded name, ARN) order (all when null),
   * at most `limit`, in that order: an index seek, for listings that merge them with AWS managed policies.
   */
  listPoliciesAfter(accountId: string, after: { name: string; arn: string } | null, limit: number, pathPrefix?: string): Promise<ManagedPolicy[]>;
  /** For each ARN used in the account: attachments and permissions boundary uses there (unused ARNs are absent). */
  countPolicyUsage(accountId: string, arns: readonly string[]): Promise<Map<string, PolicyUsageCount>>;
  /** The principals of an account that use a policy, keyset-paged in (kind, case-folded name) order; PathPrefix filters their paths. */
  listPolicyEntities(accountId: string, policyArn: string, filter: PolicyEntityFilter, opts?: ListOptions): Promise<Page<PolicyEntity>>;

  // access keys
  createAccessKey(key: AccessKey): Promise<void>;
  getAccessKey(accessKeyId: string): Promise<AccessKey | undefined>;
  updateAccessKey(accessKeyId: string, patch: Partial<Pick<AccessKey, 'status' | 'lastUsed'>>): Promise<void>;
  deleteAccessKey(accessKeyId: string): Promise<void>;
  listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKey[]>; // undefined: root's keys

  // login profiles
  putLoginProfile(profile: LoginProfile): Promise<void>;
  getLoginProfile(accountId: string, userName: string): Promise<LoginProfile | undefined>;
  deleteLoginProfile(accountId: string, userName: string): Promise<void>;

  // MFA devices
  createMfaDevice(device: MfaDevice): Promise<void>;
  getMfaDevice(serialNumber: string): Promise<MfaDevice | undefined>;
  updateMfaDevice(serialNumber: string, patch: Partial<Pick<MfaDevice, 'userName' | 'enableDate' | 'lastUsedStep' | 'tags'>>): Promise<void>;
  deleteMfaDevice(serialNumber: string): Promise<void>;
  listMfaDevices(accountId: string): Promise<MfaDevice[]>;
  /** One page of an account's virtual MFA devices (by name, then serial number), all or only (un)assigned ones. */
  listVirtualMfaDevices(accountId: string, assignment: 'Assigned' | 'Unassigned' | 'Any', opts?: ListOptions): Promise<Page<MfaDevice>>;

  // instance profiles
  createInstanceProfile(profile: InstanceProfile): Promise<void>;
  getInstanceProfile(accountId: string, name: string): Promise<InstanceProfile | undefined>;
  updateInstanceProfile(accountId: string, name: string, patch: Partial<Pick<InstanceProfile, 'roleNames' | 'tags'>>): Promise<void>;
  deleteInstanceProfile(accountId: string, name: string): Promise<void>;
  listInstanceProfiles(accountId: string, opts?: ListOptions): Promise<Page<InstanceProfile>>;
  /** The instance profiles holding the role, sorted by name (ListInstanceProfilesForRole). */
  listInstanceProfilesForRole(accountId: string, roleName: string): Promise<InstanceProfile[]>;

  // STS temporary credentials
  /** Adds a credential, durable once resolved (concurrent adds may share a commit); an access key ID already stored is ERR_ENTITY_ALREADY_EXISTS (never an overwrite). */
  /**
   * Persists temporary credentials and returns them whole, with the secret and session token derived from the key ID
   * under the master key (so a restart derives the same ones and nothing secret is written). Durable when it resolves.
   */
  putTemporaryCredential(record: TemporaryCredentialRecord): Promise<TemporaryCredential>;
  getTemporaryCredential(accessKeyId: string): Promise<TemporaryCredential | undefined>;
  /** The secret and token derived for a key ID, whether or not its row exists (a swept one's token is still recognised). */
  getDerivedTemporarySecrets(accessKeyId: string): Promise<TemporarySecrets>;
  /** Deletes temporary credentials that expired before `before` (at most `limit` of them, oldest first); returns how many. */
  deleteExpiredTemporaryCredentials(before: Date, limit?: number): Promise<number>;
}

/**
 * One principal a stored resource-based policy (a role's trust policy) names by ARN, bound when the policy was saved
 * to that identity's unique ID, as IAM binds it: deleting the identity or renaming it rewrites the policy through these.
 */
export interface PrincipalBinding {
  /** The policy's owner: the role ID (AROA…) whose trust policy names the principal. */
  policyId: string;
  /** The named identity's unique ID (AIDA… user, AROA… role). */
  principalId: string;
  /** The ARN the stored policy spells the principal with. */
  principalArn: string;
}

/** The principal bindings of stored resource-based policies (see PrincipalBinding). */
export interface PrincipalBindingStore {
  /** Replaces every binding of one policy (an empty list removes them all). */
  setPrincipalBindings(policyId: string, bindings: ReadonlyArray<Omit<PrincipalBinding, 'policyId'>>): Promise<void>;
  /** The bindings naming one identity, sorted by policy ID. */
  listPrincipalBindings(principalId: string): Promise<PrincipalBinding[]>;
  /** Records the new ARN of a renamed identity in every binding naming it. */
  renamePrincipalBindings(principalId: string, principalArn: string): Promise<void>;
  /** Removes every binding naming one identity (it was deleted). */
  deletePrincipalBindings(principalId: string): Promise<void>;
}

/** An IAM SAML identity provider: its IdP metadata (signing certificates, entity ID) and decryption keys. */
export interface SamlProvider {
  accountId: string;
  arn: string; // arn:aws:iam::A:saml-provider/Name
  name: string;
  metadataDocument: string;
  /** The provider's unique ID (SAMLProviderUUID). */
  uuid: string;
  createDate: Date;
  validUntil: Date;
  /** 'Allowed' or 'Required' (encrypted assertions). */
  assertionEncryptionMode?: string;
  /** PEM private keys that decrypt encrypted assertions (plaintext here, encrypted at rest). */
  privateKeys: Array<{ keyId: string; privateKey: string; timestamp: Date }>;
  tags: Tag[];
}

/** An IAM OpenID Connect identity provider. */
export interface OidcProvider {
  accountId: string;
  arn: string; // arn:aws:iam::A:oidc-provider/host/path
  /** The issuer URL without its scheme, as in the ARN (host[/path]). */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createDate: Date;
  tags: Tag[];
}

/** Federation: SAML and OIDC providers, and the SAML assertion IDs already consumed (replay protection). */
export interface FederationStore {
  /** Adds a SAML provider; an ARN already stored is ERR_ENTITY_ALREADY_EXISTS. */
  createSamlProvider(p: SamlProvider): Promise<void>;
  /** Replaces a stored SAML provider's mutable fields (metadata, valid-until, keys, mode, tags). */
  updateSamlProvider(p: SamlProvider): Promise<void>;
  getSamlProvider(arn: string): Promise<SamlProvider | undefined>;
  /** The account's SAML providers, sorted by ARN. */
  listSamlProviders(accountId: string): Promise<SamlProvider[]>;
  deleteSamlProvider(arn: string): Promise<void>;
  /** Adds an OIDC provider; an ARN already stored is ERR_ENTITY_ALREADY_EXISTS. */
  createOidcProvider(p: OidcProvider): Promise<void>;
  /** Replaces a stored OIDC provider's client IDs, thumbprints and tags. */
  updateOidcProvider(p: OidcProvider): Promise<void>;
  getOidcProvider(arn: string): Promise<OidcProvider | undefined>;
  /** The account's OIDC providers, sorted by ARN. */
  listOidcProviders(accountId: string): Promise<OidcProvider[]>;
  deleteOidcProvider(arn: string): Promise<void>;
  /**
   * Records that a SAML assertion ID from a provider was consumed, kept until `expires`; false when it was already
   * recorded and has not expired (a replay). Rows that expired before `now` are swept (a bounded number per call).
   */
  consumeSamlAssertion(providerArn: string, assertionId: string, expires: Date, now: Date): Promise<boolean>;
}

/** Key/value settings kamen keeps about itself (e.g. which account is the bootstrap one). */
/**
 * Optional on a backend: a copy of all its rows and the restore of such a copy (drop-in mode's POST /_kamen/reset).
 * The snapshot is opaque to callers; a backend without these methods cannot be reset.
 */
export interface SnapshotStore {
  captureSnapshot?(): Promise<unknown>;
  restoreSnapshot?(snapshot: unknown): Promise<void>;
}

export interface SettingsStore {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** A secret setting (e.g. private signing keys): plaintext here, encrypted under the master key at rest. */
  getSecretSetting(key: string): Promise<string | undefined>;
  /** Sets a secret setting; the backend stores it encrypted under the master key. */
  setSecretSetting(key: string, value: string): Promise<void>;
}

/** The kinds of credentials an IAM user holds besides access keys, passwords and MFA devices. */
export type UserCredentialKind = 'ssh-public-key' | 'signing-certificate' | 'service-specific-credential';

/**
 * One SSH public key, signing certificate or service-specific credential of an IAM user. `userId` is the owner's
 * unique ID (AIDA…), so a later user of the same name never sees a deleted user's credentials; `data` holds the
 * kind's public fields (key body, fingerprint, certificate, service name…); `secret` (a service password) is encrypted
 * at rest.
 */
export interface UserCredential {
  kind: UserCredentialKind;
  id: string; // APKA… / certificate ID / ACCA…
  accountId: string;
  userName: string;
  userId: string;
  status: 'Active' | 'Inactive';
  createDate: Date;
  data: Record<string, string>;
  secret?: string;
}

/** The users' SSH public keys, signing certificates and service-specific credentials (see UserCredential). */
export interface UserCredentialStore {
  /** Adds a credential; an ID already used for that kind in the account is ERR_ENTITY_ALREADY_EXISTS. */
  createUserCredential(cred: UserCredential): Promise<void>;
  getUserCredential(accountId: string, kind: UserCredentialKind, id: string): Promise<UserCredential | undefined>;
  updateUserCredential(accountId: string, kind: UserCredentialKind, id: string, patch: Partial<Pick<UserCredential, 'status' | 'secret' | 'data'>>): Promise<void>;
  deleteUserCredential(accountId: string, kind: UserCredentialKind, id: string): Promise<void>;
  /** One user's credentials of a kind (by user ID), oldest first (ties by ID). */
  listUserCredentials(accountId: string, kind: UserCredentialKind, userId: string): Promise<UserCredential[]>;
  /** Every credential of a kind in the account, oldest first (credential reports). */
  listAccountUserCredentials(accountId: string, kind: UserCredentialKind): Promise<UserCredential[]>;
}

/** One web console session as stored: `id` is the SHA-256 (hex) of the session ID; `data` its JSON (encrypted at rest). */
export interface ConsoleSessionRecord {
  id: string;
  expiresAt: Date;
  data: string;
}

/** Web console sessions, kept so that a restart does not sign everyone out. */
export interface ConsoleSessionStore {
  /** Adds or replaces a session. */
  putConsoleSession(rec: ConsoleSessionRecord): Promise<void>;
  getConsoleSession(id: string): Promise<ConsoleSessionRecord | undefined>;
  deleteConsoleSession(id: string): Promise<void>;
  /** Deletes the sessions that expired at or before `now`; resolves with how many went. */
  deleteExpiredConsoleSessions(now: Date): Promise<number>;
}

/** An S3 bucket: its name is global across every account. */
export interface S3BucketRecord {
  name: string;
  /** The owning account. */
  accountId: string;
  region: string;
  createdAt: Date;
  /** The bucket policy (JSON text), when one is set. */
  policy?: string;
  /** The bucket's Block Public Access settings (JSON of PublicAccessBlockConfiguration), when set. */
  publicAccessBlock?: string;
  /** The ObjectOwnership rule (BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter); absent = BucketOwnerEnforced. */
  ownership?: string;
  /** The bucket's tag set; absent = none (NoSuchTagSet). */
  tags?: Tag[];
  /** The bucket's ACL grants (JSON of S3 Grant[]); absent = the owner's FULL_CONTROL. */
  acl?: string;
  /** The versioning state (migration 012); absent = never enabled. */
  versioning?: 'Enabled' | 'Suspended';
}

/** An S3 object's metadata; its bytes live in the blob store under `blobId`. */
export interface S3ObjectRecord {
  bucket: string;
  key: string;
  size: number;
  /** The quoted ETag, as S3 returns it. */
  etag: string;
  lastModified: Date;
  blobId: string;
  /** User metadata (x-amz-meta-*), names in lower case. */
  metadata: Record<string, string>;
  /** System headers that round-trip: Content-Type, Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires. */
  headers: Record<string, string>;
  /** Stored checksums by algorithm (CRC32, CRC32C, SHA1, SHA256), base64. */
  checksums: Record<string, string>;
  /** The version ID (migration 012); absent = the `null` version. */
  versionId?: string;
}

/** One version of an S3 object, or a delete marker (size 0, no blob), with its place in the key's history. */
export interface S3VersionRecord extends S3ObjectRecord {
  versionId: string;
  deleteMarker: boolean;
  /** True for the key's newest version (the current object, or the newest delete marker when the key is deleted). */
  isLatest: boolean;
}

/**
 * S3 versioning and the multipart sweep (migration 012). The current version of a key is what getS3Object answers;
 * noncurrent versions and delete markers are kept beside it. Writers resolve with the records whose blobs are no longer
 * referenced (the caller deletes those blobs).
 */
export interface S3VersionStore {
  /** Sets the bucket's versioning state; false when the bucket is gone. */
  setS3BucketVersioning(name: string, status: 'Enabled' | 'Suspended'): Promise<boolean>;
  /**
   * Makes `rec` (an object, or a delete marker when `deleteMarker`) the key's newest version in one transaction: the
   * current version becomes noncurrent, and any version with the same ID (the `null` version) is replaced.
   */
  putS3ObjectVersion(rec: S3ObjectRecord & { versionId: string; deleteMarker: boolean }): Promise<S3ObjectRecord[]>;
  /** One version (or delete marker) of a key by version ID ('null' for the null version). */
  getS3ObjectVersion(bucket: string, key: string, versionId: string): Promise<S3VersionRecord | undefined>;
  /** The key's newest version: the current object, else its newest delete marker. */
  getS3LatestVersion(bucket: string, key: string): Promise<S3VersionRecord | undefined>;
  /** Removes one version; when it was the newest, the next newest object version becomes current. Resolves with it. */
  deleteS3ObjectVersion(bucket: string, key: string, versionId: string): Promise<S3VersionRecord | undefined>;
  /**
   * Up to `limit` versions and delete markers of keys under `prefix`, by key (byte order) then newest first, starting
   * after (`afterKey`, `afterSeq`): `afterSeq` is the position of a version of `afterKey` (-1: after all its versions).
   */
  listS3ObjectVersions(bucket: string, opts: { prefix: string; afterKey: string; afterSeq: number; limit: number }): Promise<Array<S3VersionRecord & { seq: number }>>;
  /** The position of a version in its key's history (for list markers). */
  getS3VersionSeq(bucket: string, key: string, versionId: string): Promise<number | undefined>;
  /** Up to `limit` multipart uploads initiated before `before`, oldest first (the sweep's candidates). */
  listS3UploadsInitiatedBefore(before: Date, limit: number): Promise<S3UploadRecord[]>;
  /** Those of `blobIds` that an object, a version or a part still references. */
  findS3BlobReferences(blobIds: string[]): Promise<string[]>;
}

/** S3 bucket and object metadata (object bytes live in a BlobStore). */
export interface S3Store {
  /** Creates the bucket; resolves with the existing record (and creates nothing) when the name is taken. */
  createS3Bucket(rec: S3BucketRecord): Promise<S3BucketRecord | undefined>;
  getS3Bucket(name: string): Promise<S3BucketRecord | undefined>;
  /** The account's buckets, by name. */
  listS3Buckets(accountId: string): Promise<S3BucketRecord[]>;
  /** Deletes an empty bucket: 'deleted', 'not-empty' (nothing changed) or 'missing'. */
  deleteS3Bucket(name: string): Promise<'deleted' | 'not-empty' | 'missing'>;
  /** Sets (or with undefined removes) the bucket policy / the Block Public Access settings; false when the bucket is gone. */
  setS3BucketPolicy(name: string, policy: string | undefined): Promise<boolean>;
  setS3PublicAccessBlock(name: string, config: string | undefined): Promise<boolean>;
  /** Adds or replaces an object; resolves with the record it replaced (whose blob the caller deletes). */
  putS3Object(rec: S3ObjectRecord): Promise<S3ObjectRecord | undefined>;
  getS3Object(bucket: string, key: string): Promise<S3ObjectRecord | undefined>;
  /** Deletes an object; resolves with the deleted record. */
  deleteS3Object(bucket: string, key: string): Promise<S3ObjectRecord | undefined>;
  /** Up to `limit` objects whose keys start with `prefix` and sort after `after` (byte order of UTF-8), in key order. */
  listS3Objects(bucket: string, opts: { prefix: string; after: string; limit: number }): Promise<S3ObjectRecord[]>;
  createS3Upload(rec: S3UploadRecord): Promise<void>;
  getS3Upload(uploadId: string): Promise<S3UploadRecord | undefined>;
  /** The bucket's multipart uploads in progress, by key then initiation. */
  listS3Uploads(bucket: string): Promise<S3UploadRecord[]>;
  /** Adds or replaces a part; resolves with the part it replaced (whose blob the caller deletes). */
  putS3Part(part: S3PartRecord): Promise<S3PartRecord | undefined>;
  /** The upload's parts by part number. */
  listS3Parts(uploadId: string): Promise<S3PartRecord[]>;
  /** Removes the upload and its parts; resolves with the parts (whose blobs the caller deletes). */
  deleteS3Upload(uploadId: string): Promise<S3PartRecord[]>;
}

/**
 * S3 configuration (migration 011): bucket ownership, tags and ACL (kept on the bucket row), object tags and ACL
 * (kept in the object's stored headers, `x-amz-tagging` / `x-amz-acl`), and account-level Block Public Access.
 */
export interface S3ConfigStore {
  /** Sets (or with undefined removes) the bucket's ownership rule / tag set / ACL; false when the bucket is gone. */
  setS3BucketOwnership(name: string, ownership: string | undefined): Promise<boolean>;
  setS3BucketTags(name: string, tags: Tag[] | undefined): Promise<boolean>;
  setS3BucketAcl(name: string, acl: string | undefined): Promise<boolean>;
  /** Sets (or with undefined removes) one stored header of an object, in one transaction; false when the object is gone. */
  setS3ObjectHeader(bucket: string, key: string, header: 'x-amz-tagging' | 'x-amz-acl', value: string | undefined): Promise<boolean>;
  /** The account's Block Public Access settings (JSON of PublicAccessBlockConfiguration), when set. */
  getS3AccountPublicAccessBlock(accountId: string): Promise<string | undefined>;
  /** Sets (or with undefined removes) the account's Block Public Access settings. */
  setS3AccountPublicAccessBlock(accountId: string, config: string | undefined): Promise<void>;
}

/** A multipart upload in progress: where it will land and the metadata the object will carry. */
export interface S3UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: Date;
  /** The initiator's ARN. */
  initiatorArn: string;
  metadata: Record<string, string>;
  headers: Record<string, string>;
}

/** One uploaded part. */
export interface S3PartRecord {
  uploadId: string;
  partNumber: number;
  size: number;
  /** The quoted MD5 ETag of the part. */
  etag: string;
  blobId: string;
  lastModified: Date;
}

/** A server certificate (IAM's certificate store for load balancers and CloudFront); the private key is encrypted at rest. */
export interface ServerCertificate {
  accountId: string;
  serverCertificateId: string; // ASCA…
  name: string;
  path: string;
  arn: string;
  certificateBody: string;
  certificateChain?: string;
  privateKey: string;
  uploadDate: Date;
  expiration: Date;
  tags: Tag[];
}

/** The account's server certificates; names are unique per account without case. */
export interface ServerCertificateStore {
  /** Adds a certificate; a name already used in the account (any case) is ERR_ENTITY_ALREADY_EXISTS. */
  createServerCertificate(cert: ServerCertificate): Promise<void>;
  getServerCertificate(accountId: string, name: string): Promise<ServerCertificate | undefined>;
  /** Renames / moves / retags; a new name already used is ERR_ENTITY_ALREADY_EXISTS. */
  updateServerCertificate(accountId: string, name: string, patch: Partial<Pick<ServerCertificate, 'name' | 'path' | 'arn' | 'tags'>>): Promise<void>;
  deleteServerCertificate(accountId: string, name: string): Promise<void>;
  /** Every server certificate of the account, sorted by name. */
  listServerCertificates(accountId: string): Promise<ServerCertificate[]>;
}

/**
 * A write committed by another node sharing the database (its Store method and, for a patch method, the patch's keys),
 * or a gap in the feed (`method` undefined): `live` false while this node may be missing changes (cache nothing),
 * true once it hears every change again (forget everything cached before).
 */
export interface StoreChange {
  method?: string;
  patchKeys?: readonly string[];
  /** The row a keyed write changed (console sessions: the stored session ID). */
  key?: string;
  live?: boolean;
}

/** One stored CloudTrail record with the attributes LookupEvents filters on (see src/audit). */
export interface StoredEvent {
  /** The account whose event history holds the record (its recipientAccountId). */
  accountId: string;
  eventId: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  username?: string;
  accessKeyId?: string;
  /** The record's awsRegion: the region whose event history holds it (global services' events: us-east-1). */
  awsRegion?: string;
  resources: Array<{ ResourceType: string; ResourceName: string }>;
  /** The full record, as JSON text. */
  record: string;
}

/** The LookupEvents attributes kamen indexes. */
export type EventLookupKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';

/** One page of an account's event history: newest first, between two times, optionally filtered by one attribute. */
export interface EventQuery {
  accountId: string;
  /** Only the events of this region (LookupEvents is per region); every region's when absent. */
  region?: string;
  attribute?: { key: EventLookupKey; value: string };
  /** Inclusive bounds, epoch ms. */
  startMs: number;
  endMs: number;
  limit: number;
  /** Resume strictly after this position (the last event of the previous page). */
  after?: { timeMs: number; seq: number };
}

/** The audit events: append-only (no update or delete exists, and the schema refuses them). */
export interface EventStore {
  /** Appends events; inside an open store transaction they commit with it. */
  appendEvents(events: readonly StoredEvent[]): Promise<void>;
  /**
   * Appends events that need not commit with any change (reads, failures), outside every transaction, off the event
   * loop where the backend can (SQLite file: a writer thread); resolves once committed. Absent: use appendEvents.
   */
  appendEventsDetached?(events: readonly StoredEvent[]): Promise<void>;
  /**
   * Appends the events of `rows` (flat rows of facts, as src/audit/event-row.ts lays them out) outside every
   * transaction, as appendEventsDetached would, off the event loop where the backend can (SQLite file: the writer
   * thread gives each event its ID and stores its facts; the record is rendered when read); resolves once committed.
   * Absent: render them (eventsFromRows) and append those. The bytes are read, not kept, and may be in memory shared
   * with a worker thread: the caller writes over them only once the promise settles.
   */
  appendEventRows?(rows: Uint8Array): Promise<void>;
  /** One page of events with their position (`seq`) for the next page's `after`. */
  lookupEvents(q: EventQuery): Promise<Array<StoredEvent & { seq: number }>>;
}

/** CloudTrail event retention (migration 018): the only path by which stored events ever leave the store. */
export interface EventRetentionStore {
  /**
   * Deletes, oldest position first and in one transaction, `limit` events stored before `before` together with
   * their lookup rows (a backend that stores events in blocks deletes whole blocks, so it may pass `limit` by less
   * than a block); fewer only when no more may go now. Stops at the first event (by position) not yet that old. Never
   * deletes an event at or after the lowest delivery position of a logging trail (stopped trails hold nothing back),
   * nor the newest event (so a position is never reused). Resolves with how many events went.
   */
  deleteExpiredEvents(before: Date, limit: number): Promise<number>;
}

/** The last digest file of one (account, region) digest chain of a trail: what the next digest points back to. */
export interface TrailDigestLink {
  bucket: string;
  key: string;
  /** Hex signature of that digest (the next digest's previousDigestSignature). */
  signature: string;
  /** Hex SHA-256 of its uncompressed content. */
  hash: string;
  /** Its digestEndTime, epoch ms (the next digest starts there). */
  endMs: number;
}

/** Where a trail's delivery stands: the CloudTrail status fields and the digest chains (by `<account>/<region>`). */
export interface TrailDelivery {
  lastDeliveryTime?: Date;
  lastDeliveryError?: string;
  lastDigestDeliveryTime?: Date;
  lastDigestDeliveryError?: string;
  chains: Record<string, TrailDigestLink>;
}

/** A CloudTrail trail, unique by (account, home region, name). */
export interface TrailRecord {
  accountId: string;
  homeRegion: string;
  name: string;
  arn: string; // arn:aws:cloudtrail:<region>:<account>:trail/<name>
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  isOrganizationTrail: boolean;
  logFileValidationEnabled: boolean;
  isLogging: boolean;
  startLoggingTime?: Date;
  stopLoggingTime?: Date;
  /** PutEventSelectors' selectors (JSON text), when set. */
  eventSelectors?: string;
  createdAt: Date;
  /** The largest event position (EventStore seq) already delivered; a new trail starts at the newest event. */
  position: number;
  delivery: TrailDelivery;
}

/** One region's digest signing key pair (the private key is encrypted at rest). */
export interface TrailSigningKey {
  region: string;
  /** Hex MD5 of the DER public key. */
  fingerprint: string;
  /** The public key: base64 of its DER PKCS#1 RSAPublicKey. */
  publicKey: string;
  /** The private key, PEM (plaintext here). */
  privateKey: string;
  validFrom: Date;
  validTo: Date;
}

/** CloudTrail trails, their signing keys, and the read of stored events by position that delivery makes. */
export interface TrailStore {
  /** Adds a trail; one already stored under (account, home region, name) is ERR_ENTITY_ALREADY_EXISTS. */
  createTrail(trail: TrailRecord): Promise<void>;
  getTrail(accountId: string, homeRegion: string, name: string): Promise<TrailRecord | undefined>;
  /** Replaces a stored trail's fields (configuration, logging state, position, delivery); false when it is gone. */
  putTrail(trail: TrailRecord): Promise<boolean>;
  /** Deletes a trail; false when there was none. */
  deleteTrail(accountId: string, homeRegion: string, name: string): Promise<boolean>;
  /** One account's trails (every trail when undefined), by account, home region, then name. */
  listTrails(accountId?: string): Promise<TrailRecord[]>;
  /** Adds a signing key. */
  putTrailSigningKey(key: TrailSigningKey): Promise<void>;
  /** A region's signing keys, oldest first. */
  listTrailSigningKeys(region: string): Promise<TrailSigningKey[]>;
  /** Up to `limit` stored events with a position (seq) after `afterSeq`, in position order. */
  readEventsAfter(afterSeq: number, limit: number): Promise<Array<StoredEvent & { seq: number }>>;
  /** The newest stored event's position (0 when there is none). */
  lastEventPosition(): Promise<number>;
}

/**
 * One IAM delegation request as stored: the columns the store filters on, and `data`, the request's other fields
 * (JSON, opaque to the store). `tokenHash` is the SHA-256 (hex) of its trade-in token once one was issued.
 */
export interface DelegationRequestRow {
  id: string;
  requestorAccountId: string;
  ownerAccountId?: string;
  ownerId?: string;
  state: string;
  createdAt: Date;
  tokenHash?: string;
  data: string;
}

/** IAM delegation requests (CreateDelegationRequest … SendDelegationToken, sts:GetDelegatedAccessToken). */
export interface DelegationStore {
  /** Adds a request; one with the same ID (or the same token hash) is ERR_ENTITY_ALREADY_EXISTS. */
  createDelegationRequest(row: DelegationRequestRow): Promise<void>;
  getDelegationRequest(id: string): Promise<DelegationRequestRow | undefined>;
  /** The request whose trade-in token hashes to `tokenHash`. */
  getDelegationRequestByTokenHash(tokenHash: string): Promise<DelegationRequestRow | undefined>;
  /** Replaces a stored request's fields (by ID); false when it is gone. */
  putDelegationRequest(row: DelegationRequestRow): Promise<boolean>;
  /**
   * Up to `limit` requests visible to `accountId` with an ID after `afterId`, by ID: those it made, and those it owns
   * (an owner ID is set); with `ownerId`, only the requests of that owner.
   */
  listDelegationRequests(q: { accountId: string; ownerId?: string; afterId?: string; limit: number }): Promise<DelegationRequestRow[]>;
}

export interface Store extends OrganizationStore, IdentityStore, SettingsStore, PrincipalBindingStore, FederationStore, UserCredentialStore, ServerCertificateStore, ConsoleSessionStore, S3Store, S3ConfigStore, S3VersionStore, EventStore, EventRetentionStore, TrailStore, DelegationStore {
  /** Runs `fn` so that all its writes land together or not at all. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The codec this store signs its listing markers with, for listings a service merges from several sources. */
  readonly markers: MarkerCodec;
  /**
   * Backends shared by several nodes (PostgreSQL): calls `listener` for every write another node commits and for gaps
   * in that feed, so caches built on this node stay exact; returns the unsubscribe function. Absent: no other writer.
   */
  subscribeChanges?(listener: (change: StoreChange) => void): () => void;
}
