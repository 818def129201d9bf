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

// eventResources keeps the places of an input's members as the bits of a number.
if (MEMBER_TYPES.length > 31) throw new Error('MEMBER_TYPES outgrew a bit mask');

/** The same table by member name: each member's place in it (looked up per member of the input: most inputs have a few). */
const PLACE_OF: ReadonlyMap<string, number> = new Map(MEMBER_TYPES.map(([m], at) => [m, at]));

/** The resources an event names (deduplicated, in MEMBER_TYPES order, then the output's), from the call's input and output. */
export function eventResources(input: Record<string, unknown> | undefined, output: unknown): StoredEvent['resources'] {
  const out: StoredEvent['resources'] = [];
  if (input) {
    // The places of the input's members that name resources, as bits (most inputs name none, one or two): read in
    // table order, with nothing allocated or sorted.
    let places = 0;
    for (const m in input) {
      const at = PLACE_OF.get(m);
      if (at !== undefined) places |= 1 << at;
    }
    for (let at = 0; places !== 0; at++, places >>>= 1) if (places & 1) add(out, MEMBER_TYPES[at]![1], input[MEMBER_TYPES[at]![0]]);
  }
  if (output && typeof output === 'object') {
    const o = output as Record<string, Record<string, unknown> | undefined>;
    add(out, 'AWS::IAM::AccessKey', o['Credentials']?.['AccessKeyId']);
    add(out, 'AWS::IAM::AccessKey', o['AccessKey']?.['AccessKeyId']);
    add(out, 'AWS::IAM::User', o['User']?.['UserName']);
    add(out, 'AWS::IAM::Role', o['Role']?.['RoleName']);
    add(out, 'AWS::IAM::Group', o['Group']?.['GroupName']);
  }
  return out;
}

/** Appends the resource (type, name) to `out` unless it is there, or the name is not a string or empty. */
function add(out: StoredEvent['resources'], type: string, name: unknown): void {
  if (typeof name !== 'string' || name === '') return;
  // A linear check: an event names a handful of resources at most, so no set is built per call.
  for (const r of out) if (r.ResourceName === name && r.ResourceType === type) return;
  out.push({ ResourceType: type, ResourceName: name });
}
