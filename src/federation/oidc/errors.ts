/** AWS's wording for the ways AssumeRoleWithWebIdentity refuses a token, as KamenError factories. */
import { KamenError } from '../../errors.js';

/** InvalidIdentityToken: the token is not a JWT (or not an ID token). */
export const notJwt = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
/** InvalidIdentityToken: no OIDC provider for the token's issuer in the role's account. */
export const noProvider = (issuer: string): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', `No OpenIDConnect provider found in your account for ${issuer}`);
/** InvalidIdentityToken: the issuer's keys hold no key that verifies the token. */
export const noKey = (): KamenError =>
  new KamenError('ERR_INVALID_IDENTITY_TOKEN', "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
/** IDPCommunicationError: the issuer's discovery document or keys could not be fetched. */
export const unreachable = (): KamenError =>
  new KamenError('ERR_IDP_COMMUNICATION_ERROR', "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
/** InvalidIdentityToken: the signature does not verify, or the algorithm is not one AWS accepts. */
export const badSignature = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Signature verification failed');
/** InvalidIdentityToken: `aud` names none of the provider's client IDs. */
export const wrongAudience = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Incorrect token audience');
/** InvalidIdentityToken: a required claim is missing or not of its type. */
export const badClaims = (what: string): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', `Invalid ${what} claim in the ID Token`);
/** ExpiredTokenException: `exp` has passed. */
export const expired = (nowSec: number, exp: number): KamenError =>
  new KamenError('ERR_EXPIRED_TOKEN_EXCEPTION', `Token expired: current date/time ${nowSec} must be before the expiration date/time${exp}`);
/** InvalidIdentityToken: `nbf` or `iat` is in the future. */
export const notYetValid = (): KamenError => new KamenError('ERR_INVALID_IDENTITY_TOKEN', 'Token is not yet valid');
