// The create-role wizard: trusted entity "AWS account" (this or another account, external ID, MFA) → permissions → name, description, tags.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { navigate } from '../router';
import { Alert, Checkbox, PageHeader, TextField, useAction } from '../ui';
import { PolicyPicker } from './attached';
import { buildAccountTrustPolicy, trustOptionsProblem } from '../../../src/console/shared/trust-policy';

/** The wizard; `accountId` is the current account ("This account"). */
export function RoleWizard(props: { accountId: string }) {
  const [step, setStep] = useState(1);
  const [mode, setMode] = useState<'this' | 'other'>('this');
  const [otherId, setOtherId] = useState('');
  const [requireExternalId, setRequireExternalId] = useState(false);
  const [externalId, setExternalId] = useState('');
  const [requireMfa, setRequireMfa] = useState(false);
  const [policies, setPolicies] = useState<string[]>([]);
  const [roleName, setRoleName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState<Array<{ key: string; value: string }>>([]);
  const { busy, error, run, setError } = useAction();
  const options = { accountId: mode === 'this' ? props.accountId : otherId.trim(), requireExternalId, externalId, requireMfa };
  const problem = trustOptionsProblem(options);
  const steps = ['Select trusted entity', 'Add permissions', 'Name, review, and create'];
  return (
    <section class="narrow">
      <PageHeader title="Create role" />
      <ol class="steps" aria-label="Steps">
        {steps.map((s, i) => (
          <li aria-current={step === i + 1 ? 'step' : undefined}>{s}</li>
        ))}
      </ol>
      {error && <Alert>{error}</Alert>}
      {step === 1 && (
        <fieldset>
          <legend>Trusted entity type: AWS account</legend>
          <div class="check">
            <input id="acct-this" type="radio" name="acct" checked={mode === 'this'} onChange={() => setMode('this')} />
            <label for="acct-this">This account ({props.accountId})</label>
          </div>
          <div class="check">
            <input id="acct-other" type="radio" name="acct" checked={mode === 'other'} onChange={() => setMode('other')} />
            <label for="acct-other">Another AWS account</label>
          </div>
          {mode === 'other' && <TextField label="Account ID" name="otherAccountId" value={otherId} onInput={setOtherId} hint="The 12-digit ID of the account that may use this role." required />}
          <h3>Options</h3>
          <Checkbox label="Require external ID (Best practice when a third party will assume this role)" name="requireExternalId" checked={requireExternalId} onChange={setRequireExternalId} />
          {requireExternalId && <TextField label="External ID" name="externalId" value={externalId} onInput={setExternalId} required />}
          <Checkbox label="Require MFA" name="requireMfa" checked={requireMfa} onChange={setRequireMfa} />
          <h3>Trust policy preview</h3>
          <pre data-testid="trust-preview">{JSON.stringify(buildAccountTrustPolicy(options), null, 4)}</pre>
          <button
            type="button"
            class="primary"
            onClick={() => {
              if (problem) setError(problem);
              else {
                setError('');
                setStep(2);
              }
            }}
          >
            Next
          </button>
        </fieldset>
      )}
      {step === 2 && (
        <fieldset>
          <legend>Permissions policies</legend>
          <PolicyPicker selected={policies} onChange={setPolicies} />
          <button type="button" onClick={() => setStep(1)}>
            Previous
          </button>
          <button type="button" class="primary" onClick={() => setStep(3)}>
            Next
          </button>
        </fieldset>
      )}
      {step === 3 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api('POST', '/iam/roles', { roleName, description, tags: tags.filter((t) => t.key.trim()), policyArns: policies, trust: { accountMode: mode, accountId: otherId.trim(), requireExternalId, externalId, requireMfa } });
              navigate(`/iam/roles/${encodeURIComponent(roleName)}`);
            });
          }}
        >
          <TextField label="Role name" name="roleName" value={roleName} onInput={setRoleName} required hint="Up to 64 characters: letters, digits and +=,.@_-" />
          <TextField label="Description" name="description" value={description} onInput={setDescription} />
          <fieldset>
            <legend>Tags</legend>
            {tags.map((t, i) => (
              <div class="inline">
                <TextField label={`Tag ${i + 1} key`} value={t.key} onInput={(v) => setTags(tags.map((x, j) => (j === i ? { ...x, key: v } : x)))} />
                <TextField label={`Tag ${i + 1} value`} value={t.value} onInput={(v) => setTags(tags.map((x, j) => (j === i ? { ...x, value: v } : x)))} />
                <button type="button" onClick={() => setTags(tags.filter((_, j) => j !== i))}>
                  Remove tag {i + 1}
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setTags([...tags, { key: '', value: '' }])}>
              Add new tag
            </button>
          </fieldset>
          <h3>Trust policy</h3>
          <pre>{JSON.stringify(buildAccountTrustPolicy(options), null, 4)}</pre>
          <p>Permissions: {policies.map((a) => a.split('/').pop()).join(', ') || 'none'}</p>
          <button type="button" onClick={() => setStep(2)}>
            Previous
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Create role
          </button>
        </form>
      )}
    </section>
  );
}
