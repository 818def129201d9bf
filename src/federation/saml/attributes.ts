/**
 * Reads the AWS attributes of a verified assertion: Role (role and provider ARN pairs, either order, several values),
 * RoleSessionName, SessionDuration, PrincipalTag:*, TransitiveTagKeys, SourceIdentity; and the attributes AWS maps to
 * `saml:*` trust-policy condition keys.
 */
import type { Element } from '@xmldom/xmldom';
import { children, text } from './dom.js';
import { badSessionName, badSourceIdentity, malformed, missingSessionName } from './errors.js';
import { NS } from './parse.js';

const PREFIX = 'https://aws.amazon.com/SAML/Attributes/';
const NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE = /^arn:aws:iam::\d{12}:role\/.+$/;
const PROVIDER = /^arn:aws:iam::\d{12}:saml-provider\/[\w._-]+$/;

/** SAML attribute names AWS maps to `saml:<key>` condition keys (IAM User Guide, "Mapping SAML attributes"). */
const MAPPED: Readonly<Record<string, string>> = {
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': 'eduPersonAffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.2': 'eduPersonNickname',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.3': 'eduPersonOrgDN',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.4': 'eduPersonOrgUnitDN',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.5': 'eduPersonPrimaryAffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': 'eduPersonPrincipalName',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.7': 'eduPersonEntitlement',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.8': 'eduPersonPrimaryOrgUnitDN',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.9': 'eduPersonScopedAffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.10': 'eduPersonTargetedID',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.11': 'eduPersonAssurance',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.2': 'eduOrgHomePageURI',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.3': 'eduOrgIdentityAuthNPolicyURI',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.4': 'eduOrgLegalName',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.5': 'eduOrgSuperiorURI',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.6': 'eduOrgWhitePagesURI',
  'urn:oid:2.5.4.3': 'cn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': 'name',
  'http://schemas.xmlsoap.org/claims/CommonName': 'commonName',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': 'givenName',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': 'surname',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'mail',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid': 'uid',
  '2.5.4.3': 'commonName',
  '2.5.4.4': 'surname',
  '2.4.5.42': 'givenName',
  '2.5.4.45': 'x500UniqueIdentifier',
  '0.9.2342.19200300100.1.1': 'uid',
  '0.9.2342.19200300100.1.3': 'mail',
  '0.9.2342.19200300.100.1.45': 'organizationStatus',
};

/** One role the assertion maps the user to. */
export interface RolePair {
  roleArn: string;
  providerArn: string;
}

/** The AWS attributes of an assertion. */
export interface SamlAttributes {
  roles: RolePair[];
  roleSessionName: string;
  sessionDuration?: number;
  principalTags: Record<string, string>;
  transitiveTagKeys: string[];
  sourceIdentity?: string;
  /** `saml:<key>` condition keys from the mapped attributes. */
  conditionKeys: Record<string, string[]>;
}

/** Every Attribute of the assertion's AttributeStatements, by Name (values in order). */
export function attributeMap(assertion: Element): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const st of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const a of children(st, NS.assertion, 'Attribute')) {
      const name = a.getAttribute('Name') ?? '';
      const values = children(a, NS.assertion, 'AttributeValue').map((v) => text(v) ?? '');
      out.set(name, [...(out.get(name) ?? []), ...values]);
    }
  }
  return out;
}

/** Splits "role,provider" (either order) into a pair; undefined when the value is not such a pair. */
export function rolePair(value: string): RolePair | undefined {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2) return undefined;
  const [a, b] = parts as [string, string];
  if (ROLE.test(a) && PROVIDER.test(b)) return { roleArn: a, providerArn: b };
  if (ROLE.test(b) && PROVIDER.test(a)) return { roleArn: b, providerArn: a };
  return undefined;
}

/** Reads the AWS attributes, with AWS's errors for a missing or malformed RoleSessionName or SourceIdentity. */
export function readAttributes(assertion: Element): SamlAttributes {
  const attrs = attributeMap(assertion);
  const roles = (attrs.get(PREFIX + 'Role') ?? []).map(rolePair).filter((p): p is RolePair => p !== undefined);
  const names = attrs.get(PREFIX + 'RoleSessionName');
  if (!names || names.length === 0) throw missingSessionName();
  const roleSessionName = names[0]!;
  if (names.length !== 1 || !NAME.test(roleSessionName)) throw badSessionName();
  const out: SamlAttributes = { roles, roleSessionName, principalTags: {}, transitiveTagKeys: attrs.get(PREFIX + 'TransitiveTagKeys') ?? [], conditionKeys: {} };
  const duration = attrs.get(PREFIX + 'SessionDuration')?.[0];
  if (duration !== undefined) {
    const n = Number(duration);
    if (!Number.isInteger(n) || n < 900 || n > 43200) throw malformed();
    out.sessionDuration = n;
  }
  const source = attrs.get(PREFIX + 'SourceIdentity')?.[0];
  if (source !== undefined) {
    if (!NAME.test(source) || source.toLowerCase().startsWith('aws:')) throw badSourceIdentity();
    out.sourceIdentity = source;
  }
  for (const [name, values] of attrs) {
    if (name.startsWith(PREFIX + 'PrincipalTag:') && values[0] !== undefined) out.principalTags[name.slice(PREFIX.length + 'PrincipalTag:'.length)] = values[0];
    const key = MAPPED[name];
    if (key) out.conditionKeys[`saml:${key}`] = values;
  }
  return out;
}
