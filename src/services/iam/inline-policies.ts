/** Inline policies of users, groups and roles: Put/Get/Delete/List{User,Group,Role}Polic(y|ies). */
import { KamenError } from '../../errors.js';
import { assertValidPolicy, INLINE_POLICY_LIMITS, inlineLimitMessage, policySize } from '../../policy/index.js';
import type { PrincipalKind } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, encodeDoc, mustGroup, mustRole, mustUser, paginate, type Input } from './common.js';

const KINDS: Array<{ kind: PrincipalKind; Title: string; param: string }> = [
  { kind: 'user', Title: 'User', param: 'UserName' },
  { kind: 'group', Title: 'Group', param: 'GroupName' },
  { kind: 'role', Title: 'Role', param: 'RoleName' },
];

/** The principal's stored name (its spelling), or NoSuchEntity. */
export async function principalName(ctx: OperationContext, kind: PrincipalKind, name: string): Promise<string> {
  if (kind === 'user') return (await mustUser(ctx, name)).userName;
  if (kind === 'group') return (await mustGroup(ctx, name)).groupName;
  return (await mustRole(ctx, name)).roleName;
}

/** The inline policy operations for all three principal kinds. */
export function inlinePolicyOperations(): Record<string, Operation> {
  const ops: Record<string, Operation> = {};
  for (const { kind, Title, param } of KINDS) {
    const missing = (name: string) => new KamenError('ERR_NO_SUCH_ENTITY', `The ${kind} policy with name ${name} cannot be found.`);

    ops[`Put${Title}Policy`] = async (ctx, input: Input) => {
      const acct = account(ctx);
      const who = await principalName(ctx, kind, String(input[param]));
      const policyName = String(input['PolicyName']);
      const doc = String(input['PolicyDocument']);
      assertValidPolicy(doc, 'identity', { limitChars: 1_000_000_000 });
      // The aggregate size quota is checked in the transaction that writes, so concurrent puts cannot exceed it.
      await ctx.store.transaction(async () => {
        const name = await principalName(ctx, kind, who);
        const others = (await ctx.store.listInlinePolicies(acct, kind, name)).filter((p) => p.policyName.toLowerCase() !== policyName.toLowerCase());
        const total = others.reduce((n, p) => n + policySize(p.document, false), policySize(doc, false));
        if (total > INLINE_POLICY_LIMITS[kind]) throw new KamenError('ERR_LIMIT_EXCEEDED', inlineLimitMessage(kind, name));
        await ctx.store.putInlinePolicy({ accountId: acct, kind, principalName: name, policyName, document: doc });
      });
      return {};
    };

    ops[`Get${Title}Policy`] = async (ctx, input: Input) => {
      const who = await principalName(ctx, kind, String(input[param]));
      const p = await ctx.store.getInlinePolicy(account(ctx), kind, who, String(input['PolicyName']));
      if (!p) throw missing(String(input['PolicyName']));
      return { [param]: who, PolicyName: p.policyName, PolicyDocument: encodeDoc(p.document) };
    };

    ops[`Delete${Title}Policy`] = async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const who = await principalName(ctx, kind, String(input[param]));
        const p = await ctx.store.getInlinePolicy(account(ctx), kind, who, String(input['PolicyName']));
        if (!p) throw missing(String(input['PolicyName']));
        await ctx.store.deleteInlinePolicy(account(ctx), kind, who, p.policyName);
      });
      return {};
    };

    ops[`List${Title}Policies`] = async (ctx, input: Input) => {
      const who = await principalName(ctx, kind, String(input[param]));
      const names = (await ctx.store.listInlinePolicies(account(ctx), kind, who)).map((p) => p.policyName);
      const page = paginate(names, input);
      return { PolicyNames: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    };
  }
  return ops;
}
