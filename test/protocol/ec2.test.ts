import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EC2Client, DescribeRegionsCommand, DescribeVpcsCommand, DescribeInstanceTypesCommand, DescribeAccountAttributesCommand } from '@aws-sdk/client-ec2';
import { createCodec, loadServiceModel } from '../../src/protocol/index.js';
import { KamenError } from '../../src/errors.js';
import { clientConfig, formRequest, startCodecServer } from './harness.js';

const codec = createCodec(loadServiceModel('ec2'));
const DENIED =
  'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/bob is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action. Encoded authorization failure message: ENC123';

describe('ec2 codec', () => {
  let server: Awaited<ReturnType<typeof startCodecServer>>;
  let handler: (op: string, input: Record<string, unknown>) => unknown = () => ({});
  let ec2: EC2Client;
  before(async () => {
    server = await startCodecServer(codec, (op, input) => handler(op, input));
    ec2 = new EC2Client(clientConfig(server.endpoint));
  });
  after(() => server.close());

  it('DescribeRegions: input from the SDK and <item> lists parsed back', async () => {
    handler = () => ({ Regions: [{ RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' }, { RegionName: 'eu-west-1', Endpoint: 'ec2.eu-west-1.amazonaws.com' }] });
    const out = await ec2.send(new DescribeRegionsCommand({ AllRegions: true, RegionNames: ['us-east-1', 'eu-west-1'], Filters: [{ Name: 'opt-in-status', Values: ['opted-in', 'opt-in-not-required'] }] }));
    assert.deepEqual(server.last.input, { AllRegions: true, RegionNames: ['us-east-1', 'eu-west-1'], Filters: [{ Name: 'opt-in-status', Values: ['opted-in', 'opt-in-not-required'] }] });
    assert.deepEqual(out.Regions?.map((r) => r.RegionName), ['us-east-1', 'eu-west-1']);
    assert.equal(out.Regions?.[0]?.Endpoint, 'ec2.us-east-1.amazonaws.com');
    assert.equal(out.Regions?.[0]?.OptInStatus, 'opt-in-not-required');
    assert.equal(out.$metadata.requestId, 'c0ffee00-0000-4000-8000-000000000001');
  });

  it('DescribeVpcs with tags and NextToken', async () => {
    handler = () => ({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '172.31.0.0/16', IsDefault: true, State: 'available', Tags: [{ Key: 'Name', Value: 'default' }] }], NextToken: 'tok' });
    const out = await ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-1'], MaxResults: 5 }));
    assert.deepEqual(server.last.input, { VpcIds: ['vpc-1'], MaxResults: 5 });
    assert.equal(out.Vpcs?.[0]?.VpcId, 'vpc-1');
    assert.equal(out.Vpcs?.[0]?.IsDefault, true);
    assert.deepEqual(out.Vpcs?.[0]?.Tags, [{ Key: 'Name', Value: 'default' }]);
    assert.equal(out.NextToken, 'tok');
  });

  it('DescribeInstanceTypes nested structures and numbers', async () => {
    handler = () => ({ InstanceTypes: [{ InstanceType: 't3.micro', CurrentGeneration: true, VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 1024 }, ProcessorInfo: { SupportedArchitectures: ['x86_64'] } }] });
    const out = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro'] }));
    assert.deepEqual(server.last.input, { InstanceTypes: ['t3.micro'] });
    const t = out.InstanceTypes?.[0];
    assert.equal(t?.VCpuInfo?.DefaultVCpus, 2);
    assert.equal(t?.MemoryInfo?.SizeInMiB, 1024);
    assert.deepEqual(t?.ProcessorInfo?.SupportedArchitectures, ['x86_64']);
  });

  it('DescribeAccountAttributes', async () => {
    handler = () => ({ AccountAttributes: [{ AttributeName: 'supported-platforms', AttributeValues: [{ AttributeValue: 'VPC' }] }] });
    const out = await ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['supported-platforms'] }));
    assert.deepEqual(server.last.input, { AttributeNames: ['supported-platforms'] });
    assert.equal(out.AccountAttributes?.[0]?.AttributeValues?.[0]?.AttributeValue, 'VPC');
  });

  it('UnauthorizedOperation: SDK error name, status and message', async () => {
    handler = () => {
      throw new KamenError('ERR_ACCESS_DENIED', DENIED, { encodedMessage: 'ENC123' });
    };
    await assert.rejects(ec2.send(new DescribeVpcsCommand({})), (err: any) => {
      assert.equal(err.name, 'UnauthorizedOperation');
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.equal(err.message, DENIED);
      return true;
    });
  });

  it('error body shape', () => {
    const res = codec.renderError(new KamenError('ERR_EC2_VPC_NOT_FOUND', "The vpc ID 'vpc-x' does not exist"), 'rid');
    assert.equal(res.status, 400);
    assert.equal(res.body, `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID &apos;vpc-x&apos; does not exist</Message></Error></Errors><RequestID>rid</RequestID></Response>`);
  });

  it('result envelope', () => {
    const res = codec.renderResult('DescribeRegions', { Regions: [{ RegionName: 'us-east-1' }] }, 'rid');
    assert.equal(res.body, '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>rid</requestId><regionInfo><item><regionName>us-east-1</regionName></item></regionInfo></DescribeRegionsResponse>');
  });

  it('unknown action and bad integer', () => {
    const bad = formRequest('Action=RunInstances&Version=2016-11-15');
    assert.throws(() => codec.parseInput('RunInstances', bad), (e: any) => e.code === 'ERR_INVALID_ACTION' && e.message === 'The action RunInstances is not valid for this web service.');
    const nan = formRequest('Action=DescribeVpcs&Version=2016-11-15&MaxResults=abc');
    assert.throws(() => codec.parseInput('DescribeVpcs', nan), (e: any) => e.code === 'ERR_INVALID_PARAMETER_VALUE');
  });
});
