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
      // The password is hashed outside the transaction (the write gate is never held across scrypt); the checks repeat in it.
      await ctx.store.transaction(async () => {
        await mustUser(ctx, name);
        if (await ctx.store.getLoginProfile(acct, name)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Login Profile for user ${name} already exists.`);
        await ctx.store.putLoginProfile(profile);
      });
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
      if (!(await ctx.store.getLoginProfile(account(ctx), name))) throw noProfile(name);
      let hash: string | undefined;
      if (input['Password'] !== undefined) {
        await checkPassword(ctx, String(input['Password']), name);
        hash = await hashPassword(String(input['Password']));
      }
      // Read-modify-write in one transaction, so a concurrent update of the other field is kept.
      await ctx.store.transaction(async () => {
        const p = await ctx.store.getLoginProfile(account(ctx), name);
        if (!p) throw noProfile(name);
        const next: LoginProfile = { ...p };
        if (hash !== undefined) next.passwordHash = hash;
        if (input['PasswordResetRequired'] !== undefined) next.passwordResetRequired = input['PasswordResetRequired'] === true || input['PasswordResetRequired'] === 'true';
        await ctx.store.putLoginProfile(next);
      });
      return {};
    },

    DeleteLoginProfile: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const name = await userFor(ctx, input);
        if (!(await ctx.store.getLoginProfile(account(ctx), name))) throw noProfile(name);
        await ctx.store.deleteLoginProfile(account(ctx), name);
      });
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
      const hash = await hashPassword(pw);
      const userName = c.userName;
      await ctx.store.transaction(async () => {
        const now = await ctx.store.getLoginProfile(c.accountId, userName);
        if (!now) throw noProfile(userName);
        // The old password was verified against the hash read before; a password changed since makes it stale.
        if (now.passwordHash !== p.passwordHash) throw new KamenError('ERR_ACCESS_DENIED', 'The old password was incorrect.');
        await ctx.store.putLoginProfile({ ...now, passwordHash: hash, passwordResetRequired: false });
      });
      return {};
    },
  };
}
