/**
 * Server certificates: Upload/Get/List/Update/Delete ServerCertificate and their tags. An upload is checked as IAM
 * checks it: one PEM certificate in date, a private key that matches it, and a chain that signs it in order.
 */
import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { ServerCertificate } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, createTags, iamArn, paginate, pathOf, type Input } from './common.js';
import { parseCertificate } from './signing-certificates.js';
import { tagOperations } from './tagging.js';

/** IAM's quota of server certificates per account. */
export const SERVER_CERTIFICATES_PER_ACCOUNT = 20;

function noCert(name: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `The Server Certificate with name ${name} cannot be found.`);
}

async function mustCert(ctx: OperationContext, name: string): Promise<ServerCertificate> {
  const c = await ctx.store.getServerCertificate(account(ctx), name);
  if (!c) throw noCert(name);
  return c;
}

function parseKey(pem: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KamenError('ERR_MALFORMED_CERTIFICATE', 'Unable to parse private key. Please ensure the private key is in PEM format and not encrypted.');
  }
}

/** The certificates of a chain, in order; MalformedCertificate when a block does not parse. */
function parseChain(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new KamenError('ERR_MALFORMED_CERTIFICATE', 'Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.');
  return blocks.map((b) => parseCertificate(b, 'Certificate chain'));
}

/** Checks the upload: the certificate is in date, the key is its key, and each chain link signs the one before. */
export function checkServerCertificate(body: string, privateKey: string, chain: string | undefined, nowMs: number): X509Certificate {
  const cert = parseCertificate(body);
  const key = parseKey(privateKey);
  if (Date.parse(cert.validTo) < nowMs) throw new KamenError('ERR_MALFORMED_CERTIFICATE', 'The certificate has expired.');
  if (Date.parse(cert.validFrom) > nowMs) throw new KamenError('ERR_MALFORMED_CERTIFICATE', 'The certificate is not yet valid.');
  if (!cert.checkPrivateKey(key)) throw new KamenError('ERR_KEY_PAIR_MISMATCH', 'Unable to validate certificate. Please ensure the certificate and private key match.');
  if (chain !== undefined) {
    let child = cert;
    for (const parent of parseChain(chain)) {
      if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) {
        throw new KamenError(
          'ERR_MALFORMED_CERTIFICATE',
          'Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order.',
        );
      }
      child = parent;
    }
  }
  return cert;
}

function metadataOut(c: ServerCertificate): Input {
  return { Path: c.path, ServerCertificateName: c.name, ServerCertificateId: c.serverCertificateId, Arn: c.arn, UploadDate: c.uploadDate, Expiration: c.expiration };
}

function tagsOut(c: ServerCertificate): Input {
  return c.tags.length > 0 ? { Tags: c.tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {};
}

/** The server certificate operations. */
export function serverCertificateOperations(): Record<string, Operation> {
  return {
    UploadServerCertificate: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['ServerCertificateName']);
      const path = pathOf(input);
      const chain = input['CertificateChain'] === undefined ? undefined : String(input['CertificateChain']);
      const tags = createTags(input['Tags'], 'sensitive');
      const now = ctx.clock.now();
      const cert = checkServerCertificate(String(input['CertificateBody']), String(input['PrivateKey']), chain, now);
      const record: ServerCertificate = {
        accountId: acct,
        serverCertificateId: uniqueId('ASCA'),
        name,
        path,
        arn: iamArn(acct, 'server-certificate', path, name),
        certificateBody: cert.toString().trim(),
        privateKey: String(input['PrivateKey']),
        uploadDate: new Date(now),
        expiration: new Date(Date.parse(cert.validTo)),
        tags,
      };
      if (chain !== undefined) record.certificateChain = parseChain(chain).map((c) => c.toString().trim()).join('\n');
      await ctx.store.transaction(async () => {
        if (await ctx.store.getServerCertificate(acct, name)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `The Server Certificate with name ${name} already exists.`);
        if ((await ctx.store.listServerCertificates(acct)).length >= SERVER_CERTIFICATES_PER_ACCOUNT) {
          throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for ServerCertificatesPerAccount: ${SERVER_CERTIFICATES_PER_ACCOUNT}`);
        }
        await ctx.store.createServerCertificate(record);
      });
      return { ServerCertificateMetadata: metadataOut(record), ...tagsOut(record) };
    },

    GetServerCertificate: async (ctx, input: Input) => {
      const c = await mustCert(ctx, String(input['ServerCertificateName']));
      const out: Input = { ServerCertificateMetadata: metadataOut(c), CertificateBody: c.certificateBody };
      if (c.certificateChain !== undefined) out['CertificateChain'] = c.certificateChain;
      return { ServerCertificate: { ...out, ...tagsOut(c) } };
    },

    ListServerCertificates: async (ctx, input: Input) => {
      const prefix = pathOf(input, 'PathPrefix');
      const all = (await ctx.store.listServerCertificates(account(ctx))).filter((c) => c.path.startsWith(prefix));
      const page = paginate(all, input);
      return { ServerCertificateMetadataList: page.items.map(metadataOut), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },

    UpdateServerCertificate: async (ctx, input: Input) => {
      const acct = account(ctx);
      await ctx.store.transaction(async () => {
        const c = await mustCert(ctx, String(input['ServerCertificateName']));
        const name = input['NewServerCertificateName'] === undefined ? c.name : String(input['NewServerCertificateName']);
        const path = input['NewPath'] === undefined ? c.path : String(input['NewPath']);
        if (name.toLowerCase() !== c.name.toLowerCase() && (await ctx.store.getServerCertificate(acct, name))) {
          throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `The Server Certificate with name ${name} already exists.`);
        }
        await ctx.store.updateServerCertificate(acct, c.name, { name, path, arn: iamArn(acct, 'server-certificate', path, name) });
      });
      return {};
    },

    DeleteServerCertificate: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const c = await mustCert(ctx, String(input['ServerCertificateName']));
        await ctx.store.deleteServerCertificate(account(ctx), c.name);
      });
      return {};
    },

    ...tagOperations(
      { tag: 'TagServerCertificate', untag: 'UntagServerCertificate', list: 'ListServerCertificateTags' },
      (ctx, input) => mustCert(ctx, String(input['ServerCertificateName'])),
      (ctx, c, tags) => ctx.store.updateServerCertificate(account(ctx), c.name, { tags }),
      'sensitive',
    ),
  };
}
