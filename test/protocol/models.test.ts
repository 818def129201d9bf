import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCodec, loadServiceModel, type ServiceModel } from '../../src/protocol/index.js';
import { formRequest } from './harness.js';

describe('generated models', () => {
  it('carry metadata, constraints and error shapes', () => {
    const iam = loadServiceModel('iam');
    assert.equal(iam.metadata.protocol, 'query');
    assert.equal(iam.metadata.xmlNamespace, 'https://iam.amazonaws.com/doc/2010-05-08/');
    assert.equal(iam.operations.CreateUser?.resultWrapper, 'CreateUserResult');
    assert.deepEqual(iam.shapes.userNameType, { type: 'string', min: 1, max: 64, pattern: '[\\w+=,.@-]+' });
    assert.deepEqual(iam.shapes.NoSuchEntityException?.error, { code: 'NoSuchEntity', httpStatusCode: 404, senderFault: true });
    const org = loadServiceModel('organizations');
    assert.equal(org.metadata.targetPrefix, 'AWSOrganizationsV20161128');
    assert.equal(org.metadata.jsonVersion, '1.1');
    const ec2 = loadServiceModel('ec2');
    assert.deepEqual(Object.keys(ec2.operations).sort(), ['DescribeAccountAttributes', 'DescribeAvailabilityZones', 'DescribeInstanceTypes', 'DescribeInstances', 'DescribeRegions', 'DescribeSecurityGroups', 'DescribeSubnets', 'DescribeVpcs']);
    assert.equal(loadServiceModel('sts').operations.GetCallerIdentity?.resultWrapper, 'GetCallerIdentityResult');
  });
});

describe('query decoder on a synthetic model (maps, flattened lists, nesting, timestamps)', () => {
  const model: ServiceModel = {
    metadata: { apiVersion: '2020-01-01', protocol: 'query', xmlNamespace: 'urn:x/' },
    operations: { Op: { input: 'In', output: 'Out' } },
    shapes: {
      In: { type: 'structure', members: { Attrs: { shape: 'Attrs' }, Flat: { shape: 'Flat' }, Nested: { shape: 'Nested' }, When: { shape: 'Ts' } } },
      Attrs: { type: 'map', key: { shape: 'Str' }, value: { shape: 'Str' } },
      Flat: { type: 'list', member: { shape: 'Str' }, flattened: true },
      Nested: { type: 'structure', members: { Inner: { shape: 'Int' } } },
      Out: { type: 'structure', members: { Attrs: { shape: 'Attrs' }, Flat: { shape: 'Flat' } } },
      Str: { type: 'string' },
      Int: { type: 'integer' },
      Ts: { type: 'timestamp' },
    },
  };
  const codec = createCodec(model);
  it('decodes', () => {
    const req = formRequest('Action=Op&Version=2020-01-01&Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.key=b&Attrs.entry.2.value=2&Flat.2=y&Flat.1=x&Nested.Inner=7&When=2023-08-19T01%3A33%3A23Z');
    assert.deepEqual(codec.parseInput('Op', req), { Attrs: { a: '1', b: '2' }, Flat: ['x', 'y'], Nested: { Inner: 7 }, When: new Date('2023-08-19T01:33:23Z') });
  });
  it('renders maps and flattened lists', () => {
    const res = codec.renderResult('Op', { Attrs: { k: 'v' }, Flat: ['p', 'q'] }, 'r');
    assert.equal(res.body, '<OpResponse xmlns="urn:x/"><OpResult><Attrs><entry><key>k</key><value>v</value></entry></Attrs><Flat>p</Flat><Flat>q</Flat></OpResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></OpResponse>');
  });
});
