// The kamen web console: loads the session, then routes to the page for the current URL.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken } from './api';
import { Layout } from './layout';
import { match, useLocation } from './router';
import type { SessionView } from './session';
import { SignIn } from './pages/signin';
import { SwitchRole } from './pages/switch-role';
import { Home, AccountPage } from './pages/home';
import { Users, UserDetail, CreateUser } from './pages/users';
import { Groups, GroupDetail } from './pages/groups';
import { Roles, RoleDetail } from './pages/roles';
import { RoleWizard } from './pages/role-wizard';
import { Policies, PolicyDetail, CreatePolicy } from './pages/policies';
import { PolicyGenerator } from './pages/generator';
import { PolicySimulator } from './pages/simulator';
import { Organizations } from './pages/organizations';
import { EventDetail, EventHistory } from './pages/events';
import { Buckets, BucketDetail } from './pages/s3';
import './styles.css';

function App() {
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);
  const loc = useLocation();
  const load = async () => {
    const s = await api('GET', '/session');
    if (s.signedIn) {
      setCsrfToken(s.csrfToken);
      setSession(s);
    } else {
      setCsrfToken('');
      setSession(null);
    }
  };
  useEffect(() => {
    void load().catch(() => setSession(null));
    const out = () => setSession(null);
    window.addEventListener('kamen:signed-out', out);
    return () => window.removeEventListener('kamen:signed-out', out);
  }, []);
  useEffect(() => {
    if (session) document.title = `${session.current.displayName ?? session.user.userName ?? 'root'} | kamen console`;
  }, [session]);

  if (session === undefined) return <p class="loading">Loading…</p>;
  // A switch-role link names the role's account: the sign-in form is not pre-filled with it (as on AWS).
  if (session === null) return <SignIn onSignedIn={load} account={match('/switchrole', loc.path) ? undefined : (loc.search.get('account') ?? undefined)} />;
  return (
    <Layout session={session} reload={load}>
      <div key={session.current.arn}>{page(loc.path, loc.search, session, load)}</div>
    </Layout>
  );
}

function page(path: string, search: URLSearchParams, session: SessionView, reload: () => Promise<void>) {
  let p: Record<string, string> | undefined;
  if (match('/switchrole', path)) return <SwitchRole search={search} onSwitched={reload} />;
  if (match('/iam/users', path)) return <Users />;
  if (match('/iam/users/new', path)) return <CreateUser />;
  if ((p = match('/iam/users/:name', path))) return <UserDetail name={p['name']!} />;
  if (match('/iam/groups', path)) return <Groups />;
  if ((p = match('/iam/groups/:name', path))) return <GroupDetail name={p['name']!} />;
  if (match('/iam/roles', path)) return <Roles />;
  if (match('/iam/roles/new', path)) return <RoleWizard accountId={session.current.accountId} />;
  if ((p = match('/iam/roles/:name', path))) return <RoleDetail name={p['name']!} />;
  if (match('/iam/policies', path)) return <Policies search={search} />;
  if (match('/iam/policies/new', path)) return <CreatePolicy initial={sessionStorage.getItem('kamen:draft-policy') ?? undefined} />;
  if (match('/iam/policy', path)) return <PolicyDetail arn={search.get('arn') ?? ''} />;
  if (match('/policy-generator', path)) return <PolicyGenerator />;
  if (match('/policy-simulator', path)) return <PolicySimulator search={search} />;
  if (match('/organizations', path)) return <Organizations />;
  if (match('/cloudtrail/events', path)) return <EventHistory key={search.toString()} search={search} />;
  if ((p = match('/cloudtrail/events/:id', path))) return <EventDetail id={p['id']!} region={search.get('region') ?? undefined} />;
  if (match('/s3/buckets', path)) return <Buckets />;
  if ((p = match('/s3/buckets/:bucket', path))) return <BucketDetail bucket={p['bucket']!} search={search} />;
  if (match('/account', path)) return <AccountPage />;
  return <Home session={session} />;
}

render(<App />, document.getElementById('app')!);
