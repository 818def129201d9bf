// The signed-in session as the page sees it (GET /console/api/session).

/** A role of the switch-role history. */
export interface RoleRef {
  accountId: string;
  roleName: string;
  displayName: string;
  color: string;
}

/** The session view the server returns. */
export interface SessionView {
  signedIn: true;
  csrfToken: string;
  expiresAt: string;
  mfa: boolean;
  user: { kind: 'root' | 'user'; accountId: string; arn: string; userName: string | null };
  current: { accountId: string; arn: string; roleName?: string; displayName?: string; color?: string; expiresAt?: string };
  accountAlias: string | null;
  managementAccount: boolean;
  history: RoleRef[];
}
