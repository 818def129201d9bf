/** The account password policy: Get/Update/DeleteAccountPasswordPolicy, and the check every new password goes through. */
import { KamenError } from '../../errors.js';
import type { Operation, OperationContext } from '../types.js';
import { account, type Input } from './common.js';

export const PASSWORD_POLICY_MESSAGE = 'Password does not conform to the account password policy.';

/** A stored custom password policy. */
export interface PasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

/** IAM's symbol set for RequireSymbols. */
const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

function settingKey(accountId: string): string {
  return `iam:password-policy:${accountId}`;
}

/** The account's custom password policy, if one was set. */
export async function getPasswordPolicy(ctx: OperationContext, accountId = account(ctx)): Promise<PasswordPolicy | undefined> {
  const text = await ctx.store.getSetting(settingKey(accountId));
  if (!text) return undefined;
  return JSON.parse(text) as PasswordPolicy;
}

/**
 * Checks a new password: against the custom policy when the account has one, else IAM's default policy (at least 8
 * characters with three of upper case, lower case, digits and symbols, and not the user name).
 */
export async function checkPassword(ctx: OperationContext, password: string, userName: string): Promise<void> {
  const p = await getPasswordPolicy(ctx);
  let ok: boolean;
  if (p) {
    ok =
      password.length >= p.MinimumPasswordLength &&
      (!p.RequireSymbols || SYMBOLS.test(password)) &&
      (!p.RequireNumbers || /[0-9]/.test(password)) &&
      (!p.RequireUppercaseCharacters || /[A-Z]/.test(password)) &&
      (!p.RequireLowercaseCharacters || /[a-z]/.test(password));
  } else {
    const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
    ok = password.length >= 8 && classes >= 3 && password.toLowerCase() !== userName.toLowerCase();
  }
  if (!ok) throw new KamenError('ERR_PASSWORD_POLICY_VIOLATION', PASSWORD_POLICY_MESSAGE);
}

const bool = (v: unknown): boolean => v === true || v === 'true';

/** The password policy operations. */
export function passwordPolicyOperations(): Record<string, Operation> {
  return {
    UpdateAccountPasswordPolicy: async (ctx, input: Input) => {
      const p: PasswordPolicy = {
        MinimumPasswordLength: input['MinimumPasswordLength'] !== undefined ? Number(input['MinimumPasswordLength']) : 8,
        RequireSymbols: bool(input['RequireSymbols']),
        RequireNumbers: bool(input['RequireNumbers']),
        RequireUppercaseCharacters: bool(input['RequireUppercaseCharacters']),
        RequireLowercaseCharacters: bool(input['RequireLowercaseCharacters']),
        AllowUsersToChangePassword: bool(input['AllowUsersToChangePassword']),
      };
      if (input['MaxPasswordAge'] !== undefined && Number(input['MaxPasswordAge']) > 0) p.MaxPasswordAge = Number(input['MaxPasswordAge']);
      if (input['PasswordReusePrevention'] !== undefined && Number(input['PasswordReusePrevention']) > 0) p.PasswordReusePrevention = Number(input['PasswordReusePrevention']);
      if (input['HardExpiry'] !== undefined) p.HardExpiry = bool(input['HardExpiry']);
      await ctx.store.setSetting(settingKey(account(ctx)), JSON.stringify(p));
      return {};
    },

    GetAccountPasswordPolicy: async (ctx) => {
      const p = await getPasswordPolicy(ctx);
      if (!p) throw new KamenError('ERR_NO_SUCH_ENTITY', `The Password Policy with domain name ${account(ctx)} cannot be found.`);
      const out: Input = {
        MinimumPasswordLength: p.MinimumPasswordLength,
        RequireSymbols: p.RequireSymbols,
        RequireNumbers: p.RequireNumbers,
        RequireUppercaseCharacters: p.RequireUppercaseCharacters,
        RequireLowercaseCharacters: p.RequireLowercaseCharacters,
        AllowUsersToChangePassword: p.AllowUsersToChangePassword,
        ExpirePasswords: (p.MaxPasswordAge ?? 0) > 0,
      };
      if (p.MaxPasswordAge !== undefined) out['MaxPasswordAge'] = p.MaxPasswordAge;
      if (p.PasswordReusePrevention !== undefined) out['PasswordReusePrevention'] = p.PasswordReusePrevention;
      if (p.HardExpiry !== undefined) out['HardExpiry'] = p.HardExpiry;
      return { PasswordPolicy: out };
    },

    DeleteAccountPasswordPolicy: async (ctx) => {
      // One transaction: of two concurrent deletes exactly one succeeds (the other is NoSuchEntity).
      await ctx.store.transaction(async () => {
        if (!(await getPasswordPolicy(ctx))) throw new KamenError('ERR_NO_SUCH_ENTITY', `The Password Policy with domain name ${account(ctx)} cannot be found.`);
        // The settings store has no delete: an empty value means "no custom policy".
        await ctx.store.setSetting(settingKey(account(ctx)), '');
      });
      return {};
    },
  };
}
