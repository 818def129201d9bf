// Sign-in: IAM user (account ID or alias, user name, password), root (email, password), the MFA step and the forced password change.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { Alert, TextField, useAction } from '../ui';

/** The sign-in page; calls onSignedIn once a session exists. */
export function SignIn(props: { onSignedIn: () => void; account?: string }) {
  const [mode, setMode] = useState<'iam' | 'root'>('iam');
  const [account, setAccount] = useState(props.account ?? '');
  const [userName, setUserName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [mfaCode, setMfaCode] = useState('');
  const [step, setStep] = useState<'password' | 'mfa' | 'reset'>('password');
  const [token, setToken] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, run } = useAction();

  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      if (step === 'reset') {
        await api('POST', '/signin/new-password', { token, oldPassword: password, newPassword, confirmPassword: confirm });
        props.onSignedIn();
        return;
      }
      const body = mode === 'iam' ? { account, userName, password, mfaCode: step === 'mfa' ? mfaCode : undefined } : { email, password, mfaCode: step === 'mfa' ? mfaCode : undefined };
      const r = await api('POST', mode === 'iam' ? '/signin' : '/signin/root', body);
      if (r.status === 'mfa-required') setStep('mfa');
      else if (r.status === 'password-reset-required') {
        setToken(r.token);
        setStep('reset');
      } else props.onSignedIn();
    });
  };

  return (
    <main class="signin" aria-labelledby="signin-title">
      <form class="card" onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined}>
        <h1 id="signin-title">{step === 'mfa' ? 'Multi-factor authentication' : step === 'reset' ? 'Change password' : mode === 'iam' ? 'Sign in as IAM user' : 'Sign in as root user'}</h1>
        {error && (
          <div id="signin-error">
            <Alert>{error}</Alert>
          </div>
        )}
        {step === 'password' && mode === 'iam' && (
          <>
            <TextField label="Account ID (12 digits) or account alias" name="account" value={account} onInput={setAccount} autocomplete="organization" required />
            <TextField label="IAM user name" name="username" value={userName} onInput={setUserName} autocomplete="username" required />
            <TextField label="Password" name="password" type="password" value={password} onInput={setPassword} autocomplete="current-password" required />
          </>
        )}
        {step === 'password' && mode === 'root' && (
          <>
            <TextField label="Root user email address" name="email" type="email" value={email} onInput={setEmail} autocomplete="username" required />
            <TextField label="Password" name="password" type="password" value={password} onInput={setPassword} autocomplete="current-password" required />
          </>
        )}
        {step === 'mfa' && <TextField label="MFA code" name="mfaCode" value={mfaCode} onInput={setMfaCode} autocomplete="one-time-code" hint="Enter the 6-digit code from your authenticator app." required />}
        {step === 'reset' && (
          <>
            <p>Your administrator requires you to change your password.</p>
            <TextField label="Old password" name="oldPassword" type="password" value={password} onInput={setPassword} autocomplete="current-password" required />
            <TextField label="New password" name="newPassword" type="password" value={newPassword} onInput={setNewPassword} autocomplete="new-password" required />
            <TextField label="Retype new password" name="confirmPassword" type="password" value={confirm} onInput={setConfirm} autocomplete="new-password" required />
          </>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {step === 'mfa' ? 'Submit' : step === 'reset' ? 'Confirm password change' : 'Sign in'}
        </button>
        {step === 'password' && (
          <button type="button" class="link" onClick={() => setMode(mode === 'iam' ? 'root' : 'iam')}>
            {mode === 'iam' ? 'Sign in using root user email' : 'Sign in as IAM user'}
          </button>
        )}
        {step !== 'password' && (
          <button type="button" class="link" onClick={() => setStep('password')}>
            Cancel
          </button>
        )}
      </form>
    </main>
  );
}
