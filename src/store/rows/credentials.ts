/** Row types and row → entity mappers of access_keys and temporary_credentials, shared by both store backends. */
import type { SecretCipher } from '../crypto.js';
import type { IdentityStore, AccessKey, TemporaryCredential, TemporarySecrets } from '../store.js';

/** An access_keys row (dates as epoch ms, secret encrypted). */
export interface KeyRow {
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

/** A temporary_credentials row. */
export interface TempRow {
  access_key_id: string;
  account_id: string;
  /** DERIVED, or (rows written before derivation) the encrypted JSON pair [secret, token]. */
  secrets_enc: string;
  expiration: number;
  create_date: number;
  session: string;
}

/** The secrets_enc of a temporary credential whose secret and token are derived from its key ID. */
export const DERIVED = 'derived:v1';

/** Maps an access_keys row to an access key, decrypting its secret. */
export function toKey(r: KeyRow, cipher: SecretCipher): AccessKey {
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
}

/**
 * Maps a temporary_credentials row: the secret and token are derived from the key ID, or (rows written before
 * derivation, including rows copied from an older store) decrypted from the row, valid until they expire.
 */
export function toTemp(r: TempRow, cipher: SecretCipher, deriveSecrets: (accessKeyId: string) => TemporarySecrets): TemporaryCredential {
  const { secretAccessKey, sessionToken } = r.secrets_enc === DERIVED ? deriveSecrets(r.access_key_id) : legacySecrets(r.secrets_enc, cipher);
  return {
    accessKeyId: r.access_key_id,
    secretAccessKey,
    sessionToken,
    accountId: r.account_id,
    expiration: new Date(r.expiration),
    createDate: new Date(r.create_date),
    session: JSON.parse(r.session) as Record<string, unknown>,
  };
}

/** The encrypted [secret, token] pair of a row written before derivation. */
function legacySecrets(envelope: string, cipher: SecretCipher): TemporarySecrets {
  const [secretAccessKey, sessionToken] = JSON.parse(cipher.decrypt(envelope)) as [string, string];
  return { secretAccessKey, sessionToken };
}

/** The credentials family's slice of the Store, implemented by both backends. */
export type CredentialMethods = Pick<
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
