// The switch-role history, kept in the browser (localStorage) per signed-in identity, so it survives sign-out and
// sign-in as AWS's console's does.
import type { RoleRef, SessionView } from './session';

const KEY = 'kamen-console:role-history';
/** How many roles the history keeps (AWS's console keeps five). */
const SIZE = 5;

function readAll(): Record<string, RoleRef[]> {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, RoleRef[]>) : {};
  } catch {
    return {};
  }
}

/** Puts `entry` first (one entry per account + role name), keeping SIZE. */
function push(history: RoleRef[], entry: RoleRef): RoleRef[] {
  const same = (r: RoleRef) => r.accountId === entry.accountId && r.roleName.toLowerCase() === entry.roleName.toLowerCase();
  return [entry, ...history.filter((r) => !same(r))].slice(0, SIZE);
}

/** The browser's history for the session's identity, with this session's switches (most recent first) merged in. */
export function syncRoleHistory(s: SessionView): RoleRef[] {
  const all = readAll();
  let h = Array.isArray(all[s.user.arn]) ? all[s.user.arn]! : [];
  for (const r of [...s.history].reverse()) h = push(h, r);
  all[s.user.arn] = h;
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // storage full or disabled: the history then lasts this page only
  }
  return h;
}
