/**
 * Credentials family (PostgreSQL): long-term access keys with encrypted secrets, and STS temporary credentials whose
 * secret and token are derived from the key ID and never stored.
 */
import { KamenError } from '../../errors.js';
import type { TemporarySecrets } from '../store.js';
import type { PgContext } from './db.js';
import { fold, nul } from './rows.js';
import { DERIVED, toKey, toTemp, type KeyRow, type TempRow, type CredentialMethods } from '../rows/credentials.js';

/** The credentials family's methods over the context. */
export function credentialsFamily(ctx: PgContext, deriveSecrets: (accessKeyId: string) => TemporarySecrets): CredentialMethods {
  const { conn, write, cipher } = ctx;

  return {
    createAccessKey: (key) =>
      write(async (c) => {
        const n = await c.run(
          `INSERT INTO access_keys (access_key_id, account_id, user_name, secret_enc, status, create_date, last_used_date,
             last_used_service, last_used_region) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
          [
            key.accessKeyId,
            key.accountId,
            nul(key.userName),
            cipher.encrypt(key.secretAccessKey),
            key.status,
            key.createDate.getTime(),
            key.lastUsed ? key.lastUsed.date.getTime() : null,
            key.lastUsed ? key.lastUsed.serviceName : null,
            key.lastUsed ? key.lastUsed.region : null,
          ],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Access key ${key.accessKeyId} already exists.`);
      }),
    getAccessKey: async (accessKeyId) => {
      const [r] = await conn().rows<KeyRow>('SELECT * FROM access_keys WHERE access_key_id = $1', [accessKeyId]);
      return r ? toKey(r, cipher) : undefined;
    },
    // One UPDATE of one row that reads nothing else: it needs no write lock (a "last used" note must not queue behind
    // administrative transactions).
    updateAccessKey: async (accessKeyId, patch) => {
      const hasStatus = patch.status !== undefined;
      const hasLastUsed = Object.prototype.hasOwnProperty.call(patch, 'lastUsed');
      if (!hasStatus && !hasLastUsed) return;
      const sets: string[] = [];
      const params: unknown[] = [accessKeyId];
      if (hasStatus) {
        params.push(patch.status);
        sets.push(`status = $${params.length}`);
      }
      if (hasLastUsed) {
        params.push(patch.lastUsed ? patch.lastUsed.date.getTime() : null, patch.lastUsed?.serviceName ?? null, patch.lastUsed?.region ?? null);
        const n = params.length;
        sets.push(`last_used_date = $${n - 2}`, `last_used_service = $${n - 1}`, `last_used_region = $${n}`);
      }
      await conn().run(`UPDATE access_keys SET ${sets.join(', ')} WHERE access_key_id = $1`, params);
    },
    deleteAccessKey: (accessKeyId) =>
      write(async (c) => {
        await c.run('DELETE FROM access_keys WHERE access_key_id = $1', [accessKeyId]);
      }),
    listAccessKeys: async (accountId, userName) => {
      const rows =
        userName === undefined
          ? await conn().rows<KeyRow>('SELECT * FROM access_keys WHERE account_id = $1 AND user_name IS NULL ORDER BY create_date, access_key_id', [accountId])
          : await conn().rows<KeyRow>('SELECT * FROM access_keys WHERE account_id = $1 AND lower(user_name) = $2 ORDER BY create_date, access_key_id', [
              accountId,
              fold(userName),
            ]);
      return rows.map((r) => toKey(r, cipher));
    },

    // One INSERT of a fresh row that no invariant involves: no write lock, so concurrent AssumeRoles share commits.
    putTemporaryCredential: async (record) => {
      const n = await conn().run(
        `INSERT INTO temporary_credentials (access_key_id, account_id, secrets_enc, expiration, create_date, session)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [record.accessKeyId, record.accountId, DERIVED, record.expiration.getTime(), record.createDate.getTime(), JSON.stringify(record.session)],
      );
      if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Temporary credentials ${record.accessKeyId} already exist.`);
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
    getTemporaryCredential: async (accessKeyId) => {
      const [r] = await conn().rows<TempRow>('SELECT * FROM temporary_credentials WHERE access_key_id = $1', [accessKeyId]);
      if (!r) return undefined;
      return toTemp(r, cipher, deriveSecrets);
    },
    getDerivedTemporarySecrets: async (accessKeyId) => deriveSecrets(accessKeyId),
    deleteExpiredTemporaryCredentials: async (before, limit) =>
      conn().run(
        `DELETE FROM temporary_credentials WHERE access_key_id IN
           (SELECT access_key_id FROM temporary_credentials WHERE expiration < $1 ORDER BY expiration LIMIT $2)`,
        [before.getTime(), limit === undefined || limit < 0 ? null : limit],
      ),
  };
}
