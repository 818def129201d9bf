// A tiny history-API router for the pages under /console/.
import { useEffect, useState } from 'preact/hooks';

/** The current path below /console (e.g. "/iam/users") and its query string. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const [loc, setLoc] = useState(read());
  useEffect(() => {
    const on = () => setLoc(read());
    window.addEventListener('popstate', on);
    window.addEventListener('kamen:navigate', on);
    return () => {
      window.removeEventListener('popstate', on);
      window.removeEventListener('kamen:navigate', on);
    };
  }, []);
  return loc;
}

function read(): { path: string; search: URLSearchParams } {
  const p = window.location.pathname.replace(/^\/console/, '') || '/';
  return { path: p, search: new URLSearchParams(window.location.search) };
}

/** Goes to a console page (path below /console). */
export function navigate(to: string): void {
  window.history.pushState(null, '', `/console${to}`);
  window.dispatchEvent(new Event('kamen:navigate'));
  window.scrollTo(0, 0);
}

/** An in-app link. */
export function Link(props: { to: string; children: any; class?: string; onClick?: () => void }) {
  return (
    <a
      href={`/console${props.to}`}
      class={props.class}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        props.onClick?.();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/** Matches `/iam/users/:name` against a path; returns the parameters or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_m, n: string) => (names.push(n), '([^/]+)')) + '/?$');
  const m = re.exec(path);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  names.forEach((n, i) => (out[n] = decodeURIComponent(m[i + 1]!)));
  return out;
}
