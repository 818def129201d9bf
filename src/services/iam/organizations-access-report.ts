/**
 * The Organizations access report: GenerateOrganizationsAccessReport (an organization, root, OU or account path, and
 * optionally an SCP whose allowed services are reported) and GetOrganizationsAccessReport, from the management account.
 * Activity comes from the same AccessActivitySource as the service last accessed details, over every IAM user of the
 * accounts in scope.
 */
import { randomUUID } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { Account, Store } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, listAll, paginate, type Input } from './common.js';
import { allowedServices, userIdentity, type AccessActivitySource } from './access-activity.js';

/** One service of a stored report (dates as epoch ms). */
interface ReportService {
  ns: string;
  last?: number;
  region?: string;
  path?: string;
  accounts: number;
}

interface OrgJob {
  created: number;
  services: ReportService[];
}

function jobKey(accountId: string, jobId: string): string {
  return `iam.org-access-job:${accountId}:${jobId}`;
}

/** The path of an account: o-…/r-…/ou-…/…/<account id>. */
async function accountPath(store: Store, orgId: string, a: Account): Promise<string> {
  const parts = [a.id];
  let parent = a.parentId;
  for (let depth = 0; depth < 10 && parent.startsWith('ou-'); depth++) {
    parts.unshift(parent);
    const ou = await store.getOrganizationalUnit(parent);
    if (!ou) break;
    parent = ou.parentId;
  }
  parts.unshift(parent);
  parts.unshift(orgId);
  return parts.join('/');
}

const SORTS = new Set(['SERVICE_NAMESPACE_ASCENDING', 'SERVICE_NAMESPACE_DESCENDING', 'LAST_AUTHENTICATED_TIME_ASCENDING', 'LAST_AUTHENTICATED_TIME_DESCENDING']);

/** The Organizations access report operations. */
export function organizationsAccessReportOperations(sourceFor: (ctx: OperationContext) => AccessActivitySource, serviceNames: () => ReadonlyMap<string, string>): Record<string, Operation> {
  return {
    GenerateOrganizationsAccessReport: async (ctx, input: Input) => {
      const store = ctx.store;
      const org = await store.getOrganization();
      if (!org) throw new KamenError('ERR_INVALID_INPUT', 'This account is not a member of an organization.');
      if (org.managementAccountId !== account(ctx)) {
        throw new KamenError('ERR_INVALID_INPUT', 'Organizations access reports can be generated only from the management account of the organization.');
      }
      const entityPath = String(input['EntityPath']).replace(/\/$/, '');
      if (!/^o-[a-z0-9]{10,32}(\/r-[0-9a-z]{4,32}(\/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})*(\/\d{12})?)?$/.test(entityPath) || !entityPath.startsWith(org.id)) {
        throw new KamenError('ERR_INVALID_INPUT', `Invalid entity path: ${entityPath}`);
      }
      const names = serviceNames();
      let allowed: Set<string>;
      if (input['OrganizationsPolicyId'] !== undefined) {
        const p = await store.getOrgPolicy(String(input['OrganizationsPolicyId']));
        if (!p) throw new KamenError('ERR_NO_SUCH_ENTITY', `The policy ${String(input['OrganizationsPolicyId'])} cannot be found.`);
        allowed = allowedServices(p.content, names);
      } else allowed = new Set(names.keys());
      const accounts: Array<{ a: Account; path: string }> = [];
      for (const a of await listAll((o) => store.listAccounts(o))) {
        const path = await accountPath(store, org.id, a);
        if (path === entityPath || path.startsWith(entityPath + '/')) accounts.push({ a, path });
      }
      if (accounts.length === 0 && /\/\d{12}$/.test(entityPath)) throw new KamenError('ERR_INVALID_INPUT', `Invalid entity path: ${entityPath}`);
      const source = sourceFor(ctx);
      const byService = new Map<string, ReportService>();
      for (const { a, path } of accounts) {
        const latest = new Map<string, { date: number; region?: string }>();
        for (const u of await listAll((o) => store.listUsers(a.id, o))) {
          for (const use of await source.serviceAccess(userIdentity(u))) {
            const prev = latest.get(use.service);
            if (!prev || prev.date < use.date.getTime()) latest.set(use.service, { date: use.date.getTime(), ...(use.region ? { region: use.region } : {}) });
          }
        }
        for (const [ns, use] of latest) {
          if (!allowed.has(ns)) continue;
          const s = byService.get(ns) ?? { ns, accounts: 0 };
          s.accounts++;
          if (s.last === undefined || use.date > s.last) {
            s.last = use.date;
            s.path = path;
            if (use.region) s.region = use.region;
            else delete s.region;
          }
          byService.set(ns, s);
        }
      }
      const services = [...allowed].sort().map((ns) => byService.get(ns) ?? { ns, accounts: 0 });
      const jobId = randomUUID();
      await store.setSetting(jobKey(account(ctx), jobId), JSON.stringify({ created: ctx.clock.now(), services } satisfies OrgJob));
      return { JobId: jobId };
    },

    GetOrganizationsAccessReport: async (ctx, input: Input) => {
      const jobId = String(input['JobId']);
      const text = await ctx.store.getSetting(jobKey(account(ctx), jobId));
      if (text === undefined) throw new KamenError('ERR_NO_SUCH_ENTITY', `No job with ID ${jobId} exists.`);
      const job = JSON.parse(text) as OrgJob;
      const sort = input['SortKey'] === undefined ? 'SERVICE_NAMESPACE_ASCENDING' : String(input['SortKey']);
      if (!SORTS.has(sort)) throw new KamenError('ERR_INVALID_INPUT', `Invalid sort key: ${sort}`);
      const names = serviceNames();
      const list = [...job.services];
      if (sort.startsWith('LAST_AUTHENTICATED')) list.sort((a, b) => (a.last ?? 0) - (b.last ?? 0) || (a.ns < b.ns ? -1 : 1));
      if (sort.endsWith('DESCENDING')) list.reverse();
      const page = paginate(list, input);
      const accessed = job.services.filter((s) => s.last !== undefined).length;
      return {
        JobStatus: 'COMPLETED',
        JobCreationDate: new Date(job.created),
        JobCompletionDate: new Date(job.created),
        NumberOfServicesAccessible: job.services.length,
        NumberOfServicesNotAccessed: job.services.length - accessed,
        AccessDetails: page.items.map((s) => {
          const o: Input = { ServiceName: names.get(s.ns) ?? s.ns, ServiceNamespace: s.ns };
          if (s.region) o['Region'] = s.region;
          if (s.path) o['EntityPath'] = s.path;
          if (s.last !== undefined) o['LastAuthenticatedTime'] = new Date(s.last);
          o['TotalAuthenticatedEntities'] = s.accounts;
          return o;
        }),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },
  };
}
