// The Organizations page (management account): the organization, its OUs as a tree, and the accounts in each.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Alert, CopyButton, PageHeader, useAction, when } from '../ui';

interface Node {
  id: string;
  name: string;
  accounts: any[];
  children: Node[];
}

function Tree(props: { node: Node }) {
  const n = props.node;
  return (
    <li>
      <strong>{n.name}</strong> <code>{n.id}</code>
      <ul>
        {n.accounts.map((a) => (
          <li class="account" data-testid={`org-account-${a.Id}`}>
            {a.Name} <code>{a.Id}</code> {a.Email} <span class="badge">{a.Status}</span> <small>joined {when(a.JoinedTimestamp)}</small> <CopyButton text={a.Id} label={`Copy account ID ${a.Id}`} />
          </li>
        ))}
        {n.children.map((c) => (
          <Tree node={c} />
        ))}
      </ul>
    </li>
  );
}

/** The page. */
export function Organizations() {
  const [d, setD] = useState<any>(null);
  const { error, run } = useAction();
  useEffect(() => void run(async () => setD(await api('GET', '/organizations'))), []);
  return (
    <section>
      <PageHeader title="AWS Organizations" />
      {error && <Alert>{error}</Alert>}
      {d && (
        <>
          <dl class="props">
            <dt>Organization ID</dt>
            <dd>
              <code>{d.organization.Id}</code>
            </dd>
            <dt>Management account</dt>
            <dd>
              <code>{d.organization.MasterAccountId}</code> ({d.organization.MasterAccountEmail})
            </dd>
          </dl>
          {d.root && (
            <ul class="tree" aria-label="Organizational structure">
              <Tree node={d.root} />
            </ul>
          )}
        </>
      )}
    </section>
  );
}
