/**
 * ListPoliciesGrantingServiceAccess: for each service namespace, the permissions policies of a user (its groups'
 * too), group or role that allow some action of that service. Only permissions policies count: resource policies,
 * boundaries, SCPs and trust policies do not (as in IAM).
 */
import { compileGlob } from '../../policy/index.js';
import { documentStatements } from '../../policy/simulate.js';
import type { Operation } from '../types.js';
import type { IamDeps, Input } from './common.js';
import { policyNameOfArn } from './attachments.js';
import { managedPolicyDocument } from '../../authz/policies.js';
import { simulationSources, sourceEntity } from './simulate-sources.js';

const KIND: Record<'user' | 'group' | 'role', string> = { user: 'USER', group: 'GROUP', role: 'ROLE' };

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** Whether an action pattern (service:action, or "*") can match some action of `service`. */
function patternCoversService(pattern: string, service: string): boolean {
  if (pattern === '*') return true;
  const i = pattern.indexOf(':');
  if (i < 0) return false;
  return compileGlob(pattern.slice(0, i).toLowerCase())(service.toLowerCase());
}

/** Whether a NotAction list excludes every action of `service` ("*", or "svc:*" for a pattern covering it). */
function excludesService(pattern: string, service: string): boolean {
  if (pattern === '*') return true;
  const i = pattern.indexOf(':');
  return i >= 0 && /^\*+$/.test(pattern.slice(i + 1)) && patternCoversService(pattern, service);
}

/** Whether a policy document has an Allow statement reaching some action of `service`. */
export function grantsServiceAccess(text: string, service: string): boolean {
  for (const st of documentStatements(text).statements) {
    if (!st || st['Effect'] !== 'Allow') continue;
    if (st['Action'] !== undefined && list(st['Action']).some((a) => patternCoversService(a, service))) return true;
    if (st['NotAction'] !== undefined && !list(st['NotAction']).some((a) => excludesService(a, service))) return true;
  }
  return false;
}

interface Candidate {
  out: Input;
  text: string;
}

/** The ListPoliciesGrantingServiceAccess operation. */
export function policiesGrantingAccessOperations(deps: IamDeps): Record<string, Operation> {
  return {
    ListPoliciesGrantingServiceAccess: async (ctx, input: Input) => {
      const entity = await sourceEntity(ctx, String(input['Arn']));
      const src = simulationSources(ctx, deps);
      const acct = entity.accountId;
      const candidates: Candidate[] = [];
      const owners: { kind: 'user' | 'group' | 'role'; name: string }[] = [{ kind: entity.kind, name: entity.name }];
      if (entity.kind === 'user') {
        let marker: string | undefined;
        do {
          const page = await ctx.store.listGroupsForUser(acct, entity.name, { marker, maxItems: 1000 });
          for (const g of page.items) owners.push({ kind: 'group', name: g.groupName });
          marker = page.nextMarker;
        } while (marker);
      }
      const managed = new Set<string>();
      for (const o of owners) {
        for (const p of await ctx.store.listInlinePolicies(acct, o.kind, o.name))
          candidates.push({ out: { PolicyName: p.policyName, PolicyType: 'INLINE', EntityType: KIND[o.kind], EntityName: o.name }, text: p.document });
        for (const arn of await ctx.store.listAttachedPolicies(acct, o.kind, o.name)) {
          if (managed.has(arn)) continue;
          managed.add(arn);
          const text = await managedPolicyDocument(src, arn);
          if (text !== undefined) candidates.push({ out: { PolicyName: policyNameOfArn(arn).name, PolicyType: 'MANAGED', PolicyArn: arn }, text });
        }
      }
      const entries = list(input['ServiceNamespaces']).map((ns) => ({
        ServiceNamespace: ns,
        Policies: candidates.filter((c) => grantsServiceAccess(c.text, ns)).map((c) => c.out),
      }));
      return { PoliciesGrantingServiceAccess: entries, IsTruncated: false };
    },
  };
}
