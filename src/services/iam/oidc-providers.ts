/**
 * OpenID Connect identity providers: Create/Get/Delete/ListOpenIDConnectProviders, Add/RemoveClientIDTo/From…,
 * UpdateOpenIDConnectProviderThumbprint and tags. Every read-modify-write runs in one store transaction.
 */
import { KamenError } from '../../errors.js';
import { normalizeProviderUrl } from '../../federation/oidc/url.js';
import type { OidcProvider } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, createTags, type Input } from './common.js';
import { tagOperations } from './tagging.js';

/** IAM's quotas: providers per account, client IDs and thumbprints per provider. */
export const OIDC_PROVIDER_QUOTA = 100;
export const OIDC_CLIENT_ID_LIMIT = 100;
export const OIDC_THUMBPRINT_LIMIT = 5;

const ARN = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/;

/** The provider an input ARN names in the caller's account; InvalidInput for a malformed ARN, NoSuchEntity when absent. */
export async function mustOidcProvider(ctx: OperationContext, arn: unknown): Promise<OidcProvider> {
  const text = String(arn ?? '');
  const m = ARN.exec(text);
  if (!m) throw new KamenError('ERR_INVALID_INPUT', `ARN ${text} is not valid.`);
  const p = m[1] === account(ctx) ? await ctx.store.getOidcProvider(text) : undefined;
  if (!p) throw new KamenError('ERR_NO_SUCH_ENTITY', `OpenIDConnect Provider not found for arn ${text}`);
  return p;
}

function thumbprints(v: unknown): string[] {
  const list = Array.isArray(v) ? v.map(String) : [];
  if (list.length > OIDC_THUMBPRINT_LIMIT) throw new KamenError('ERR_LIMIT_EXCEEDED', `Thumbprint list must contain fewer than ${OIDC_THUMBPRINT_LIMIT + 1} entries.`);
  for (const t of list) {
    if (!/^[0-9a-fA-F]{40}$/.test(t)) throw new KamenError('ERR_INVALID_INPUT', `Thumbprint ${t} is not a valid SHA-1 hex thumbprint.`);
  }
  return list.map((t) => t.toLowerCase());
}

function clientIds(v: unknown): string[] {
  const list = [...new Set(Array.isArray(v) ? v.map(String) : [])];
  if (list.length > OIDC_CLIENT_ID_LIMIT) throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${OIDC_CLIENT_ID_LIMIT}`);
  return list;
}

/** The OIDC provider operations. */
export function oidcProviderOperations(): Record<string, Operation> {
  return {
    CreateOpenIDConnectProvider: async (ctx, input: Input) => {
      const acct = account(ctx);
      const url = normalizeProviderUrl(String(input['Url'] ?? ''));
      const tags = createTags(input['Tags'], 'sensitive');
      const p: OidcProvider = {
        accountId: acct,
        arn: `arn:aws:iam::${acct}:oidc-provider/${url}`,
        url,
        clientIds: clientIds(input['ClientIDList']),
        thumbprints: thumbprints(input['ThumbprintList']),
        createDate: new Date(Math.floor(ctx.clock.now() / 1000) * 1000),
        tags,
      };
      await ctx.store.transaction(async () => {
        if (await ctx.store.getOidcProvider(p.arn)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Provider with url https://${url} already exists.`);
        if ((await ctx.store.listOidcProviders(acct)).length >= OIDC_PROVIDER_QUOTA) {
          throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDER_QUOTA}`);
        }
        await ctx.store.createOidcProvider(p);
      });
      const out: Input = { OpenIDConnectProviderArn: p.arn };
      if (tags.length) out['Tags'] = tags;
      return out;
    },

    GetOpenIDConnectProvider: async (ctx, input: Input) => {
      const p = await mustOidcProvider(ctx, input['OpenIDConnectProviderArn']);
      const out: Input = { Url: p.url, ClientIDList: p.clientIds, ThumbprintList: p.thumbprints, CreateDate: p.createDate };
      if (p.tags.length) out['Tags'] = p.tags;
      return out;
    },

    DeleteOpenIDConnectProvider: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const p = await mustOidcProvider(ctx, input['OpenIDConnectProviderArn']);
        await ctx.store.deleteOidcProvider(p.arn);
      });
      return {};
    },

    ListOpenIDConnectProviders: async (ctx) => ({
      OpenIDConnectProviderList: (await ctx.store.listOidcProviders(account(ctx))).map((p) => ({ Arn: p.arn })),
    }),

    AddClientIDToOpenIDConnectProvider: async (ctx, input: Input) => {
      const id = String(input['ClientID']);
      await ctx.store.transaction(async () => {
        const p = await mustOidcProvider(ctx, input['OpenIDConnectProviderArn']);
        if (p.clientIds.includes(id)) return;
        await ctx.store.updateOidcProvider({ ...p, clientIds: clientIds([...p.clientIds, id]) });
      });
      return {};
    },

    RemoveClientIDFromOpenIDConnectProvider: async (ctx, input: Input) => {
      const id = String(input['ClientID']);
      await ctx.store.transaction(async () => {
        const p = await mustOidcProvider(ctx, input['OpenIDConnectProviderArn']);
        if (!p.clientIds.includes(id)) return;
        await ctx.store.updateOidcProvider({ ...p, clientIds: p.clientIds.filter((c) => c !== id) });
      });
      return {};
    },

    UpdateOpenIDConnectProviderThumbprint: async (ctx, input: Input) => {
      const list = thumbprints(input['ThumbprintList']);
      await ctx.store.transaction(async () => {
        const p = await mustOidcProvider(ctx, input['OpenIDConnectProviderArn']);
        await ctx.store.updateOidcProvider({ ...p, thumbprints: list });
      });
      return {};
    },

    ...tagOperations(
      { tag: 'TagOpenIDConnectProvider', untag: 'UntagOpenIDConnectProvider', list: 'ListOpenIDConnectProviderTags' },
      (ctx, input) => mustOidcProvider(ctx, input['OpenIDConnectProviderArn']),
      (ctx, p, tags) => ctx.store.updateOidcProvider({ ...p, tags }),
      'sensitive',
    ),
  };
}
