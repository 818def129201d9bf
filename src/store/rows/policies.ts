/** Row types and row → entity mappers of the policies tables, shared by the SQLite and PostgreSQL stores. */
import type { IdentityStore, InlinePolicy, ManagedPolicy, PolicyAttachment, PolicyVersion, PrincipalKind } from '../store.js';
import { parseTags } from './tags.js';

/** A policies row (dates as epoch ms). */
export interface PolicyRow {
  arn: string;
  policy_id: string;
  account_id: string;
  policy_name: string;
  path: string;
  default_version_id: string;
  description: string | null;
  create_date: number;
  update_date: number;
  tags: string;
}

/** A policy_versions row; is_default is 0/1 in SQLite and a boolean in PostgreSQL. */
export interface VersionRow {
  policy_arn: string;
  version_id: string;
  document: string;
  create_date: number;
  is_default: number | boolean;
}

/** An inline_policies row. */
export interface InlineRow {
  account_id: string;
  kind: PrincipalKind;
  principal_name: string;
  policy_name: string;
  document: string;
}

/** A policy_attachments row. */
export interface AttachmentRow {
  account_id: string;
  kind: PrincipalKind;
  principal_name: string;
  policy_arn: string;
}

/** Maps a policies row to a customer managed policy. */
export function toPolicy(r: PolicyRow): ManagedPolicy {
  const p: ManagedPolicy = {
    accountId: r.account_id,
    policyId: r.policy_id,
    policyName: r.policy_name,
    path: r.path,
    arn: r.arn,
    defaultVersionId: r.default_version_id,
    createDate: new Date(r.create_date),
    updateDate: new Date(r.update_date),
    tags: parseTags(r.tags),
  };
  if (r.description !== null) p.description = r.description;
  return p;
}

/** Maps a policy_versions row to a policy version. */
export const toVersion = (r: VersionRow): PolicyVersion => ({
  policyArn: r.policy_arn,
  versionId: r.version_id,
  document: r.document,
  isDefaultVersion: r.is_default === true || r.is_default === 1,
  createDate: new Date(r.create_date),
});

/** Maps an inline_policies row to an inline policy. */
export const toInline = (r: InlineRow): InlinePolicy => ({
  accountId: r.account_id,
  kind: r.kind,
  principalName: r.principal_name,
  policyName: r.policy_name,
  document: r.document,
});

/** Maps a policy_attachments row to a managed policy attachment. */
export const toAttachment = (r: AttachmentRow): PolicyAttachment => ({
  accountId: r.account_id,
  kind: r.kind,
  principalName: r.principal_name,
  policyArn: r.policy_arn,
});

/** The policies family's slice of the Store, implemented by both backends. */
export type PoliciesMethods = Pick<
  IdentityStore,
  | 'createPolicy'
  | 'getPolicy'
  | 'updatePolicy'
  | 'deletePolicy'
  | 'listPolicies'
  | 'createPolicyVersion'
  | 'getPolicyVersion'
  | 'listPolicyVersions'
  | 'deletePolicyVersion'
  | 'setDefaultPolicyVersion'
  | 'putInlinePolicy'
  | 'getInlinePolicy'
  | 'deleteInlinePolicy'
  | 'listInlinePolicies'
  | 'attachPolicy'
  | 'detachPolicy'
  | 'listAttachedPolicies'
  | 'listPolicyAttachments'
  | 'countPolicyAttachments'
  | 'listPoliciesAfter'
  | 'countPolicyUsage'
  | 'listPolicyEntities'
>;
