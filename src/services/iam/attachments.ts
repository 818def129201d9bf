/** Managed policy attachments: Attach/Detach/ListAttached{User,Group,Role}Policies. */
import { KamenError } from '../../errors.js';
import type { PrincipalKind } from '../../store/store.js';
import type { Operation } from '../types.js';
import { account, attachablePolicy, catalogOf, paginate, type IamDeps, type Input } from './common.js';
import { principalName } from './inline-policies.js';

const KINDS: Array<{ kind: PrincipalKind; Title: string; param: string }> = [
  { kind: 'user', Title: 'User', param: 'UserName' },
  { kind: 'group', Title: 'Group', param: 'GroupName' },
  { kind: 'role', Title: 'Role', param: 'RoleName' },
];

/** Managed policies per principal (IAM's default quota). */
export const ATTACHED_POLICY_QUOTA = 10;

/** The name and path of a managed policy ARN (arn:aws:iam::A:policy/path/Name). */
export function policyNameOfArn(arn: string): { name: string; path: string } {
  const m = /:policy(\/(?:.*\/)?)([^/]+)$/.exec(arn);
  return { name: m?.[2] ?? arn, path: m?.[1] ?? '/' };
}

/** The attachment operations for all three principal kinds. */
export function attachmentOperations(deps: IamDeps): Record<string, Operation> {
  const ops: Record<string, Operation> = {};
  for (const { kind, Title, param } of KINDS) {
    ops[`Attach${Title}Policy`] = async (ctx, input: Input) => {
      const acct = account(ctx);
      const who = await principalName(ctx, kind, String(input[param]));
      const arn = String(input['PolicyArn']);
      await attachablePolicy(ctx, catalogOf(deps, ctx), arn);
      if (kind !== 'role' && arn.startsWith('arn:aws:iam::aws:policy/aws-service-role/')) {
        throw new KamenError('ERR_POLICY_NOT_ATTACHABLE', 'Cannot attach a Service Role Policy to a Customer Role.');
      }
      await ctx.store.transaction(async () => {
        // Checked again in the transaction: a concurrent DeletePolicy cannot leave an attachment to a deleted policy.
        await attachablePolicy(ctx, catalogOf(deps, ctx), arn);
        const current = await ctx.store.listAttachedPolicies(acct, kind, who);
        if (current.includes(arn)) return;
        if (current.length >= ATTACHED_POLICY_QUOTA) throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for PoliciesPer${Title}: ${ATTACHED_POLICY_QUOTA}`);
        await ctx.store.attachPolicy({ accountId: acct, kind, principalName: who, policyArn: arn });
      });
      return {};
    };

    ops[`Detach${Title}Policy`] = async (ctx, input: Input) => {
      const acct = account(ctx);
      const arn = String(input['PolicyArn']);
      // One transaction: of two concurrent detaches of one attachment, exactly one succeeds.
      await ctx.store.transaction(async () => {
        const who = await principalName(ctx, kind, String(input[param]));
        const current = await ctx.store.listAttachedPolicies(acct, kind, who);
        if (!current.includes(arn)) throw new KamenError('ERR_NO_SUCH_ENTITY', `Policy ${arn} was not found.`);
        await ctx.store.detachPolicy({ accountId: acct, kind, principalName: who, policyArn: arn });
      });
      return {};
    };

    ops[`ListAttached${Title}Policies`] = async (ctx, input: Input) => {
      const who = await principalName(ctx, kind, String(input[param]));
      const prefix = input['PathPrefix'] !== undefined ? String(input['PathPrefix']) : '/';
      const rows = (await ctx.store.listAttachedPolicies(account(ctx), kind, who))
        .map((arn) => ({ arn, ...policyNameOfArn(arn) }))
        .filter((r) => r.path.startsWith(prefix))
        .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
      const page = paginate(rows, input);
      return {
        AttachedPolicies: page.items.map((r) => ({ PolicyName: r.name, PolicyArn: r.arn })),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    };
  }
  return ops;
}
