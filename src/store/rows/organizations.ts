/** Row types and row → entity mappers of the Organizations tables, shared by the SQLite and PostgreSQL stores. */
import type { Account, CreateAccountStatus, Organization, OrganizationalUnit, OrgPolicy } from '../store.js';

/** The organization row (dates as epoch ms). */
export interface OrgRow {
  id: string;
  arn: string;
  management_account_id: string;
  management_account_email: string;
  root_id: string;
  feature_set: Organization['featureSet'];
  created_at: number;
}

/** An org_accounts row. */
export interface AccountRow {
  id: string;
  arn: string;
  name: string;
  email: string;
  status: Account['status'];
  joined_method: Account['joinedMethod'];
  joined_timestamp: number;
  parent_id: string;
}

/** An org_units row. */
export interface OuRow {
  id: string;
  arn: string;
  name: string;
  parent_id: string;
}

/** A CreateAccount status row. */
export interface CasRow {
  id: string;
  account_name: string;
  state: CreateAccountStatus['state'];
  requested_timestamp: number;
  completed_timestamp: number | null;
  account_id: string | null;
  failure_reason: string | null;
}

/** An Organizations policy row; aws_managed is 0/1 in SQLite and a boolean in PostgreSQL. */
export interface OrgPolicyRow {
  id: string;
  arn: string;
  name: string;
  description: string;
  type: OrgPolicy['type'];
  aws_managed: number | boolean;
  content: string;
}

/** Maps the organization row. */
export const toOrg = (r: OrgRow): Organization => ({
  id: r.id,
  arn: r.arn,
  managementAccountId: r.management_account_id,
  managementAccountEmail: r.management_account_email,
  rootId: r.root_id,
  featureSet: r.feature_set,
  createdAt: new Date(r.created_at),
});

/** Maps a member account row. */
export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  arn: r.arn,
  name: r.name,
  email: r.email,
  status: r.status,
  joinedMethod: r.joined_method,
  joinedTimestamp: new Date(r.joined_timestamp),
  parentId: r.parent_id,
});

/** Maps an OU row. */
export const toOu = (r: OuRow): OrganizationalUnit => ({ id: r.id, arn: r.arn, name: r.name, parentId: r.parent_id });

/** Maps a CreateAccount status row. */
export function toCas(r: CasRow): CreateAccountStatus {
  const s: CreateAccountStatus = { id: r.id, accountName: r.account_name, state: r.state, requestedTimestamp: new Date(r.requested_timestamp) };
  if (r.completed_timestamp !== null) s.completedTimestamp = new Date(r.completed_timestamp);
  if (r.account_id !== null) s.accountId = r.account_id;
  if (r.failure_reason !== null) s.failureReason = r.failure_reason;
  return s;
}

/** Maps an Organizations policy row. */
export const toOrgPolicy = (r: OrgPolicyRow): OrgPolicy => ({
  id: r.id,
  arn: r.arn,
  name: r.name,
  description: r.description,
  type: r.type,
  awsManaged: r.aws_managed === true || r.aws_managed === 1,
  content: r.content,
});
