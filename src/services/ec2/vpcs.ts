/** DescribeVpcs (the default VPC of each account and region) and DescribeAccountAttributes. */
import { createHash } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { Operation } from '../types.js';
import { compileFilters, pageItems, type Ec2Filter, type FilterTable } from './filters.js';
import { isKnownRegion } from './regions.js';

export interface Vpc {
  CidrBlock: string;
  DhcpOptionsId: string;
  State: string;
  VpcId: string;
  OwnerId: string;
  InstanceTenancy: string;
  CidrBlockAssociationSet: Array<{ AssociationId: string; CidrBlock: string; CidrBlockState: { State: string } }>;
  IsDefault: boolean;
}

function hex17(kind: string, accountId: string, region: string): string {
  return createHash('sha256').update(`${kind}:${accountId}:${region}`).digest('hex').slice(0, 17);
}

/** The default VPC of an account in a region; the IDs are derived from account and region, so they never change. */
export function defaultVpc(accountId: string, region: string): Vpc {
  const cidr = '172.31.0.0/16';
  return {
    CidrBlock: cidr,
    DhcpOptionsId: 'dopt-' + hex17('dopt', accountId, region),
    State: 'available',
    VpcId: 'vpc-' + hex17('vpc', accountId, region),
    OwnerId: accountId,
    InstanceTenancy: 'default',
    CidrBlockAssociationSet: [{ AssociationId: 'vpc-cidr-assoc-' + hex17('assoc', accountId, region), CidrBlock: cidr, CidrBlockState: { State: 'associated' } }],
    IsDefault: true,
  };
}

const VPC_FILTERS: FilterTable<Vpc> = {
  'vpc-id': (v) => [v.VpcId],
  'is-default': (v) => [v.IsDefault],
  cidr: (v) => [v.CidrBlock],
  'cidr-block-association.cidr-block': (v) => v.CidrBlockAssociationSet.map((a) => a.CidrBlock),
  'cidr-block-association.association-id': (v) => v.CidrBlockAssociationSet.map((a) => a.AssociationId),
  'cidr-block-association.state': (v) => v.CidrBlockAssociationSet.map((a) => a.CidrBlockState.State),
  'dhcp-options-id': (v) => [v.DhcpOptionsId],
  state: (v) => [v.State],
  'owner-id': (v) => [v.OwnerId],
  'instance-tenancy': (v) => [v.InstanceTenancy],
  'ipv6-cidr-block-association.ipv6-cidr-block': () => [],
  'ipv6-cidr-block-association.association-id': () => [],
  'ipv6-cidr-block-association.state': () => [],
  'ipv6-cidr-block-association.ipv6-pool': () => [],
};

/** DescribeVpcs: the caller's default VPC in the request's region (VpcIds, Filters, MaxResults 5..1000, NextToken). */
export const describeVpcs = (): Operation => async (ctx, input: { VpcIds?: string[]; Filters?: Ec2Filter[]; MaxResults?: number; NextToken?: string }) => {
  const match = compileFilters(input.Filters, VPC_FILTERS);
  const vpcs = isKnownRegion(ctx.region) ? [defaultVpc(ctx.caller.accountId, ctx.region)] : [];
  let list = vpcs;
  if (input.VpcIds?.length) {
    for (const id of input.VpcIds) {
      if (!vpcs.some((v) => v.VpcId === id)) throw new KamenError('ERR_EC2_VPC_NOT_FOUND', `The vpc ID '${id}' does not exist`);
    }
    list = list.filter((v) => input.VpcIds!.includes(v.VpcId));
  }
  const page = pageItems(list.filter(match), input, 'vpcs', { min: 5, max: 1000, defaultSize: 1000 });
  return { Vpcs: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
};

/** The account attributes AWS reports for a new account, in AWS's order. */
function accountAttributes(accountId: string, region: string): Array<{ AttributeName: string; AttributeValues: Array<{ AttributeValue: string }> }> {
  const v = (...values: string[]) => values.map((AttributeValue) => ({ AttributeValue }));
  return [
    { AttributeName: 'supported-platforms', AttributeValues: v('VPC') },
    { AttributeName: 'vpc-max-security-groups-per-interface', AttributeValues: v('5') },
    { AttributeName: 'max-elastic-ips', AttributeValues: v('5') },
    { AttributeName: 'max-instances', AttributeValues: v('20') },
    { AttributeName: 'vpc-max-elastic-ips', AttributeValues: v('5') },
    { AttributeName: 'default-vpc', AttributeValues: v(isKnownRegion(region) ? defaultVpc(accountId, region).VpcId : 'none') },
  ];
}

const ATTRIBUTE_NAMES = new Set(['supported-platforms', 'default-vpc', 'max-instances', 'vpc-max-security-groups-per-interface', 'max-elastic-ips', 'vpc-max-elastic-ips']);

/** DescribeAccountAttributes (optionally only the named AttributeNames). */
export const describeAccountAttributes = (): Operation => async (ctx, input: { AttributeNames?: string[] }) => {
  const names = input.AttributeNames ?? [];
  for (const n of names) {
    if (!ATTRIBUTE_NAMES.has(n)) throw new KamenError('ERR_INVALID_PARAMETER_VALUE', `Value (${n}) for parameter attributeName is invalid. Unknown attribute name`);
  }
  const all = accountAttributes(ctx.caller.accountId, ctx.region);
  return { AccountAttributes: names.length ? all.filter((a) => names.includes(a.AttributeName)) : all };
};
