/** Row types and row → entity mappers of the SAML and OIDC provider tables, shared by both store backends. */
import type { SecretCipher } from '../crypto.js';
import type { OidcProvider, SamlProvider } from '../store.js';
import { parseTags } from './tags.js';

/** A saml_providers row; dates are epoch ms (a number, or its decimal text where a driver returns BIGINT as text). */
export interface SamlRow {
  arn: string;
  account_id: string;
  name: string;
  uuid: string;
  metadata: string;
  create_date: number | string;
  valid_until: number | string;
  encryption_mode: string | null;
  private_keys: string;
  tags: string;
}

/** An oidc_providers row; create_date as in SamlRow. */
export interface OidcRow {
  arn: string;
  account_id: string;
  url: string;
  client_ids: string;
  thumbprints: string;
  create_date: number | string;
  tags: string;
}

/** The private_keys column of a SAML provider: its keys as JSON, each private key encrypted with `cipher`. */
export function privateKeysJson(p: SamlProvider, cipher: SecretCipher): string {
  return JSON.stringify(p.privateKeys.map((k) => ({ keyId: k.keyId, privateKey: cipher.encrypt(k.privateKey), timestamp: k.timestamp.getTime() })));
}

/** The saml_providers row → SAML provider mapper that decrypts private keys with `cipher`. */
export function samlMapper(cipher: SecretCipher): (r: SamlRow) => SamlProvider {
  return (r) => {
    const p: SamlProvider = {
      accountId: r.account_id,
      arn: r.arn,
      name: r.name,
      uuid: r.uuid,
      metadataDocument: r.metadata,
      createDate: new Date(Number(r.create_date)),
      validUntil: new Date(Number(r.valid_until)),
      privateKeys: (JSON.parse(r.private_keys) as Array<{ keyId: string; privateKey: string; timestamp: number }>).map((k) => ({
        keyId: k.keyId,
        privateKey: cipher.decrypt(k.privateKey),
        timestamp: new Date(k.timestamp),
      })),
      tags: parseTags(r.tags),
    };
    if (r.encryption_mode !== null) p.assertionEncryptionMode = r.encryption_mode;
    return p;
  };
}

/** Maps an oidc_providers row. */
export const toOidc = (r: OidcRow): OidcProvider => ({
  accountId: r.account_id,
  arn: r.arn,
  url: r.url,
  clientIds: JSON.parse(r.client_ids) as string[],
  thumbprints: JSON.parse(r.thumbprints) as string[],
  createDate: new Date(Number(r.create_date)),
  tags: parseTags(r.tags),
});
