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

/** The same table by member name (looked up per member of the input: most inputs have a few members, or none). */
const TYPE_OF: ReadonlyMap<string, string> = new Map(MEMBER_TYPES);

/** The resources an event names (deduplicated, in MEMBER_TYPES order, then the output's), from the call's input and output. */
export function eventResources(input: Record<string, unknown> | undefined, output: unknown): StoredEvent['resources'] {
  const out: StoredEvent['resources'] = [];
  // A linear check: an event names a handful of resources at most, so no set is built per call.
  const add = (type: string, name: unknown): void => {
    if (typeof name !== 'string' || name === '') return;
    for (const r of out) if (r.ResourceName === name && r.ResourceType === type) return;
    out.push({ ResourceType: type, ResourceName: name });
  };
  if (input) {
    let named = false;
    for (const m in input) if (TYPE_OF.has(m)) named = true;
    if (named) for (const [m, t] of MEMBER_TYPES) add(t, input[m]);
  }
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
