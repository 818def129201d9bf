/** X.509 signing certificates of IAM users: Upload/List/Update/Delete SigningCertificate, at most 2 per user. */
import { createHash, X509Certificate } from 'node:crypto';
import { KamenError } from '../../errors.js';
import type { UserCredential } from '../../store/store.js';
import type { Operation } from '../types.js';
import { account, paginate, type Input } from './common.js';
import { credentialUser, mustCredential, statusOf, userCredentials } from './user-credential-common.js';

/** IAM's quota of signing certificates per user. */
export const SIGNING_CERTIFICATES_PER_USER = 2;

const KIND = 'signing-certificate';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const missing = (id: string) => `The Certificate with id ${id} cannot be found.`;

/** The one PEM certificate in `body`, parsed; MalformedCertificate when it is not exactly one X.509 certificate. */
export function parseCertificate(body: string, what = 'Certificate'): X509Certificate {
  const blocks = body.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) throw new KamenError('ERR_MALFORMED_CERTIFICATE', `${what} is malformed.`);
  try {
    return new X509Certificate(blocks[0]!);
  } catch {
    throw new KamenError('ERR_MALFORMED_CERTIFICATE', `${what} is malformed.`);
  }
}

/** The certificate ID IAM gives a signing certificate: Base32 of the SHA-1 of its DER form (32 characters). */
export function certificateId(cert: X509Certificate): string {
  const digest = createHash('sha1').update(cert.raw).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function certOut(c: UserCredential): Input {
  return { UserName: c.userName, CertificateId: c.id, CertificateBody: c.data['body'], Status: c.status, UploadDate: c.createDate };
}

/** The signing certificate operations. */
export function signingCertificateOperations(): Record<string, Operation> {
  return {
    UploadSigningCertificate: async (ctx, input: Input) => {
      const body = String(input['CertificateBody']);
      const cert = parseCertificate(body);
      const now = ctx.clock.now();
      if (Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now) {
        throw new KamenError('ERR_INVALID_CERTIFICATE', 'The certificate is not valid at this time (check its validity dates).');
      }
      const id = certificateId(cert);
      return ctx.store.transaction(async () => {
        const user = await credentialUser(ctx, input);
        if (await ctx.store.getUserCredential(account(ctx), KIND, id)) throw new KamenError('ERR_DUPLICATE_CERTIFICATE', 'The certificate is already in use.');
        const certs = await userCredentials(ctx, user, KIND);
        if (certs.length >= SIGNING_CERTIFICATES_PER_USER) {
          throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for SigningCertificatesPerUser: ${SIGNING_CERTIFICATES_PER_USER}`);
        }
        const cred: UserCredential = {
          kind: KIND,
          id,
          accountId: account(ctx),
          userName: user.userName,
          userId: user.userId,
          status: 'Active',
          createDate: new Date(now),
          data: { body: cert.toString() },
        };
        await ctx.store.createUserCredential(cred);
        return { Certificate: certOut(cred) };
      });
    },

    ListSigningCertificates: async (ctx, input: Input) => {
      const user = await credentialUser(ctx, input);
      const page = paginate(await userCredentials(ctx, user, KIND), input);
      return { Certificates: page.items.map(certOut), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },

    UpdateSigningCertificate: async (ctx, input: Input) => {
      const status = statusOf(input);
      await ctx.store.transaction(async () => {
        const user = await credentialUser(ctx, input);
        const c = await mustCredential(ctx, user, KIND, String(input['CertificateId']), missing);
        await ctx.store.updateUserCredential(account(ctx), KIND, c.id, { status });
      });
      return {};
    },

    DeleteSigningCertificate: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const user = await credentialUser(ctx, input);
        const c = await mustCredential(ctx, user, KIND, String(input['CertificateId']), missing);
        await ctx.store.deleteUserCredential(account(ctx), KIND, c.id);
      });
      return {};
    },
  };
}
