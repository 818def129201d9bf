/** Server certificates family (PostgreSQL): the account's certificates by name (unique without case), keys encrypted. */
import { KamenError } from '../../errors.js';
import type { ServerCertificateStore } from '../store.js';
import { isUniqueViolation, type PgContext } from './db.js';
import { certMapper, type CertRow } from '../rows/server-certificates.js';

/** The family's methods over the shared context (migration 004 creates the table). */
export function serverCertificatesFamily(ctx: PgContext): ServerCertificateStore {
  const { conn, write, cipher } = ctx;
  const toCert = certMapper(cipher);
  return {
    createServerCertificate: (c) =>
      write(async (x) => {
        const n = await x.run(
          `INSERT INTO iam_server_certificates (account_id, name_lower, name, certificate_id, path, arn, body, chain, private_key_enc, upload_date, expiration, tags)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
          [c.accountId, c.name.toLowerCase(), c.name, c.serverCertificateId, c.path, c.arn, c.certificateBody, c.certificateChain ?? null, cipher.encrypt(c.privateKey), c.uploadDate.getTime(), c.expiration.getTime(), JSON.stringify(c.tags)],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Server certificate ${c.name} already exists.`);
      }),
    getServerCertificate: async (accountId, name) => {
      const [r] = await conn().rows<CertRow>('SELECT * FROM iam_server_certificates WHERE account_id = $1 AND name_lower = $2', [accountId, name.toLowerCase()]);
      return r ? toCert(r) : undefined;
    },
    updateServerCertificate: (accountId, name, patch) =>
      write(async (x) => {
        const [r] = await x.rows<CertRow>('SELECT * FROM iam_server_certificates WHERE account_id = $1 AND name_lower = $2 FOR UPDATE', [accountId, name.toLowerCase()]);
        if (!r) return;
        const newName = patch.name ?? r.name;
        try {
          await x.run('UPDATE iam_server_certificates SET name_lower = $1, name = $2, path = $3, arn = $4, tags = $5 WHERE account_id = $6 AND name_lower = $7', [
            newName.toLowerCase(),
            newName,
            patch.path ?? r.path,
            patch.arn ?? r.arn,
            patch.tags ? JSON.stringify(patch.tags) : r.tags,
            accountId,
            name.toLowerCase(),
          ]);
        } catch (err) {
          if (isUniqueViolation(err)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Server certificate ${newName} already exists.`);
          throw err;
        }
      }),
    deleteServerCertificate: (accountId, name) =>
      write(async (x) => {
        await x.run('DELETE FROM iam_server_certificates WHERE account_id = $1 AND name_lower = $2', [accountId, name.toLowerCase()]);
      }),
    listServerCertificates: async (accountId) =>
      (await conn().rows<CertRow>('SELECT * FROM iam_server_certificates WHERE account_id = $1 ORDER BY name_lower, name', [accountId])).map(toCert),
  };
}
