// The console home (who am I, where) and the account page (ID, alias, ARN, sign-in link, with copy buttons).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Link } from '../router';
import type { SessionView } from '../session';
import { Alert, CopyButton, PageHeader } from '../ui';

/** The dashboard's data (GET /console/api/iam/dashboard). */
interface Dashboard {
  counts: { users: number; groups: number; roles: number; policies: number; identityProviders: number } | null;
  recommendations: Array<{ id: string; ok: boolean; title: string; detail: string }>;
}

/** Resource counts and security recommendations, as AWS's IAM dashboard shows them. */
function DashboardPanels() {
  const [d, setD] = useState<Dashboard | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api('GET', '/iam/dashboard').then(setD, (e) => setError(e.message));
  }, []);
  if (error) return <Alert>{error}</Alert>;
  if (!d) return <p class="loading">Loading…</p>;
  const c = d.counts;
  if (!c && d.recommendations.length === 0) return <p class="hint">Your permissions do not allow reading this account's IAM summary (iam:GetAccountSummary, iam:ListUsers, iam:ListAccessKeys).</p>;
  return (
    <>
      {d.recommendations.length > 0 && (
        <section aria-labelledby="recs-title" class="panel">
          <h2 id="recs-title">Security recommendations</h2>
          <ul class="recommendations" data-testid="recommendations">
            {d.recommendations.map((r) => (
              <li class={r.ok ? 'rec ok' : 'rec todo'} data-testid={`rec-${r.id}`}>
                <span aria-hidden="true">{r.ok ? '✔' : '⚠'}</span> <strong>{r.title}</strong>
                <div class="rec-detail">{r.detail}</div>
              </li>
            ))}
          </ul>
        </section>
      )}
      {c && (
        <section aria-labelledby="resources-title" class="panel">
          <h2 id="resources-title">IAM resources</h2>
          <dl class="counts" data-testid="resource-counts">
            <div>
              <dt>User groups</dt>
              <dd data-testid="count-groups">{c.groups}</dd>
            </div>
            <div>
              <dt>Users</dt>
              <dd data-testid="count-users">{c.users}</dd>
            </div>
            <div>
              <dt>Roles</dt>
              <dd data-testid="count-roles">{c.roles}</dd>
            </div>
            <div>
              <dt>Policies</dt>
              <dd data-testid="count-policies">{c.policies}</dd>
            </div>
            <div>
              <dt>Identity providers</dt>
              <dd data-testid="count-providers">{c.identityProviders}</dd>
            </div>
          </dl>
        </section>
      )}
    </>
  );
}

/** The dashboard. */
export function Home(props: { session: SessionView }) {
  const s = props.session;
  return (
    <section>
      <PageHeader title="IAM dashboard" />
      <p>
        You are acting as <code data-testid="home-arn">{s.current.arn}</code> in account <code>{s.current.accountId}</code>
        {s.mfa ? ' (signed in with MFA)' : ''}.
      </p>
      <ul class="tiles">
        <li>
          <Link to="/iam/users">Users</Link>
        </li>
        <li>
          <Link to="/iam/groups">User groups</Link>
        </li>
        <li>
          <Link to="/iam/roles">Roles</Link>
        </li>
        <li>
          <Link to="/iam/policies">Policies</Link>
        </li>
        <li>
          <Link to="/switchrole">Switch role</Link>
        </li>
      </ul>
      <DashboardPanels key={s.current.arn} />
    </section>
  );
}

/** The account page. */
export function AccountPage() {
  const [info, setInfo] = useState<any>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api('GET', '/iam/account').then(setInfo, (e) => setError(e.message));
  }, []);
  return (
    <section>
      <PageHeader title="Account" />
      {error && <Alert>{error}</Alert>}
      {info && (
        <dl class="props">
          <dt>Account ID</dt>
          <dd>
            <code>{info.account}</code> <CopyButton text={info.account} label="Copy account ID" />
          </dd>
          <dt>Account alias</dt>
          <dd>{info.alias ?? '—'}</dd>
          <dt>ARN</dt>
          <dd>
            <code>{info.arn}</code> <CopyButton text={info.arn} label="Copy ARN" />
          </dd>
          <dt>User ID</dt>
          <dd>
            <code>{info.userId}</code>
          </dd>
          <dt>Console sign-in URL</dt>
          <dd>
            <code>{info.signInUrl}</code> <CopyButton text={info.signInUrl} label="Copy sign-in URL" />
          </dd>
        </dl>
      )}
    </section>
  );
}
