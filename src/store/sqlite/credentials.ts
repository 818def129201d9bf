/**
 * Credentials family: long-term access keys (users' and root's), their secrets encrypted, and STS temporary
 * credentials, whose secrets and tokens are derived from the key ID and not stored.
 */
import type { AccessKey, IdentityStore, TemporaryCredential, TemporarySecrets } from '../store.js';
import { nul, unique, type SqliteContext } from './db.js';

interface KeyRow {
  access_key_id: string;
  account_id: string;
  user_name: string | null;
  secret_enc: string;
  status: AccessKey['status'];
  create_date: number;
  last_used_date: number | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

interface TempRow {
  access_key_id: string;
  account_id: string;
  /** DERIVED, or (rows written before derivation) the encrypted JSON pair [secret, token]. */
  secrets_enc: string;
  expiration: number;
  create_date: number;
  session: string;
}

type CredentialMethods = Pick<
  IdentityStore,
  | 'createAccessKey'
  | 'getAccessKey'
  | 'updateAccessKey'
  | 'deleteAccessKey'
  | 'listAccessKeys'
  | 'putTemporaryCredential'
  | 'getTemporaryCredential'
  | 'getDerivedTemporarySecrets'
  | 'deleteExpiredTemporaryCredentials'
>;

/** The secrets_enc of a temporary credential whose secret and token are derived from its key ID. */
const DERIVED = 'derived:v1';

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

  const toKey = (r: KeyRow): AccessKey => {
    const k: AccessKey = {
      accessKeyId: r.access_key_id,
      secretAccessKey: cipher.decrypt(r.secret_enc),
      accountId: r.account_id,
      status: r.status,
      createDate: new Date(r.create_date),
    };
    if (r.user_name !== null) k.userName = r.user_name;
    if (r.last_used_date !== null) {
      k.lastUsed = { date: new Date(r.last_used_date), serviceName: r.last_used_service ?? '', region: r.last_used_region ?? '' };
    }
    return k;
  };

  /** Rows written before derivation keep their encrypted secret and token, valid until they expire. */
  const legacySecrets = (envelope: string): TemporarySecrets => {
    const [secretAccessKey, sessionToken] = JSON.parse(cipher.decrypt(envelope)) as [string, string];
    return { secretAccessKey, sessionToken };
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
      return r ? toKey(r) : undefined;
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
      return rows.map(toKey);
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
      const { secretAccessKey, sessionToken } = r.secrets_enc === DERIVED ? deriveSecrets(r.access_key_id) : legacySecrets(r.secrets_enc);
      const cred: TemporaryCredential = {
        accessKeyId: r.access_key_id,
        secretAccessKey,
        sessionToken,
        accountId: r.account_id,
        expiration: new Date(r.expiration),
        createDate: new Date(r.create_date),
        session: JSON.parse(r.session) as Record<string, unknown>,
      };
      return cred;
    }),
    getDerivedTemporarySecrets: async (accessKeyId) => deriveSecrets(accessKeyId),
    deleteExpiredTemporaryCredentials: (before, limit = -1) => run(() => s.deleteExpired.run(before.getTime(), limit).changes),
  };
}
