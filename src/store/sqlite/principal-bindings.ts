/** Principal bindings family: which unique IDs the user/role ARNs of stored trust policies were bound to when saved. */
import type { PrincipalBinding, PrincipalBindingStore } from '../store.js';
import type { SqliteContext } from './db.js';

interface BindingRow {
  policy_id: string;
  principal_id: string;
  principal_arn: string;
}

/** Prepares the binding statements once for this connection and returns the family's methods. */
export function principalBindingsFamily(ctx: SqliteContext): PrincipalBindingStore {
  const { db, run } = ctx;
  const s = {
    clear: db.prepare('DELETE FROM principal_bindings WHERE policy_id = ?'),
    insert: db.prepare('INSERT OR REPLACE INTO principal_bindings (policy_id, principal_id, principal_arn) VALUES (?, ?, ?)'),
    list: db.prepare('SELECT * FROM principal_bindings WHERE principal_id = ? ORDER BY policy_id'),
    rename: db.prepare('UPDATE principal_bindings SET principal_arn = ? WHERE principal_id = ?'),
    remove: db.prepare('DELETE FROM principal_bindings WHERE principal_id = ?'),
  };
  const toBinding = (r: BindingRow): PrincipalBinding => ({ policyId: r.policy_id, principalId: r.principal_id, principalArn: r.principal_arn });
  return {
    setPrincipalBindings: (policyId, bindings) => run(() => {
      ctx.atomic(() => {
        s.clear.run(policyId);
        for (const b of bindings) s.insert.run(policyId, b.principalId, b.principalArn);
      });
    }),
    listPrincipalBindings: (principalId) => run(() => (s.list.all(principalId) as BindingRow[]).map(toBinding)),
    renamePrincipalBindings: (principalId, principalArn) => run(() => {
      s.rename.run(principalArn, principalId);
    }),
    deletePrincipalBindings: (principalId) => run(() => {
      s.remove.run(principalId);
    }),
  };
}
