/** Switch role (sts:AssumeRole as the signed-in identity), one-click switching from the history, and "Back to <user>". */
import { consoleRequest } from './auth.js';
import { switchRoleFacts } from '../../audit/console-events.js';
import { ConsoleError, str, type ConsoleDeps, type Route } from '../http.js';
import { pushHistory } from '../session.js';
import { normalizeRoleColor } from '../shared/palette.js';

/** AWS's console text when a switch fails. */
export const SWITCH_FAILED = 'Invalid information in one or more fields. Check your information or contact your administrator.';

/** A role name (IAM's [\w+=,.@-]{1,64}) after an optional path (IAM's path characters, without its slashes). */
const ROLE_PATH_AND_NAME = /^(?:[\x21-\x2E\x30-\x7E]+\/)*[\w+=,.@-]{1,64}$/;
/** An IAM path is at most 512 characters, a role name 64. */
const MAX_PATH_AND_NAME = 512 + 64;

/** How long a switched-role session lasts (AWS's console uses one hour). */
const SWITCH_SECONDS = 3600;

/** The switch-role routes. */
export function switchRoleRoutes(deps: ConsoleDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/switch-role',
      auth: true,
      handler: async (ctx) => {
        const s = ctx.requireSession();
        const b = ctx.body;
        const accountText = str(b, 'account', { max: 64 });
        // A role with a path is named path/name (roleName=team/ops/Admin), as in AWS's switch-role links.
        const roleName = str(b, 'roleName', { max: MAX_PATH_AND_NAME }).replace(/^\/+/, '');
        if (!ROLE_PATH_AND_NAME.test(roleName)) throw new ConsoleError(400, 'ValidationError', SWITCH_FAILED);
        const accountId = /^\d{12}$/.test(accountText) ? accountText : await deps.signIn.resolveAccount(accountText);
        if (!accountId) throw new ConsoleError(400, 'ValidationError', SWITCH_FAILED);
        const displayName = (str(b, 'displayName', { optional: true, max: 64 }) || `${roleName} @ ${accountText}`).slice(0, 64);
        const colorText = str(b, 'color', { optional: true, max: 16 });
        const color = colorText ? normalizeRoleColor(colorText) : '';
        if (color === undefined) throw new ConsoleError(400, 'ValidationError', `Color ${colorText} is not one of the console's colors.`);
        const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
        // Always from the signed-in identity (the console does not chain roles), so its trust, MFA and SCPs decide.
        let out: Record<string, any>;
        try {
          out = await deps.api.call(s.credentials, 'sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: sessionName(s.principal.userName ?? 'root'), DurationSeconds: SWITCH_SECONDS }, ctx.conn);
        } catch (err) {
          const e = err as { code?: string; message?: string; status?: number };
          throw new ConsoleError(e.status && e.status >= 400 ? e.status : 403, e.code ?? 'AccessDenied', e.message ?? SWITCH_FAILED);
        }
        const c = out['Credentials'];
        s.switched = {
          accountId,
          roleName,
          displayName,
          color,
          roleArn,
          assumedRoleArn: out['AssumedRoleUser']['Arn'],
          credentials: { accessKeyId: c['AccessKeyId'], secretAccessKey: c['SecretAccessKey'], sessionToken: c['SessionToken'], expiration: new Date(c['Expiration']) },
        };
        s.history = pushHistory(s.history, { accountId, roleName, displayName, color });
        if (deps.recordEvent) {
          const session = { kind: 'assumed-role' as const, accountId, arn: s.switched.assumedRoleArn, userId: String(out['AssumedRoleUser']['AssumedRoleId']), accessKeyId: s.switched.credentials.accessKeyId };
          deps.recordEvent(switchRoleFacts(consoleRequest(deps, ctx), session, s.principal.arn));
        }
        return { status: 'ok', current: { accountId, arn: s.switched.assumedRoleArn, displayName, color } };
      },
    },
    {
      method: 'POST',
      path: '/switch-back',
      auth: true,
      handler: async (ctx) => {
        const s = ctx.requireSession();
        delete s.switched;
        return { status: 'ok' };
      },
    },
  ];
}

/** A RoleSessionName from the user name ([\w+=,.@-], 2..64 characters). */
function sessionName(name: string): string {
  const n = name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return n.length >= 2 ? n : `${n}-console`;
}
