/** Federation family: SAML and OIDC identity providers, and consumed SAML assertion IDs (replay protection). */
import type { FederationStore, OidcProvider, SamlProvider } from '../store.js';
import { tagsJson, unique, type SqliteContext } from './db.js';
import { privateKeysJson, samlMapper, toOidc, type OidcRow, type SamlRow } from '../rows/federation.js';

/** How many expired assertion rows one consume call sweeps. */
const SWEEP_BATCH = 100;

/** Prepares the federation statements once for this connection and returns the family's methods. */
export function federationFamily(ctx: SqliteContext): FederationStore {
  const { db, run, cipher } = ctx;
  const s = {
    samlInsert: db.prepare(
      `INSERT INTO saml_providers (arn, account_id, name, uuid, metadata, create_date, valid_until, encryption_mode, private_keys, tags)
       VALUES (@arn, @account_id, @name, @uuid, @metadata, @create_date, @valid_until, @encryption_mode, @private_keys, @tags)`,
    ),
    samlUpdate: db.prepare(
      `UPDATE saml_providers SET metadata = @metadata, valid_until = @valid_until, encryption_mode = @encryption_mode,
       private_keys = @private_keys, tags = @tags WHERE arn = @arn`,
    ),
    samlGet: db.prepare('SELECT * FROM saml_providers WHERE arn = ?'),
    samlList: db.prepare('SELECT * FROM saml_providers WHERE account_id = ? ORDER BY arn'),
    samlDelete: db.prepare('DELETE FROM saml_providers WHERE arn = ?'),
    oidcInsert: db.prepare(
      `INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, create_date, tags)
       VALUES (@arn, @account_id, @url, @client_ids, @thumbprints, @create_date, @tags)`,
    ),
    oidcUpdate: db.prepare('UPDATE oidc_providers SET client_ids = @client_ids, thumbprints = @thumbprints, tags = @tags WHERE arn = @arn'),
    oidcGet: db.prepare('SELECT * FROM oidc_providers WHERE arn = ?'),
    oidcList: db.prepare('SELECT * FROM oidc_providers WHERE account_id = ? ORDER BY arn'),
    oidcDelete: db.prepare('DELETE FROM oidc_providers WHERE arn = ?'),
    assertionGet: db.prepare('SELECT expires FROM saml_assertions WHERE provider_arn = ? AND assertion_id = ?').pluck(),
    assertionPut: db.prepare('INSERT OR REPLACE INTO saml_assertions (provider_arn, assertion_id, expires) VALUES (?, ?, ?)'),
    assertionSweep: db.prepare(`DELETE FROM saml_assertions WHERE rowid IN (SELECT rowid FROM saml_assertions WHERE expires < ? LIMIT ${SWEEP_BATCH})`),
  };
  const samlParams = (p: SamlProvider) => ({
    arn: p.arn,
    account_id: p.accountId,
    name: p.name,
    uuid: p.uuid,
    metadata: p.metadataDocument,
    create_date: p.createDate.getTime(),
    valid_until: p.validUntil.getTime(),
    encryption_mode: p.assertionEncryptionMode ?? null,
    private_keys: privateKeysJson(p, cipher),
    tags: tagsJson(p.tags),
  });
  const toSaml = samlMapper(cipher);
  const oidcParams = (p: OidcProvider) => ({
    arn: p.arn,
    account_id: p.accountId,
    url: p.url,
    client_ids: JSON.stringify(p.clientIds),
    thumbprints: JSON.stringify(p.thumbprints),
    create_date: p.createDate.getTime(),
    tags: tagsJson(p.tags),
  });
  return {
    createSamlProvider: (p) => run(() => {
      unique(`SAMLProvider ${p.name} already exists.`, () => s.samlInsert.run(samlParams(p)));
    }),
    updateSamlProvider: (p) => run(() => {
      s.samlUpdate.run(samlParams(p));
    }),
    getSamlProvider: (arn) => run(() => {
      const r = s.samlGet.get(arn) as SamlRow | undefined;
      return r ? toSaml(r) : undefined;
    }),
    listSamlProviders: (accountId) => run(() => (s.samlList.all(accountId) as SamlRow[]).map(toSaml)),
    deleteSamlProvider: (arn) => run(() => {
      s.samlDelete.run(arn);
    }),
    createOidcProvider: (p) => run(() => {
      unique(`Provider with url https://${p.url} already exists.`, () => s.oidcInsert.run(oidcParams(p)));
    }),
    updateOidcProvider: (p) => run(() => {
      s.oidcUpdate.run(oidcParams(p));
    }),
    getOidcProvider: (arn) => run(() => {
      const r = s.oidcGet.get(arn) as OidcRow | undefined;
      return r ? toOidc(r) : undefined;
    }),
    listOidcProviders: (accountId) => run(() => (s.oidcList.all(accountId) as OidcRow[]).map(toOidc)),
    deleteOidcProvider: (arn) => run(() => {
      s.oidcDelete.run(arn);
    }),
    consumeSamlAssertion: (providerArn, assertionId, expires, now) => run(() =>
      ctx.atomic(() => {
        s.assertionSweep.run(now.getTime());
        const seen = s.assertionGet.get(providerArn, assertionId) as number | undefined;
        if (seen !== undefined && seen >= now.getTime()) return false;
        s.assertionPut.run(providerArn, assertionId, expires.getTime());
        return true;
      }),
    ),
  };
}
