// Small accessible building blocks: labelled fields, alerts, copy buttons, tables.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

let nextId = 0;
/** A stable unique element id. */
export function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

/** A labelled text input. */
export function TextField(props: { label: string; value: string; onInput: (v: string) => void; type?: 'text' | 'password' | 'email'; name?: string; autocomplete?: string; required?: boolean; hint?: string; placeholder?: string; disabled?: boolean }) {
  const id = useId(props.name ?? 'field');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input {...({ type: props.type ?? 'text' } as Record<string, string>)} id={id} name={props.name} value={props.value} required={props.required} autocomplete={props.autocomplete} placeholder={props.placeholder} disabled={props.disabled} aria-describedby={props.hint ? `${id}-hint` : undefined} onInput={(e) => props.onInput((e.target as HTMLInputElement).value)} />
      {props.hint && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

/** A labelled checkbox. */
export function Checkbox(props: { label: string; checked: boolean; onChange: (v: boolean) => void; name?: string }) {
  const id = useId(props.name ?? 'check');
  return (
    <div class="check">
      <input id={id} name={props.name} type="checkbox" checked={props.checked} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** A labelled select. */
export function Select(props: { label: string; value: string; onChange: (v: string) => void; options: Array<{ value: string; label: string }>; name?: string }) {
  const id = useId(props.name ?? 'select');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.options.map((o) => (
          <option value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

/** An error (role=alert) or a notice (role=status). */
export function Alert(props: { kind?: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  const kind = props.kind ?? 'error';
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** A button that copies text to the clipboard. */
export function CopyButton(props: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="copy"
      aria-label={props.label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(props.text);
        } catch {
          const t = document.createElement('textarea');
          t.value = props.text;
          document.body.appendChild(t);
          t.select();
          document.execCommand('copy');
          t.remove();
        }
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

/** A page title block. */
export function PageHeader(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1>{props.title}</h1>
      <div class="actions">{props.children}</div>
    </div>
  );
}

/** Formats an AWS timestamp for a table. */
export function when(v: unknown): string {
  if (!v) return '';
  // JSON APIs (Organizations) give epoch seconds; Query APIs give ISO 8601 text.
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
  const d = n !== undefined ? new Date(n < 1e11 ? n * 1000 : n) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** Runs an async action with busy/error state. */
export function useAction(): { busy: boolean; error: string; run: (fn: () => Promise<void>) => Promise<void>; setError: (e: string) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return {
    busy,
    error,
    setError,
    run: async (fn) => {
      setBusy(true);
      setError('');
      try {
        await fn();
      } catch (err) {
        setError((err as Error).message || 'The request failed.');
      } finally {
        setBusy(false);
      }
    },
  };
}
