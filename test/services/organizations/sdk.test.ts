/** The real AWS SDK v3 clients (Organizations, EC2) against kamen's pipeline and codecs, without a socket. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  OrganizationsClient,
  DescribeOrganizationCommand,
  CreateAccountCommand,
  ListAccountsCommand,
  ListRootsCommand,
  CreateOrganizationalUnitCommand,
  MoveAccountCommand,
  ListAccountsForParentCommand,
  DescribeAccountCommand,
  ListPoliciesCommand,
  ListChildrenCommand,
} from '@aws-sdk/client-organizations';
import { EC2Client, DescribeRegionsCommand, DescribeAvailabilityZonesCommand, DescribeInstanceTypesCommand, DescribeVpcsCommand, DescribeAccountAttributesCommand } from '@aws-sdk/client-ec2';
import { systemClock } from '../../../src/clock.js';
import { handleApiRequest, type MountedService, type PipelineDeps } from '../../../src/http/pipeline.js';
import type { ServiceName } from '../../../src/http/route.js';
import { createCodec, loadServiceModel } from '../../../src/protocol/index.js';
import { createSigningKeyCache } from '../../../src/sigv4/index.js';
import { resolveCredentials } from '../../../src/authz/authenticate.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { bootstrapOrganization, createMemberAccount, type BootstrapInfo } from '../../../src/services/accounts/index.js';
import { createOrganizationsService } from '../../../src/services/organizations/index.js';
import { createEc2Service } from '../../../src/services/ec2/index.js';

interface Env {
  store: Store;
  boot: BootstrapInfo;
  deps: PipelineDeps;
}

async function env(): Promise<Env> {
  const store = await openStore({ dataDir: ':memory:' });
  const clock = systemClock(); // the SDK signs with the real time
  const boot = (await bootstrapOrganization(store, clock, {}))!;
  const services = new Map<ServiceName, MountedService>();
  services.set('organizations', { definition: createOrganizationsService(), codec: createCodec(loadServiceModel('organizations')) });
  services.set('ec2', { definition: createEc2Service(), codec: createCodec(loadServiceModel('ec2')) });
  const deps: PipelineDeps = {
    store,
    clock,
    services,
    signingKeys: createSigningKeyCache(64),
    serviceDeps: {},
    resolveCredentials: (id, token, now) => resolveCredentials(store, id, token, now),
    log: () => {},
  };
  return { store, boot, deps };
}

/** An SDK request handler that feeds kamen's pipeline directly. */
function handler(deps: PipelineDeps) {
  return {
    async handle(request: any) {
      const chunks: Buffer[] = [];
      const body = request.body;
      if (typeof body === 'string') chunks.push(Buffer.from(body));
      else if (body instanceof Uint8Array) chunks.push(Buffer.from(body));
      else if (body && typeof body[Symbol.asyncIterator] === 'function') for await (const c of body) chunks.push(Buffer.from(c));
      const query = new URLSearchParams(request.query ?? {}).toString();
      const res = await handleApiRequest(
        deps,
        { method: request.method, path: request.path, query, headers: request.headers, body: Buffer.concat(chunks), host: request.hostname },
        { sourceIp: '127.0.0.1', secureTransport: true },
      );
      assert.ok(res, 'a service claims the request');
      return { response: { statusCode: res.status, reason: '', headers: res.headers, body: Readable.from([Buffer.from(res.body)]) } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

function clients(e: Env, creds: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1') {
  const common = { region, credentials: creds, requestHandler: handler(e.deps) as any, maxAttempts: 1 };
  return { org: new OrganizationsClient(common), ec2: new EC2Client(common) };
}

test('SDK: Organizations describe, create account, roots, OUs, move, list, errors', async () => {
  const e = await env();
  try {
    const { org } = clients(e, e.boot);
    const d = await org.send(new DescribeOrganizationCommand({}));
    assert.equal(d.Organization?.Id, e.boot.organizationId);
    assert.equal(d.Organization?.MasterAccountId, e.boot.managementAccountId);
    assert.deepEqual(d.Organization?.AvailablePolicyTypes, [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }]);

    const c = await org.send(new CreateAccountCommand({ AccountName: 'dev', Email: 'dev@example.com' }));
    assert.equal(c.CreateAccountStatus?.State, 'SUCCEEDED');
    assert.ok(c.CreateAccountStatus?.RequestedTimestamp instanceof Date);
    const devId = c.CreateAccountStatus!.AccountId!;
    const acct = await org.send(new DescribeAccountCommand({ AccountId: devId }));
    assert.equal(acct.Account?.Name, 'dev');
    assert.ok(acct.Account?.JoinedTimestamp instanceof Date);

    const roots = await org.send(new ListRootsCommand({}));
    const rootId = roots.Roots![0]!.Id!;
    assert.equal(roots.Roots![0]!.Name, 'Root');
    const ou = await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'eng' }));
    await org.send(new MoveAccountCommand({ AccountId: devId, SourceParentId: rootId, DestinationParentId: ou.OrganizationalUnit!.Id! }));
    const inOu = await org.send(new ListAccountsForParentCommand({ ParentId: ou.OrganizationalUnit!.Id! }));
    assert.deepEqual(inOu.Accounts?.map((a) => a.Id), [devId]);
    const kids = await org.send(new ListChildrenCommand({ ParentId: rootId, ChildType: 'ORGANIZATIONAL_UNIT' }));
    assert.deepEqual(kids.Children, [{ Id: ou.OrganizationalUnit!.Id!, Type: 'ORGANIZATIONAL_UNIT' }]);
    const pols = await org.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }));
    assert.deepEqual(pols.Policies?.map((p) => [p.Id, p.AwsManaged]), [['p-FullAWSAccess', true]]);

    const list = await org.send(new ListAccountsCommand({ MaxResults: 1 }));
    assert.equal(list.Accounts?.length, 1);
    assert.ok(list.NextToken);
    const rest = await org.send(new ListAccountsCommand({ MaxResults: 1, NextToken: list.NextToken }));
    assert.equal(rest.Accounts?.length, 1);
    assert.notEqual(rest.Accounts![0]!.Id, list.Accounts![0]!.Id);

    await assert.rejects(org.send(new MoveAccountCommand({ AccountId: devId, SourceParentId: rootId, DestinationParentId: ou.OrganizationalUnit!.Id! })), (err: any) => {
      assert.equal(err.name, 'DuplicateAccountException');
      assert.equal(err.message, 'That account is already present in the specified destination.');
      return true;
    });
    await assert.rejects(org.send(new DescribeAccountCommand({ AccountId: '123123123123' })), (err: any) => {
      assert.equal(err.name, 'AccountNotFoundException');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });

    // a member account's root: DescribeOrganization works, ListAccounts is denied
    const member = await createMemberAccount(e.store, e.deps.clock, { name: 'qa', accountId: '111111111111', email: 'qa@example.com' });
    const m = clients(e, member);
    assert.equal((await m.org.send(new DescribeOrganizationCommand({}))).Organization?.Id, e.boot.organizationId);
    await assert.rejects(m.org.send(new ListAccountsCommand({})), (err: any) => {
      assert.equal(err.name, 'AccessDeniedException');
      assert.equal(err.message, "You don't have permissions to access this resource.");
      return true;
    });
  } finally {
    await e.store.close();
  }
});

test('SDK: EC2 describes render through the EC2 codec and parse in the real client', async () => {
  const e = await env();
  try {
    const { ec2 } = clients(e, e.boot, 'ap-northeast-1');
    const regions = await ec2.send(new DescribeRegionsCommand({}));
    assert.ok(regions.Regions!.some((r) => r.RegionName === 'ap-northeast-1' && r.Endpoint === 'ec2.ap-northeast-1.amazonaws.com' && r.OptInStatus === 'opt-in-not-required'));
    const eu = await ec2.send(new DescribeRegionsCommand({ Filters: [{ Name: 'region-name', Values: ['eu-west-*'] }] }));
    assert.deepEqual(eu.Regions!.map((r) => r.RegionName).sort(), ['eu-west-1', 'eu-west-2', 'eu-west-3']);

    const azs = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(azs.AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId, z.State]), [
      ['ap-northeast-1a', 'apne1-az4', 'available'],
      ['ap-northeast-1c', 'apne1-az1', 'available'],
      ['ap-northeast-1d', 'apne1-az2', 'available'],
    ]);

    const it = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro'] }));
    const t = it.InstanceTypes![0]!;
    assert.equal(t.InstanceType, 't3.micro');
    assert.equal(t.VCpuInfo?.DefaultVCpus, 2);
    assert.equal(t.MemoryInfo?.SizeInMiB, 1024);
    assert.equal(t.FreeTierEligible, true);
    assert.deepEqual(t.ProcessorInfo?.SupportedArchitectures, ['x86_64']);
    assert.equal(t.ProcessorInfo?.SustainedClockSpeedInGhz, 2.5);
    assert.equal(t.NetworkInfo?.NetworkPerformance, 'Up to 5 Gigabit');
    const paged = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5, Filters: [{ Name: 'instance-type', Values: ['c7g.*'] }] }));
    assert.equal(paged.InstanceTypes!.length, 5);
    assert.ok(paged.NextToken);
    const next = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5, NextToken: paged.NextToken, Filters: [{ Name: 'instance-type', Values: ['c7g.*'] }] }));
    assert.ok(next.InstanceTypes!.length > 0);
    await assert.rejects(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['x9.huge' as any] })), (err: any) => err.name === 'InvalidInstanceType');

    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    assert.equal(vpcs.Vpcs!.length, 1);
    assert.equal(vpcs.Vpcs![0]!.IsDefault, true);
    assert.equal(vpcs.Vpcs![0]!.CidrBlock, '172.31.0.0/16');
    assert.equal(vpcs.Vpcs![0]!.OwnerId, e.boot.managementAccountId);
    assert.equal(vpcs.Vpcs![0]!.CidrBlockAssociationSet![0]!.CidrBlockState?.State, 'associated');
    await assert.rejects(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-00000000000000000'] })), (err: any) => err.name === 'InvalidVpcID.NotFound');

    const attrs = await ec2.send(new DescribeAccountAttributesCommand({}));
    const dv = attrs.AccountAttributes!.find((a) => a.AttributeName === 'default-vpc');
    assert.equal(dv?.AttributeValues?.[0]?.AttributeValue, vpcs.Vpcs![0]!.VpcId);
  } finally {
    await e.store.close();
  }
});
