/** AWS's wording for every way an AssumeRoleWithSAML assertion is refused, as KamenError factories. */
import { KamenError } from '../../errors.js';

/** InvalidIdentityToken: the signature does not verify against the provider's metadata (or the wrong element is signed). */
export const signatureInvalid = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Response signature invalid');
/** InvalidIdentityToken: the document is not a SAML response kamen can read safely. */
export const malformed = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Invalid SAML response');
/** InvalidIdentityToken: the PrincipalArn names no SAML provider of that account. */
export const noProvider = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', "Specified provider doesn't exist");
/** InvalidIdentityToken: the assertion's Issuer is not the provider's entity ID. */
export const wrongIssuer = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Issuer not present in specified provider');
/** InvalidIdentityToken: no audience of the assertion is AWS. */
export const wrongAudience = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'SAML Assertion does not contain the required audience');
/** InvalidIdentityToken: the bearer confirmation's Recipient or the response's Destination is not AWS's SAML endpoint. */
export const wrongRecipient = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'SAML Response does not contain the required recipient');
/** InvalidIdentityToken: the assertion is not valid yet (NotBefore beyond the allowed clock skew). */
export const notYetValid = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'SAML Assertion is not yet valid');
/** ExpiredTokenException: the assertion's NotOnOrAfter has passed (beyond the allowed clock skew). */
export const expired = (): KamenError => new KamenError('ERR_EXPIRED_TOKEN_EXCEPTION', 'Token must be redeemed within 5 minutes of issuance');
/** InvalidIdentityToken: the assertion ID was already used. */
export const replayed = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'SAML Assertion has already been used');
/** InvalidIdentityToken: no RoleSessionName attribute. */
export const missingSessionName = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'RoleSessionName is required in AuthnResponse');
/** InvalidIdentityToken: the RoleSessionName attribute does not fit AWS's pattern. */
export const badSessionName = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}');
/** InvalidIdentityToken: the SourceIdentity attribute does not fit AWS's pattern. */
export const badSourceIdentity = (): KamenError =>
  new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"');
/** InvalidIdentityToken: the response's status is not Success. */
export const notSuccess = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'SAML Response status is not Success');
/** InvalidIdentityToken: the assertion is encrypted and the provider has no key that decrypts it (or it must be encrypted and is not). */
export const cannotDecrypt = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Unable to decrypt the SAML assertion');
