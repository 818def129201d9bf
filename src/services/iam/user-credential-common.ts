/** Shared pieces of the user credential families (SSH keys, signing certificates, service-specific credentials). */
import { KamenError } from '../../errors.js';
import type { User, UserCredential, UserCredentialKind } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, mustUser, targetUserName, type Input } from './common.js';

/** The user an operation acts on: UserName, else the calling IAM user (root and role sessions must name one). */
export async function credentialUser(ctx: OperationContext, input: Input): Promise<User> {
  return mustUser(ctx, targetUserName(ctx, input, false) as string);
}

/** The user's credential of `kind` with `id`, or NoSuchEntity with `missing(id)`. */
export async function mustCredential(
  ctx: OperationContext,
  user: User,
  kind: UserCredentialKind,
  id: string,
  missing: (id: string) => string,
): Promise<UserCredential> {
  const c = await ctx.store.getUserCredential(account(ctx), kind, id);
  if (!c || c.userId !== user.userId) throw new KamenError('ERR_NO_SUCH_ENTITY', missing(id));
  return { ...c, userName: user.userName };
}

/** The user's credentials of `kind`, oldest first, named with the user's current name (a rename keeps them). */
export async function userCredentials(ctx: OperationContext, user: User, kind: UserCredentialKind): Promise<UserCredential[]> {
  return (await ctx.store.listUserCredentials(account(ctx), kind, user.userId)).map((c) => ({ ...c, userName: user.userName }));
}

/** Status input checked against Active / Inactive (the model's enum). */
export function statusOf(input: Input): 'Active' | 'Inactive' {
  const s = String(input['Status']);
  if (s !== 'Active' && s !== 'Inactive') throw new KamenError('ERR_VALIDATION', `1 validation error detected: Value '${s}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
  return s;
}

/** What DeleteUser answers while the user still holds credentials of each kind (checked in this order). */
const DELETE_CONFLICTS: ReadonlyArray<[UserCredentialKind, string]> = [
  ['signing-certificate', 'Cannot delete entity, must delete signing certificates first.'],
  ['ssh-public-key', 'Cannot delete entity, must delete SSH public keys first.'],
  ['service-specific-credential', 'Cannot delete entity, must delete service-specific credentials first.'],
];

/**
 * Wraps DeleteUser so that a user who still holds SSH public keys, signing certificates or service-specific
 * credentials is refused with DeleteConflict, as IAM refuses it; every other operation is returned as it is.
 */
export function guardUserDeletion(ops: Record<string, Operation>): Record<string, Operation> {
  const inner = ops['DeleteUser'];
  if (!inner) return ops;
  return {
    ...ops,
    DeleteUser: async (ctx: OperationContext, input: Input) => {
      const user = await ctx.store.getUser(account(ctx), String(input['UserName']));
      if (user) {
        for (const [kind, message] of DELETE_CONFLICTS) {
          if ((await ctx.store.listUserCredentials(user.accountId, kind, user.userId)).length > 0) throw new KamenError('ERR_DELETE_CONFLICT', message);
        }
      }
      return inner(ctx, input);
    },
  };
}
