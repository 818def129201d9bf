/** Row type and row → entity mapper of the iam_server_certificates table, shared by both store backends. */
import type { SecretCipher } from '../crypto.js';
import type { ServerCertificate, Tag } from '../store.js';

/** An iam_server_certificates row (dates as epoch ms, private key encrypted). */
export interface CertRow {
  account_id: string;
  name: string;
  certificate_id: string;
  path: string;
  arn: string;
  body: string;
  chain: string | null;
  private_key_enc: string;
  upload_date: number;
  expiration: number;
  tags: string;
}

/** The row → server certificate mapper that decrypts private keys with `cipher`. */
export function certMapper(cipher: SecretCipher): (r: CertRow) => ServerCertificate {
  return (r) => {
    const c: ServerCertificate = {
      accountId: r.account_id,
      serverCertificateId: r.certificate_id,
      name: r.name,
      path: r.path,
      arn: r.arn,
      certificateBody: r.body,
      privateKey: cipher.decrypt(r.private_key_enc),
      uploadDate: new Date(r.upload_date),
      expiration: new Date(r.expiration),
      tags: JSON.parse(r.tags) as Tag[],
    };
    if (r.chain !== null) c.certificateChain = r.chain;
    return c;
  };
}
