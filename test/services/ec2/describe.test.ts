/** EC2 describes: regions, availability zones, instance types, the default VPC, account attributes (filters, paging, errors). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frozenClock } from '../../../src/clock.js';
import { isKamenError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import type { OperationContext } from '../../../src/services/types.js';
import { createEc2Service } from '../../../src/services/ec2/index.js';
import { globMatch } from '../../../src/services/ec2/filters.js';
import { readVectors } from '../../helpers/paths.js';

const A = '111111111111';
const B = '222222222222';
const svc = createEc2Service();
let store: Store;

async function call(op: string, input: Record<string, unknown> = {}, opts: { region?: string; account?: string } = {}): Promise<any> {
  store ??= await openStore({ dataDir: ':memory:' });
  const account = opts.account ?? A;
  const ctx: OperationContext = {
    requestId: 'r',
    caller: { kind: 'root', accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId: 'AKIAEXAMPLEEXAMPLE00' },
    store,
    clock: frozenClock(Date.UTC(2026, 0, 1)),
    region: opts.region ?? 'us-east-1',
    sourceIp: '127.0.0.1',
    secureTransport: true,
    deps: {},
  };
  return svc.operations[op]!(ctx, input);
}

function rejectsCode(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  return assert.rejects(p, (e: unknown) => {
    assert.ok(isKamenError(e), String(e));
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

const regions = readVectors<{ enabled: string[]; all: string[]; zones: Record<string, string[][]> }>('ec2', 'regions.json');
const types = readVectors<{ families: string[]; freeTier: string[]; specs: any[] }>('ec2', 'instance-types.json');

test.after(async () => {
  await store?.close();
});

test('globMatch: * and ? wildcards, escapes, exact match', () => {
  assert.equal(globMatch('t3.*', 't3.micro'), true);
  assert.equal(globMatch('t3.*', 't3a.micro'), false);
  assert.equal(globMatch('t?.micro', 't2.micro'), true);
  assert.equal(globMatch('t?.micro', 't3a.micro'), false);
  assert.equal(globMatch('a\\*b', 'a*b'), true);
  assert.equal(globMatch('a\\*b', 'axb'), false);
  assert.equal(globMatch('m5.large', 'm5.large'), true);
  assert.equal(globMatch('m5.large', 'm5xlarge'), false);
});

test('DescribeRegions: enabled regions by default, AllRegions, RegionNames, Filters', async () => {
  const def = await call('DescribeRegions');
  assert.deepEqual(def.Regions.map((r: any) => r.RegionName).sort(), regions.enabled);
  for (const r of def.Regions) {
    assert.equal(r.Endpoint, `ec2.${r.RegionName}.amazonaws.com`);
    assert.equal(r.OptInStatus, 'opt-in-not-required');
  }
  const all = await call('DescribeRegions', { AllRegions: true });
  assert.deepEqual(all.Regions.map((r: any) => r.RegionName).sort(), regions.all);
  assert.ok(all.Regions.some((r: any) => r.RegionName === 'af-south-1' && r.OptInStatus === 'not-opted-in'));

  assert.deepEqual(await call('DescribeRegions', { RegionNames: ['ap-northeast-1'] }), {
    Regions: [{ RegionName: 'ap-northeast-1', Endpoint: 'ec2.ap-northeast-1.amazonaws.com', OptInStatus: 'opt-in-not-required' }],
  });
  await rejectsCode(call('DescribeRegions', { RegionNames: ['us-east-9'] }), 'ERR_INVALID_PARAMETER_VALUE', 'Invalid region: [us-east-9]');

  const eu = await call('DescribeRegions', { Filters: [{ Name: 'region-name', Values: ['eu-*'] }] });
  assert.deepEqual(eu.Regions.map((r: any) => r.RegionName).sort(), regions.enabled.filter((r) => r.startsWith('eu-')));
  const optIn = await call('DescribeRegions', { AllRegions: true, Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }] });
  assert.deepEqual(optIn.Regions.map((r: any) => r.RegionName).sort(), regions.all.filter((r) => !regions.enabled.includes(r)));
  const ep = await call('DescribeRegions', { Filters: [{ Name: 'endpoint', Values: ['*us-west-2*'] }] });
  assert.deepEqual(ep.Regions.map((r: any) => r.RegionName), ['us-west-2']);
  // two values of one filter are OR-ed, two filters AND-ed
  const two = await call('DescribeRegions', { Filters: [{ Name: 'region-name', Values: ['us-east-1', 'eu-west-1'] }, { Name: 'endpoint', Values: ['*eu*'] }] });
  assert.deepEqual(two.Regions.map((r: any) => r.RegionName), ['eu-west-1']);
  await rejectsCode(call('DescribeRegions', { Filters: [{ Name: 'bogus', Values: ['x'] }] }), 'ERR_INVALID_PARAMETER_VALUE', "The filter 'bogus' is invalid");
  await rejectsCode(call('DescribeRegions', { DryRun: true }), 'ERR_EC2_DRY_RUN_OPERATION', 'Request would have succeeded, but DryRun flag is set.');
});

test('DescribeAvailabilityZones: per region, ZoneNames, ZoneIds, Filters', async () => {
  for (const [region, zones] of Object.entries(regions.zones)) {
    const out = await call('DescribeAvailabilityZones', {}, { region });
    assert.deepEqual(out.AvailabilityZones.map((z: any) => [z.ZoneName, z.ZoneId]), zones);
    for (const z of out.AvailabilityZones) {
      assert.equal(z.State, 'available');
      assert.equal(z.RegionName, region);
      assert.equal(z.ZoneType, 'availability-zone');
      assert.equal(z.NetworkBorderGroup, region);
      assert.equal(z.OptInStatus, 'opt-in-not-required');
      assert.ok(z.GroupName.startsWith(region));
      assert.deepEqual(z.Messages, []);
    }
  }
  // every region has zones named after it
  for (const region of regions.all) {
    const out = await call('DescribeAvailabilityZones', {}, { region });
    assert.ok(out.AvailabilityZones.length >= 2, region);
    for (const z of out.AvailabilityZones) assert.match(z.ZoneName, new RegExp(`^${region}[a-z]$`));
  }
  const one = await call('DescribeAvailabilityZones', { ZoneNames: ['ap-northeast-1c'] }, { region: 'ap-northeast-1' });
  assert.deepEqual(one.AvailabilityZones.map((z: any) => z.ZoneId), ['apne1-az1']);
  const byId = await call('DescribeAvailabilityZones', { ZoneIds: ['apne1-az4'] }, { region: 'ap-northeast-1' });
  assert.deepEqual(byId.AvailabilityZones.map((z: any) => z.ZoneName), ['ap-northeast-1a']);
  const filtered = await call('DescribeAvailabilityZones', { Filters: [{ Name: 'zone-name', Values: ['*d'] }] }, { region: 'ap-northeast-1' });
  assert.deepEqual(filtered.AvailabilityZones.map((z: any) => z.ZoneName), ['ap-northeast-1d']);
  const none = await call('DescribeAvailabilityZones', { Filters: [{ Name: 'state', Values: ['unavailable'] }] }, { region: 'ap-northeast-1' });
  assert.deepEqual(none.AvailabilityZones, []);
  await rejectsCode(call('DescribeAvailabilityZones', { ZoneNames: ['us-east-1a'] }, { region: 'ap-northeast-1' }), 'ERR_INVALID_PARAMETER_VALUE', 'Invalid availability zone: [us-east-1a]');
  await rejectsCode(call('DescribeAvailabilityZones', { Filters: [{ Name: 'nope', Values: ['x'] }] }), 'ERR_INVALID_PARAMETER_VALUE');
});

test('DescribeInstanceTypes: the catalog holds the required families with real specs', async () => {
  const all: any[] = [];
  let token: string | undefined;
  do {
    const page = await call('DescribeInstanceTypes', token ? { NextToken: token } : {});
    assert.ok(page.InstanceTypes.length <= 100);
    all.push(...page.InstanceTypes);
    token = page.NextToken;
  } while (token);
  const names = all.map((t) => t.InstanceType);
  assert.equal(new Set(names).size, names.length);
  for (const f of types.families) assert.ok(names.some((n) => n.startsWith(f + '.')), `family ${f}`);
  for (const s of types.specs) {
    const t = all.find((x) => x.InstanceType === s.type);
    assert.ok(t, s.type);
    assert.equal(t.VCpuInfo.DefaultVCpus, s.vcpus, s.type);
    assert.equal(t.MemoryInfo.SizeInMiB, s.mib, s.type);
    assert.deepEqual(t.ProcessorInfo.SupportedArchitectures, s.arch, s.type);
    assert.equal(t.Hypervisor, s.hypervisor, s.type);
    assert.equal(t.NetworkInfo.NetworkPerformance, s.network, s.type);
    assert.equal(t.BurstablePerformanceSupported, s.burstable, s.type);
    assert.equal(t.BareMetal, s.metal ?? false, s.type);
    if (s.manufacturer) assert.equal(t.ProcessorInfo.Manufacturer, s.manufacturer, s.type);
  }
  assert.deepEqual(all.filter((t) => t.FreeTierEligible).map((t) => t.InstanceType).sort(), [...types.freeTier].sort());
});

test('DescribeInstanceTypes: InstanceTypes, filters, paging and errors', async () => {
  const two = await call('DescribeInstanceTypes', { InstanceTypes: ['t3.micro', 'm5.large'] });
  assert.deepEqual(two.InstanceTypes.map((t: any) => t.InstanceType).sort(), ['m5.large', 't3.micro']);
  await rejectsCode(call('DescribeInstanceTypes', { InstanceTypes: ['t3.micro', 'x9.huge'] }), 'ERR_EC2_INVALID_INSTANCE_TYPE', 'The following supplied instance types do not exist: [x9.huge]');

  const t3 = await call('DescribeInstanceTypes', { Filters: [{ Name: 'instance-type', Values: ['t3.*'] }] });
  assert.deepEqual(t3.InstanceTypes.map((t: any) => t.InstanceType).sort(), ['t3.2xlarge', 't3.large', 't3.medium', 't3.micro', 't3.nano', 't3.small', 't3.xlarge']);
  const free = await call('DescribeInstanceTypes', { Filters: [{ Name: 'free-tier-eligible', Values: ['true'] }] });
  assert.deepEqual(free.InstanceTypes.map((t: any) => t.InstanceType).sort(), [...types.freeTier].sort());
  const arm = await call('DescribeInstanceTypes', { Filters: [{ Name: 'processor-info.supported-architecture', Values: ['arm64'] }] });
  assert.ok(arm.InstanceTypes.length > 0);
  assert.ok(arm.InstanceTypes.every((t: any) => /^(t4g|m7g|c7g)\./.test(t.InstanceType)));
  const i386 = await call('DescribeInstanceTypes', { Filters: [{ Name: 'processor-info.supported-architecture', Values: ['i386'] }] });
  assert.deepEqual(i386.InstanceTypes.map((t: any) => t.InstanceType).sort(), ['t2.medium', 't2.micro', 't2.nano', 't2.small']);
  const cur = await call('DescribeInstanceTypes', { Filters: [{ Name: 'current-generation', Values: ['true'] }, { Name: 'instance-type', Values: ['c6i.large', 'c6i.xlarge'] }] });
  assert.equal(cur.InstanceTypes.length, 2);
  const old = await call('DescribeInstanceTypes', { Filters: [{ Name: 'current-generation', Values: ['false'] }] });
  assert.deepEqual(old.InstanceTypes, []);
  const mem = await call('DescribeInstanceTypes', { Filters: [{ Name: 'vcpu-info.default-vcpus', Values: ['2'] }, { Name: 'memory-info.size-in-mib', Values: ['16384'] }] });
  assert.deepEqual(mem.InstanceTypes.map((t: any) => t.InstanceType).sort(), ['r5.large', 'r6i.large']);
  await rejectsCode(call('DescribeInstanceTypes', { Filters: [{ Name: 'colour', Values: ['red'] }] }), 'ERR_INVALID_PARAMETER_VALUE', "The filter 'colour' is invalid");

  // paging with MaxResults walks the filtered list exactly once
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await call('DescribeInstanceTypes', { MaxResults: 5, Filters: [{ Name: 'instance-type', Values: ['m*'] }], ...(token ? { NextToken: token } : {}) });
    assert.ok(page.InstanceTypes.length <= 5);
    seen.push(...page.InstanceTypes.map((t: any) => t.InstanceType));
    token = page.NextToken;
    pages++;
  } while (token);
  const mAll = (await call('DescribeInstanceTypes', { Filters: [{ Name: 'instance-type', Values: ['m*'] }] })).InstanceTypes.map((t: any) => t.InstanceType);
  assert.deepEqual(seen, mAll);
  assert.equal(pages, Math.ceil(mAll.length / 5));
  await rejectsCode(call('DescribeInstanceTypes', { MaxResults: 4 }), 'ERR_INVALID_PARAMETER_VALUE');
  await rejectsCode(call('DescribeInstanceTypes', { MaxResults: 101 }), 'ERR_INVALID_PARAMETER_VALUE');
  await rejectsCode(call('DescribeInstanceTypes', { NextToken: 'bogus' }), 'ERR_EC2_INVALID_NEXT_TOKEN');
});

test('DescribeVpcs: one deterministic default VPC per account and region', async () => {
  const a1 = (await call('DescribeVpcs')).Vpcs;
  assert.equal(a1.length, 1);
  const v = a1[0];
  assert.match(v.VpcId, /^vpc-[0-9a-f]{17}$/);
  assert.match(v.DhcpOptionsId, /^dopt-[0-9a-f]{17}$/);
  assert.equal(v.CidrBlock, '172.31.0.0/16');
  assert.equal(v.IsDefault, true);
  assert.equal(v.State, 'available');
  assert.equal(v.OwnerId, A);
  assert.equal(v.InstanceTenancy, 'default');
  assert.equal(v.CidrBlockAssociationSet.length, 1);
  assert.match(v.CidrBlockAssociationSet[0].AssociationId, /^vpc-cidr-assoc-[0-9a-f]{17}$/);
  assert.equal(v.CidrBlockAssociationSet[0].CidrBlock, '172.31.0.0/16');
  assert.deepEqual(v.CidrBlockAssociationSet[0].CidrBlockState, { State: 'associated' });
  // same account and region: same IDs; another region or account: different ones
  assert.deepEqual((await call('DescribeVpcs')).Vpcs, a1);
  const other = (await call('DescribeVpcs', {}, { region: 'eu-west-1' })).Vpcs[0];
  assert.notEqual(other.VpcId, v.VpcId);
  const b = (await call('DescribeVpcs', {}, { account: B })).Vpcs[0];
  assert.notEqual(b.VpcId, v.VpcId);
  assert.equal(b.OwnerId, B);

  assert.deepEqual((await call('DescribeVpcs', { VpcIds: [v.VpcId] })).Vpcs, a1);
  await rejectsCode(call('DescribeVpcs', { VpcIds: ['vpc-0123456789abcdef0'] }), 'ERR_EC2_VPC_NOT_FOUND', "The vpc ID 'vpc-0123456789abcdef0' does not exist");
  await rejectsCode(call('DescribeVpcs', { VpcIds: [b.VpcId] }), 'ERR_EC2_VPC_NOT_FOUND'); // another account's VPC
  assert.deepEqual((await call('DescribeVpcs', { Filters: [{ Name: 'is-default', Values: ['true'] }] })).Vpcs, a1);
  assert.deepEqual((await call('DescribeVpcs', { Filters: [{ Name: 'is-default', Values: ['false'] }] })).Vpcs, []);
  assert.deepEqual((await call('DescribeVpcs', { Filters: [{ Name: 'cidr-block-association.cidr-block', Values: ['172.31.*'] }] })).Vpcs, a1);
  assert.deepEqual((await call('DescribeVpcs', { Filters: [{ Name: 'owner-id', Values: [B] }] })).Vpcs, []);
  await rejectsCode(call('DescribeVpcs', { Filters: [{ Name: 'tag-soup', Values: ['x'] }] }), 'ERR_INVALID_PARAMETER_VALUE');
  await rejectsCode(call('DescribeVpcs', { MaxResults: 2 }), 'ERR_INVALID_PARAMETER_VALUE');
});

test('DescribeAccountAttributes: the six attributes; AttributeNames selects', async () => {
  const vpcId = (await call('DescribeVpcs', {}, { region: 'eu-central-1' })).Vpcs[0].VpcId;
  const out = await call('DescribeAccountAttributes', {}, { region: 'eu-central-1' });
  const map = Object.fromEntries(out.AccountAttributes.map((a: any) => [a.AttributeName, a.AttributeValues.map((v: any) => v.AttributeValue)]));
  assert.deepEqual(map, {
    'supported-platforms': ['VPC'],
    'vpc-max-security-groups-per-interface': ['5'],
    'max-elastic-ips': ['5'],
    'max-instances': ['20'],
    'vpc-max-elastic-ips': ['5'],
    'default-vpc': [vpcId],
  });
  const some = await call('DescribeAccountAttributes', { AttributeNames: ['default-vpc', 'supported-platforms'] }, { region: 'eu-central-1' });
  assert.deepEqual(some.AccountAttributes.map((a: any) => a.AttributeName).sort(), ['default-vpc', 'supported-platforms']);
  await rejectsCode(call('DescribeAccountAttributes', { AttributeNames: ['nope'] }), 'ERR_INVALID_PARAMETER_VALUE');
});
