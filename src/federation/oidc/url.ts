/**
 * OIDC issuer URLs as IAM keeps them: the provider's URL without its scheme (host[:port][/path]), the ARN's resource
 * part. kamen reaches an issuer over https, except a loopback host (127.0.0.0/8, ::1, localhost), reached over plain
 * http so tests can run an identity provider on a local port (AWS itself always requires https).
 */
import { KamenError } from '../../errors.js';

/** True when `host` (without port) is a loopback name or address. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** CreateOpenIDConnectProvider's Url → the stored form (no scheme, no trailing slash); InvalidInput otherwise. */
export function normalizeProviderUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new KamenError('ERR_INVALID_INPUT', 'Invalid URL.');
  }
  const loopback = isLoopbackHost(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new KamenError('ERR_INVALID_INPUT', "The URL must begin with 'https://'.");
  if (u.search || u.hash || u.username || u.password) throw new KamenError('ERR_INVALID_INPUT', 'Invalid URL.');
  return (u.host + u.pathname).replace(/\/+$/, '');
}

/** The issuer URL (with scheme) of a stored provider URL, as tokens spell `iss`. */
export function issuerOf(stored: string): string {
  const host = stored.split('/')[0]!.replace(/:\d+$/, '');
  return (isLoopbackHost(host) ? 'http://' : 'https://') + stored;
}

/** A token's `iss` → the stored provider URL form (scheme and trailing slash dropped); undefined when not a URL. */
export function storedFormOfIssuer(iss: string): string | undefined {
  const m = /^https?:\/\/(.+?)\/*$/.exec(iss);
  return m ? m[1] : undefined;
}
