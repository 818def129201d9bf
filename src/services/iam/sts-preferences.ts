/**
 * SetSecurityTokenServicePreferences: which version of session tokens the global STS endpoint issues for the account
 * (v1Token valid only in regions enabled by default, v2Token valid in all regions); GetAccountSummary reports it as
 * GlobalEndpointTokenVersion (1 or 2).
 */
import type { Store } from '../../store/store.js';
import type { Operation } from '../types.js';
import { account, type Input } from './common.js';

function settingKey(accountId: string): string {
  return `iam.globalEndpointTokenVersion.${accountId}`;
}

/** The account's GlobalEndpointTokenVersion as GetAccountSummary reports it: 1 (v1Token, the default) or 2. */
export async function globalEndpointTokenVersion(store: Store, accountId: string): Promise<number> {
  return (await store.getSetting(settingKey(accountId))) === 'v2Token' ? 2 : 1;
}

/** The STS preference operation. */
export function stsPreferenceOperations(): Record<string, Operation> {
  return {
    SetSecurityTokenServicePreferences: async (ctx, input: Input) => {
      // The model's enum (v1Token | v2Token) is checked before the operation runs.
      await ctx.store.setSetting(settingKey(account(ctx)), String(input['GlobalEndpointTokenVersion']));
      return {};
    },
  };
}
