/** DescribeInstanceTypes over the catalog in data/instance-types.json (filters, InstanceTypes, paging). */
import { KamenError } from '../../errors.js';
import type { Operation } from '../types.js';
import catalog from './data/instance-types.json' with { type: 'json' };
import { compileFilters, pageItems, type Ec2Filter, type FilterTable } from './filters.js';

/** One catalog entry: the InstanceTypeInfo shape (the fields kamen records). */
export interface InstanceTypeInfo {
  InstanceType: string;
  CurrentGeneration: boolean;
  FreeTierEligible: boolean;
  SupportedUsageClasses: string[];
  SupportedRootDeviceTypes: string[];
  SupportedVirtualizationTypes: string[];
  BareMetal: boolean;
  Hypervisor?: string;
  ProcessorInfo: { SupportedArchitectures: string[]; SustainedClockSpeedInGhz: number; Manufacturer: string };
  VCpuInfo: { DefaultVCpus: number; DefaultCores: number; DefaultThreadsPerCore: number };
  MemoryInfo: { SizeInMiB: number };
  InstanceStorageSupported: boolean;
  EbsInfo: { EbsOptimizedSupport: string; EncryptionSupport: string; NvmeSupport: string };
  NetworkInfo: {
    NetworkPerformance: string;
    MaximumNetworkInterfaces: number;
    Ipv4AddressesPerInterface: number;
    Ipv6AddressesPerInterface: number;
    Ipv6Supported: boolean;
    EnaSupport: string;
    EfaSupported: boolean;
    EncryptionInTransitSupported: boolean;
    [k: string]: unknown;
  };
  PlacementGroupInfo: { SupportedStrategies: string[] };
  HibernationSupported: boolean;
  BurstablePerformanceSupported: boolean;
  DedicatedHostsSupported: boolean;
  AutoRecoverySupported: boolean;
  SupportedBootModes: string[];
}

/** The instance type catalog, in catalog order. */
export const INSTANCE_TYPES: readonly InstanceTypeInfo[] = catalog as InstanceTypeInfo[];
const BY_NAME = new Map(INSTANCE_TYPES.map((t) => [t.InstanceType, t]));

const FILTERS: FilterTable<InstanceTypeInfo> = {
  'instance-type': (t) => [t.InstanceType],
  'current-generation': (t) => [t.CurrentGeneration],
  'free-tier-eligible': (t) => [t.FreeTierEligible],
  'bare-metal': (t) => [t.BareMetal],
  'burstable-performance-supported': (t) => [t.BurstablePerformanceSupported],
  'dedicated-hosts-supported': (t) => [t.DedicatedHostsSupported],
  'auto-recovery-supported': (t) => [t.AutoRecoverySupported],
  'hibernation-supported': (t) => [t.HibernationSupported],
  hypervisor: (t) => [t.Hypervisor],
  'instance-storage-supported': (t) => [t.InstanceStorageSupported],
  'memory-info.size-in-mib': (t) => [t.MemoryInfo.SizeInMiB],
  'processor-info.supported-architecture': (t) => t.ProcessorInfo.SupportedArchitectures,
  'processor-info.sustained-clock-speed-in-ghz': (t) => [t.ProcessorInfo.SustainedClockSpeedInGhz],
  'processor-info.manufacturer': (t) => [t.ProcessorInfo.Manufacturer],
  'vcpu-info.default-vcpus': (t) => [t.VCpuInfo.DefaultVCpus],
  'vcpu-info.default-cores': (t) => [t.VCpuInfo.DefaultCores],
  'vcpu-info.default-threads-per-core': (t) => [t.VCpuInfo.DefaultThreadsPerCore],
  'network-info.network-performance': (t) => [t.NetworkInfo.NetworkPerformance],
  'network-info.maximum-network-interfaces': (t) => [t.NetworkInfo.MaximumNetworkInterfaces],
  'network-info.ipv4-addresses-per-interface': (t) => [t.NetworkInfo.Ipv4AddressesPerInterface],
  'network-info.ipv6-addresses-per-interface': (t) => [t.NetworkInfo.Ipv6AddressesPerInterface],
  'network-info.ipv6-supported': (t) => [t.NetworkInfo.Ipv6Supported],
  'network-info.ena-support': (t) => [t.NetworkInfo.EnaSupport],
  'network-info.efa-supported': (t) => [t.NetworkInfo.EfaSupported],
  'network-info.encryption-in-transit-supported': (t) => [t.NetworkInfo.EncryptionInTransitSupported],
  'ebs-info.ebs-optimized-support': (t) => [t.EbsInfo.EbsOptimizedSupport],
  'ebs-info.encryption-support': (t) => [t.EbsInfo.EncryptionSupport],
  'ebs-info.nvme-support': (t) => [t.EbsInfo.NvmeSupport],
  'placement-group-info.supported-strategies': (t) => t.PlacementGroupInfo.SupportedStrategies,
  'supported-boot-mode': (t) => t.SupportedBootModes,
  'supported-root-device-type': (t) => t.SupportedRootDeviceTypes,
  'supported-usage-class': (t) => t.SupportedUsageClasses,
  'supported-virtualization-type': (t) => t.SupportedVirtualizationTypes,
};

/** DescribeInstanceTypes: MaxResults 5..100 (default 100 per page), NextToken, InstanceTypes, Filters. */
export const describeInstanceTypes = (): Operation => async (
  _ctx,
  input: { InstanceTypes?: string[]; Filters?: Ec2Filter[]; MaxResults?: number; NextToken?: string },
) => {
  const match = compileFilters(input.Filters, FILTERS);
  let list = INSTANCE_TYPES;
  if (input.InstanceTypes?.length) {
    const missing = input.InstanceTypes.filter((n) => !BY_NAME.has(n));
    if (missing.length) {
      throw new KamenError('ERR_EC2_INVALID_INSTANCE_TYPE', `The following supplied instance types do not exist: [${missing.join(', ')}]`);
    }
    const wanted = new Set(input.InstanceTypes);
    list = list.filter((t) => wanted.has(t.InstanceType));
  }
  const page = pageItems(list.filter(match), input, 'instance-types', { min: 5, max: 100, defaultSize: 100 });
  return { InstanceTypes: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
};
