/** Console passwords: Create/Get/Update/DeleteLoginProfile and ChangePassword (hashed with scrypt). */
import { KamenError } from '../../errors.js';
import { hashPassword, verifyPassword } from '../../store/passwords.js';
import type { LoginProfile } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, mustUser, targetUserName, type Input } from './common.js';
import { checkPassword } from './password-policy.js';

export { PASSWORD_POLICY_MESSAGE } from './password-policy.js';

function noProfile(name: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `Login Profile for User ${name} cannot be found.`);
}

function out(p: LoginProfile): Input {
  return { UserName: p.userName, CreateDate: p.createDate, PasswordResetRequired: p.passwordResetRequired };
}

async function userFor(ctx: OperationContext, input: Input): Promise<string> {
  return (await mustUser(ctx, targetUserName(ctx, input, false) as string)).userName;
}

/** The login profile operations. */
export function loginProfileOperations(): Record<string, Operation> {
  return {
    CreateLoginProfile: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = await userFor(ctx, input);
      if (await ctx.store.getLoginProfile(acct, name)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Login Profile for user ${name} already exists.`);
      const password = String(input['Password'] ?? '');
      await checkPassword(ctx, password, name);
      const profile: LoginProfile = {
        accountId: acct,
        userName: name,
        passwordHash: await hashPassword(password),
        passwordResetRequired: input['PasswordResetRequired'] === true || input['PasswordResetRequired'] === 'true',
        createDate: new Date(ctx.clock.now()),
      };
      await ctx.store.putLoginProfile(profile);
      return { LoginProfile: out(profile) };
    },

    GetLoginProfile: async (ctx, input: Input) => {
      const name = await userFor(ctx, input);
      const p = await ctx.store.getLoginProfile(account(ctx), name);
      if (!p) throw noProfile(name);
      return { LoginProfile: out(p) };
    },

    UpdateLoginProfile: async (ctx, input: Input) => {
      const name = await userFor(ctx, input);
      const p = await ctx.store.getLoginProfile(account(ctx), name);
      if (!p) throw noProfile(name);
      const next: LoginProfile = { ...p };
      if (input['Password'] !== undefined) {
        await checkPassword(ctx, String(input['Password']), name);
        next.passwordHash = await hashPassword(String(input['Password']));
      }
      if (input['PasswordResetRequired'] !== undefined) next.passwordResetRequired = input['PasswordResetRequired'] === true || input['PasswordResetRequired'] === 'true';
      await ctx.store.putLoginProfile(next);
      return {};
    },

    DeleteLoginProfile: async (ctx, input: Input) => {
      const name = await userFor(ctx, input);
      if (!(await ctx.store.getLoginProfile(account(ctx), name))) throw noProfile(name);
      await ctx.store.deleteLoginProfile(account(ctx), name);
      return {};
    },

    ChangePassword: async (ctx, input: Input) => {
      const c = ctx.caller;
      if (c.kind !== 'user' || !c.userName) throw new KamenError('ERR_ACCESS_DENIED', 'Only IAM Users can change their own password.');
      const p = await ctx.store.getLoginProfile(c.accountId, c.userName);
      if (!p) throw noProfile(c.userName);
      if (!(await verifyPassword(String(input['OldPassword'] ?? ''), p.passwordHash))) {
        throw new KamenError('ERR_ACCESS_DENIED', 'The old password was incorrect.');
      }
      const pw = String(input['NewPassword'] ?? '');
      await checkPassword(ctx, pw, c.userName);
      await ctx.store.putLoginProfile({ ...p, passwordHash: await hashPassword(pw), passwordResetRequired: false });
      return {};
    },
  };
}
