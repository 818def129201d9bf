/**
 * Says what is wrong where the policy validator gives only AWS's API text ("Syntax errors in policy."): the JSON
 * parser's own message, or the element and its bad value ("Invalid Effect: Alow").
 */

/** A validator problem with, when known, a specific description. */
export interface ExplainedProblem {
  code: string;
  path: string;
  message: string;
  line?: number;
  column?: number;
  detail?: string;
}

/** The value at a validator path like `$.Statement[0].Effect` (undefined when it is not there). */
export function valueAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  const re = /\.([^.[\]]+)|\[(\d+)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = m[1] !== undefined ? (cur as Record<string, unknown>)[m[1]] : (cur as unknown[])[Number(m[2])];
  }
  return cur;
}

/** The element a path names: `$.Statement[0].Effect` → `Effect`. */
function elementOf(path: string): string {
  const m = /\.([^.[\]]+)(?:\[\d+\])*$/.exec(path);
  return m ? m[1]! : 'policy';
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Adds `detail` to each problem whose message does not already say what is wrong. */
export function explainProblems<P extends ExplainedProblem>(text: string, problems: P[]): P[] {
  let doc: unknown;
  let parseError: string | undefined;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    parseError = (err as Error).message;
  }
  return problems.map((p) => {
    const detail = describe(p, doc, parseError);
    return detail && detail !== p.message ? { ...p, detail } : p;
  });
}

function describe(p: ExplainedProblem, doc: unknown, parseError: string | undefined): string | undefined {
  if (p.code === 'SyntaxError' && p.path === '$' && parseError) return `Invalid JSON: ${parseError}`;
  if (parseError) return undefined;
  const element = elementOf(p.path);
  const value = valueAt(doc, p.path);
  switch (p.code) {
    case 'InvalidEffect':
      return `Invalid Effect: ${show(value)} (use Allow or Deny)`;
    case 'InvalidVersion':
      return `Invalid Version: ${show(value)} (use 2012-10-17)`;
    case 'MissingEffect':
      return 'Missing Effect: each statement needs "Effect": "Allow" or "Deny"';
    case 'MissingStatement':
      return 'Missing Statement: the policy needs a Statement (an object or an array of them)';
    case 'SyntaxError':
      return value === undefined ? `Invalid ${element}` : `Invalid ${element}: ${show(value)} is not allowed here`;
    default:
      return undefined;
  }
}
