// The policy generator (seed 004): effect, service, searchable actions, resource ARN, conditions → statements → JSON → create.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { navigate } from '../router';
import { Alert, PageHeader, Select, TextField, useAction } from '../ui';
import { generatePolicy, splitValues, statementProblem, type GeneratorCondition, type GeneratorStatement } from '../../../src/console/shared/policy-generator';

const OPERATORS = ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'ArnEquals', 'ArnLike', 'Bool', 'IpAddress', 'NotIpAddress', 'NumericLessThan', 'NumericGreaterThan', 'DateLessThan', 'DateGreaterThan', 'Null'];

/** The generator page. */
export function PolicyGenerator() {
  const [services, setServices] = useState<string[]>([]);
  const [effect, setEffect] = useState<'Allow' | 'Deny'>('Allow');
  const [service, setService] = useState('');
  const [actions, setActions] = useState<Array<{ name: string; accessLevel: string | null }>>([]);
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [allActions, setAllActions] = useState(false);
  const [resource, setResource] = useState('*');
  const [conditions, setConditions] = useState<GeneratorCondition[]>([]);
  const [cOp, setCOp] = useState('StringEquals');
  const [cKey, setCKey] = useState('');
  const [cValues, setCValues] = useState('');
  const [statements, setStatements] = useState<GeneratorStatement[]>([]);
  const { error, run, setError } = useAction();
  useEffect(() => void run(async () => setServices((await api('GET', '/policy/services')).services)), []);
  useEffect(() => {
    if (!service) return setActions([]);
    void run(async () => setActions((await api('GET', `/policy/actions?service=${encodeURIComponent(service)}`)).actions));
  }, [service]);
  const shown = actions.filter((a) => !filter || a.name.toLowerCase().includes(filter.toLowerCase())).slice(0, 300);
  const add = () => {
    const s: GeneratorStatement = { effect, actions: allActions ? [`${service}:*`] : picked, resources: splitValues(resource), conditions };
    const p = statementProblem(s);
    if (p) return setError(p);
    setError('');
    setStatements([...statements, s]);
    setPicked([]);
    setAllActions(false);
    setConditions([]);
  };
  const json = JSON.stringify(generatePolicy(statements), null, 4);
  return (
    <section>
      <PageHeader title="Policy generator" />
      <p>Build an IAM policy statement by statement, then create a policy from the generated JSON.</p>
      {error && <Alert>{error}</Alert>}
      <div class="generator">
        <fieldset>
          <legend>Statement</legend>
          <Select label="Effect" name="effect" value={effect} onChange={(v) => setEffect(v as 'Allow' | 'Deny')} options={[{ value: 'Allow', label: 'Allow' }, { value: 'Deny', label: 'Deny' }]} />
          <Select label="AWS service" name="service" value={service} onChange={(v) => (setService(v), setPicked([]))} options={[{ value: '', label: '-- Select service --' }, ...services.map((s) => ({ value: s, label: s }))]} />
          {service && (
            <div>
              <div class="check">
                <input id="all-actions" type="checkbox" checked={allActions} onChange={(e) => setAllActions((e.target as HTMLInputElement).checked)} />
                <label for="all-actions">All actions ({service}:*)</label>
              </div>
              {!allActions && (
                <>
                  <TextField label="Search actions" name="actionSearch" value={filter} onInput={setFilter} />
                  <ul class="checklist actions" aria-label="Actions">
                    {shown.map((a) => {
                      const id = `act-${a.name}`;
                      return (
                        <li>
                          <input id={id} type="checkbox" checked={picked.includes(a.name)} onChange={(e) => setPicked((e.target as HTMLInputElement).checked ? [...picked, a.name] : picked.filter((x) => x !== a.name))} />
                          <label for={id}>
                            {a.name.split(':')[1]} {a.accessLevel && <small>{a.accessLevel}</small>}
                          </label>
                        </li>
                      );
                    })}
                  </ul>
                  <p>{picked.length} action(s) selected</p>
                </>
              )}
            </div>
          )}
          <TextField label="Amazon Resource Name (ARN)" name="resource" value={resource} onInput={setResource} hint="One or more ARNs separated by commas, or *." />
          <fieldset>
            <legend>Conditions (optional)</legend>
            <Select label="Condition operator" name="condOp" value={cOp} onChange={setCOp} options={OPERATORS.map((o) => ({ value: o, label: o }))} />
            <TextField label="Condition key" name="condKey" value={cKey} onInput={setCKey} placeholder="aws:SourceIp" />
            <TextField label="Condition value(s)" name="condValues" value={cValues} onInput={setCValues} hint="Separate several values with commas." />
            <button
              type="button"
              onClick={() => {
                const values = splitValues(cValues);
                if (!cKey.trim() || !values.length) return setError('A condition needs a key and a value.');
                setConditions([...conditions, { operator: cOp, key: cKey.trim(), values }]);
                setCKey('');
                setCValues('');
              }}
            >
              Add condition
            </button>
            <ul>
              {conditions.map((c) => (
                <li>
                  {c.operator} {c.key} = {c.values.join(', ')}
                </li>
              ))}
            </ul>
          </fieldset>
          <button type="button" class="primary" onClick={add}>
            Add statement
          </button>
        </fieldset>
        <div>
          <h2>Statements</h2>
          <ol>
            {statements.map((s, i) => (
              <li>
                {s.effect} {s.actions.join(', ')} on {s.resources.join(', ') || '*'}{' '}
                <button type="button" onClick={() => setStatements(statements.filter((_, j) => j !== i))}>
                  Remove statement {i + 1}
                </button>
              </li>
            ))}
          </ol>
          <h2 id="generated-title">Generated policy</h2>
          <pre aria-labelledby="generated-title" data-testid="generated-policy">
            {json}
          </pre>
          <button
            type="button"
            class="primary"
            disabled={!statements.length}
            onClick={() => {
              sessionStorage.setItem('kamen:draft-policy', json);
              navigate('/iam/policies/new');
            }}
          >
            Create a policy from this
          </button>
        </div>
      </div>
    </section>
  );
}
