/** The Organizations page of the management account: the organization, its root, OUs (as a tree) and accounts. */
import { listAll, type ConsoleDeps, type Route, type RouteContext } from '../http.js';

interface OuNode {
  id: string;
  name: string;
  arn?: string;
  accounts: Array<Record<string, unknown>>;
  children: OuNode[];
}

/** Reads one parent's accounts and OUs, recursively (at most `depth` levels, as Organizations allows five). */
async function tree(ctx: RouteContext, id: string, name: string, depth: number): Promise<OuNode> {
  const accounts = await listAll<Record<string, unknown>>(ctx, 'organizations', 'ListAccountsForParent', 'Accounts', { ParentId: id });
  const node: OuNode = { id, name, accounts, children: [] };
  if (depth <= 0) return node;
  let token: string | undefined;
  do {
    const page = await ctx.api('organizations', 'ListOrganizationalUnitsForParent', token ? { ParentId: id, NextToken: token } : { ParentId: id });
    for (const ou of (page['OrganizationalUnits'] as Array<Record<string, string>> | undefined) ?? []) {
      const child = await tree(ctx, ou['Id']!, ou['Name']!, depth - 1);
      child.arn = ou['Arn']!;
      node.children.push(child);
    }
    token = page['NextToken'] as string | undefined;
  } while (token);
  return node;
}

/** The Organizations routes. */
export function organizationsRoutes(_deps: ConsoleDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/organizations',
      auth: true,
      handler: async (ctx) => {
        const org = (await ctx.api('organizations', 'DescribeOrganization'))['Organization'];
        const roots = ((await ctx.api('organizations', 'ListRoots'))['Roots'] as Array<Record<string, string>> | undefined) ?? [];
        const root = roots[0];
        return { organization: org, root: root ? await tree(ctx, root['Id']!, root['Name'] ?? 'Root', 5) : null };
      },
    },
  ];
}
