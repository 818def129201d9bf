/**
 * IAM management as AWS's console does it: delete a user, role or policy with the dependent-resource steps AWS's
 * console runs first; reset a console password; virtual MFA devices (QR code + two codes); access key status; inline
 * policies; policy versions; role descriptions.
 */
import { generatePassword, signInLink, currentAccount } from './iam.js';
import { decodePolicyDocument } from '../aws-client.js';
import { ConsoleError, listAll, str, type ConsoleDeps, type Route, type RouteContext } from '../http.js';
import { csvLine } from '../csv.js';

/** The managed policy AWS's console attaches when a user must create a new password at next sign-in. */
export const CHANGE_PASSWORD_POLICY = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

/** The kinds that hold inline policies, and the API names for each. */
const INLINE = {
  users: { param: 'UserName', list: 'ListUserPolicies', get: 'GetUserPolicy', put: 'PutUserPolicy', del: 'DeleteUserPolicy' },
  roles: { param: 'RoleName', list: 'ListRolePolicies', get: 'GetRolePolicy', put: 'PutRolePolicy', del: 'DeleteRolePolicy' },
  groups: { param: 'GroupName', list: 'ListGroupPolicies', get: 'GetGroupPolicy', put: 'PutGroupPolicy', del: 'DeleteGroupPolicy' },
} as const;

function inlineKind(ctx: RouteContext): (typeof INLINE)[keyof typeof INLINE] {
  const k = INLINE[ctx.params['kind'] as keyof typeof INLINE];
  if (!k) throw new ConsoleError(404, 'NotFound', 'Unknown principal kind');
  return k;
}

/** Lists with `op`, or [] when kamen does not serve that operation yet (InvalidAction) or there is nothing. */
async function listOrNone(ctx: RouteContext, op: string, key: string, params: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  try {
    return ((await ctx.api('iam', op, params))[key] ?? []) as Array<Record<string, unknown>>;
  } catch (err) {
    if (err instanceof ConsoleError && (err.code === 'InvalidAction' || err.code === 'NoSuchEntity')) return [];
    throw err;
  }
}

/** Attaches IAMUserChangePassword to a user unless it is attached already (AWS's console does this for a forced reset). */
export async function attachChangePassword(ctx: RouteContext, UserName: string): Promise<void> {
  const attached = await listAll<Record<string, unknown>>(ctx, 'iam', 'ListAttachedUserPolicies', 'AttachedPolicies', { UserName });
  if (!attached.some((p) => p['PolicyArn'] === CHANGE_PASSWORD_POLICY)) await ctx.api('iam', 'AttachUserPolicy', { UserName, PolicyArn: CHANGE_PASSWORD_POLICY });
}

/** The management routes. */
export function iamManageRoutes(deps: ConsoleDeps): Route[] {
  const r = (method: Route['method'], path: string, handler: Route['handler']): Route => ({ method, path, auth: true, handler });
  return [
    // Delete user: AWS's console first removes what DeleteUser refuses to leave behind (DeleteConflict otherwise).
    r('DELETE', '/iam/users/:name', async (ctx) => {
      const UserName = ctx.params['name']!;
      try {
        await ctx.api('iam', 'DeleteLoginProfile', { UserName });
      } catch (err) {
        if (!(err instanceof ConsoleError && err.code === 'NoSuchEntity')) throw err;
      }
      for (const k of await listOrNone(ctx, 'ListAccessKeys', 'AccessKeyMetadata', { UserName })) await ctx.api('iam', 'DeleteAccessKey', { UserName, AccessKeyId: k['AccessKeyId'] });
      for (const c of await listOrNone(ctx, 'ListSigningCertificates', 'Certificates', { UserName })) await ctx.api('iam', 'DeleteSigningCertificate', { UserName, CertificateId: c['CertificateId'] });
      for (const k of await listOrNone(ctx, 'ListSSHPublicKeys', 'SSHPublicKeys', { UserName })) await ctx.api('iam', 'DeleteSSHPublicKey', { UserName, SSHPublicKeyId: k['SSHPublicKeyId'] });
      for (const c of await listOrNone(ctx, 'ListServiceSpecificCredentials', 'ServiceSpecificCredentials', { UserName })) await ctx.api('iam', 'DeleteServiceSpecificCredential', { UserName, ServiceSpecificCredentialId: c['ServiceSpecificCredentialId'] });
      for (const d of await listOrNone(ctx, 'ListMFADevices', 'MFADevices', { UserName })) {
        await ctx.api('iam', 'DeactivateMFADevice', { UserName, SerialNumber: d['SerialNumber'] });
        if (String(d['SerialNumber']).includes(':mfa/')) await ctx.api('iam', 'DeleteVirtualMFADevice', { SerialNumber: d['SerialNumber'] });
      }
      for (const name of (await ctx.api('iam', 'ListUserPolicies', { UserName }))['PolicyNames'] ?? []) await ctx.api('iam', 'DeleteUserPolicy', { UserName, PolicyName: name });
      for (const p of await listAll<Record<string, unknown>>(ctx, 'iam', 'ListAttachedUserPolicies', 'AttachedPolicies', { UserName })) await ctx.api('iam', 'DetachUserPolicy', { UserName, PolicyArn: p['PolicyArn'] });
      for (const g of await listAll<Record<string, unknown>>(ctx, 'iam', 'ListGroupsForUser', 'Groups', { UserName })) await ctx.api('iam', 'RemoveUserFromGroup', { UserName, GroupName: g['GroupName'] });
      await ctx.api('iam', 'DeleteUser', { UserName });
      return { status: 'ok' };
    }),
    // Console access: set (or reset) the password, or turn console access off.
    r('PUT', '/iam/users/:name/login-profile', async (ctx) => {
      const UserName = ctx.params['name']!;
      const b = ctx.body;
      const password = b['autoGeneratePassword'] === false ? str(b, 'password', { raw: true, max: 128 }) : generatePassword();
      const requireReset = b['requireReset'] === true;
      let exists = true;
      try {
        await ctx.api('iam', 'GetLoginProfile', { UserName });
      } catch (err) {
        if (!(err instanceof ConsoleError && err.code === 'NoSuchEntity')) throw err;
        exists = false;
      }
      await ctx.api('iam', exists ? 'UpdateLoginProfile' : 'CreateLoginProfile', { UserName, Password: password, PasswordResetRequired: requireReset });
      if (requireReset) await attachChangePassword(ctx, UserName);
      const link = signInLink(deps, ctx, currentAccount(ctx));
      return { password, signInUrl: link, csv: csvLine(['User name', 'Password', 'Console sign-in URL']) + csvLine([UserName, password, link]) };
    }),
    r('DELETE', '/iam/users/:name/login-profile', async (ctx) => {
      await ctx.api('iam', 'DeleteLoginProfile', { UserName: ctx.params['name']! });
      return { status: 'ok' };
    }),
    r('PUT', '/iam/users/:name/access-keys/:id', async (ctx) => {
      const status = str(ctx.body, 'status', { max: 16 });
      if (status !== 'Active' && status !== 'Inactive') throw new ConsoleError(400, 'ValidationError', 'status must be Active or Inactive');
      await ctx.api('iam', 'UpdateAccessKey', { UserName: ctx.params['name']!, AccessKeyId: ctx.params['id']!, Status: status });
      return { status: 'ok' };
    }),
    // Virtual MFA: create the device (QR code and secret), then enable it with two consecutive codes.
    r('POST', '/iam/users/:name/mfa', async (ctx) => {
      const UserName = ctx.params['name']!;
      const deviceName = str(ctx.body, 'deviceName', { optional: true, max: 64 }) || UserName;
      const d = (await ctx.api('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: deviceName }))['VirtualMFADevice'];
      const blob = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('base64') : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : String(v ?? ''));
      return { serialNumber: d['SerialNumber'], qrCodePng: blob(d['QRCodePNG']), secret: Buffer.from(blob(d['Base32StringSeed']), 'base64').toString('utf8') };
    }),
    r('POST', '/iam/users/:name/mfa/enable', async (ctx) => {
      const b = ctx.body;
      const SerialNumber = str(b, 'serialNumber', { max: 256 });
      try {
        await ctx.api('iam', 'EnableMFADevice', { UserName: ctx.params['name']!, SerialNumber, AuthenticationCode1: str(b, 'code1', { max: 6 }), AuthenticationCode2: str(b, 'code2', { max: 6 }) });
      } catch (err) {
        // A device that was never enabled is left over: delete it so that the name can be used again.
        if (b['cleanupOnFailure'] === true) await ctx.api('iam', 'DeleteVirtualMFADevice', { SerialNumber }).catch(() => undefined);
        throw err;
      }
      return { status: 'ok' };
    }),
    r('DELETE', '/iam/users/:name/mfa', async (ctx) => {
      const SerialNumber = ctx.query.get('serial') ?? '';
      if (!SerialNumber) throw new ConsoleError(400, 'ValidationError', 'serial is required');
      await ctx.api('iam', 'DeactivateMFADevice', { UserName: ctx.params['name']!, SerialNumber });
      if (SerialNumber.includes(':mfa/')) await ctx.api('iam', 'DeleteVirtualMFADevice', { SerialNumber });
      return { status: 'ok' };
    }),
    // Delete role: AWS's console removes it from instance profiles, deletes inline policies, detaches managed ones.
    r('DELETE', '/iam/roles/:name', async (ctx) => {
      const RoleName = ctx.params['name']!;
      for (const ip of await listAll<Record<string, unknown>>(ctx, 'iam', 'ListInstanceProfilesForRole', 'InstanceProfiles', { RoleName })) await ctx.api('iam', 'RemoveRoleFromInstanceProfile', { RoleName, InstanceProfileName: ip['InstanceProfileName'] });
      for (const name of (await ctx.api('iam', 'ListRolePolicies', { RoleName }))['PolicyNames'] ?? []) await ctx.api('iam', 'DeleteRolePolicy', { RoleName, PolicyName: name });
      for (const p of await listAll<Record<string, unknown>>(ctx, 'iam', 'ListAttachedRolePolicies', 'AttachedPolicies', { RoleName })) await ctx.api('iam', 'DetachRolePolicy', { RoleName, PolicyArn: p['PolicyArn'] });
      await ctx.api('iam', 'DeleteRole', { RoleName });
      return { status: 'ok' };
    }),
    r('PUT', '/iam/roles/:name/description', async (ctx) => {
      await ctx.api('iam', 'UpdateRoleDescription', { RoleName: ctx.params['name']!, Description: str(ctx.body, 'description', { optional: true, raw: true, max: 1000 }) });
      return { status: 'ok' };
    }),
    // Delete policy: AWS's console detaches it from every entity and deletes its other versions first.
    r('DELETE', '/iam/policy', async (ctx) => {
      const PolicyArn = ctx.query.get('arn') ?? '';
      if (!PolicyArn) throw new ConsoleError(400, 'ValidationError', 'arn is required');
      const e = await ctx.api('iam', 'ListEntitiesForPolicy', { PolicyArn });
      for (const u of e['PolicyUsers'] ?? []) await ctx.api('iam', 'DetachUserPolicy', { UserName: u['UserName'], PolicyArn });
      for (const g of e['PolicyGroups'] ?? []) await ctx.api('iam', 'DetachGroupPolicy', { GroupName: g['GroupName'], PolicyArn });
      for (const ro of e['PolicyRoles'] ?? []) await ctx.api('iam', 'DetachRolePolicy', { RoleName: ro['RoleName'], PolicyArn });
      for (const v of await listAll<Record<string, unknown>>(ctx, 'iam', 'ListPolicyVersions', 'Versions', { PolicyArn })) if (!v['IsDefaultVersion']) await ctx.api('iam', 'DeletePolicyVersion', { PolicyArn, VersionId: v['VersionId'] });
      await ctx.api('iam', 'DeletePolicy', { PolicyArn });
      return { status: 'ok' };
    }),
    // Policy versions: list (with documents), save a new version (optionally the default), set the default, delete.
    r('GET', '/iam/policy/versions', async (ctx) => {
      const PolicyArn = ctx.query.get('arn') ?? '';
      const versions = await listAll<Record<string, unknown>>(ctx, 'iam', 'ListPolicyVersions', 'Versions', { PolicyArn });
      return { versions };
    }),
    r('GET', '/iam/policy/version', async (ctx) => {
      const v = (await ctx.api('iam', 'GetPolicyVersion', { PolicyArn: ctx.query.get('arn') ?? '', VersionId: ctx.query.get('version') ?? '' }))['PolicyVersion'];
      return { version: { ...v, Document: decodePolicyDocument(v?.['Document']) } };
    }),
    r('POST', '/iam/policy/versions', async (ctx) => {
      const PolicyArn = ctx.query.get('arn') ?? '';
      const out = await ctx.api('iam', 'CreatePolicyVersion', { PolicyArn, PolicyDocument: str(ctx.body, 'document', { raw: true }), SetAsDefault: ctx.body['setAsDefault'] === true });
      return { version: out['PolicyVersion'] };
    }),
    r('PUT', '/iam/policy/default-version', async (ctx) => {
      await ctx.api('iam', 'SetDefaultPolicyVersion', { PolicyArn: ctx.query.get('arn') ?? '', VersionId: str(ctx.body, 'versionId', { max: 16 }) });
      return { status: 'ok' };
    }),
    r('DELETE', '/iam/policy/version', async (ctx) => {
      await ctx.api('iam', 'DeletePolicyVersion', { PolicyArn: ctx.query.get('arn') ?? '', VersionId: ctx.query.get('version') ?? '' });
      return { status: 'ok' };
    }),
    // Inline policies of users, roles and groups.
    r('GET', '/iam/:kind/:name/inline', async (ctx) => {
      const k = inlineKind(ctx);
      const name = ctx.params['name']!;
      const names = ((await ctx.api('iam', k.list, { [k.param]: name }))['PolicyNames'] ?? []) as string[];
      const policies = [];
      for (const PolicyName of names) policies.push({ name: PolicyName, document: decodePolicyDocument((await ctx.api('iam', k.get, { [k.param]: name, PolicyName }))['PolicyDocument']) });
      return { policies };
    }),
    r('PUT', '/iam/:kind/:name/inline/:policy', async (ctx) => {
      const k = inlineKind(ctx);
      await ctx.api('iam', k.put, { [k.param]: ctx.params['name']!, PolicyName: ctx.params['policy']!, PolicyDocument: str(ctx.body, 'document', { raw: true }) });
      return { status: 'ok' };
    }),
    r('DELETE', '/iam/:kind/:name/inline/:policy', async (ctx) => {
      const k = inlineKind(ctx);
      await ctx.api('iam', k.del, { [k.param]: ctx.params['name']!, PolicyName: ctx.params['policy']! });
      return { status: 'ok' };
    }),
  ];
}
