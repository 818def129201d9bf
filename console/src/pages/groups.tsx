// User groups: list, create, detail (members, attached policies).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Link } from '../router';
import { Alert, PageHeader, TextField, useAction, when } from '../ui';
import { AttachedPolicies } from './attached';
import { InlinePolicies } from './manage';

/** The group list with a create form. */
export function Groups() {
  const [groups, setGroups] = useState<any[] | null>(null);
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const load = () => void run(async () => setGroups((await api('GET', '/iam/groups')).groups));
  useEffect(load, []);
  return (
    <section>
      <PageHeader title="User groups" />
      {error && <Alert>{error}</Alert>}
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api('POST', '/iam/groups', { groupName: name });
            setName('');
            load();
          });
        }}
      >
        <TextField label="New group name" name="groupName" value={name} onInput={setName} required />
        <button type="submit" class="primary" disabled={busy}>
          Create group
        </button>
      </form>
      {groups && (
        <table>
          <thead>
            <tr>
              <th scope="col">Group name</th>
              <th scope="col">ARN</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr>
                <td>
                  <Link to={`/iam/groups/${encodeURIComponent(g.GroupName)}`}>{g.GroupName}</Link>
                </td>
                <td>
                  <code>{g.Arn}</code>
                </td>
                <td>{when(g.CreateDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A group's page. */
export function GroupDetail(props: { name: string }) {
  const [d, setD] = useState<any>(null);
  const [user, setUser] = useState('');
  const { busy, error, run } = useAction();
  const base = `/iam/groups/${encodeURIComponent(props.name)}`;
  const load = () => void run(async () => setD(await api('GET', base)));
  useEffect(load, [props.name]);
  if (!d) return error ? <Alert>{error}</Alert> : <p>Loading…</p>;
  return (
    <section>
      <PageHeader title={d.group.GroupName} />
      {error && <Alert>{error}</Alert>}
      <h2>Users in this group</h2>
      <ul>
        {d.users.map((u: any) => (
          <li>
            {u.UserName}{' '}
            <button type="button" disabled={busy} onClick={() => run(async () => (await api('DELETE', `${base}/members/${encodeURIComponent(u.UserName)}`), load()))}>
              Remove {u.UserName}
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api('POST', `${base}/members`, { userName: user });
            setUser('');
            load();
          });
        }}
      >
        <TextField label="Add user" name="member" value={user} onInput={setUser} required />
        <button type="submit" disabled={busy}>
          Add user
        </button>
      </form>
      <AttachedPolicies kind="groups" name={d.group.GroupName} policies={d.attachedPolicies} reload={load} />
      <InlinePolicies kind="groups" name={d.group.GroupName} />
    </section>
  );
}
