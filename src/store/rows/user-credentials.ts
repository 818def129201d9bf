/** Row type and row → entity mapper of the iam_user_credentials table, shared by both store backends. */
import type { SecretCipher } from '../crypto.js';
import type { UserCredential, UserCredentialKind } from '../store.js';

/** An iam_user_credentials row (create_date as epoch ms, secret encrypted when present). */
export interface CredRow {
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

/** The row → user credential mapper that decrypts secrets with `cipher`. */
export function credMapper(cipher: SecretCipher): (r: CredRow) => UserCredential {
  return (r) => {
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
}
