/** User credentials family: IAM users' SSH public keys, signing certificates and service-specific credentials. */
import type { UserCredential, UserCredentialKind, UserCredentialStore } from '../store.js';
import { nul, unique, type SqliteContext } from './db.js';

interface CredRow {
  account_id: string;
  kind: string;
  id: string;
  user_name: string;
  user_id: string;
  status: string;
  create_date: number;
  data: string;
  secret_enc: string | null;
}

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
  const toCred = (r: CredRow): UserCredential => {
    const c: UserCredential = {
      kind: r.kind as UserCredentialKind,
      id: r.id,
      accountId: r.account_id,
      userName: r.user_name,
      userId: r.user_id,
      status: r.status as UserCredential['status'],
      createDate: new Date(r.create_date),
      data: JSON.parse(r.data) as Record<string, string>,
    };
    if (r.secret_enc !== null) c.secret = cipher.decrypt(r.secret_enc);
    return c;
  };
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
