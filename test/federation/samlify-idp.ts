/**
 * samlify as a real SAML IdP for the e2e tests: its metadata goes into CreateSAMLProvider, and it signs the login
 * responses it issues to AWS's SAML endpoint (the assertion signed, as Google Workspace does; RSA-SHA256, exc-c14n).
 */
import * as samlify from 'samlify';
import { newSigner, responseXml, type ResponseSpec } from './idp.js';

/** An IdP that issues signed SAMLResponse values (base64) and publishes its metadata. */
export interface SamlifyIdp {
  entityId: string;
  metadata: string;
  /** A fresh signed response mapping the user to `roles` ("role,provider" pairs). */
  login(spec: { roles: string[]; nameId?: string; sessionName?: string; sessionDuration?: number; recipient?: string; now?: number }): Promise<string>;
}

/** Builds the IdP (no schema validation is needed: it only issues). */
export function samlifyIdp(entityId = 'https://idp.kamen.test/saml/metadata'): SamlifyIdp {
  samlify.setSchemaValidator({ validate: async () => 'skipped' });
  const signer = newSigner('samlify-idp');
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: signer.key,
    signingCert: signer.cert,
    singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: 'https://idp.kamen.test/sso' }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  });
  const spFor = (acs: string) =>
    samlify.ServiceProvider({
      entityID: 'urn:amazon:webservices',
      wantAssertionsSigned: true,
      assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: acs }],
    });
  return {
    entityId,
    metadata: idp.getMetadata(),
    async login(spec) {
      const recipient = spec.recipient ?? 'https://signin.aws.amazon.com/saml';
      const extra: Record<string, string[]> = {};
      if (spec.sessionDuration !== undefined) extra['https://aws.amazon.com/SAML/Attributes/SessionDuration'] = [String(spec.sessionDuration)];
      const rs: ResponseSpec = { issuer: entityId, now: spec.now ?? Date.now(), roles: spec.roles, recipient, extraAttributes: extra };
      if (spec.nameId) rs.nameId = spec.nameId;
      if (spec.sessionName) rs.sessionName = spec.sessionName;
      const xml = responseXml(rs);
      const id = /ID="([^"]+)"/.exec(xml)![1]!;
      const out = await idp.createLoginResponse(spFor(recipient), null as never, 'post', { email: spec.nameId ?? 'alice@example.com' }, () => ({ id, context: xml }));
      return out.context;
    },
  };
}
