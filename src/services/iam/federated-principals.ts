/**
 * Trust-policy "Federated" principals that name an IAM identity provider (arn:aws:iam::A:saml-provider/N or
 * arn:aws:iam::A:oidc-provider/URL) must name one that exists, as IAM checks when the policy is saved; other federated
 * principals (accounts.google.com, cognito-identity.amazonaws.com, …) are kept as written.
 */
import { KamenError } from '../../errors.js';
import type { Store } from '../../store/store.js';

const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(saml-provider|oidc-provider)\/.+$/;

/** MalformedPolicyDocument for a federated principal IAM cannot resolve. */
function invalidFederated(value: string): KamenError {
  return new KamenError('ERR_MALFORMED_POLICY_DOCUMENT', `Invalid principal in policy: "Federated":${JSON.stringify(value)}`);
}

/** The "Federated" principal strings of a (valid JSON) policy document. */
export function federatedPrincipals(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const st = (doc as { Statement?: unknown } | null)?.Statement;
  const out: string[] = [];
  for (const s of Array.isArray(st) ? st : st ? [st] : []) {
    for (const key of ['Principal', 'NotPrincipal']) {
      const p = (s as Record<string, unknown> | null)?.[key];
      const f = p && typeof p === 'object' ? (p as Record<string, unknown>)['Federated'] : undefined;
      for (const v of Array.isArray(f) ? f : f !== undefined ? [f] : []) if (typeof v === 'string') out.push(v);
    }
  }
  return out;
}

/** Throws MalformedPolicyDocument when a federated principal names an IAM identity provider that does not exist. */
export async function checkFederatedPrincipals(store: Store, text: string): Promise<void> {
  for (const v of new Set(federatedPrincipals(text))) {
    const m = PROVIDER_ARN.exec(v);
    if (!m) continue;
    const found = m[1] === 'saml-provider' ? await store.getSamlProvider(v) : await store.getOidcProvider(v);
    if (!found) throw invalidFederated(v);
  }
}
