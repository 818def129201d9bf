/** sts:GetCallerIdentity: who the caller is; never denied (no permissions are required). */
import type { Operation } from '../types.js';

/** Builds the GetCallerIdentity operation. */
export function getCallerIdentity(): Operation {
  return async (ctx) => ({ UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn });
}
