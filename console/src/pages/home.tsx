// The console home (who am I, where) and the account page (ID, alias, ARN, sign-in link, with copy buttons).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Link } from '../router';
import type { SessionView } from '../session';
import { Alert, CopyButton, PageHeader } from '../ui';

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
