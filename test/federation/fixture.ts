/** A world with one account, a SAML provider (Google) trusting an IdP signer, and roles trusting that provider. */
import { isKamenError, type KamenError } from '../../src/errors.js';
import { wireError } from '../../src/protocol/wire-errors.js';
import { samlProviderOperations } from '../../src/services/iam/saml-providers.js';
import { roleOperations } from '../../src/services/iam/roles.js';
import { loadManagedPolicyCatalog } from '../../src/services/iam/managed-catalog.js';
import type { Caller } from '../../src/services/types.js';
import { harness, type Harness } from '../authz/setup.js';
import { addAccount, callerFor, newWorld, opCtx, type World } from '../authz/world.js';
import { metadata, newSigner, type Signer } from './idp.js';

export const A = '222222222222';
export const ENTITY_ID = 'https://accounts.google.com/o/saml2?idpid=C0test';
export const PROVIDER_ARN = `arn:aws:iam::${A}:saml-provider/Google`;
export const ROLE_ARN = `arn:aws:iam::${A}:role/Bastion`;
export const ANONYMOUS: Caller = { kind: 'anonymous', accountId: '', arn: '', userId: 'anonymous', accessKeyId: '' };

/** The trust policy AWS's SAML wizard writes. */
export function samlTrust(providerArn = PROVIDER_ARN, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' }, ...extra },
      },
    ],
  });
}

export interface SamlWorld {
  w: World;
  h: Harness;
  idp: Signer;
  admin: Caller;
  iam(op: string, input: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

/** Builds the world: account A, its root as admin, provider Google (metadata of `idp`), role Bastion trusting it. */
export async function samlWorld(opts: { idp?: Signer; roleMaxSession?: number } = {}): Promise<SamlWorld> {
  const w = await newWorld();
  const rootKey = await addAccount(w, A);
  const admin = await callerFor(w, rootKey);
  const h = harness(w);
  const idp = opts.idp ?? newSigner();
  const ops = { ...samlProviderOperations(), ...roleOperations({ managedPolicies: loadManagedPolicyCatalog() }) };
  const iam = (op: string, input: Record<string, unknown>) => ops[op]!(opCtx(w, admin), input);
  await iam('CreateSAMLProvider', { Name: 'Google', SAMLMetadataDocument: metadata(ENTITY_ID, [idp]) });
  await iam('CreateRole', { RoleName: 'Bastion', AssumeRolePolicyDocument: samlTrust(), MaxSessionDuration: opts.roleMaxSession ?? 43200 });
  await iam('CreateRole', { RoleName: 'Other', AssumeRolePolicyDocument: samlTrust() });
  return { w, h, idp, admin, iam, close: () => w.close() };
}

/** The AWS wire form (code, status, message) of an error an operation threw. */
export function awsError(err: unknown): { code: string; status: number; message: string } {
  if (!isKamenError(err)) throw err;
  const e = err as KamenError;
  const wire = wireError(e.code, 'query');
  return { code: wire.code, status: wire.status, message: e.message };
}
