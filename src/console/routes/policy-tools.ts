/** Policy tools: the engine's validator as you type, the action catalog for the policy generator, and the simulator. */
import { validatePolicy, type PolicyKind } from '../../policy/index.js';
import { ConsoleError, str, type ConsoleDeps, type Route } from '../http.js';
import { explainProblems } from '../policy-problems.js';
import { policySimulatorRoutes } from './policy-simulator.js';

const KINDS: ReadonlySet<string> = new Set(['identity', 'trust', 'resource', 'scp', 'boundary', 'session']);

/** The policy-tool routes. */
export function policyToolRoutes(deps: ConsoleDeps): Route[] {
  return [
    ...policySimulatorRoutes(),
    {
      method: 'POST',
      path: '/policy/validate',
      auth: true,
      handler: async (ctx) => {
        const text = str(ctx.body, 'document', { raw: true });
        const kind = str(ctx.body, 'kind', { optional: true }) || 'identity';
        if (!KINDS.has(kind)) throw new ConsoleError(400, 'ValidationError', `kind must be one of ${[...KINDS].join(', ')}`);
        const r = validatePolicy(text, kind as PolicyKind, { catalog: await deps.catalog() });
        return { errors: explainProblems(text, r.errors), warnings: r.warnings };
      },
    },
    {
      method: 'GET',
      path: '/policy/services',
      auth: true,
      handler: async () => ({ services: (await deps.catalog()).services() }),
    },
    {
      method: 'GET',
      path: '/policy/actions',
      auth: true,
      handler: async (ctx) => {
        const service = (ctx.query.get('service') ?? '').toLowerCase();
        const catalog = await deps.catalog();
        if (!/^[a-z0-9-]+$/.test(service) || !catalog.hasService(service)) throw new ConsoleError(404, 'NotFound', `Unknown service ${service}`);
        const q = (ctx.query.get('q') ?? '').toLowerCase();
        const actions = catalog
          .expand(`${service}:*`)
          .filter((a) => !q || a.toLowerCase().includes(q))
          .map((name) => {
            const info = catalog.action(name);
            return { name, accessLevel: info?.accessLevel ?? null, resourceTypes: info?.resourceTypes.map((r) => r.name) ?? [], conditionKeys: info?.conditionKeys ?? [] };
          });
        return { service, actions };
      },
    },
  ];
}
