// The JSON policy editor: validates as you type with kamen's policy validator and marks each problem at its line.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useId } from '../ui';

/** A validator problem (line/column when the validator knows them). */
export interface Problem {
  code: string;
  path: string;
  line?: number;
  column?: number;
  message: string;
  /** What is wrong, when AWS's message does not say it ("Invalid Effect: Alow", the JSON parser's message). */
  detail?: string;
}

/** The editor; `onValidity` reports whether the document has no errors. */
export function PolicyEditor(props: { label: string; value: string; onInput: (v: string) => void; kind?: 'identity' | 'trust' | 'resource'; onValidity?: (ok: boolean) => void }) {
  const id = useId('policy');
  const [errors, setErrors] = useState<Problem[]>([]);
  const [warnings, setWarnings] = useState<Problem[]>([]);
  const [failure, setFailure] = useState('');
  const [scroll, setScroll] = useState(0);
  useEffect(() => {
    const t = setTimeout(async () => {
      try {
        const r = await api('POST', '/policy/validate', { document: props.value, kind: props.kind ?? 'identity' });
        setErrors(r.errors);
        setWarnings(r.warnings);
        setFailure('');
        props.onValidity?.(r.errors.length === 0);
      } catch (err) {
        setFailure((err as Error).message);
        props.onValidity?.(false);
      }
    }, 250);
    return () => clearTimeout(t);
  }, [props.value, props.kind]);
  const lines = props.value.split('\n').length;
  const bad = new Set(errors.map((e) => e.line).filter((l): l is number => l !== undefined));
  const warn = new Set(warnings.map((e) => e.line).filter((l): l is number => l !== undefined));
  return (
    <div class="editor">
      <label for={id}>{props.label}</label>
      <div class="editor-body">
        <div class="gutter" aria-hidden="true" style={{ transform: `translateY(-${scroll}px)` }}>
          {Array.from({ length: lines }, (_, i) => (
            <div class={bad.has(i + 1) ? 'gl bad' : warn.has(i + 1) ? 'gl warn' : 'gl'}>{i + 1}</div>
          ))}
        </div>
        <textarea id={id} spellcheck={false} value={props.value} rows={Math.min(Math.max(lines + 1, 12), 30)} aria-describedby={`${id}-problems`} aria-invalid={errors.length > 0} onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)} onScroll={(e) => setScroll((e.target as HTMLTextAreaElement).scrollTop)} />
      </div>
      <div id={`${id}-problems`} class="problems" aria-live="polite" data-testid="policy-problems">
        {failure && <p class="problem error">{failure}</p>}
        {!failure && errors.length === 0 && warnings.length === 0 && <p class="ok">No problems found.</p>}
        {errors.map((e) => (
          <p class="problem error">
            <strong>Error</strong> {e.line !== undefined ? `Line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''}: ` : ''}
            {e.detail ?? e.message}
            {e.detail && <span class="aws-message"> (AWS: {e.message})</span>}
          </p>
        ))}
        {warnings.map((e) => (
          <p class="problem warning">
            <strong>Warning</strong> {e.line !== undefined ? `Line ${e.line}: ` : ''}
            {e.message}
          </p>
        ))}
      </div>
    </div>
  );
}
