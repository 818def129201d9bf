/** Principal bindings family (PostgreSQL): which unique IDs the user/role ARNs of stored trust policies were bound to. */
import type { PrincipalBinding, PrincipalBindingStore } from '../store.js';
import type { PgContext } from './db.js';

interface BindingRow {
  policy_id: string;
  principal_id: string;
  principal_arn: string;
}

/** The family's methods over the shared context (migration 002 creates the table). */
export function principalBindingsFamily(ctx: PgContext): PrincipalBindingStore {
  const toBinding = (r: BindingRow): PrincipalBinding => ({ policyId: r.policy_id, principalId: r.principal_id, principalArn: r.principal_arn });
  return {
    setPrincipalBindings: (policyId, bindings) =>
      ctx.write(async (c) => {
        await c.run('DELETE FROM principal_bindings WHERE policy_id = $1', [policyId]);
        for (const b of bindings) {
          await c.run(
            `INSERT INTO principal_bindings (policy_id, principal_id, principal_arn) VALUES ($1, $2, $3)
             ON CONFLICT (policy_id, principal_id) DO UPDATE SET principal_arn = excluded.principal_arn`,
            [policyId, b.principalId, b.principalArn],
          );
        }
      }),
    listPrincipalBindings: async (principalId) =>
      (await ctx.conn().rows<BindingRow>('SELECT * FROM principal_bindings WHERE principal_id = $1 ORDER BY policy_id', [principalId])).map(toBinding),
    renamePrincipalBindings: (principalId, principalArn) =>
      ctx.write(async (c) => {
        await c.run('UPDATE principal_bindings SET principal_arn = $1 WHERE principal_id = $2', [principalArn, principalId]);
      }),
    deletePrincipalBindings: (principalId) =>
      ctx.write(async (c) => {
        await c.run('DELETE FROM principal_bindings WHERE principal_id = $1', [principalId]);
      }),
  };
}
