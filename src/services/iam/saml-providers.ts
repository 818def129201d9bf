/**
 * SAML identity providers: Create/Get/Update/Delete/ListSAMLProviders and their tags. The metadata document is checked
 * (an IdP EntityDescriptor with an entity ID and signing certificates); private keys that decrypt encrypted assertions
 * are added and removed by key ID (at most two). Every read-modify-write runs in one store transaction.
 */
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { KamenError } from '../../errors.js';
import { readIdpMetadata } from '../../federation/saml/index.js';
import type { SamlProvider } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, createTags, type Input } from './common.js';
import { tagOperations } from './tagging.js';

/** IAM's quota of SAML providers per account. */
export const SAML_PROVIDER_QUOTA = 100;
/** At most this many private keys per provider. */
export const SAML_PRIVATE_KEY_LIMIT = 2;
/** ValidUntil when the metadata names none: 100 years after creation. */
const DEFAULT_VALIDITY_MS = 100 * 365.25 * 24 * 3600 * 1000;

const ARN = /^arn:aws:iam::(\d{12}):saml-provider\/([\w._-]{1,128})$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh private key ID: 26 characters of [A-Z2-7]. */
function keyId(): string {
  const b = randomBytes(26);
  let s = '';
  for (const x of b) s += BASE32[x & 31];
  return s;
}

/** The provider an input ARN names in the caller's account; InvalidInput for a malformed ARN, NoSuchEntity when absent. */
export async function mustSamlProvider(ctx: OperationContext, arn: unknown): Promise<SamlProvider> {
  const text = String(arn ?? '');
  const m = ARN.exec(text);
  if (!m) throw new KamenError('ERR_INVALID_INPUT', `ARN ${text} is not valid.`);
  const p = m[1] === account(ctx) ? await ctx.store.getSamlProvider(text) : undefined;
  if (!p) throw new KamenError('ERR_NO_SUCH_ENTITY', `Manifest not found for arn ${text}`);
  return p;
}

/** Checks a PEM private key (InvalidInput when it does not parse). */
function checkPrivateKey(pem: string): string {
  try {
    createPrivateKey(pem);
  } catch {
    throw new KamenError('ERR_INVALID_INPUT', 'The private key is not valid.');
  }
  return pem;
}

function mode(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v !== 'Required' && v !== 'Allowed') {
    throw new KamenError('ERR_VALIDATION', `1 validation error detected: Value '${String(v)}' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Required, Allowed]`);
  }
  return v;
}

function validUntil(metadataValidUntil: Date | undefined, created: number): Date {
  return metadataValidUntil ?? new Date(Math.floor(created / 1000) * 1000 + DEFAULT_VALIDITY_MS);
}

/** The SAML provider operations. */
export function samlProviderOperations(): Record<string, Operation> {
  return {
    CreateSAMLProvider: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['Name']);
      const md = readIdpMetadata(String(input['SAMLMetadataDocument'] ?? ''));
      const tags = createTags(input['Tags'], 'sensitive');
      const now = ctx.clock.now();
      const p: SamlProvider = {
        accountId: acct,
        arn: `arn:aws:iam::${acct}:saml-provider/${name}`,
        name,
        uuid: randomUUID(),
        metadataDocument: String(input['SAMLMetadataDocument']),
        createDate: new Date(Math.floor(now / 1000) * 1000),
        validUntil: validUntil(md.validUntil, now),
        privateKeys: input['AddPrivateKey'] ? [{ keyId: keyId(), privateKey: checkPrivateKey(String(input['AddPrivateKey'])), timestamp: new Date(now) }] : [],
        tags,
      };
      const m = mode(input['AssertionEncryptionMode']);
      if (m) p.assertionEncryptionMode = m;
      if (m === 'Required' && p.privateKeys.length === 0) throw new KamenError('ERR_INVALID_INPUT', 'A private key is required when AssertionEncryptionMode is Required.');
      await ctx.store.transaction(async () => {
        if (await ctx.store.getSamlProvider(p.arn)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `SAMLProvider ${name} already exists.`);
        if ((await ctx.store.listSamlProviders(acct)).length >= SAML_PROVIDER_QUOTA) {
          throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for SAMLProvidersPerAccount: ${SAML_PROVIDER_QUOTA}`);
        }
        await ctx.store.createSamlProvider(p);
      });
      const out: Input = { SAMLProviderArn: p.arn };
      if (tags.length) out['Tags'] = tags;
      return out;
    },

    GetSAMLProvider: async (ctx, input: Input) => {
      const p = await mustSamlProvider(ctx, input['SAMLProviderArn']);
      const out: Input = { SAMLProviderUUID: p.uuid, SAMLMetadataDocument: p.metadataDocument, CreateDate: p.createDate, ValidUntil: p.validUntil };
      if (p.tags.length) out['Tags'] = p.tags;
      if (p.assertionEncryptionMode) out['AssertionEncryptionMode'] = p.assertionEncryptionMode;
      if (p.privateKeys.length) out['PrivateKeyList'] = p.privateKeys.map((k) => ({ KeyId: k.keyId, Timestamp: k.timestamp }));
      return out;
    },

    UpdateSAMLProvider: async (ctx, input: Input) => {
      const doc = input['SAMLMetadataDocument'];
      const md = doc !== undefined ? readIdpMetadata(String(doc)) : undefined;
      const m = mode(input['AssertionEncryptionMode']);
      const add = input['AddPrivateKey'] !== undefined ? checkPrivateKey(String(input['AddPrivateKey'])) : undefined;
      const remove = input['RemovePrivateKey'] !== undefined ? String(input['RemovePrivateKey']) : undefined;
      if (doc === undefined && m === undefined && add === undefined && remove === undefined) {
        throw new KamenError('ERR_INVALID_INPUT', 'At least one of SAMLMetadataDocument, AssertionEncryptionMode, AddPrivateKey or RemovePrivateKey must be specified.');
      }
      return ctx.store.transaction(async () => {
        const p = await mustSamlProvider(ctx, input['SAMLProviderArn']);
        const next: SamlProvider = { ...p, privateKeys: [...p.privateKeys] };
        if (md) {
          next.metadataDocument = String(doc);
          next.validUntil = validUntil(md.validUntil, p.createDate.getTime());
        }
        if (m) next.assertionEncryptionMode = m;
        if (remove !== undefined) {
          if (!next.privateKeys.some((k) => k.keyId === remove)) throw new KamenError('ERR_INVALID_INPUT', `The private key ${remove} does not exist.`);
          next.privateKeys = next.privateKeys.filter((k) => k.keyId !== remove);
        }
        if (add !== undefined) {
          if (next.privateKeys.length >= SAML_PRIVATE_KEY_LIMIT) throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for private keys per SAML provider: ${SAML_PRIVATE_KEY_LIMIT}`);
          next.privateKeys.push({ keyId: keyId(), privateKey: add, timestamp: new Date(ctx.clock.now()) });
        }
        if (next.assertionEncryptionMode === 'Required' && next.privateKeys.length === 0) {
          throw new KamenError('ERR_INVALID_INPUT', 'A private key is required when AssertionEncryptionMode is Required.');
        }
        await ctx.store.updateSamlProvider(next);
        return { SAMLProviderArn: p.arn };
      });
    },

    DeleteSAMLProvider: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const p = await mustSamlProvider(ctx, input['SAMLProviderArn']);
        await ctx.store.deleteSamlProvider(p.arn);
      });
      return {};
    },

    ListSAMLProviders: async (ctx) => {
      const list = await ctx.store.listSamlProviders(account(ctx));
      return { SAMLProviderList: list.map((p) => ({ Arn: p.arn, ValidUntil: p.validUntil, CreateDate: p.createDate })) };
    },

    ...tagOperations(
      { tag: 'TagSAMLProvider', untag: 'UntagSAMLProvider', list: 'ListSAMLProviderTags' },
      (ctx, input) => mustSamlProvider(ctx, input['SAMLProviderArn']),
      (ctx, p, tags) => ctx.store.updateSamlProvider({ ...p, tags }),
      'sensitive',
    ),
  };
}
