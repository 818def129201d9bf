/** The EC2 service (EC2 Query dialect): the describe calls an identity plane needs (regions, AZs, instance types, VPCs). */
import { KamenError } from '../../errors.js';
import type { Operation, ServiceDefinition, ServiceDeps } from '../types.js';
import { describeInstanceTypes } from './instance-types.js';
import { describeAvailabilityZones, describeRegions } from './regions.js';
import { describeAccountAttributes, describeVpcs } from './vpcs.js';

export { defaultVpc } from './vpcs.js';
export { REGIONS, ZONES, isKnownRegion } from './regions.js';
export { INSTANCE_TYPES } from './instance-types.js';

/** Wraps a describe so DryRun=true (the caller is already authorized by then) answers DryRunOperation. */
function dryRunAware(op: Operation): Operation {
  return async (ctx, input: { DryRun?: boolean }) => {
    if (input?.DryRun === true) throw new KamenError('ERR_EC2_DRY_RUN_OPERATION', 'Request would have succeeded, but DryRun flag is set.');
    return op(ctx, input ?? {});
  };
}

/** Builds the EC2 ServiceDefinition. */
export function createEc2Service(_deps: ServiceDeps = {}): ServiceDefinition {
  return {
    name: 'ec2',
    protocol: 'ec2',
    operations: {
      DescribeRegions: dryRunAware(describeRegions()),
      DescribeAvailabilityZones: dryRunAware(describeAvailabilityZones()),
      DescribeInstanceTypes: dryRunAware(describeInstanceTypes()),
      DescribeVpcs: dryRunAware(describeVpcs()),
      DescribeAccountAttributes: dryRunAware(describeAccountAttributes()),
    },
  };
}
