/**
 * GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy: the condition keys and policy variables the
 * policies reference, each once, in the order they appear.
 */
import { documentContextKeys } from '../../policy/simulate.js';
import type { Operation } from '../types.js';
import type { IamDeps, Input } from './common.js';
import { checkDocument } from './simulate-context.js';
import { entityPolicies, simulationSources, sourceEntity } from './simulate-sources.js';

function collect(texts: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of texts)
    for (const k of documentContextKeys(t)) {
      const lower = k.toLowerCase();
      if (seen.has(lower)) continue;
      seen.add(lower);
      out.push(k);
    }
  return out;
}

function passed(list: unknown): string[] {
  const docs = Array.isArray(list) ? list.map(String) : [];
  docs.forEach((d, i) => checkDocument(d, 'identity', `PolicyInputList.${i + 1}`));
  return docs;
}

/** The context-key operations. */
export function contextKeyOperations(deps: IamDeps): Record<string, Operation> {
  return {
    GetContextKeysForCustomPolicy: async (_ctx, input: Input) => ({ ContextKeyNames: collect(passed(input['PolicyInputList'])) }),
    GetContextKeysForPrincipalPolicy: async (ctx, input: Input) => {
      const entity = await sourceEntity(ctx, String(input['PolicySourceArn']));
      const extra = passed(input['PolicyInputList']);
      const p = await entityPolicies(simulationSources(ctx, deps), entity, `${entity.kind}/${entity.name}`);
      return { ContextKeyNames: collect([...p.identity.map((s) => s.text), ...extra]) };
    },
  };
}
