/** Federation family (PostgreSQL): SAML and OIDC identity providers, and consumed SAML assertion IDs (replay protection). */
import type { FederationStore } from '../store.js';
import { unique, type PgContext } from './db.js';
import { tagsJson } from './rows.js';
import { privateKeysJson, samlMapper, toOidc, type OidcRow, type SamlRow } from '../rows/federation.js';

/** How many expired assertion rows one consume call sweeps. */
const SWEEP_BATCH = 100;

/** The family's methods over the shared context (migration 003 creates the tables). */
export function federationFamily(ctx: PgContext): FederationStore {
  const { cipher } = ctx;
  const toSaml = samlMapper(cipher);
  return {
    createSamlProvider: (p) =>
      ctx.write((c) =>
        unique(`SAMLProvider ${p.name} already exists.`, () =>
          c.run(
            `INSERT INTO saml_providers (arn, account_id, name, uuid, metadata, create_date, valid_until, encryption_mode, private_keys, tags)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [p.arn, p.accountId, p.name, p.uuid, p.metadataDocument, p.createDate.getTime(), p.validUntil.getTime(), p.assertionEncryptionMode ?? null, privateKeysJson(p, cipher), tagsJson(p.tags)],
          ),
        ).then(() => undefined),
      ),
    updateSamlProvider: (p) =>
      ctx.write(async (c) => {
        await c.run('UPDATE saml_providers SET metadata = $2, valid_until = $3, encryption_mode = $4, private_keys = $5, tags = $6 WHERE arn = $1', [
          p.arn,
          p.metadataDocument,
          p.validUntil.getTime(),
          p.assertionEncryptionMode ?? null,
          privateKeysJson(p, cipher),
          tagsJson(p.tags),
        ]);
      }),
    getSamlProvider: async (arn) => {
      const r = (await ctx.conn().rows<SamlRow>('SELECT * FROM saml_providers WHERE arn = $1', [arn]))[0];
      return r ? toSaml(r) : undefined;
    },
    listSamlProviders: async (accountId) => (await ctx.conn().rows<SamlRow>('SELECT * FROM saml_providers WHERE account_id = $1 ORDER BY arn', [accountId])).map(toSaml),
    deleteSamlProvider: (arn) =>
      ctx.write(async (c) => {
        await c.run('DELETE FROM saml_providers WHERE arn = $1', [arn]);
      }),
    createOidcProvider: (p) =>
      ctx.write((c) =>
        unique(`Provider with url https://${p.url} already exists.`, () =>
          c.run(
            `INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, create_date, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [p.arn, p.accountId, p.url, JSON.stringify(p.clientIds), JSON.stringify(p.thumbprints), p.createDate.getTime(), tagsJson(p.tags)],
          ),
        ).then(() => undefined),
      ),
    updateOidcProvider: (p) =>
      ctx.write(async (c) => {
        await c.run('UPDATE oidc_providers SET client_ids = $2, thumbprints = $3, tags = $4 WHERE arn = $1', [
          p.arn,
          JSON.stringify(p.clientIds),
          JSON.stringify(p.thumbprints),
          tagsJson(p.tags),
        ]);
      }),
    getOidcProvider: async (arn) => {
      const r = (await ctx.conn().rows<OidcRow>('SELECT * FROM oidc_providers WHERE arn = $1', [arn]))[0];
      return r ? toOidc(r) : undefined;
    },
    listOidcProviders: async (accountId) => (await ctx.conn().rows<OidcRow>('SELECT * FROM oidc_providers WHERE account_id = $1 ORDER BY arn', [accountId])).map(toOidc),
    deleteOidcProvider: (arn) =>
      ctx.write(async (c) => {
        await c.run('DELETE FROM oidc_providers WHERE arn = $1', [arn]);
      }),
    consumeSamlAssertion: (providerArn, assertionId, expires, now) =>
      ctx.write(async (c) => {
        await c.run(
          `DELETE FROM saml_assertions WHERE ctid IN (SELECT ctid FROM saml_assertions WHERE expires < $1 LIMIT ${SWEEP_BATCH})`,
          [now.getTime()],
        );
        // An unexpired row wins the conflict (a replay); an expired one is replaced.
        const n = await c.run(
          `INSERT INTO saml_assertions (provider_arn, assertion_id, expires) VALUES ($1, $2, $3)
           ON CONFLICT (provider_arn, assertion_id) DO UPDATE SET expires = excluded.expires WHERE saml_assertions.expires < $4`,
          [providerArn, assertionId, expires.getTime(), now.getTime()],
        );
        return n === 1;
      }),
  };
}
