/**
 * SAML response verification for AssumeRoleWithSAML and the console's POST /saml, as a pipeline read top to bottom:
 *   1. decode      base64 → XML text
 *   2. parse       safely: no DTD, entities, CDATA, comments or processing instructions (parse.ts)
 *   3. locate      a samlp:Response holding exactly one (Encrypted)Assertion, its direct child (locate.ts)
 *   4. signature   the Response's and/or the Assertion's enveloped signature, verified with xml-crypto against the
 *                  provider's metadata certificates only; the element read afterwards is re-parsed from the exact
 *                  canonical bytes that were signed (verify-signature.ts), so what is read is what was signed
 *   5. decrypt     an EncryptedAssertion with the provider's private keys (decrypt.ts)
 *   6. issuer      = the provider's entity ID (check-issuer.ts)
 *   7. audience    https://signin.aws.amazon.com/saml or urn:amazon:webservices (check-audience.ts)
 *   8. recipient   bearer confirmation Recipient and response Destination (check-recipient.ts)
 *   9. time        NotBefore / NotOnOrAfter with AWS's 5-minute skew (check-time.ts)
 *  10. replay      the assertion ID once per provider until it expires (check-replay.ts, in the store: bounded by expiry)
 *  11. attributes  Role, RoleSessionName, SessionDuration, PrincipalTag:*, TransitiveTagKeys, SourceIdentity (attributes.ts)
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { FederationStore, SamlProvider } from '../../store/store.js';
import { readAttributes, type SamlAttributes } from './attributes.js';
import { checkAudience } from './check-audience.js';
import { checkIssuer } from './check-issuer.js';
import { checkRecipient } from './check-recipient.js';
import { checkReplay } from './check-replay.js';
import { checkTime } from './check-time.js';
import { decryptAssertion } from './decrypt.js';
import { child, children, text } from './dom.js';
import { cannotDecrypt, malformed, notSuccess, signatureInvalid } from './errors.js';
import { locate } from './locate.js';
import { readIdpMetadata, type IdpMetadata } from './metadata.js';
import { NS, parseXml, type Accepted } from './parse.js';
import { signatureOf, verifyElementSignature } from './verify-signature.js';

export { readIdpMetadata, type IdpMetadata } from './metadata.js';
export { rolePair, type RolePair, type SamlAttributes } from './attributes.js';
export { CLOCK_SKEW_MS } from './check-time.js';

/** AWS's SAML endpoints: accepted as Recipient/Destination, and (with urn:amazon:webservices) as Audience. */
export const AWS_SAML_ENDPOINT = 'https://signin.aws.amazon.com/saml';
export const AWS_SAML_AUDIENCES: readonly string[] = [AWS_SAML_ENDPOINT, 'urn:amazon:webservices'];

/** What a verification needs besides the response. */
export interface SamlVerifyOptions {
  provider: SamlProvider;
  now: number;
  /** Accepted Recipient / Destination values (AWS's endpoint and kamen's own console ACS URLs). */
  recipients: Accepted;
  /** Accepted Audience values. */
  audiences: Accepted;
  store: Pick<FederationStore, 'consumeSamlAssertion'>;
  /** Parsed metadata by document text (the caller's bounded cache: certificates are not re-parsed per request). */
  metadataCache?: Map<string, IdpMetadata>;
}

/** The verified facts of an assertion. */
export interface SamlClaims {
  issuer: string;
  /** NameID value and its Format, reduced as AWS prints SubjectType (persistent, transient or the format URI). */
  subject: string;
  subjectType: string;
  /** The Recipient (AWS's saml:aud). */
  audience: string;
  assertionId: string;
  /** When the assertion stops being valid (ms). */
  notOnOrAfter: number;
  attributes: SamlAttributes;
}

const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** Metadata kept per cache (at most this many documents). */
const METADATA_CACHE_SIZE = 256;

function cachedMetadata(doc: string, cache: Map<string, IdpMetadata> | undefined): IdpMetadata {
  const hit = cache?.get(doc);
  if (hit) return hit;
  const md = readIdpMetadata(doc);
  if (cache) {
    if (cache.size >= METADATA_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(doc, md);
  }
  return md;
}

/** Base64 SAMLResponse → XML text (InvalidIdentityToken when it is not base64). */
export function decodeSamlResponse(b64: string): string {
  const compact = b64.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw malformed();
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** AWS's NameQualifier: base64(SHA-1(issuer + account ID + "/" + provider name)). */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(issuer + accountId + '/' + providerName).digest('base64');
}

/** The Role pairs of an unverified response (for the console to find which provider to verify with), no trust implied. */
export function unverifiedProviderArns(b64: string): string[] {
  const doc = parseXml(decodeSamlResponse(b64), malformed);
  const loc = locate(doc);
  if (!loc.assertion) return [];
  try {
    return [...new Set(readAttributes(loc.assertion).roles.map((r) => r.providerArn))];
  } catch {
    return [];
  }
}

/** Steps 1–5: the assertion whose bytes were signed by a metadata key (re-parsed from them), and the response. */
async function trustedAssertion(xml: string, provider: SamlProvider, certs: readonly string[]): Promise<{ assertion: Element; response: Element; encrypted: boolean }> {
  const doc = parseXml(xml, malformed);
  const loc = locate(doc);
  let response = loc.response;
  let assertion = loc.assertion;
  let encrypted = loc.encrypted;
  let assertionXml = xml;
  let assertionRoot: Element = doc.documentElement!;
  let responseSigned = false;
  const responseSig = signatureOf(response);
  if (responseSig) {
    const signed = verifyElementSignature(xml, doc.documentElement!, response, responseSig, certs);
    const trusted = parseXml(signed, signatureInvalid);
    const again = locate(trusted);
    if (trusted.documentElement!.getAttribute('ID') !== response.getAttribute('ID')) throw signatureInvalid();
    response = again.response;
    assertion = again.assertion;
    encrypted = again.encrypted;
    assertionXml = signed;
    assertionRoot = trusted.documentElement!;
    responseSigned = true;
  }
  if (encrypted) {
    const keys = provider.privateKeys.map((k) => k.privateKey);
    if (keys.length === 0) throw cannotDecrypt();
    assertionXml = await decryptAssertion(encrypted, keys);
    const plain = parseXml(assertionXml, malformed);
    assertion = plain.documentElement!;
    assertionRoot = assertion;
    if (assertion.namespaceURI !== NS.assertion || assertion.localName !== 'Assertion') throw malformed();
  } else if (provider.assertionEncryptionMode === 'Required') {
    throw cannotDecrypt();
  }
  if (!assertion) throw malformed();
  const assertionSig = signatureOf(assertion);
  if (assertionSig) {
    const signed = verifyElementSignature(assertionXml, assertionRoot, assertion, assertionSig, certs);
    const trusted = parseXml(signed, signatureInvalid).documentElement!;
    if (trusted.namespaceURI !== NS.assertion || trusted.localName !== 'Assertion' || trusted.getAttribute('ID') !== assertion.getAttribute('ID')) throw signatureInvalid();
    assertion = trusted;
  } else if (!responseSigned) {
    throw signatureInvalid();
  }
  return { assertion, response, encrypted: encrypted !== undefined };
}

/** Verifies a base64 SAMLResponse for `opts.provider` (steps 1–11) and returns its claims; AWS's errors otherwise. */
export async function verifySamlResponse(b64: string, opts: SamlVerifyOptions): Promise<SamlClaims> {
  const xml = decodeSamlResponse(b64);
  let certs: string[];
  let entityId: string;
  try {
    const md = cachedMetadata(opts.provider.metadataDocument, opts.metadataCache);
    certs = md.signingCerts;
    entityId = md.entityId;
  } catch {
    throw signatureInvalid();
  }
  const { assertion, response } = await trustedAssertion(xml, opts.provider, certs);
  const status = child(response, NS.protocol, 'Status', malformed);
  const code = status ? child(status, NS.protocol, 'StatusCode', malformed)?.getAttribute('Value') : undefined;
  if (status && code !== SUCCESS) throw notSuccess();
  const issuer = checkIssuer(assertion, response, entityId);
  const conditions = child(assertion, NS.assertion, 'Conditions', malformed);
  checkAudience(conditions, opts.audiences);
  const subject = child(assertion, NS.assertion, 'Subject', malformed);
  const { recipient, data } = checkRecipient(subject, response, opts.recipients);
  const end = checkTime(conditions, data, opts.now);
  const nameIdEl = subject ? children(subject, NS.assertion, 'NameID')[0] : undefined;
  const attributes = readAttributes(assertion);
  await checkReplay(opts.store, opts.provider.arn, assertion.getAttribute('ID'), end, opts.now);
  const format = nameIdEl?.getAttribute('Format') ?? '';
  const subjectType = format === PERSISTENT ? 'persistent' : format === TRANSIENT ? 'transient' : format;
  return {
    issuer,
    subject: text(nameIdEl) ?? '',
    subjectType,
    audience: recipient,
    assertionId: assertion.getAttribute('ID') ?? '',
    notOnOrAfter: end,
    attributes,
  };
}

const REGIONAL_ENDPOINT = /^https:\/\/[a-z]{2}(-[a-z]+)+-\d\.signin\.aws\.amazon\.com\/saml$/;

/** Recipients AWS accepts: its global and regional SAML endpoints, plus `extra` (kamen's own console ACS URLs). */
export function acceptedRecipients(extra: readonly string[] = []): Accepted {
  const set = new Set([AWS_SAML_ENDPOINT, ...extra]);
  return { has: (v) => set.has(v) || REGIONAL_ENDPOINT.test(v) };
}

/** Audiences AWS accepts: its SAML endpoints and urn:amazon:webservices, plus `extra`. */
export function acceptedAudiences(extra: readonly string[] = []): Accepted {
  const set = new Set([...AWS_SAML_AUDIENCES, ...extra]);
  return { has: (v) => set.has(v) || REGIONAL_ENDPOINT.test(v) };
}
