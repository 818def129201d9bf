// Policies: customer managed and the AWS managed browser (search, view the document), a policy's page, and the JSON create form.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Link, navigate } from '../router';
import { Alert, PageHeader, TextField, useAction, when } from '../ui';
import { PolicyEditor } from './editor';
import { DeleteEntity } from './manage';
import { PolicyVersions } from './policy-versions';
import { pretty } from './roles';

const STARTER = '{\n    "Version": "2012-10-17",\n    "Statement": [\n        {\n            "Effect": "Allow",\n            "Action": [],\n            "Resource": "*"\n        }\n    ]\n}';

/** The policy list with a scope switch (this account / AWS managed) and search. */
export function Policies(props: { search: URLSearchParams }) {
  const [scope, setScope] = useState(props.search.get('scope') === 'AWS' ? 'AWS' : 'Local');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [data, setData] = useState<any>(null);
  const { error, run } = useAction();
  // The list shown answers one query; until the answer to the current one arrives it is marked busy, and an answer to
  // a query no longer current is dropped (answers may arrive out of order).
  const query = `/iam/policies?scope=${scope}&q=${encodeURIComponent(q)}&page=${page}&pageSize=${pageSize}`;
  const busy = data?.query !== query;
  useEffect(() => {
    let current = true;
    const t = setTimeout(
      () =>
        void run(async () => {
          const answer = await api('GET', query);
          if (current) setData({ ...answer, query });
        }),
      200,
    );
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [query]);
  const filter = (v: string) => {
    setQ(v);
    setPage(1);
  };
  return (
    <section>
      <PageHeader title="Policies">
        <button type="button" onClick={() => navigate('/policy-simulator')}>
          Simulate policies
        </button>
        <button type="button" class="primary" onClick={() => (sessionStorage.removeItem('kamen:draft-policy'), navigate('/iam/policies/new'))}>
          Create policy
        </button>
      </PageHeader>
      <div role="tablist" aria-label="Policy type" class="tabs">
        <button type="button" role="tab" aria-selected={scope === 'Local'} onClick={() => (setScope('Local'), setPage(1))}>
          Customer managed
        </button>
        <button type="button" role="tab" aria-selected={scope === 'AWS'} onClick={() => (setScope('AWS'), setPage(1))}>
          AWS managed
        </button>
      </div>
      <TextField label="Filter policies by name" name="policyFilter" value={q} onInput={filter} />
      {error && <Alert>{error}</Alert>}
      {data && (
        <div data-testid="policy-list" aria-busy={busy ? 'true' : 'false'}>
          <div class="pager" role="navigation" aria-label="Pages">
            <span aria-live="polite" data-testid="policy-count">
              {data.total} policies
            </span>
            <button type="button" aria-label="Previous page" disabled={data.page <= 1} onClick={() => setPage(data.page - 1)}>
              ‹
            </button>
            <span data-testid="policy-page">
              Page {data.page} of {data.pages}
            </span>
            <button type="button" aria-label="Next page" disabled={data.page >= data.pages} onClick={() => setPage(data.page + 1)}>
              ›
            </button>
            <label>
              Rows per page{' '}
              <select value={String(pageSize)} onChange={(e) => (setPageSize(Number((e.target as HTMLSelectElement).value)), setPage(1))}>
                {[10, 25, 50, 100].map((n) => (
                  <option value={String(n)}>{n}</option>
                ))}
              </select>
            </label>
          </div>
          <table>
            <thead>
              <tr>
                <th scope="col">Policy name</th>
                <th scope="col">Attached entities</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {data.policies.map((p: any) => (
                <tr>
                  <td>
                    <Link to={`/iam/policy?arn=${encodeURIComponent(p.Arn)}`}>{p.PolicyName}</Link>
                  </td>
                  <td>{p.AttachmentCount ?? 0}</td>
                  <td>{p.Description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A policy's page: details and the default version's document. */
export function PolicyDetail(props: { arn: string }) {
  const [d, setD] = useState<any>(null);
  const { error, run } = useAction();
  const load = () => void run(async () => setD(await api('GET', `/iam/policy?arn=${encodeURIComponent(props.arn)}`)));
  useEffect(load, [props.arn]);
  if (!d) return error ? <Alert>{error}</Alert> : <p>Loading…</p>;
  const customer = !d.policy.Arn.includes(':aws:policy/');
  return (
    <section>
      <PageHeader title={d.policy.PolicyName}>
        {customer && <DeleteEntity what="policy" name={d.policy.PolicyName} path={`/iam/policy?arn=${encodeURIComponent(d.policy.Arn)}`} done="/iam/policies" steps="It is detached from every user, group and role, and its other versions are deleted first." />}
      </PageHeader>
      <dl class="props">
        <dt>ARN</dt>
        <dd>
          <code>{d.policy.Arn}</code>
        </dd>
        <dt>Type</dt>
        <dd>{customer ? 'Customer managed' : 'AWS managed'}</dd>
        <dt>Description</dt>
        <dd data-testid="policy-description">{d.policy.Description || '—'}</dd>
        <dt>Default version</dt>
        <dd>{d.policy.DefaultVersionId}</dd>
        <dt>Updated</dt>
        <dd>{when(d.policy.UpdateDate)}</dd>
      </dl>
      <h2>Policy document</h2>
      <pre data-testid="policy-document">{pretty(d.document)}</pre>
      {customer && <PolicyVersions arn={d.policy.Arn} current={d.document} reload={load} />}
    </section>
  );
}

/** The create-policy form with the validating JSON editor. */
export function CreatePolicy(props: { initial?: string }) {
  const [doc, setDoc] = useState(props.initial ?? STARTER);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [valid, setValid] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <section>
      <PageHeader title="Create policy" />
      {error && <Alert>{error}</Alert>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const r = await api('POST', '/iam/policies', { policyName: name, description, document: doc });
            sessionStorage.removeItem('kamen:draft-policy');
            navigate(`/iam/policy?arn=${encodeURIComponent(r.policy.Arn)}`);
          });
        }}
      >
        <PolicyEditor label="Policy editor (JSON)" value={doc} onInput={setDoc} onValidity={setValid} />
        <TextField label="Policy name" name="policyName" value={name} onInput={setName} required />
        <TextField label="Description" name="description" value={description} onInput={setDescription} />
        <button type="submit" class="primary" disabled={busy || !valid}>
          Create policy
        </button>
      </form>
    </section>
  );
}
