// Roles: list, detail with the trust-relationship editor, attached policies and the switch-role link.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Link, navigate } from '../router';
import { Alert, CopyButton, PageHeader, useAction, when } from '../ui';
import { AttachedPolicies } from './attached';
import { PolicyEditor } from './editor';
import { eventsLink } from './events';
import { DeleteEntity, InlinePolicies } from './manage';

/** Pretty-prints JSON text (or returns it unchanged when it does not parse). */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 4);
  } catch {
    return text;
  }
}

/** The role list. */
export function Roles() {
  const [roles, setRoles] = useState<any[] | null>(null);
  const { error, run } = useAction();
  useEffect(() => void run(async () => setRoles((await api('GET', '/iam/roles')).roles)), []);
  return (
    <section>
      <PageHeader title="Roles">
        <button type="button" class="primary" onClick={() => navigate('/iam/roles/new')}>
          Create role
        </button>
      </PageHeader>
      {error && <Alert>{error}</Alert>}
      {roles && (
        <table>
          <thead>
            <tr>
              <th scope="col">Role name</th>
              <th scope="col">Trusted entities</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((r) => (
              <tr>
                <td>
                  <Link to={`/iam/roles/${encodeURIComponent(r.RoleName)}`}>{r.RoleName}</Link>
                </td>
                <td>{trusted(r.AssumeRolePolicyDocument)}</td>
                <td>{when(r.CreateDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function trusted(doc: string): string {
  try {
    const d = JSON.parse(doc);
    const st = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
    const out: string[] = [];
    for (const s of st) for (const v of Object.values(s?.Principal ?? {})) out.push(...(Array.isArray(v) ? v : [v]).map(String));
    return out.map((p) => (/^arn:aws:iam::(\d{12}):root$/.test(p) ? `Account: ${p.split(':')[4]}` : p)).join(', ');
  } catch {
    return '';
  }
}

/** A role's page. */
export function RoleDetail(props: { name: string }) {
  const [d, setD] = useState<any>(null);
  const [editing, setEditing] = useState(false);
  const [doc, setDoc] = useState('');
  const [valid, setValid] = useState(true);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const load = () => void run(async () => setD(await api('GET', `/iam/roles/${encodeURIComponent(props.name)}`)));
  useEffect(load, [props.name]);
  if (!d) return error ? <Alert>{error}</Alert> : <p>Loading…</p>;
  return (
    <section>
      <PageHeader title={d.role.RoleName}>
        <DeleteEntity what="role" name={d.role.RoleName} path={`/iam/roles/${encodeURIComponent(d.role.RoleName)}`} done="/iam/roles" steps="It is removed from its instance profiles, its inline policies are deleted and its managed policies detached first." />
      </PageHeader>
      {error && <Alert>{error}</Alert>}
      <dl class="props">
        <dt>ARN</dt>
        <dd>
          <code>{d.role.Arn}</code> <CopyButton text={d.role.Arn} label="Copy role ARN" />
        </dd>
        <dt>Description</dt>
        <dd>
          <RoleDescription name={d.role.RoleName} description={d.role.Description ?? ''} reload={load} />
        </dd>
        <dt>Maximum session duration</dt>
        <dd>{Math.round(d.role.MaxSessionDuration / 3600)} hour(s)</dd>
        <dt>Link to switch roles in console</dt>
        <dd>
          <code data-testid="switch-link">{d.switchRoleLink}</code> <CopyButton text={d.switchRoleLink} label="Copy switch-role link" />
        </dd>
        <dt>Activity</dt>
        <dd>
          <Link to={eventsLink('ResourceName', d.role.RoleName)}>View events for {d.role.RoleName} in Event history</Link>
          {' · '}
          <Link to={eventsLink('ResourceName', d.role.Arn)}>View AssumeRole events (by role ARN)</Link>
        </dd>
      </dl>
      <section aria-labelledby="trust-title">
        <h2 id="trust-title">Trust relationships</h2>
        {saved && <Alert kind="success">Trust policy updated.</Alert>}
        {!editing && (
          <>
            <pre data-testid="trust-policy">{pretty(d.role.AssumeRolePolicyDocument)}</pre>
            <button
              type="button"
              onClick={() => {
                setDoc(pretty(d.role.AssumeRolePolicyDocument));
                setSaved(false);
                setEditing(true);
              }}
            >
              Edit trust policy
            </button>
          </>
        )}
        {editing && (
          <>
            <PolicyEditor label="Trust policy" kind="trust" value={doc} onInput={setDoc} onValidity={setValid} />
            <button
              type="button"
              class="primary"
              disabled={busy || !valid}
              onClick={() =>
                run(async () => {
                  await api('PUT', `/iam/roles/${encodeURIComponent(d.role.RoleName)}/trust`, { document: doc });
                  setEditing(false);
                  setSaved(true);
                  load();
                })
              }
            >
              Update policy
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </>
        )}
      </section>
      <AttachedPolicies kind="roles" name={d.role.RoleName} policies={d.attachedPolicies} reload={load} />
      <InlinePolicies kind="roles" name={d.role.RoleName} />
    </section>
  );
}

/** A role's description, editable in place (UpdateRoleDescription). */
function RoleDescription(props: { name: string; description: string; reload: () => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(props.description);
  const { busy, error, run } = useAction();
  if (!editing) {
    return (
      <>
        <span data-testid="role-description">{props.description || '—'}</span>{' '}
        <button type="button" onClick={() => (setText(props.description), setEditing(true))}>
          Edit description
        </button>
      </>
    );
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await api('PUT', `/iam/roles/${encodeURIComponent(props.name)}/description`, { description: text });
          setEditing(false);
          props.reload();
        });
      }}
    >
      {error && <Alert>{error}</Alert>}
      <label>
        Role description
        <textarea value={text} maxLength={1000} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        Save description
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}
