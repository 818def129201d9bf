// The header: navigation, the current identity (a switched role's display name in its colour) and the account menu.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { Link, navigate } from './router';
import { syncRoleHistory } from './role-history';
import type { SessionView } from './session';
import { CopyButton } from './ui';

/** The page frame for a signed-in session. */
export function Layout(props: { session: SessionView; reload: () => Promise<void>; children: ComponentChildren }) {
  const s = props.session;
  const [open, setOpen] = useState(false);
  const [error, setError] = useState('');
  const menuRef = useRef<HTMLDivElement>(null);
  const switched = s.current.roleName !== undefined;
  const userLabel = s.user.kind === 'root' ? 'root' : s.user.userName ?? '';
  const label = switched ? s.current.displayName! : `${userLabel} @ ${s.accountAlias ?? s.user.accountId}`;
  const history = useMemo(() => syncRoleHistory(s), [s]);

  // A layout effect: the Escape and outside-click listeners are in place as soon as the menu is in the DOM, not after
  // the next paint (a key pressed in between would otherwise be lost, and the next click would close the menu).
  useLayoutEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => menuRef.current && !menuRef.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const act = async (fn: () => Promise<unknown>) => {
    setError('');
    setOpen(false);
    try {
      await fn();
      await props.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link to="/" class="brand">
          kamen
        </Link>
        <nav aria-label="Main">
          <Link to="/iam/users">Users</Link>
          <Link to="/iam/groups">User groups</Link>
          <Link to="/iam/roles">Roles</Link>
          <Link to="/iam/policies">Policies</Link>
          <Link to="/policy-generator">Policy generator</Link>
          <Link to="/policy-simulator">Policy simulator</Link>
          <Link to="/s3/buckets">S3 buckets</Link>
          <Link to="/cloudtrail/events">Event history</Link>
          {s.managementAccount && <Link to="/organizations">Organizations</Link>}
        </nav>
        <div class="account-menu" ref={menuRef}>
          <button type="button" id="account-menu-button" class={switched && s.current.color ? "identity switched" : "identity"} aria-haspopup="true" aria-expanded={open} aria-controls="account-menu" style={switched && s.current.color ? { backgroundColor: `#${s.current.color}` } : undefined} onClick={() => setOpen((o) => !o)}>
            <span data-testid="identity-label">{label}</span> ▾
          </button>
          {open && (
            <div id="account-menu" class="menu" role="menu" aria-labelledby="account-menu-button">
              <dl>
                <dt>Account ID</dt>
                <dd>
                  <code data-testid="menu-account-id">{s.current.accountId}</code> <CopyButton text={s.current.accountId} label="Copy account ID" />
                </dd>
                {!switched && s.accountAlias && (
                  <>
                    <dt>Account alias</dt>
                    <dd>{s.accountAlias}</dd>
                  </>
                )}
                <dt>{switched ? 'Currently active as' : 'ARN'}</dt>
                <dd>
                  <code data-testid="menu-arn">{s.current.arn}</code> <CopyButton text={s.current.arn} label="Copy ARN" />
                </dd>
                {switched && (
                  <>
                    <dt>Signed in as</dt>
                    <dd>
                      <code>{s.user.arn}</code>
                    </dd>
                  </>
                )}
              </dl>
              <Link to="/account" onClick={() => setOpen(false)}>
                Account
              </Link>
              <Link to="/switchrole" onClick={() => setOpen(false)}>
                Switch role
              </Link>
              {history.length > 0 && (
                <div role="group" aria-label="Role history">
                  <div class="menu-heading">Role history</div>
                  {history.map((h) => (
                    <button type="button" role="menuitem" class="history" onClick={() => act(() => api('POST', '/switch-role', { account: h.accountId, roleName: h.roleName, displayName: h.displayName, color: h.color }))}>
                      <span class="dot" style={{ backgroundColor: h.color ? `#${h.color}` : 'transparent' }} aria-hidden="true" />
                      {h.displayName}
                    </button>
                  ))}
                </div>
              )}
              {switched && (
                <button type="button" role="menuitem" onClick={() => act(() => api('POST', '/switch-back', {}))}>
                  Back to {userLabel}
                </button>
              )}
              <button
                type="button"
                role="menuitem"
                onClick={() =>
                  act(async () => {
                    await api('POST', '/signout', {});
                    navigate('/');
                  })
                }
              >
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      {error && (
        <div class="alert alert-error" role="alert">
          {error}
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
