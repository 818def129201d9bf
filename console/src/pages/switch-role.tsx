// Switch role: account, role name, display name and colour (pre-filled from /console/switchrole?account=…&roleName=…).
import { useState } from 'preact/hooks';
import { api } from '../api';
import { navigate } from '../router';
import { Alert, TextField, useAction } from '../ui';
import { ROLE_COLORS, normalizeRoleColor } from '../../../src/console/shared/palette';

/** The switch-role form. */
export function SwitchRole(props: { search: URLSearchParams; onSwitched: () => Promise<void> }) {
  const q = props.search;
  const [account, setAccount] = useState(q.get('account') ?? '');
  const [roleName, setRoleName] = useState(q.get('roleName') ?? '');
  const [displayName, setDisplayName] = useState(q.get('displayName') ?? '');
  const [color, setColor] = useState(normalizeRoleColor(q.get('color')) ?? '');
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', '/switch-role', { account, roleName, displayName, color });
      await props.onSwitched();
      navigate('/');
    });
  };
  return (
    <section aria-labelledby="switch-title" class="narrow">
      <h1 id="switch-title">Switch role</h1>
      <p>Switch to a role in this or another account. The role's trust policy must allow you, and your own policies must allow sts:AssumeRole on it.</p>
      {error && (
        <Alert>
          <strong>Invalid information in one or more fields.</strong> {error}
        </Alert>
      )}
      <form onSubmit={submit}>
        <TextField label="Account ID or alias" name="account" value={account} onInput={setAccount} required />
        <TextField label="IAM role name" name="roleName" value={roleName} onInput={setRoleName} required />
        <TextField label="Display name" name="displayName" value={displayName} onInput={setDisplayName} hint="Shown in the header while you use the role (optional)." />
        <fieldset class="colors">
          <legend>Display color</legend>
          {ROLE_COLORS.map((c) => (
            <label class="swatch" style={{ background: `#${c.hex}` }}>
              <input type="radio" name="color" value={c.hex} checked={color === c.hex} onChange={() => setColor(c.hex)} />
              {c.name}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary" disabled={busy}>
          Switch role
        </button>
      </form>
    </section>
  );
}
