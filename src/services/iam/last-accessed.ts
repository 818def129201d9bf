/**
 * Service last accessed details: GenerateServiceLastAccessedDetails (a user, group, role or managed policy → JobId),
 * GetServiceLastAccessedDetails and GetServiceLastAccessedDetailsWithEntities. The services listed are those the
 * entity's policies allow; when and where each was last used comes from the AccessActivitySource. A job is computed
 * when it is generated and kept (COMPLETED) in the store's settings.
 */
import { randomUUID } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { Role, Store, User } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, catalogOf, isAwsManagedArn, paginate, type IamDeps, type Input } from './common.js';
import { allowedServices, userIdentity, type AccessActivitySource, type ActivityIdentity, type ServiceAccess } from './access-activity.js';

/** One entity a job counts activity for. */
interface JobEntity {
  arn: string;
  name: string;
  type: 'USER' | 'ROLE';
  id: string;
  path: string;
}

/** One service of a job: its last use among the job's entities (dates as epoch ms). */
interface JobService {
  ns: string;
  last?: number;
  entity?: string;
  region?: string;
  /** Entity index → last use of this service. */
  uses: Array<[number, number]>;
}

/** A stored job. */
export interface ServiceJob {
  granularity: string;
  created: number;
  entities: JobEntity[];
  services: JobService[];
}

function jobKey(accountId: string, jobId: string): string {
  return `iam.access-job:${accountId}:${jobId}`;
}

const ARN = /^arn:aws:iam::(\d{12}|aws):(user|group|role|policy)(\/(?:[^/]+\/)*)([^/]+)$/;

function invalidArn(arn: string): KamenError {
  return new KamenError('ERR_INVALID_INPUT', `ARN ${arn} is not valid.`);
}

async function groupMembers(store: Store, acct: string, groupName: string): Promise<User[]> {
  const out: User[] = [];
  let marker: string | undefined;
  do {
    const page = await store.listGroupMembers(acct, groupName, { marker, maxItems: 1000 });
    out.push(...page.items);
    marker = page.nextMarker;
  } while (marker);
  return out;
}

async function principalDocs(store: Store, catalogDoc: (arn: string) => Promise<string | undefined>, acct: string, kind: 'user' | 'group' | 'role', name: string): Promise<string[]> {
  const docs = (await store.listInlinePolicies(acct, kind, name)).map((p) => p.document);
  for (const arn of await store.listAttachedPolicies(acct, kind, name)) {
    const d = await catalogDoc(arn);
    if (d) docs.push(d);
  }
  return docs;
}

const userEntity = (u: User): JobEntity => ({ arn: u.arn, name: u.userName, type: 'USER', id: u.userId, path: u.path });
const roleEntity = (r: Role): JobEntity => ({ arn: r.arn, name: r.roleName, type: 'ROLE', id: r.roleId, path: r.path });

/** The service last accessed operations over `source`; `serviceNames` maps namespaces to display names. */
export function lastAccessedOperations(deps: IamDeps, sourceFor: (ctx: OperationContext) => AccessActivitySource, serviceNames: () => ReadonlyMap<string, string>): Record<string, Operation> {
  async function policyDoc(ctx: OperationContext, arn: string): Promise<string | undefined> {
    if (isAwsManagedArn(arn)) return catalogOf(deps, ctx).get(arn)?.document;
    const p = await ctx.store.getPolicy(arn);
    if (!p) return undefined;
    return (await ctx.store.getPolicyVersion(arn, p.defaultVersionId))?.document;
  }

  /** The entity's allowing documents and the identities whose activity counts. */
  async function scope(ctx: OperationContext, arn: string): Promise<{ docs: string[]; users: User[]; roles: Role[] }> {
    const m = ARN.exec(arn);
    if (!m) throw invalidArn(arn);
    const acct = account(ctx);
    const [, owner, kind, , name] = m as unknown as [string, string, string, string, string];
    const store = ctx.store;
    const docOf = (a: string) => policyDoc(ctx, a);
    if (kind === 'policy') {
      if (owner !== 'aws' && owner !== acct) throw invalidArn(arn);
      const doc = await docOf(arn);
      if (!doc) throw new KamenError('ERR_NO_SUCH_ENTITY', `Policy ${arn} was not found.`);
      const users: User[] = [];
      const roles: Role[] = [];
      for (const a of await store.listPolicyAttachments(acct, arn)) {
        if (a.kind === 'user') {
          const u = await store.getUser(acct, a.principalName);
          if (u) users.push(u);
        } else if (a.kind === 'group') users.push(...(await groupMembers(store, acct, a.principalName)));
        else {
          const r = await store.getRole(acct, a.principalName);
          if (r) roles.push(r);
        }
      }
      return { docs: [doc], users, roles };
    }
    if (owner !== acct) throw invalidArn(arn);
    if (kind === 'user') {
      const u = await store.getUser(acct, name);
      if (!u || u.arn !== arn) throw new KamenError('ERR_NO_SUCH_ENTITY', `The user with name ${name} cannot be found.`);
      const docs = await principalDocs(store, docOf, acct, 'user', u.userName);
      let marker: string | undefined;
      do {
        const page = await store.listGroupsForUser(acct, u.userName, { marker, maxItems: 1000 });
        for (const g of page.items) docs.push(...(await principalDocs(store, docOf, acct, 'group', g.groupName)));
        marker = page.nextMarker;
      } while (marker);
      return { docs, users: [u], roles: [] };
    }
    if (kind === 'group') {
      const g = await store.getGroup(acct, name);
      if (!g || g.arn !== arn) throw new KamenError('ERR_NO_SUCH_ENTITY', `The group with name ${name} cannot be found.`);
      return { docs: await principalDocs(store, docOf, acct, 'group', g.groupName), users: await groupMembers(store, acct, g.groupName), roles: [] };
    }
    const r = await store.getRole(acct, name);
    if (!r || r.arn !== arn) throw new KamenError('ERR_NO_SUCH_ENTITY', `The role with name ${name} cannot be found.`);
    return { docs: await principalDocs(store, docOf, acct, 'role', r.roleName), users: [], roles: [r] };
  }

  async function mustJob(ctx: OperationContext, jobId: string): Promise<ServiceJob> {
    const text = await ctx.store.getSetting(jobKey(account(ctx), jobId));
    if (text === undefined) throw new KamenError('ERR_NO_SUCH_ENTITY', `No job with ID ${jobId} exists.`);
    return JSON.parse(text) as ServiceJob;
  }

  return {
    GenerateServiceLastAccessedDetails: async (ctx, input: Input) => {
      const arn = String(input['Arn']);
      const granularity = input['Granularity'] === undefined ? 'SERVICE_LEVEL' : String(input['Granularity']);
      if (granularity !== 'SERVICE_LEVEL' && granularity !== 'ACTION_LEVEL') throw new KamenError('ERR_INVALID_INPUT', `Granularity ${granularity} is not valid.`);
      const names = serviceNames();
      const { docs, users, roles } = await scope(ctx, arn);
      const allowed = new Set<string>();
      for (const d of docs) for (const s of allowedServices(d, names)) allowed.add(s);
      const entities: JobEntity[] = [];
      const seen = new Set<string>();
      const identities: ActivityIdentity[] = [];
      for (const u of users) {
        if (seen.has(u.userId)) continue;
        seen.add(u.userId);
        entities.push(userEntity(u));
        identities.push(userIdentity(u));
      }
      for (const r of roles) {
        if (seen.has(r.roleId)) continue;
        seen.add(r.roleId);
        entities.push(roleEntity(r));
        identities.push({ accountId: r.accountId, kind: 'role', name: r.roleName, id: r.roleId });
      }
      const source = sourceFor(ctx);
      const activity: ServiceAccess[][] = [];
      for (const id of identities) activity.push(await source.serviceAccess(id));
      const services: JobService[] = [...allowed].sort().map((ns) => {
        const s: JobService = { ns, uses: [] };
        activity.forEach((list, i) => {
          const hit = list.find((a) => a.service === ns);
          if (!hit) return;
          s.uses.push([i, hit.date.getTime()]);
          if (s.last === undefined || hit.date.getTime() > s.last) {
            s.last = hit.date.getTime();
            s.entity = entities[i]!.arn;
            if (hit.region) s.region = hit.region;
            else delete s.region;
          }
        });
        return s;
      });
      const jobId = randomUUID();
      const job: ServiceJob = { granularity, created: ctx.clock.now(), entities, services };
      await ctx.store.setSetting(jobKey(account(ctx), jobId), JSON.stringify(job));
      return { JobId: jobId };
    },

    GetServiceLastAccessedDetails: async (ctx, input: Input) => {
      const job = await mustJob(ctx, String(input['JobId']));
      const names = serviceNames();
      const page = paginate(job.services, input);
      return {
        JobStatus: 'COMPLETED',
        JobType: job.granularity,
        JobCreationDate: new Date(job.created),
        ServicesLastAccessed: page.items.map((s) => {
          const o: Input = { ServiceName: names.get(s.ns) ?? s.ns, ServiceNamespace: s.ns };
          if (s.last !== undefined) o['LastAuthenticated'] = new Date(s.last);
          if (s.entity) o['LastAuthenticatedEntity'] = s.entity;
          if (s.region) o['LastAuthenticatedRegion'] = s.region;
          o['TotalAuthenticatedEntities'] = s.uses.length;
          return o;
        }),
        JobCompletionDate: new Date(job.created),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },

    GetServiceLastAccessedDetailsWithEntities: async (ctx, input: Input) => {
      const job = await mustJob(ctx, String(input['JobId']));
      const ns = String(input['ServiceNamespace']);
      const service = job.services.find((s) => s.ns === ns);
      const uses = new Map(service?.uses ?? []);
      const list = job.entities.map((e, i) => {
        const o: Input = { EntityInfo: { Arn: e.arn, Name: e.name, Type: e.type, Id: e.id, Path: e.path } };
        const at = uses.get(i);
        if (at !== undefined) o['LastAuthenticated'] = new Date(at);
        return o;
      });
      const page = paginate(service ? list : [], input);
      return {
        JobStatus: 'COMPLETED',
        JobCreationDate: new Date(job.created),
        JobCompletionDate: new Date(job.created),
        EntityDetailsList: page.items,
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },
  };
}
