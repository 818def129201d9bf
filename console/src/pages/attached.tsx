// Attached managed policies of a user, group or role: list, detach, and attach from a searchable picker.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Link } from '../router';
import { Alert, TextField, useAction } from '../ui';

/** A searchable multi-select of managed policies (AWS managed and this account's). */
export function PolicyPicker(props: { selected: string[]; onChange: (arns: string[]) => void }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<any[]>([]);
  const { error, run } = useAction();
  useEffect(() => {
    const t = setTimeout(() => void run(async () => setHits((await api('GET', `/iam/policies?scope=All&q=${encodeURIComponent(q)}`)).policies.slice(0, 25))), 200);
    return () => clearTimeout(t);
  }, [q]);
  return (
    <div class="picker">
      <TextField label="Search policies" name="policySearch" value={q} onInput={setQ} placeholder="e.g. AdministratorAccess" />
      {error && <Alert>{error}</Alert>}
      <ul class="checklist" aria-label="Policies">
        {hits.map((p) => {
          const id = `pol-${p.Arn}`;
          return (
            <li>
              <input
                id={id}
                type="checkbox"
                checked={props.selected.includes(p.Arn)}
                onChange={(e) => props.onChange((e.target as HTMLInputElement).checked ? [...props.selected, p.Arn] : props.selected.filter((a) => a !== p.Arn))}
              />
              <label for={id}>
                {p.PolicyName} <small>{p.Arn.includes(':aws:policy/') ? 'AWS managed' : 'Customer managed'}</small>
              </label>
            </li>
          );
        })}
      </ul>
      {props.selected.length > 0 && <p>Selected: {props.selected.map((a) => a.split('/').pop()).join(', ')}</p>}
    </div>
  );
}

/** The permissions section of a principal page. */
export function AttachedPolicies(props: { kind: 'users' | 'groups' | 'roles'; name: string; policies: any[]; reload: () => void }) {
  const [adding, setAdding] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  const base = `/iam/${props.kind}/${encodeURIComponent(props.name)}/policies`;
  return (
    <section aria-labelledby="perm-title">
      <h2 id="perm-title">Permissions policies</h2>
      {error && <Alert>{error}</Alert>}
      <table>
        <thead>
          <tr>
            <th scope="col">Policy name</th>
            <th scope="col">ARN</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.policies.map((p) => (
            <tr>
              <td>
                <Link to={`/iam/policy?arn=${encodeURIComponent(p.PolicyArn)}`}>{p.PolicyName}</Link>
              </td>
              <td>
                <code>{p.PolicyArn}</code>
              </td>
              <td>
                <button type="button" disabled={busy} onClick={() => run(async () => (await api('DELETE', `${base}?arn=${encodeURIComponent(p.PolicyArn)}`), props.reload()))}>
                  Detach {p.PolicyName}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!adding && (
        <button type="button" onClick={() => setAdding(true)}>
          Attach policies
        </button>
      )}
      {adding && (
        <div class="panel">
          <PolicyPicker selected={picked} onChange={setPicked} />
          <button
            type="button"
            class="primary"
            disabled={busy || !picked.length}
            onClick={() =>
              run(async () => {
                for (const arn of picked) await api('POST', base, { policyArn: arn });
                setPicked([]);
                setAdding(false);
                props.reload();
              })
            }
          >
            Attach selected
          </button>
          <button type="button" onClick={() => setAdding(false)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
