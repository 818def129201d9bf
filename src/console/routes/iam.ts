/** IAM pages of the current account: users (console access, sign-in CSV, access keys), groups, roles, policies, attachments. */
import { randomInt } from 'node:crypto';
import { decodePolicyDocument } from '../aws-client.js';
import { ConsoleError, listAll, str, strList, type ConsoleDeps, type Route, type RouteContext } from '../http.js';
import { buildAccountTrustPolicy, trustOptionsProblem } from '../shared/trust-policy.js';
import { csvLine } from '../csv.js';
import { attachChangePassword } from './iam-manage.js';

const KINDS = { users: 'User', groups: 'Group', roles: 'Role' } as const;

/** A generated console password: 16 characters with upper, lower, digit and symbol (meets any IAM password policy). */
export function generatePassword(length = 16): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#$%^&*()_+-=[]{}|'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** The account the session acts in now (the switched role's after a switch). */
export function currentAccount(ctx: RouteContext): string {
  const s = ctx.requireSession();
  return s.switched?.accountId ?? s.principal.accountId;
}

/** The console sign-in link of an account, as the CSV and the account menu show it. */
export function signInLink(deps: ConsoleDeps, ctx: RouteContext, accountId: string): string {
  return `${deps.origin(ctx.host)}/console/?account=${accountId}`;
}

function kindOf(ctx: RouteContext): 'User' | 'Group' | 'Role' {
  const k = KINDS[ctx.params['kind'] as keyof typeof KINDS];
  if (!k) throw new ConsoleError(404, 'NotFound', 'Unknown principal kind');
  return k;
}

function tagsFrom(body: Record<string, unknown>): Array<{ Key: string; Value: string }> {
  const v = body['tags'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConsoleError(400, 'ValidationError', 'tags must be a list');
  return v.map((t: any) => {
    if (typeof t?.key !== 'string' || !t.key.trim() || (t.value !== undefined && typeof t.value !== 'string')) throw new ConsoleError(400, 'ValidationError', 'Each tag needs a key (and a string value).');
    return { Key: t.key.trim(), Value: t.value ?? '' };
  });
}

/** The IAM routes. */
export function iamRoutes(deps: ConsoleDeps): Route[] {
  const r = (method: Route['method'], path: string, handler: Route['handler']): Route => ({ method, path, auth: true, handler });
  return [
    r('GET', '/iam/users', async (ctx) => ({ users: await listAll(ctx, 'iam', 'ListUsers', 'Users') })),
    r('POST', '/iam/users', async (ctx) => {
      const b = ctx.body;
      const userName = str(b, 'userName', { max: 64 });
      const consoleAccess = b['consoleAccess'] === true;
      const password = consoleAccess ? (b['autoGeneratePassword'] === false ? str(b, 'password', { raw: true, max: 128 }) : generatePassword()) : '';
      const groups = strList(b, 'groups');
      const policyArns = strList(b, 'policyArns');
      const out = await ctx.api('iam', 'CreateUser', { UserName: userName, Tags: tagsFrom(b) });
      if (consoleAccess) await ctx.api('iam', 'CreateLoginProfile', { UserName: userName, Password: password, PasswordResetRequired: b['requireReset'] === true });
      // As AWS's console does: a user who must create a new password at next sign-in gets IAMUserChangePassword.
      if (consoleAccess && b['requireReset'] === true) await attachChangePassword(ctx, userName);
      for (const g of groups) await ctx.api('iam', 'AddUserToGroup', { UserName: userName, GroupName: g });
      for (const arn of policyArns) await ctx.api('iam', 'AttachUserPolicy', { UserName: userName, PolicyArn: arn });
      const link = signInLink(deps, ctx, currentAccount(ctx));
      const result: Record<string, unknown> = { user: out['User'] };
      if (consoleAccess) {
        result['password'] = password;
        result['signInUrl'] = link;
        result['csv'] = csvLine(['User name', 'Password', 'Console sign-in URL']) + csvLine([userName, password, link]);
      }
      return result;
    }),
    r('GET', '/iam/users/:name', async (ctx) => {
      const UserName = ctx.params['name']!;
      const user = (await ctx.api('iam', 'GetUser', { UserName }))['User'];
      const [policies, groups, keys, mfa] = await Promise.all([
        ctx.api('iam', 'ListAttachedUserPolicies', { UserName }),
        ctx.api('iam', 'ListGroupsForUser', { UserName }),
        ctx.api('iam', 'ListAccessKeys', { UserName }),
        ctx.api('iam', 'ListMFADevices', { UserName }),
      ]);
      let loginProfile: unknown = null;
      try {
        loginProfile = (await ctx.api('iam', 'GetLoginProfile', { UserName }))['LoginProfile'];
      } catch (err) {
        if (!(err instanceof ConsoleError) || err.code !== 'NoSuchEntity') throw err;
      }
      return { user, attachedPolicies: policies['AttachedPolicies'] ?? [], groups: groups['Groups'] ?? [], accessKeys: keys['AccessKeyMetadata'] ?? [], mfaDevices: mfa['MFADevices'] ?? [], loginProfile };
    }),
    r('POST', '/iam/users/:name/access-keys', async (ctx) => {
      const key = (await ctx.api('iam', 'CreateAccessKey', { UserName: ctx.params['name']! }))['AccessKey'];
      return { accessKey: key, csv: csvLine(['Access key ID', 'Secret access key']) + csvLine([key['AccessKeyId'], key['SecretAccessKey']]) };
    }),
    r('DELETE', '/iam/users/:name/access-keys/:id', async (ctx) => {
      await ctx.api('iam', 'DeleteAccessKey', { UserName: ctx.params['name']!, AccessKeyId: ctx.params['id']! });
      return { status: 'ok' };
    }),
    r('GET', '/iam/groups', async (ctx) => ({ groups: await listAll(ctx, 'iam', 'ListGroups', 'Groups') })),
    r('POST', '/iam/groups', async (ctx) => {
      const GroupName = str(ctx.body, 'groupName', { max: 128 });
      const out = await ctx.api('iam', 'CreateGroup', { GroupName });
      for (const arn of strList(ctx.body, 'policyArns')) await ctx.api('iam', 'AttachGroupPolicy', { GroupName, PolicyArn: arn });
      return { group: out['Group'] };
    }),
    r('GET', '/iam/groups/:name', async (ctx) => {
      const GroupName = ctx.params['name']!;
      const [g, p] = await Promise.all([ctx.api('iam', 'GetGroup', { GroupName }), ctx.api('iam', 'ListAttachedGroupPolicies', { GroupName })]);
      return { group: g['Group'], users: g['Users'] ?? [], attachedPolicies: p['AttachedPolicies'] ?? [] };
    }),
    r('POST', '/iam/groups/:name/members', async (ctx) => {
      await ctx.api('iam', 'AddUserToGroup', { GroupName: ctx.params['name']!, UserName: str(ctx.body, 'userName', { max: 64 }) });
      return { status: 'ok' };
    }),
    r('DELETE', '/iam/groups/:name/members/:user', async (ctx) => {
      await ctx.api('iam', 'RemoveUserFromGroup', { GroupName: ctx.params['name']!, UserName: ctx.params['user']! });
      return { status: 'ok' };
    }),
    r('GET', '/iam/roles', async (ctx) => ({ roles: (await listAll<Record<string, unknown>>(ctx, 'iam', 'ListRoles', 'Roles')).map(withTrust) })),
    r('POST', '/iam/roles', async (ctx) => {
      const b = ctx.body;
      const RoleName = str(b, 'roleName', { max: 64 });
      const t = (b['trust'] ?? {}) as Record<string, unknown>;
      if (typeof t !== 'object' || t === null) throw new ConsoleError(400, 'ValidationError', 'trust must be an object');
      const other = t['accountMode'] === 'other';
      const options = {
        accountId: other ? str(t, 'accountId', { max: 12 }) : currentAccount(ctx),
        requireExternalId: t['requireExternalId'] === true,
        externalId: str(t, 'externalId', { optional: true, raw: true, max: 1224 }),
        requireMfa: t['requireMfa'] === true,
      };
      const problem = trustOptionsProblem(options);
      if (problem) throw new ConsoleError(400, 'ValidationError', problem);
      const document = JSON.stringify(buildAccountTrustPolicy(options), null, 4);
      const params: Record<string, unknown> = { RoleName, AssumeRolePolicyDocument: document, Tags: tagsFrom(b) };
      const description = str(b, 'description', { optional: true, max: 1000 });
      if (description) params['Description'] = description;
      const out = await ctx.api('iam', 'CreateRole', params);
      for (const arn of strList(b, 'policyArns')) await ctx.api('iam', 'AttachRolePolicy', { RoleName, PolicyArn: arn });
      return { role: withTrust(out['Role']) };
    }),
    r('GET', '/iam/roles/:name', async (ctx) => {
      const RoleName = ctx.params['name']!;
      const [g, p] = await Promise.all([ctx.api('iam', 'GetRole', { RoleName }), ctx.api('iam', 'ListAttachedRolePolicies', { RoleName })]);
      const role = withTrust(g['Role']);
      // AWS's link names a role with a path as path/name; encodeURI keeps the slashes readable.
      const pathAndName = `${String(role['Path'] ?? '/').slice(1)}${String(role['RoleName'] ?? RoleName)}`;
      const link = `${deps.origin(ctx.host)}/switchrole?account=${currentAccount(ctx)}&roleName=${encodeURIComponent(pathAndName).replace(/%2F/g, '/')}`;
      return { role, attachedPolicies: p['AttachedPolicies'] ?? [], switchRoleLink: link };
    }),
    r('PUT', '/iam/roles/:name/trust', async (ctx) => {
      await ctx.api('iam', 'UpdateAssumeRolePolicy', { RoleName: ctx.params['name']!, PolicyDocument: str(ctx.body, 'document', { raw: true }) });
      return { status: 'ok' };
    }),
    r('POST', '/iam/:kind/:name/policies', async (ctx) => {
      const kind = kindOf(ctx);
      await ctx.api('iam', `Attach${kind}Policy`, { [`${kind}Name`]: ctx.params['name']!, PolicyArn: str(ctx.body, 'policyArn', { max: 2048 }) });
      return { status: 'ok' };
    }),
    r('DELETE', '/iam/:kind/:name/policies', async (ctx) => {
      const kind = kindOf(ctx);
      const arn = ctx.query.get('arn');
      if (!arn) throw new ConsoleError(400, 'ValidationError', 'arn is required');
      await ctx.api('iam', `Detach${kind}Policy`, { [`${kind}Name`]: ctx.params['name']!, PolicyArn: arn });
      return { status: 'ok' };
    }),
    r('GET', '/iam/policies', async (ctx) => {
      const scope = ctx.query.get('scope') === 'AWS' ? 'AWS' : ctx.query.get('scope') === 'All' ? 'All' : 'Local';
      const q = (ctx.query.get('q') ?? '').toLowerCase();
      const all = await listAll<Record<string, unknown>>(ctx, 'iam', 'ListPolicies', 'Policies', { Scope: scope, MaxItems: 1000 }, 5000);
      // Exact name first, then names starting with the query, then the rest that contain it.
      const rank = (p: Record<string, unknown>) => {
        const n = String(p['PolicyName']).toLowerCase();
        return n === q ? 0 : n.startsWith(q) ? 1 : 2;
      };
      const hits = q ? all.filter((p) => String(p['PolicyName']).toLowerCase().includes(q)).sort((a, b) => rank(a) - rank(b)) : all;
      // Pages as the console's tables page them: a page size of 10, 25, 50 or 100 rows, pages numbered from 1.
      const size = [10, 25, 50, 100].includes(Number(ctx.query.get('pageSize'))) ? Number(ctx.query.get('pageSize')) : 25;
      const pages = Math.max(1, Math.ceil(hits.length / size));
      const page = Math.min(Math.max(1, Math.floor(Number(ctx.query.get('page')) || 1)), pages);
      return { policies: hits.slice((page - 1) * size, page * size), total: hits.length, page, pageSize: size, pages };
    }),
    r('GET', '/iam/policy', async (ctx) => {
      const PolicyArn = ctx.query.get('arn');
      if (!PolicyArn) throw new ConsoleError(400, 'ValidationError', 'arn is required');
      const policy = (await ctx.api('iam', 'GetPolicy', { PolicyArn }))['Policy'];
      const v = (await ctx.api('iam', 'GetPolicyVersion', { PolicyArn, VersionId: policy['DefaultVersionId'] }))['PolicyVersion'];
      return { policy, document: decodePolicyDocument(v?.['Document']) };
    }),
    r('POST', '/iam/policies', async (ctx) => {
      const params: Record<string, unknown> = { PolicyName: str(ctx.body, 'policyName', { max: 128 }), PolicyDocument: str(ctx.body, 'document', { raw: true }) };
      const description = str(ctx.body, 'description', { optional: true, max: 1000 });
      if (description) params['Description'] = description;
      return { policy: (await ctx.api('iam', 'CreatePolicy', params))['Policy'] };
    }),
    r('GET', '/iam/account', async (ctx) => {
      const id = await ctx.api('sts', 'GetCallerIdentity');
      let alias: string | null = null;
      try {
        alias = ((await ctx.api('iam', 'ListAccountAliases'))['AccountAliases'] as string[] | undefined)?.[0] ?? null;
      } catch {
        alias = null;
      }
      return { account: id['Account'], arn: id['Arn'], userId: id['UserId'], alias, signInUrl: signInLink(deps, ctx, alias ?? String(id['Account'])) };
    }),
  ];
}

/** A role with its trust policy decoded to JSON text. */
function withTrust(role: Record<string, unknown>): Record<string, unknown> {
  return { ...role, AssumeRolePolicyDocument: decodePolicyDocument(role['AssumeRolePolicyDocument']) };
}
