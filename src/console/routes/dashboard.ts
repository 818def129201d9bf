/**
 * The IAM dashboard's data, as AWS's IAM dashboard shows it: resource counts (GetAccountSummary) and security
 * recommendations (root user MFA, root access keys, active access keys older than 90 days).
 */
import { ConsoleError, listAll, type ConsoleDeps, type Route, type RouteContext } from '../http.js';

/** Access keys older than this are flagged (AWS recommends rotating keys at least every 90 days). */
const KEY_AGE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Users whose keys the dashboard checks (the rest are counted, not inspected). */
const MAX_USERS_CHECKED = 200;

/** One recommendation: `ok` when nothing needs doing. */
interface Recommendation {
  id: string;
  ok: boolean;
  title: string;
  detail: string;
}

/** The dashboard route. */
export function dashboardRoutes(deps: ConsoleDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/iam/dashboard',
      auth: true,
      handler: async (ctx) => {
        const summary = await optional(ctx.api('iam', 'GetAccountSummary'));
        const map = (summary?.['SummaryMap'] ?? {}) as Record<string, number>;
        const counts = summary
          ? { users: map['Users'] ?? 0, groups: map['Groups'] ?? 0, roles: map['Roles'] ?? 0, policies: map['Policies'] ?? 0, identityProviders: map['Providers'] ?? 0 }
          : null;
        const recommendations: Recommendation[] = [];
        if (summary) {
          const mfa = Number(map['AccountMFAEnabled'] ?? 0) === 1;
          recommendations.push({ id: 'root-mfa', ok: mfa, title: mfa ? 'Root user has MFA' : 'Add MFA for root user', detail: mfa ? 'Having multi-factor authentication (MFA) for the root user improves security for this account.' : 'Add MFA for the root user: sign in as the root user and assign an MFA device.' });
          const rootKeys = Number(map['AccountAccessKeysPresent'] ?? 0) === 1;
          recommendations.push({ id: 'root-keys', ok: !rootKeys, title: rootKeys ? 'Root user has active access keys' : 'Root user has no active access keys', detail: rootKeys ? 'Use access keys of IAM users (or roles) instead, and delete the root user\'s.' : 'Using access keys attached to an IAM user instead of the root user improves security.' });
        }
        const old = await oldAccessKeys(ctx, deps.clock.now());
        if (old) {
          recommendations.push({
            id: 'old-keys',
            ok: old.length === 0,
            title: old.length === 0 ? `No active access keys older than ${KEY_AGE_DAYS} days` : `Rotate access keys older than ${KEY_AGE_DAYS} days`,
            detail: old.length === 0 ? 'Every active access key was created recently.' : old.map((k) => `${k.userName}: ${k.accessKeyId} is ${k.days} days old`).join('; '),
          });
        }
        return { counts, recommendations, oldAccessKeys: old ?? [] };
      },
    },
  ];
}

/** The result, or undefined when the caller may not call it (the dashboard then leaves that part out). */
async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ConsoleError && err.status >= 400 && err.status < 500) return undefined;
    throw err;
  }
}

/** Active access keys of the account's users created more than KEY_AGE_DAYS ago, oldest first. */
async function oldAccessKeys(ctx: RouteContext, now: number): Promise<Array<{ userName: string; accessKeyId: string; days: number }> | undefined> {
  const users = await optional(listAll<Record<string, unknown>>(ctx, 'iam', 'ListUsers', 'Users', { MaxItems: 1000 }, MAX_USERS_CHECKED));
  if (!users) return undefined;
  const out: Array<{ userName: string; accessKeyId: string; days: number }> = [];
  for (const u of users.slice(0, MAX_USERS_CHECKED)) {
    const keys = await optional(ctx.api('iam', 'ListAccessKeys', { UserName: u['UserName'] }));
    if (!keys) return undefined;
    for (const k of (keys['AccessKeyMetadata'] ?? []) as Array<Record<string, unknown>>) {
      if (k['Status'] !== 'Active') continue;
      const days = Math.floor((now - new Date(String(k['CreateDate'])).getTime()) / DAY_MS);
      if (days > KEY_AGE_DAYS) out.push({ userName: String(u['UserName']), accessKeyId: String(k['AccessKeyId']), days });
    }
  }
  return out.sort((a, b) => b.days - a.days);
}
