/**
 * Credentials family: long-term access keys (users' and root's), their secrets encrypted, and STS temporary
 * credentials, whose secrets and tokens are derived from the key ID and not stored.
 */
import type { TemporarySecrets } from '../store.js';
import { nul, unique, type SqliteContext } from './db.js';
import { DERIVED, toKey, toTemp, type KeyRow, type TempRow, type CredentialMethods } from '../rows/credentials.js';

/** Prepares the credential statements once for this connection and returns the family's methods. */
export function credentialsFamily(ctx: SqliteContext, deriveSecrets: (accessKeyId: string) => TemporarySecrets): CredentialMethods {
  const { db, run, commitOne, cipher } = ctx;
  const s = {
    insertKey: db.prepare(`INSERT INTO access_keys (access_key_id, account_id, user_name, secret_enc, status, create_date,
      last_used_date, last_used_service, last_used_region) VALUES (@access_key_id, @account_id, @user_name, @secret_enc,
      @status, @create_date, @last_used_date, @last_used_service, @last_used_region)`),
    getKey: db.prepare('SELECT * FROM access_keys WHERE access_key_id = ?'),
    updateKey: db.prepare(`UPDATE access_keys SET
      status = CASE WHEN @has_status THEN @status ELSE status END,
      last_used_date = CASE WHEN @has_last_used THEN @last_used_date ELSE last_used_date END,
      last_used_service = CASE WHEN @has_last_used THEN @last_used_service ELSE last_used_service END,
      last_used_region = CASE WHEN @has_last_used THEN @last_used_region ELSE last_used_region END
      WHERE access_key_id = @access_key_id`),
    deleteKey: db.prepare('DELETE FROM access_keys WHERE access_key_id = ?'),
    userKeys: db.prepare('SELECT * FROM access_keys WHERE account_id = ? AND user_name = ? ORDER BY create_date, access_key_id'),
    rootKeys: db.prepare('SELECT * FROM access_keys WHERE account_id = ? AND user_name IS NULL ORDER BY create_date, access_key_id'),
    putTemp: db.prepare(`INSERT INTO temporary_credentials (access_key_id, account_id, secrets_enc, expiration, create_date, session)
      VALUES (?, ?, ?, ?, ?, ?)`),
    getTemp: db.prepare('SELECT * FROM temporary_credentials WHERE access_key_id = ?'),
    deleteExpired: db.prepare(`DELETE FROM temporary_credentials WHERE rowid IN
      (SELECT rowid FROM temporary_credentials WHERE expiration < ? ORDER BY expiration LIMIT ?)`),
  };

  return {
    createAccessKey: (key) => run(() => {
      unique(`Access key ${key.accessKeyId} already exists.`, () =>
        s.insertKey.run({
          access_key_id: key.accessKeyId,
          account_id: key.accountId,
          user_name: nul(key.userName),
          secret_enc: cipher.encrypt(key.secretAccessKey),
          status: key.status,
          create_date: key.createDate.getTime(),
          last_used_date: key.lastUsed ? key.lastUsed.date.getTime() : null,
          last_used_service: key.lastUsed ? key.lastUsed.serviceName : null,
          last_used_region: key.lastUsed ? key.lastUsed.region : null,
        }),
      );
    }),
    getAccessKey: (accessKeyId) => run(() => {
      const r = s.getKey.get(accessKeyId) as KeyRow | undefined;
      return r ? toKey(r, cipher) : undefined;
    }),
    updateAccessKey: (accessKeyId, patch) => run(() => {
      const hasStatus = patch.status !== undefined;
      const hasLastUsed = Object.prototype.hasOwnProperty.call(patch, 'lastUsed');
      if (!hasStatus && !hasLastUsed) return;
      s.updateKey.run({
        access_key_id: accessKeyId,
        has_status: hasStatus ? 1 : 0,
        status: patch.status ?? null,
        has_last_used: hasLastUsed ? 1 : 0,
        last_used_date: patch.lastUsed ? patch.lastUsed.date.getTime() : null,
        last_used_service: patch.lastUsed ? patch.lastUsed.serviceName : null,
        last_used_region: patch.lastUsed ? patch.lastUsed.region : null,
      });
    }),
    deleteAccessKey: (accessKeyId) => run(() => {
      s.deleteKey.run(accessKeyId);
    }),
    listAccessKeys: (accountId, userName) => run(() => {
      const rows = (userName === undefined ? s.rootKeys.all(accountId) : s.userKeys.all(accountId, userName)) as KeyRow[];
      return rows.map((r) => toKey(r, cipher));
    }),

    // One INSERT joining the group commit: no savepoint, durable when it resolves.
    putTemporaryCredential: async (record) => {
      await commitOne(() => {
        unique(`Temporary credentials ${record.accessKeyId} already exist.`, () =>
          s.putTemp.run(record.accessKeyId, record.accountId, DERIVED, record.expiration.getTime(), record.createDate.getTime(), JSON.stringify(record.session)),
        );
      });
      const { secretAccessKey, sessionToken } = deriveSecrets(record.accessKeyId);
      return {
        accessKeyId: record.accessKeyId,
        secretAccessKey,
        sessionToken,
        accountId: record.accountId,
        expiration: record.expiration,
        createDate: record.createDate,
        session: record.session,
      };
    },
    getTemporaryCredential: (accessKeyId) => run(() => {
      const r = s.getTemp.get(accessKeyId) as TempRow | undefined;
      if (!r) return undefined;
      return toTemp(r, cipher, deriveSecrets);
    }),
    getDerivedTemporarySecrets: async (accessKeyId) => deriveSecrets(accessKeyId),
    deleteExpiredTemporaryCredentials: (before, limit = -1) => run(() => s.deleteExpired.run(before.getTime(), limit).changes),
  };
}
