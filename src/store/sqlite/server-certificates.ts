/** Server certificates family: the account's certificates by name (unique without case), private keys encrypted. */
import type { ServerCertificateStore } from '../store.js';
import { nul, unique, type SqliteContext } from './db.js';
import { certMapper, type CertRow } from '../rows/server-certificates.js';

/** Prepares the statements once for this connection and returns the family's methods (migration 004's table). */
export function serverCertificatesFamily(ctx: SqliteContext): ServerCertificateStore {
  const { db, run, cipher } = ctx;
  const s = {
    insert: db.prepare(
      `INSERT INTO iam_server_certificates (account_id, name_lower, name, certificate_id, path, arn, body, chain, private_key_enc, upload_date, expiration, tags)
       VALUES (@account_id, @name_lower, @name, @certificate_id, @path, @arn, @body, @chain, @private_key_enc, @upload_date, @expiration, @tags)`,
    ),
    get: db.prepare('SELECT * FROM iam_server_certificates WHERE account_id = ? AND name_lower = ?'),
    update: db.prepare('UPDATE iam_server_certificates SET name_lower = ?, name = ?, path = ?, arn = ?, tags = ? WHERE account_id = ? AND name_lower = ?'),
    remove: db.prepare('DELETE FROM iam_server_certificates WHERE account_id = ? AND name_lower = ?'),
    list: db.prepare('SELECT * FROM iam_server_certificates WHERE account_id = ? ORDER BY name_lower, name'),
  };
  const toCert = certMapper(cipher);
  return {
    createServerCertificate: (c) => run(() => {
      unique(`Server certificate ${c.name} already exists.`, () =>
        s.insert.run({
          account_id: c.accountId,
          name_lower: c.name.toLowerCase(),
          name: c.name,
          certificate_id: c.serverCertificateId,
          path: c.path,
          arn: c.arn,
          body: c.certificateBody,
          chain: nul(c.certificateChain),
          private_key_enc: cipher.encrypt(c.privateKey),
          upload_date: c.uploadDate.getTime(),
          expiration: c.expiration.getTime(),
          tags: JSON.stringify(c.tags),
        }),
      );
    }),
    getServerCertificate: (accountId, name) => run(() => {
      const r = s.get.get(accountId, name.toLowerCase()) as CertRow | undefined;
      return r ? toCert(r) : undefined;
    }),
    updateServerCertificate: (accountId, name, patch) => run(() => {
      ctx.atomic(() => {
        const r = s.get.get(accountId, name.toLowerCase()) as CertRow | undefined;
        if (!r) return;
        const newName = patch.name ?? r.name;
        unique(`Server certificate ${newName} already exists.`, () =>
          s.update.run(newName.toLowerCase(), newName, patch.path ?? r.path, patch.arn ?? r.arn, patch.tags ? JSON.stringify(patch.tags) : r.tags, accountId, name.toLowerCase()),
        );
      });
    }),
    deleteServerCertificate: (accountId, name) => run(() => {
      s.remove.run(accountId, name.toLowerCase());
    }),
    listServerCertificates: (accountId) => run(() => (s.list.all(accountId) as CertRow[]).map(toCert)),
  };
}
