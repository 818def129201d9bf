// The policy simulator: choose a user or role (or paste a policy), actions, resources and context entries → IAM's
// SimulatePrincipalPolicy / SimulateCustomPolicy results with the statements that decided each one.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Alert, PageHeader, Select, TextField, useAction } from '../ui';

const TYPES = ['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList'];
const DECISION: Record<string, string> = { allowed: 'Allowed', explicitDeny: 'Denied (explicit deny)', implicitDeny: 'Denied (no statement allows)' };

interface ContextRow {
  name: string;
  type: string;
  values: string;
}

/** Splits a comma- or newline-separated field into trimmed, non-empty values. */
function split(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The simulator page (also reachable with ?principal=<arn> from a user's or role's page). */
export function PolicySimulator(props: { search: URLSearchParams }) {
  const [principals, setPrincipals] = useState<Array<{ value: string; label: string }>>([]);
  const [principal, setPrincipal] = useState(props.search.get('principal') ?? '');
  const [custom, setCustom] = useState('');
  const [actions, setActions] = useState('');
  const [resources, setResources] = useState('');
  const [context, setContext] = useState<ContextRow[]>([]);
  const [results, setResults] = useState<any[] | null>(null);
  const { error, run } = useAction();
  useEffect(
    () =>
      void run(async () => {
        const [u, r] = await Promise.all([api('GET', '/iam/users'), api('GET', '/iam/roles')]);
        const opts = [...u.users.map((x: any) => ({ value: x.Arn, label: `User: ${x.UserName}` })), ...r.roles.map((x: any) => ({ value: x.Arn, label: `Role: ${x.RoleName}` }))];
        setPrincipals([{ value: '', label: 'Paste a policy instead' }, ...opts]);
        if (!principal && opts[0]) setPrincipal(opts[0].value);
      }),
    [],
  );
  const loadKeys = () =>
    run(async () => {
      const keys: string[] = (await api('GET', `/policy/context-keys?principalArn=${encodeURIComponent(principal)}`)).keys;
      const have = new Set(context.map((c) => c.name.toLowerCase()));
      setContext([...context, ...keys.filter((k) => !have.has(k.toLowerCase())).map((name) => ({ name, type: 'string', values: '' }))]);
    });
  const simulate = () =>
    run(async () => {
      const body: Record<string, unknown> = {
        actions: split(actions),
        resources: split(resources),
        context: context.filter((c) => c.name.trim()).map((c) => ({ name: c.name, type: c.type, values: c.type.endsWith('List') ? split(c.values) : [c.values.trim()] })),
      };
      if (principal) body['principalArn'] = principal;
      else body['customPolicy'] = custom;
      setResults((await api('POST', '/policy/simulate', body)).results);
    });
  const setRow = (i: number, patch: Partial<ContextRow>) => setContext(context.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <section>
      <PageHeader title="Policy simulator" />
      <Select label="Principal" name="principal" value={principal} onChange={setPrincipal} options={principals} />
      {!principal && (
        <div class="field">
          <label for="sim-custom">Policy JSON</label>
          <textarea id="sim-custom" rows={10} value={custom} onInput={(e) => setCustom((e.target as HTMLTextAreaElement).value)} />
        </div>
      )}
      <TextField label="Actions (comma-separated, e.g. s3:GetObject, iam:ListUsers)" name="actions" value={actions} onInput={setActions} />
      <TextField label="Resource ARNs (comma-separated; empty means *)" name="resources" value={resources} onInput={setResources} />
      <fieldset>
        <legend>Context entries</legend>
        {context.map((c, i) => (
          <div class="context-row">
            <TextField label="Key" value={c.name} onInput={(v) => setRow(i, { name: v })} />
            <Select label="Type" value={c.type} onChange={(v) => setRow(i, { type: v })} options={TYPES.map((t) => ({ value: t, label: t }))} />
            <TextField label={c.type.endsWith('List') ? 'Values (comma-separated)' : 'Value'} value={c.values} onInput={(v) => setRow(i, { values: v })} />
            <button type="button" aria-label={`Remove ${c.name || 'entry'}`} onClick={() => setContext(context.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setContext([...context, { name: '', type: 'string', values: '' }])}>
          Add context entry
        </button>
        {principal && (
          <button type="button" onClick={loadKeys}>
            Add the keys this principal's policies use
          </button>
        )}
      </fieldset>
      <button type="button" class="primary" onClick={simulate}>
        Run simulation
      </button>
      {error && <Alert>{error}</Alert>}
      {results && (
        <table aria-label="Simulation results">
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Resource</th>
              <th scope="col">Decision</th>
              <th scope="col">Matched statements</th>
              <th scope="col">Missing context keys</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => {
              const specific = r.ResourceSpecificResults?.[0];
              const missing: string[] = [...(r.MissingContextValues ?? []), ...(specific?.MissingContextValues ?? [])];
              return (
                <tr>
                  <td>{r.EvalActionName}</td>
                  <td>{r.EvalResourceName}</td>
                  <td data-decision={r.EvalDecision}>
                    {DECISION[r.EvalDecision] ?? r.EvalDecision}
                    {r.PermissionsBoundaryDecisionDetail && !r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary && <div>Not allowed by the permissions boundary</div>}
                    {r.OrganizationsDecisionDetail && !r.OrganizationsDecisionDetail.AllowedByOrganizations && <div>Not allowed by the organization's SCPs</div>}
                  </td>
                  <td>
                    {(r.MatchedStatements ?? []).map((m: any) => (
                      <div>
                        {m.SourcePolicyId} ({m.SourcePolicyType}){m.StartPosition ? `, lines ${m.StartPosition.Line}–${m.EndPosition?.Line ?? m.StartPosition.Line}` : ''}
                      </div>
                    ))}
                  </td>
                  <td>{missing.join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
