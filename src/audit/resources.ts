/** The Resources list LookupEvents returns for an event: the entities its request and response name. */
import type { StoredEvent } from '../store/store.js';

/** Input/output member → CloudTrail resource type. */
const MEMBER_TYPES: ReadonlyArray<[string, string]> = [
  ['UserName', 'AWS::IAM::User'],
  ['GroupName', 'AWS::IAM::Group'],
  ['RoleName', 'AWS::IAM::Role'],
  ['RoleArn', 'AWS::IAM::Role'],
  ['PolicyArn', 'AWS::IAM::Policy'],
  ['InstanceProfileName', 'AWS::IAM::InstanceProfile'],
  ['SerialNumber', 'AWS::IAM::MFADevice'],
  ['AccessKeyId', 'AWS::IAM::AccessKey'],
  ['RoleSessionName', 'AWS::STS::AssumedRoleSessionName'],
  ['SAMLProviderArn', 'AWS::IAM::SAMLProvider'],
  ['OpenIDConnectProviderArn', 'AWS::IAM::OidcProvider'],
  ['AccountId', 'AWS::Organizations::Account'],
  ['PolicyId', 'AWS::Organizations::Policy'],
  ['Bucket', 'AWS::S3::Bucket'],
];

/** The resources an event names (deduplicated), from the call's input and output. */
export function eventResources(input: Record<string, unknown> | undefined, output: unknown): StoredEvent['resources'] {
  const out: StoredEvent['resources'] = [];
  const seen = new Set<string>();
  const add = (type: string, name: unknown): void => {
    if (typeof name !== 'string' || name === '') return;
    const k = `${type}\u0000${name}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ ResourceType: type, ResourceName: name });
  };
  if (input) for (const [m, t] of MEMBER_TYPES) add(t, input[m]);
  if (output && typeof output === 'object') {
    const o = output as Record<string, Record<string, unknown> | undefined>;
    add('AWS::IAM::AccessKey', o['Credentials']?.['AccessKeyId']);
    add('AWS::IAM::AccessKey', o['AccessKey']?.['AccessKeyId']);
    add('AWS::IAM::User', o['User']?.['UserName']);
    add('AWS::IAM::Role', o['Role']?.['RoleName']);
    add('AWS::IAM::Group', o['Group']?.['GroupName']);
  }
  return out;
}
