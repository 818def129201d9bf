/** User credentials family: IAM users' SSH public keys, signing certificates and service-specific credentials. */
import type { UserCredentialStore } from '../store.js';
import { nul, unique, type SqliteContext } from './db.js';
import { credMapper, type CredRow } from '../rows/user-credentials.js';

/** Prepares the statements once for this connection and returns the family's methods (migration 004's table). */
export function userCredentialsFamily(ctx: SqliteContext): UserCredentialStore {
  const { db, run, cipher } = ctx;
  const s = {
    insert: db.prepare(
      `INSERT INTO iam_user_credentials (account_id, kind, id, user_name, user_id, status, create_date, data, secret_enc)
       VALUES (@account_id, @kind, @id, @user_name, @user_id, @status, @create_date, @data, @secret_enc)`,
    ),
    get: db.prepare('SELECT * FROM iam_user_credentials WHERE account_id = ? AND kind = ? AND id = ?'),
    update: db.prepare('UPDATE iam_user_credentials SET status = ?, data = ?, secret_enc = ? WHERE account_id = ? AND kind = ? AND id = ?'),
    remove: db.prepare('DELETE FROM iam_user_credentials WHERE account_id = ? AND kind = ? AND id = ?'),
    list: db.prepare('SELECT * FROM iam_user_credentials WHERE account_id = ? AND kind = ? AND user_id = ? ORDER BY create_date, id'),
    listAll: db.prepare('SELECT * FROM iam_user_credentials WHERE account_id = ? AND kind = ? ORDER BY create_date, id'),
  };
  const toCred = credMapper(cipher);
  return {
    createUserCredential: (c) => run(() => {
      unique(`Credential ${c.id} already exists.`, () =>
        s.insert.run({
          account_id: c.accountId,
          kind: c.kind,
          id: c.id,
          user_name: c.userName,
          user_id: c.userId,
          status: c.status,
          create_date: c.createDate.getTime(),
          data: JSON.stringify(c.data),
          secret_enc: nul(c.secret === undefined ? undefined : cipher.encrypt(c.secret)),
        }),
      );
    }),
    getUserCredential: (accountId, kind, id) => run(() => {
      const r = s.get.get(accountId, kind, id) as CredRow | undefined;
      return r ? toCred(r) : undefined;
    }),
    updateUserCredential: (accountId, kind, id, patch) => run(() => {
      ctx.atomic(() => {
        const r = s.get.get(accountId, kind, id) as CredRow | undefined;
        if (!r) return;
        const secret = Object.prototype.hasOwnProperty.call(patch, 'secret') ? (patch.secret === undefined ? null : cipher.encrypt(patch.secret)) : r.secret_enc;
        s.update.run(patch.status ?? r.status, patch.data ? JSON.stringify(patch.data) : r.data, secret, accountId, kind, id);
      });
    }),
    deleteUserCredential: (accountId, kind, id) => run(() => {
      s.remove.run(accountId, kind, id);
    }),
    listUserCredentials: (accountId, kind, userId) => run(() => (s.list.all(accountId, kind, userId) as CredRow[]).map(toCred)),
    listAccountUserCredentials: (accountId, kind) => run(() => (s.listAll.all(accountId, kind) as CredRow[]).map(toCred)),
  };
}
