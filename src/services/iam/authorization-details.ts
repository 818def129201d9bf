/**
 * GetAccountAuthorizationDetails, keyset-paged: users, groups, roles, customer managed policies and the AWS managed
 * policies in use, one section after another; the signed marker names the section and the position in it (the store's
 * own marker for principals, the (case-folded name, ARN) of the last policy), so a page costs what its rows cost.
 */
import { KamenError } from '../../errors.js';
import { pageRequest } from '../../store/markers.js';
import type { OperationContext } from '../types.js';
import { policyNameOfArn } from './attachments.js';
import { account, catalogOf, encodeDoc, groupOut, instanceProfileOut, profileRoles, roleOut, userOut, type IamDeps, type Input } from './common.js';
import { awsPolicyOut, localPolicyOut } from './policies.js';
import { walkPolicies } from './policy-walk.js';
import { versionOut } from './policy-versions.js';

/** One detail row: the list it goes to and how to build it. */
interface Row {
  list: 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies';
  build: () => Promise<Input>;
}

/** A section's step: up to `need` rows from `cursor`, and the cursor after them when the section has more. */
type Step = (cursor: [string, string] | null, need: number) => Promise<{ rows: Row[]; next: [string, string] | null }>;

/** The section names of the Filter parameter, in listing order. */
const SECTIONS = ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

function attachedList(arns: string[]): Input[] {
  return arns.map((arn) => ({ PolicyName: policyNameOfArn(arn).name, PolicyArn: arn }));
}

/** The steps of every section, over the caller's account. */
function sectionSteps(deps: IamDeps, ctx: OperationContext): Record<(typeof SECTIONS)[number], Step> {
  const acct = account(ctx);
  const s = ctx.store;
  /** A principal section: pages of the store's own listing, resumed with its marker. */
  const principals = <T>(list: (o: { marker?: string; maxItems: number }) => Promise<{ items: T[]; nextMarker?: string }>, row: (x: T) => Row): Step =>
    async (cursor, need) => {
      const page = await list(cursor && cursor[0] !== '' ? { marker: cursor[0], maxItems: need } : { maxItems: need });
      return { rows: page.items.map(row), next: page.nextMarker ? [page.nextMarker, ''] : null };
    };
  /** A policy section: the merged walk, resumed after the last policy's key. */
  const policies = (aws: boolean): Step => async (cursor, need) => {
    const walked = await walkPolicies(s, catalogOf(deps, ctx), {
      accountId: acct,
      aws,
      local: !aws,
      after: cursor && cursor[0] !== '' ? { name: cursor[0], arn: cursor[1] } : null,
      limit: need,
      pathPrefix: null,
      // AWS lists the AWS managed policies in use in the account (attached or used as a boundary).
      ...(aws ? { keep: (u: { attachments: number; boundaries: number } | undefined) => (u?.attachments ?? 0) + (u?.boundaries ?? 0) > 0 } : {}),
    });
    const shown = walked.slice(0, need);
    const rows: Row[] = shown.map((w) => ({
      list: 'Policies',
      build: async () => {
        if (w.aws) {
          const o = awsPolicyOut(w.aws, w.usage);
          o['PolicyVersionList'] = [versionOut({ versionId: w.aws.defaultVersionId, document: w.aws.document, isDefaultVersion: true, createDate: w.aws.updateDate }, true)];
          return o;
        }
        const o = localPolicyOut(w.local!, w.usage, { description: true });
        o['PolicyVersionList'] = (await s.listPolicyVersions(w.local!.arn)).map((v) => versionOut(v, true));
        return o;
      },
    }));
    const last = shown[shown.length - 1];
    return { rows, next: walked.length > need && last ? [last.name, last.arn] : null };
  };
  return {
    User: principals((o) => s.listUsers(acct, o), (u) => ({
      list: 'UserDetailList',
      build: async () => {
        const base = userOut(u, true);
        const o: Input = { Path: base['Path'], UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: u.createDate };
        const inline = await s.listInlinePolicies(acct, 'user', u.userName);
        if (inline.length > 0) o['UserPolicyList'] = inline.map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDoc(p.document) }));
        const groups: string[] = [];
        let marker: string | undefined;
        do {
          const page = await s.listGroupsForUser(acct, u.userName, marker === undefined ? { maxItems: 1000 } : { maxItems: 1000, marker });
          groups.push(...page.items.map((g) => g.groupName));
          marker = page.nextMarker;
        } while (marker);
        o['GroupList'] = groups;
        o['AttachedManagedPolicies'] = attachedList(await s.listAttachedPolicies(acct, 'user', u.userName));
        if (base['PermissionsBoundary']) o['PermissionsBoundary'] = base['PermissionsBoundary'];
        if (base['Tags']) o['Tags'] = base['Tags'];
        return o;
      },
    })),
    Group: principals((o) => s.listGroups(acct, o), (g) => ({
      list: 'GroupDetailList',
      build: async () => {
        const o: Input = groupOut(g);
        o['GroupPolicyList'] = (await s.listInlinePolicies(acct, 'group', g.groupName)).map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDoc(p.document) }));
        o['AttachedManagedPolicies'] = attachedList(await s.listAttachedPolicies(acct, 'group', g.groupName));
        return o;
      },
    })),
    Role: principals((o) => s.listRoles(acct, o), (r) => ({
      list: 'RoleDetailList',
      build: async () => {
        const base = roleOut(r, true);
        const o: Input = { Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, CreateDate: r.createDate, AssumeRolePolicyDocument: base['AssumeRolePolicyDocument'] };
        const list: Input[] = [];
        for (const p of await s.listInstanceProfilesForRole(acct, r.roleName)) list.push(instanceProfileOut(p, await profileRoles(ctx, p)));
        o['InstanceProfileList'] = list;
        o['RolePolicyList'] = (await s.listInlinePolicies(acct, 'role', r.roleName)).map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDoc(p.document) }));
        o['AttachedManagedPolicies'] = attachedList(await s.listAttachedPolicies(acct, 'role', r.roleName));
        if (base['PermissionsBoundary']) o['PermissionsBoundary'] = base['PermissionsBoundary'];
        if (base['Tags']) o['Tags'] = base['Tags'];
        o['RoleLastUsed'] = base['RoleLastUsed'];
        return o;
      },
    })),
    LocalManagedPolicy: policies(false),
    AWSManagedPolicy: policies(true),
  };
}

/** Answers GetAccountAuthorizationDetails for the caller's account. */
export async function authorizationDetails(deps: IamDeps, ctx: OperationContext, input: Input): Promise<Input> {
  const filter: string[] | undefined = Array.isArray(input['Filter']) && input['Filter'].length > 0 ? (input['Filter'] as unknown[]).map(String) : undefined;
  const wanted = SECTIONS.map((name) => !filter || filter.includes(name));
  const opts: { marker?: string; maxItems?: number } = {};
  if (input['Marker'] !== undefined) opts.marker = String(input['Marker']);
  if (input['MaxItems'] !== undefined) opts.maxItems = Number(input['MaxItems']);
  const p = pageRequest(ctx.store, ['iam:authorization-details', account(ctx), wanted.map((w) => (w ? '1' : '0')).join('')], opts, ['number', 'string', 'string']);
  let section = p.after ? Number(p.after[0]) : 0;
  if (p.after && (!Number.isInteger(section) || section < 0 || section >= SECTIONS.length || !wanted[section])) throw new KamenError('ERR_VALIDATION', 'Invalid Marker.');
  let cursor: [string, string] | null = p.after ? [String(p.after[1]), String(p.after[2])] : null;
  const steps = sectionSteps(deps, ctx);
  const rows: Row[] = [];
  let next: [number, string, string] | undefined;
  for (; section < SECTIONS.length; section++, cursor = null) {
    if (!wanted[section]) continue;
    const step = steps[SECTIONS[section]!];
    const need = p.limit - rows.length;
    if (need === 0) {
      // The page is full: a marker only when this section has a row.
      if ((await step(null, 1)).rows.length > 0) next = [section, '', ''];
      if (next) break;
      continue;
    }
    const got = await step(cursor, need);
    rows.push(...got.rows);
    if (got.next) {
      next = [section, ...got.next];
      break;
    }
  }
  const out: Input = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  for (const r of rows) (out[r.list] as Input[]).push(await r.build());
  out['IsTruncated'] = next !== undefined;
  if (next) out['Marker'] = ctx.store.markers.encode(p.scope, next);
  return out;
}
