// A customer managed policy's versions: list them, view one, edit the policy (a new version, set as default or not),
// make another version the default, delete a non-default version.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Alert, Checkbox, useAction, when } from '../ui';
import { PolicyEditor } from './editor';
import { pretty } from './roles';

/** The versions panel of a policy page; `current` is the default version's document. */
export function PolicyVersions(props: { arn: string; current: string; reload: () => void }) {
  const [versions, setVersions] = useState<any[] | null>(null);
  const [shown, setShown] = useState<{ id: string; document: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [setDefault, setSetDefault] = useState(true);
  const [valid, setValid] = useState(true);
  const { busy, error, run } = useAction();
  const q = `arn=${encodeURIComponent(props.arn)}`;
  const load = () => void run(async () => setVersions((await api('GET', `/iam/policy/versions?${q}`)).versions));
  useEffect(load, [props.arn]);
  const after = () => {
    load();
    props.reload();
  };
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Policy versions</h2>
      {error && <Alert>{error}</Alert>}
      {!editing && (
        <button type="button" onClick={() => setEditing(pretty(props.current))}>
          Edit policy
        </button>
      )}
      {editing !== null && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api('POST', `/iam/policy/versions?${q}`, { document: editing, setAsDefault: setDefault });
              setEditing(null);
              after();
            });
          }}
        >
          <PolicyEditor label="Policy editor (JSON)" value={editing} onInput={setEditing} onValidity={setValid} />
          <Checkbox label="Set this new version as the default" checked={setDefault} onChange={setSetDefault} />
          <button type="submit" class="primary" disabled={busy || !valid}>
            Save changes
          </button>
          <button type="button" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </form>
      )}
      {versions && (
        <table data-testid="policy-versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Default</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr>
                <td>{v.VersionId}</td>
                <td>{v.IsDefaultVersion ? 'Default' : ''}</td>
                <td>{when(v.CreateDate)}</td>
                <td>
                  <button type="button" onClick={() => run(async () => setShown({ id: v.VersionId, document: (await api('GET', `/iam/policy/version?${q}&version=${v.VersionId}`)).version.Document }))}>
                    View {v.VersionId}
                  </button>
                  {!v.IsDefaultVersion && (
                    <>
                      <button type="button" disabled={busy} onClick={() => run(async () => (await api('PUT', `/iam/policy/default-version?${q}`, { versionId: v.VersionId }), after()))}>
                        Set {v.VersionId} as default
                      </button>
                      <button type="button" disabled={busy} onClick={() => run(async () => (await api('DELETE', `/iam/policy/version?${q}&version=${v.VersionId}`), after()))}>
                        Delete {v.VersionId}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && (
        <>
          <h3>Version {shown.id}</h3>
          <pre data-testid="policy-version-document">{pretty(shown.document)}</pre>
        </>
      )}
    </section>
  );
}
