/**
 * The console's policy simulator: runs IAM's SimulatePrincipalPolicy (or SimulateCustomPolicy for a pasted policy) as
 * the session's identity, every page of results, and lists the context keys a principal's policies reference.
 */
import { ConsoleError, str, strList, type Route, type RouteContext } from '../http.js';

const CONTEXT_TYPES: ReadonlySet<string> = new Set(['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList']);

/** The ContextEntries of a request body's `context`: [{ name, type, values }]. */
function contextEntries(body: Record<string, unknown>): Array<Record<string, unknown>> {
  const v = body['context'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConsoleError(400, 'ValidationError', 'context must be a list');
  return v.map((e: any) => {
    if (typeof e?.name !== 'string' || !e.name.trim()) throw new ConsoleError(400, 'ValidationError', 'Each context entry needs a key name.');
    const type = typeof e.type === 'string' ? e.type : 'string';
    if (!CONTEXT_TYPES.has(type)) throw new ConsoleError(400, 'ValidationError', `Context key type must be one of ${[...CONTEXT_TYPES].join(', ')}`);
    const values = Array.isArray(e.values) ? e.values.map(String) : [String(e.values ?? '')];
    return { ContextKeyName: e.name.trim(), ContextKeyType: type, ContextKeyValues: values };
  });
}

async function simulate(ctx: RouteContext): Promise<unknown> {
  const b = ctx.body;
  const actions = strList(b, 'actions');
  if (actions.length === 0) throw new ConsoleError(400, 'ValidationError', 'Choose at least one action.');
  const resources = strList(b, 'resources').filter((r) => r.trim() !== '');
  const custom = typeof b['customPolicy'] === 'string' && b['customPolicy'].trim() !== '' ? (b['customPolicy'] as string) : undefined;
  const params: Record<string, unknown> = { ActionNames: actions, ContextEntries: contextEntries(b) };
  if (resources.length) params['ResourceArns'] = resources;
  let operation = 'SimulateCustomPolicy';
  if (custom) params['PolicyInputList'] = [custom];
  else {
    operation = 'SimulatePrincipalPolicy';
    params['PolicySourceArn'] = str(b, 'principalArn', { max: 2048 });
  }
  const results: unknown[] = [];
  let marker: string | undefined;
  do {
    const page = await ctx.api('iam', operation, marker ? { ...params, Marker: marker } : params);
    results.push(...((page['EvaluationResults'] as unknown[] | undefined) ?? []));
    marker = page['IsTruncated'] ? (page['Marker'] as string | undefined) : undefined;
  } while (marker);
  return { results };
}

/** The simulator routes. */
export function policySimulatorRoutes(): Route[] {
  return [
    { method: 'POST', path: '/policy/simulate', auth: true, handler: simulate },
    {
      method: 'GET',
      path: '/policy/context-keys',
      auth: true,
      handler: async (ctx) => {
        const arn = ctx.query.get('principalArn') ?? '';
        if (!arn) throw new ConsoleError(400, 'ValidationError', 'principalArn is required');
        const out = await ctx.api('iam', 'GetContextKeysForPrincipalPolicy', { PolicySourceArn: arn });
        return { keys: (out['ContextKeyNames'] as string[] | undefined) ?? [] };
      },
    },
  ];
}
