/** User credentials family (PostgreSQL): IAM users' SSH public keys, signing certificates and service-specific credentials. */
import { KamenError } from '../../errors.js';
import type { UserCredentialStore } from '../store.js';
import type { PgContext } from './db.js';
import { credMapper, type CredRow } from '../rows/user-credentials.js';

/** The family's methods over the shared context (migration 004 creates the table). */
export function userCredentialsFamily(ctx: PgContext): UserCredentialStore {
  const { conn, write, cipher } = ctx;
  const toCred = credMapper(cipher);
  return {
    createUserCredential: (c) =>
      write(async (x) => {
        const n = await x.run(
          `INSERT INTO iam_user_credentials (account_id, kind, id, user_name, user_id, status, create_date, data, secret_enc)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
          [c.accountId, c.kind, c.id, c.userName, c.userId, c.status, c.createDate.getTime(), JSON.stringify(c.data), c.secret === undefined ? null : cipher.encrypt(c.secret)],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Credential ${c.id} already exists.`);
      }),
    getUserCredential: async (accountId, kind, id) => {
      const [r] = await conn().rows<CredRow>('SELECT * FROM iam_user_credentials WHERE account_id = $1 AND kind = $2 AND id = $3', [accountId, kind, id]);
      return r ? toCred(r) : undefined;
    },
    updateUserCredential: (accountId, kind, id, patch) =>
      write(async (x) => {
        const [r] = await x.rows<CredRow>('SELECT * FROM iam_user_credentials WHERE account_id = $1 AND kind = $2 AND id = $3 FOR UPDATE', [accountId, kind, id]);
        if (!r) return;
        const secret = Object.prototype.hasOwnProperty.call(patch, 'secret') ? (patch.secret === undefined ? null : cipher.encrypt(patch.secret)) : r.secret_enc;
        await x.run('UPDATE iam_user_credentials SET status = $1, data = $2, secret_enc = $3 WHERE account_id = $4 AND kind = $5 AND id = $6', [
          patch.status ?? r.status,
          patch.data ? JSON.stringify(patch.data) : r.data,
          secret,
          accountId,
          kind,
          id,
        ]);
      }),
    deleteUserCredential: (accountId, kind, id) =>
      write(async (x) => {
        await x.run('DELETE FROM iam_user_credentials WHERE account_id = $1 AND kind = $2 AND id = $3', [accountId, kind, id]);
      }),
    listUserCredentials: async (accountId, kind, userId) =>
      (await conn().rows<CredRow>('SELECT * FROM iam_user_credentials WHERE account_id = $1 AND kind = $2 AND user_id = $3 ORDER BY create_date, id', [accountId, kind, userId])).map(toCred),
    listAccountUserCredentials: async (accountId, kind) =>
      (await conn().rows<CredRow>('SELECT * FROM iam_user_credentials WHERE account_id = $1 AND kind = $2 ORDER BY create_date, id', [accountId, kind])).map(toCred),
  };
}
