/**
 * The storage contract of kamen: every backend (SQLite now, PostgreSQL next) implements this interface and passes
 * the one contract suite in test/contract/. All methods are async so a networked backend fits; dates are Date objects;
 * secrets (access key secrets, MFA seeds, session secrets) are plaintext here and encrypted at rest by the backend.
 * "Not found" is `undefined`, never an exception; uniqueness violations throw KamenError('ERR_ENTITY_ALREADY_EXISTS').
 */

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
  type: 'SERVICE_CONTROL_POLICY';
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

/** Key/value settings kamen keeps about itself (e.g. which account is the bootstrap one). */
export interface SettingsStore {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}

export interface Store extends OrganizationStore, IdentityStore, SettingsStore {
  /** Runs `fn` so that all its writes land together or not at all. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
